"""What every HTTP client of paper-digest shares: how it names itself, how it reads Retry-After,
how it reads a body it cannot trust to be small, how it counts time lost to a service.

The LLM client (digest.llm), the arXiv and Crossref clients (digest.sources) and the rate
limiter (digest.limits) all use these, so the same header means the same wait everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["LostTime", "read_body", "retry_after", "user_agent"]


def user_agent(contact: str | None = None) -> str:
    """The User-Agent of our requests: name, version, purpose, and a contact when given."""
    from .version import __version__

    mailto = f"; mailto:{contact}" if contact else ""
    return f"paper-digest/{__version__} (research-paper summarisation; python-httpx{mailto})"


def retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a response asks to wait: ``retry-after-ms`` (OpenAI) first, then ``retry-after``
    in seconds. None when neither is there or readable (an HTTP date counts as unreadable: the
    caller's own backoff applies), or when the value is negative or not finite."""
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


async def read_body(response: httpx.Response, cap: int) -> bytes | None:
    """The body of a streamed response (``client.stream``), decoded (gzip, ...) as it arrives;
    None, with the rest left unread, once it is past `cap` bytes: a body that announces more,
    or sends or inflates to more. A network read inflates to at most ~1000 times its size."""
    announced = response.headers.get("content-length", "")
    if announced.isdigit() and int(announced) > cap:  # compressed, it would inflate to more
        return None
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class LostTime:
    """Seconds a run may lose to a service that does not answer: its failed attempts and the
    waits between them, each span counted once however many requests overlap it (the length of
    their union, so three lookups waiting out the same back-off cost it once)."""

    budget: float
    spent: float = 0.0
    _counted_to: float = -math.inf  # the end of the latest span counted

    def left(self) -> float:
        return max(0.0, self.budget - self.spent)

    def cost(self, start: float, end: float) -> float:
        """What counting the span [start, end] (clock seconds) would add to what is spent."""
        return max(0.0, end - max(start, self._counted_to))

    def count(self, start: float, end: float) -> None:
        """Count the span [start, end], less what is already counted."""
        self.spent += self.cost(start, end)
        self._counted_to = max(self._counted_to, end)
