"""The method: what the paper says it proposes, its name first when it has one."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .cues import LEAD_ARTICLE, PROPOSE
from .sentences import Sentence, trim

__all__ = ["METHOD_MAX", "method", "title_name"]

METHOD_MAX = 120

_EMPLOY = re.compile(
    r"\b(?:our|the) (?:proposed )?(?:approach|method|framework|model|pipeline|system|solution)"
    r" (?:employs|uses|leverages|adopts|builds (?:up)?on|is built (?:up)?on|is based on)\s+",
    re.I,
)
_NAME = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z]+[A-Z][\w-]*|[a-z]+[A-Z]{2,}[\w-]*|[A-Z]{2,}[\w-]*|"
    r"[A-Z][\w]*-[A-Z0-9][\w-]*|[A-Z][A-Za-z]*\d[\w-]*)(?![\w-])"
)
_TITLE_WORDS = re.compile(r"(?:[A-Z][\w-]*\s+){1,4}[A-Z][\w-]*(?=[\s,(]|$)")
_ACRONYM_DEF = re.compile(r"\(([A-Z][\w-]*[A-Z][\w-]*)\)")
_METHOD_STOP = re.compile(
    r",?\s+(?:and|then)\s+(?:we\s+)?(?:develop|show|demonstrate|evaluate|release|outline|"
    r"report|validate|conduct|provide|apply)s?\b|,\s*(?:achieving|yielding|resulting in|"
    r"leading to|outperforming|improving|reaching)\b|\.\s|$",
    re.I,
)
_PLAIN_VERBS = ("describe", "describes", "described", "present", "presents", "presented")
_WEAK_OBJECT = re.compile(
    r"^(?:the (?:problem|task|first|results?)|(?:an?|our) (?:analysis|study)|"
    r"results|experiments|evidence|several|two|three)\b",
    re.I,
)


def _name_in(phrase: str, title: str) -> tuple[bool, bool]:
    """(the phrase opens with or defines a name, that name also occurs in the title)."""
    head = " ".join(phrase.split()[:8])
    names = [m.group(0) for m in _NAME.finditer(head)] + _ACRONYM_DEF.findall(phrase[:140])
    titled = _TITLE_WORDS.match(phrase)
    if titled:
        names.append(titled.group(0))
    in_title = any(
        n.casefold().replace("-", "") in title.casefold().replace("-", "") for n in names
    )
    return bool(names), in_title


def _method_candidates(sentences: list[Sentence], title: str) -> Iterator[tuple[float, str]]:
    for s in sentences:
        for pattern, base in ((PROPOSE, 6.0), (_EMPLOY, 3.0)):
            m = pattern.search(s.text)
            if not m:
                continue
            rest = s.text[m.end() :]
            stop = _METHOD_STOP.search(rest)
            raw = rest[: stop.start() if stop else len(rest)].strip()
            obj = LEAD_ARTICLE.sub("", raw)
            if len(obj) < 4:
                continue
            named, in_title = _name_in(obj, title)
            if pattern is _EMPLOY and not _NAME.match(obj):
                continue  # "our method uses X" only tells the method when X is a name
            if pattern is PROPOSE and m.group(0).rstrip().casefold().endswith(_PLAIN_VERBS):
                base -= 2  # "we describe/present ..." is a weaker claim than "we propose ..."
            score = base + 3 * named + 2 * in_title - 4 * bool(_WEAK_OBJECT.match(raw))
            score -= 2 * s.source + 0.05 * s.index
            yield score, obj
    subject = title_name(title)
    if subject:
        defining = re.compile(rf"^{re.escape(subject)}\s+(?:is|are)\s+(?:an?|the)\s+", re.I)
        for s in sentences:
            m = defining.match(s.text)
            if m:
                yield 7.0 - 2 * s.source, f"{subject}, {s.text[m.end() - 2 :].strip()}"


def title_name(title: str) -> str:
    """The name a title gives its subject: the part before a colon when it is short."""
    head, sep, _ = title.partition(":")
    if sep and len(head.split()) <= 5:
        return head.strip()
    return ""


def method(sentences: list[Sentence], title: str) -> str:
    best = max(_method_candidates(sentences, title), key=lambda c: c[0], default=None)
    if best is not None:
        phrase = trim(best[1], METHOD_MAX)
        if phrase:
            return phrase
    return trim(title_name(title) or title, METHOD_MAX)
