"""Institutions: one name per institution, and how two lists of them compare.

merge_institutions  distinct names in first-seen order, stray repeats collapsed
compare             an LLM's institutions against the parser's candidates -> Disagreement

Every stage that handles institution names (extract, checks, offline, pipeline) uses these, so
"the same institution" means one thing everywhere. A Disagreement is data; its `flags()` word it
for the JSON record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .strings import match_key, one_line

__all__ = ["Disagreement", "compare", "merge_institutions", "same_institution"]

_REPEAT = re.compile(r"\b(\w[\w&.' -]*?\w)(?:[\s,]+\1\b)+", re.IGNORECASE)
_THE = re.compile(r"^the\s+", re.IGNORECASE)


def merge_institutions(names: Iterable[str]) -> list[str]:
    """Distinct institution names in first-seen order, stray repeats collapsed.

    "NVIDIA NVIDIA" becomes "NVIDIA"; "The University of X" and "University of X" count once.
    """
    seen: dict[str, str] = {}
    for raw in names:
        name = _REPEAT.sub(r"\1", one_line(raw)).strip(" ,;")
        key = match_key(_THE.sub("", name))
        if key and key not in seen:
            seen[key] = name
    return list(seen.values())


def same_institution(a: str, b: str) -> bool:
    """Whether two names can be the same institution: one contains the other once case,
    spacing and punctuation are ignored ("University of Washington" is in "Paul G. Allen
    School ..., University of Washington")."""
    ka, kb = match_key(a), match_key(b)
    return bool(ka and kb) and (ka in kb or kb in ka)


@dataclass(frozen=True)
class Disagreement:
    """Where an LLM's institutions and the parser's candidates part ways."""

    added: tuple[str, ...] = ()  # named by the LLM, matching no candidate
    dropped: tuple[str, ...] = ()  # candidates the LLM left out

    def __bool__(self) -> bool:
        return bool(self.added or self.dropped)

    def flags(self) -> list[str]:
        """The disagreement in words, for the JSON record's `institution_flags`."""
        flags = []
        if self.added:
            flags.append(
                "LLM institutions not among the parser's candidates: " + "; ".join(self.added)
            )
        if self.dropped:
            flags.append("parser candidates the LLM left out: " + "; ".join(self.dropped))
        return flags


def compare(llm: Sequence[str], candidates: Sequence[str]) -> Disagreement:
    """The LLM's institutions against the parser's candidates. Nothing disagrees when the parser
    found no candidates (there is nothing to hold the LLM's names against)."""
    if not candidates:
        return Disagreement()
    added = [n for n in llm if not any(same_institution(n, c) for c in candidates)]
    dropped = [c for c in candidates if not any(same_institution(c, n) for n in llm)]
    return Disagreement(tuple(added), tuple(dropped))
