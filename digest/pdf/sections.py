"""Split the body into top-level sections by their headings and map each to a kind.

Headings are lines set at least at body size that read like "1 Introduction", "2. Related
Work", "III. METHOD" (numbers follow each other, skipping at most one missed heading) or a
known unnumbered heading
("Conclusion", "Conclusions and Future Work"). "References"/"Bibliography" ends the body.
"""

from __future__ import annotations

import re
from collections import Counter

from digest.paper import Section, SectionKind
from digest.pdf.clean import Vocabulary, clean_paragraph, collapse_ws, normalize
from digest.pdf.reader import Line

_NUMBERED = re.compile(r"^(?P<num>\d{1,2}|[IVX]{1,6})(?:\.\s*|\s+)(?P<title>[A-Z][^.]{2,80})$")
_KNOWN = re.compile(
    r"^(?:introduction|background|related work|related works|preliminaries|methods?|methodology"
    r"|approach|model|experiments?|experimental (?:setup|results)|results|evaluation|discussion"
    r"|conclusions?|conclusions? and (?:future work|outlook|discussion)|summary"
    r"|discussion and conclusions?|limitations|acknowledge?ments|references|bibliography"
    r"|materials and methods|results and discussion|future work)$",
    re.IGNORECASE,
)
REFERENCES = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,6})\.?\s*)?(?:references|bibliography|literature cited|works cited)$",
    re.IGNORECASE,
)
_KINDS: list[tuple[SectionKind, re.Pattern[str]]] = [
    ("introduction", re.compile(r"\bintroduction\b", re.I)),
    ("conclusion", re.compile(r"\b(?:conclu\w*|summary|concluding)\b", re.I)),
    ("experiments", re.compile(
        r"\b(?:experiment\w*|evaluation|results|empirical|benchmark\w*)\b", re.I
    )),
    ("method", re.compile(
        r"\b(?:method\w*|approach|model\w*|architecture|framework|proposed|design|system"
        r"|algorithm\w*)\b",
        re.I,
    )),
]  # fmt: skip
_ROMAN = {"I": 1, "V": 5, "X": 10}


def section_kind(heading: str) -> SectionKind:
    """Map a heading's text to one of the five kinds."""
    for kind, pattern in _KINDS:
        if pattern.search(heading):
            return kind
    return "other"


def body_size(lines: list[Line]) -> float:
    """The font size most text is set in."""
    weights: Counter[float] = Counter()
    for ln in lines:
        weights[ln.size] += len(ln.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def is_references(line: Line) -> bool:
    return REFERENCES.match(line.text.strip()) is not None


def split_sections(lines: list[Line], vocab: Vocabulary) -> list[Section]:
    """Top-level sections of ``lines`` (the body, in reading order), up to the references."""
    size = body_size(lines)
    widths = sorted(len(ln.text) for ln in lines if ln.size == size) or [80]
    short = 0.75 * widths[len(widths) // 2]  # a heading is shorter than a full text line
    sections: list[tuple[str, list[str]]] = []
    expected: int | None = None
    for ln in lines:
        text = ln.text.strip()
        if is_references(ln) and ln.size >= 0.9 * size:
            break
        heading, number = _heading(text)
        # Numbers follow each other; one missed heading may be skipped over, not more.
        in_order = number is None or expected is None or expected <= number <= expected + 1
        # A heading is shorter than a full text line, unless its larger font already says so.
        fits = len(text) <= max(short, 25) or ln.size >= 1.08 * size
        if heading and ln.size >= 0.95 * size and in_order and fits:
            if number is not None:
                expected = number + 1
            sections.append((heading, []))
            continue
        if sections:
            sections[-1][1].append(text)
    return [
        Section(
            kind=section_kind(heading),
            heading=collapse_ws(normalize(heading)),
            text=clean_paragraph(body, vocab),
        )
        for heading, body in sections
    ]


def _heading(text: str) -> tuple[str | None, int | None]:
    if len(text) > 90:
        return None, None
    m = _NUMBERED.match(text)
    if m:
        title = m.group("title").strip()
        words = title.split()
        letters = sum(c.isalpha() for c in title)
        compact = len(title.replace(" ", ""))
        if len(words) <= 10 and letters >= 0.7 * compact and not title.endswith((",", "-")):
            return f"{m.group('num')} {title}", _number(m.group("num"))
    bare = text.strip().rstrip(":.")
    if _KNOWN.match(bare):
        return bare, None
    return None, None


def _number(num: str) -> int:
    if num.isdigit():
        return int(num)
    total, prev = 0, 0
    for ch in reversed(num):
        val = _ROMAN[ch]
        total += -val if val < prev else val
        prev = max(prev, val)
    return total
