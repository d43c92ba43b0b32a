"""Fuzzy matching of parsed headers against ground truth (used by tests and the benchmark)."""

from __future__ import annotations

import difflib
import re
import unicodedata

TITLE_MIN = 0.9
ABSTRACT_MIN = 0.9


def norm(text: str | None) -> str:
    """Case-fold, NFKC, unify quotes/dashes and collapse whitespace for comparison."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return " ".join(text.split())


def ratio(got: str | None, expected: str | None) -> float:
    """difflib similarity of the normalised strings (1.0 = identical)."""
    return difflib.SequenceMatcher(None, norm(got), norm(expected), autojunk=False).ratio()


def title_match(got: str | None, expected: str | None) -> bool:
    return ratio(got, expected) >= TITLE_MIN


def abstract_ratio(got: str | None, expected: str | None) -> float:
    return ratio(got, expected)


__all__ = ["ABSTRACT_MIN", "TITLE_MIN", "abstract_ratio", "norm", "ratio", "title_match"]
