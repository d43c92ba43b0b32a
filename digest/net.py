"""What every HTTP client of paper-digest shares: how it names itself, how it reads Retry-After.

The LLM client (digest.llm), the arXiv client (digest.sources) and the rate limiter
(digest.limits) all use these, so the same header means the same wait everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

__all__ = ["retry_after", "user_agent"]


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
