"""Token counting with tiktoken: the model's encoding, else o200k_base.

When the encoding cannot be loaded (tiktoken downloads it on first use, which fails offline),
counts fall back to an approximation, announced once: one token per CJK character plus one per 4
other characters, rounded up, which overestimates English text by roughly 10-25% and so stays
inside any budget. tiktoken is imported when the first counter is asked for, not before.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

__all__ = [
    "DEFAULT_ENCODING",
    "TokenCounter",
    "approximate_tokens",
    "forget_counters",
    "get_counter",
]

log = logging.getLogger(__name__)

DEFAULT_ENCODING = "o200k_base"
_WARNED: list[str] = []  # encodings that could not be loaded (warned about once)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens of one encoding; `approximate` when tiktoken was unavailable."""

    encoding: str
    count: Callable[[str], int]
    approximate: bool = False


def approximate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / 4)


@cache
def get_counter(model: str, encoding: str | None = None) -> TokenCounter:
    """The counter for a model: its own tiktoken encoding if known, else o200k_base.

    Cached, so a failing load is tried, and warned about, once per process.
    """
    import tiktoken

    name = encoding
    if name is None:
        try:
            name = tiktoken.encoding_name_for_model(model)
        except KeyError:
            name = DEFAULT_ENCODING
    try:
        enc = tiktoken.get_encoding(name)
    except Exception as err:  # network, cache dir, unknown name: never fatal
        log.log(
            logging.WARNING if not _WARNED else logging.DEBUG,  # once per process, not per model
            "tiktoken encoding %s unavailable (%s); counting tokens approximately "
            "(1 per CJK character + 1 per 4 other characters). Set TIKTOKEN_CACHE_DIR to a "
            "folder holding the encoding to count exactly.",
            name,
            type(err).__name__,
        )
        _WARNED.append(name)
        return TokenCounter(encoding=name, count=approximate_tokens, approximate=True)
    return TokenCounter(
        encoding=name, count=lambda text: len(enc.encode(text, disallowed_special=()))
    )


def forget_counters() -> None:
    """Load the encodings again on the next get_counter, and warn again (for tests)."""
    get_counter.cache_clear()
    _WARNED.clear()
