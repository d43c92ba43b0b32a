"""Reading the endpoint's token counts: the one place both the rate limiter (digest.limits)
and a paper's Usage (digest.llm.answer) read an answer's ``usage``.

A count is the endpoint's word, not ours: it may be text ("900"), a float (900.0), or
something no request can cost (``"12a"``, -5, 10^12). :func:`read_usage` never raises and
never throws an answer away: it keeps what is a plausible count, and names what is not, so the
run can say once that the endpoint's counts were ignored instead of showing a clean $0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MOST_TOKENS", "Counted", "read_usage"]

# No single request counts more: the largest context windows hold ~10^7 tokens, and a request
# of this tool is a few thousand. A larger count is a broken server's, not a bill.
MOST_TOKENS = 10**8
_DIGITS = len(str(MOST_TOKENS))  # longer text is no count (and int() of it may refuse)
_FIELDS = ("prompt_tokens", "completion_tokens", "total_tokens")


@dataclass(frozen=True)
class Counted:
    """What one answer's usage says, as far as it can be believed."""

    prompt_tokens: int = 0  # 0 when absent or implausible
    completion_tokens: int = 0
    total_tokens: int | None = None  # what the rate limiter counts; None: no usable count
    implausible: str | None = None  # the first count that cannot be right, as sent

    @property
    def ignored(self) -> bool:
        """Whether the endpoint sent a count that was not taken (named in `implausible`)."""
        return self.implausible is not None


def read_usage(usage: Any) -> Counted:
    """The counts of a chat completion's ``usage`` object, whatever shape it came in. A count
    that is absent (or null) is 0 and not a problem; one present but not a plausible number of
    tokens is 0 too, and named in `implausible`."""
    if usage is None:
        return Counted()
    if not isinstance(usage, dict):
        return Counted(implausible=f"usage {_shown(usage)}")
    counts: dict[str, int | None] = {}
    implausible = None
    for name in _FIELDS:
        value = usage.get(name)
        counts[name] = _tokens(value)
        if value is not None and counts[name] is None and implausible is None:
            implausible = f"{name} {_shown(value)}"
    prompt, completion, total = (counts[name] for name in _FIELDS)
    if total is None and prompt is not None and completion is not None:
        total = prompt + completion
    return Counted(prompt or 0, completion or 0, total, implausible)


def _tokens(value: Any) -> int | None:
    """A plausible count of tokens, else None."""
    if isinstance(value, str) and value.strip().isdigit() and len(value) <= _DIGITS:
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MOST_TOKENS:
        return value
    return None


def _shown(value: Any) -> str:
    """A count as the endpoint sent it, short enough for one line."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
