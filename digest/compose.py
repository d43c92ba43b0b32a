"""Compose: the one-paragraph Chinese brief, assembled by code so its form never drifts.

    {机构}发布了《{title}》论文，使用{method}，解决了{problem}，达成了{result}的效果。

The LLM (or, later, the offline engine) only fills the three phrases and the institutions; the
frame, the punctuation and the full original title inside 《》 come from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .models import Institution, PaperFacts

__all__ = [
    "BRIEF_TEMPLATE",
    "compose_brief",
    "institution_disagreements",
    "merge_institutions",
    "one_line",
]

BRIEF_TEMPLATE = "{who}发布了《{title}》论文，使用{method}，解决了{problem}，达成了{result}的效果。"
NO_INSTITUTION = "相关研究机构"
MAX_NAMED = 3

_REPEAT = re.compile(r"\b(\w[\w&.' -]*?\w)(?:[\s,]+\1\b)+", re.IGNORECASE)


def one_line(text: str) -> str:
    return " ".join(text.split())


def merge_institutions(names: Iterable[str]) -> list[str]:
    """Distinct institution names in first-seen order, stray repeats collapsed.

    "NVIDIA NVIDIA" becomes "NVIDIA"; "The University of X" and "University of X" count once.
    """
    seen: dict[str, str] = {}
    for raw in names:
        name = _REPEAT.sub(r"\1", one_line(raw)).strip(" ,;")
        key = re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", re.sub(r"^the\s+", "", name.casefold()))
        if key and key not in seen:
            seen[key] = name
    return list(seen.values())


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z\u4e00-\u9fff]", "", name.casefold())


def institution_disagreements(llm: list[str], candidates: list[str]) -> list[str]:
    """Where the LLM's institutions and the parser's candidates part ways, in words.

    A name matches a candidate when either contains the other once case and punctuation are
    ignored ("University of Washington" is in "Paul G. Allen School ..., University of
    Washington"). Nothing is flagged when the parser found no candidates.
    """
    if not candidates:
        return []
    keys = [_key(c) for c in candidates]
    names = [_key(n) for n in llm]

    def matches(a: str, b: str) -> bool:
        return bool(a and b) and (a in b or b in a)

    added = [n for n, k in zip(llm, names, strict=True) if not any(matches(k, c) for c in keys)]
    dropped = [
        c for c, k in zip(candidates, keys, strict=True) if not any(matches(k, n) for n in names)
    ]
    flags = []
    if added:
        flags.append("LLM institutions not among the parser's candidates: " + "; ".join(added))
    if dropped:
        flags.append("parser candidates the LLM left out: " + "; ".join(dropped))
    return flags


def _who(institutions: list[Institution]) -> str:
    names = merge_institutions((i.name_zh or i.name) for i in institutions)
    if not names:
        return NO_INSTITUTION
    if len(names) > MAX_NAMED:
        return "、".join(names[:MAX_NAMED]) + "等机构"
    return "、".join(names)


def compose_brief(title: str, facts: PaperFacts) -> str:
    """The brief paragraph: Chinese, one line, the full title in 《》."""
    clean_title = one_line(title).replace("《", "〈").replace("》", "〉")
    return BRIEF_TEMPLATE.format(
        who=_who(facts.institutions),
        title=clean_title,
        method=one_line(facts.method),
        problem=one_line(facts.problem),
        result=one_line(facts.result),
    )
