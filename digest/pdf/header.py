"""Title, authors, affiliations and abstract from the lines of the first page(s).

The title is the largest text near the top of page 1 (its lines joined with a space). The
lines between title and abstract are the author block: name lines first, then affiliations,
e-mails and addresses. The abstract starts at an "Abstract" heading (or, failing that, is the
first paragraph after the author block) and stops at "Keywords", "Index Terms", "CCS Concepts",
the introduction heading, or where the font size or left margin changes.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass, field

from digest.pdf.affiliations import affiliations_elsewhere, read_affiliations
from digest.pdf.clean import (
    Vocabulary,
    clean_paragraph,
    is_noise_line,
    join_lines,
    normalize,
    strip_marks,
)
from digest.pdf.cues import ABSTRACT_HEAD, ABSTRACT_STOP, AFFIL_WORDS, INTRO_HEAD, find_line
from digest.pdf.names import read_authors
from digest.pdf.reader import MARK_SEP, Line

__all__ = ["Header", "abstract_heading_on", "parse_header"]

log = logging.getLogger(__name__)


@dataclass
class Header:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    abstract: str = ""
    warnings: list[str] = field(default_factory=list)
    affiliations_elsewhere: bool = False  # not under the names: page 2 may list them all


def parse_header(page1: list[Line], page2: list[Line], vocab: Vocabulary) -> Header:
    """Read the header fields from the first two pages' lines."""
    head = Header()
    lines = [ln for ln in page1 if not is_noise_line(ln.text) and ln.text.strip()]
    abs_at = find_line(lines, ABSTRACT_HEAD)
    limit = abs_at if abs_at is not None else min(len(lines), 40)
    sizes = sorted(ln.size for ln in lines) or [0.0]
    t_start, t_end = _title_span(lines[:limit] or lines[:40], sizes[len(sizes) // 2])
    if t_end > t_start:
        texts = [ln.text for ln in lines[t_start:t_end]]
        if _two_tier(lines[t_start:t_end]):  # "olmOCR 2" set over the rest: a label and a title
            texts[0] = texts[0].rstrip() + ":"
        head.title = _clean_title(texts, vocab)
    else:
        head.warnings.append("no title found on page 1")
    block = lines[t_end:limit] if t_end else lines[:limit]
    head.authors, author_end = read_authors(block)
    if not head.authors and t_start > 0:  # names printed above the title
        head.authors = read_authors(lines[max(0, t_start - 4) : t_start])[0]
    head.affiliations = read_affiliations(block[author_end:])
    if not head.affiliations:  # printed at the page end or in an "Author details" section
        head.affiliations = affiliations_elsewhere(lines, page2)
        head.affiliations_elsewhere = True
    if abs_at is not None:
        head.abstract = _abstract_from(lines, abs_at, vocab)
    else:
        at2 = find_line(page2[:40], ABSTRACT_HEAD)
        if at2 is not None:
            head.abstract = _abstract_from(page2, at2, vocab)
        else:
            head.abstract = _abstract_unlabelled(lines, t_end + author_end, vocab)
    if not head.authors and page2 and abs_at is None and find_line(page2[:40], ABSTRACT_HEAD):
        second = parse_header(page2, [], vocab)  # page 1 is a cover page: no names, no abstract
        if second.title and second.authors and second.abstract:
            second.warnings.append("header read from page 2 (page 1 looks like a cover page)")
            return second
    if not head.abstract:
        head.warnings.append("no abstract found on pages 1-2")
    if not head.authors:
        head.warnings.append("no author names found on page 1")
    return head


def abstract_heading_on(page: list[Line]) -> bool:
    """Whether an "Abstract" heading is on this page (else the header reader also needs page 2)."""
    return find_line(page, ABSTRACT_HEAD) is not None


def _title_span(lines: list[Line], body: float) -> tuple[int, int]:
    """The first run of consecutive lines set in (nearly) the largest font of the header."""
    if not lines:
        return 0, 0
    low, high = min(ln.y for ln in lines), max(ln.y for ln in lines)
    top = [
        ln for ln in lines
        if sum(c.isalpha() for c in ln.text) >= 4 and ln.y >= low + 0.45 * (high - low)
    ]  # fmt: skip
    if not top:
        return 0, 0
    biggest = max(ln.max_size for ln in top)
    start = next(i for i, ln in enumerate(lines) if ln in top and ln.max_size >= 0.9 * biggest)
    end = start + 1
    if start > 0:  # a first title line set smaller than the second ("olmOCR 2" over the rest)
        prev = lines[start - 1]
        if (
            prev.max_size >= 0.55 * biggest
            and prev.max_size > 1.25 * body
            and len(prev.text.split()) <= 8
            and 0 < prev.y - lines[start].y < 3 * biggest
        ):
            start -= 1
    while end < len(lines) and (
        lines[end].max_size >= 0.9 * biggest or not lines[end].text.strip(MARK_SEP + " ")
    ):
        end += 1
    return start, min(end, start + 4)


def _two_tier(title: list[Line]) -> bool:
    """A title whose first line is set clearly smaller than the next, with no punctuation
    between them: the first line is a short label (a system name) that reads "label: title"."""
    return (
        len(title) >= 2
        and title[0].max_size < 0.9 * title[1].max_size
        and title[0].text.rstrip()[-1:].isalnum()
        and len(title[0].text.split()) <= 4
    )


def _clean_title(texts: list[str], vocab: Vocabulary) -> str:
    parts: list[str] = []
    for text in texts:
        text = normalize(text).strip()
        if parts and not parts[-1].endswith("-"):
            parts.append(" ")
        parts.append(text)
    joined = join_lines(["".join(parts)], vocab)
    return strip_marks(joined).strip(" .")


# --- abstract -----------------------------------------------------------------------------


def _abstract_from(lines: list[Line], at: int, vocab: Vocabulary) -> str:
    m = ABSTRACT_HEAD.match(lines[at].text.strip())
    first = m.group(1).strip() if m else ""
    body = lines[at + 1 :]
    taken = _take_paragraph(body, first_inline=bool(first))
    texts = ([first] if first else []) + [ln.text for ln in taken]
    return clean_paragraph(texts, vocab)


def _take_paragraph(body: list[Line], first_inline: bool = False) -> list[Line]:
    """Lines of one block: stops at stop headings, a change of font size or of left margin."""
    taken: list[Line] = []
    ref = next((ln for ln in body[:3] if len(ln.text) > 30), body[0] if body else None)
    if ref is None:
        return taken
    left = min((ln.x for ln in body[:4] if ln.page == ref.page), default=ref.x)
    steps = [a.y - b.y for a, b in itertools.pairwise(body[:6]) if 0 < a.y - b.y < 4 * ref.size]
    step = sorted(steps)[len(steps) // 2] if steps else 1.5 * ref.size
    for ln in body:
        if taken and ln.page == taken[-1].page and taken[-1].y - ln.y > 2.2 * step:
            break
        text = ln.text.strip()
        if ABSTRACT_STOP.match(text) or INTRO_HEAD.match(text) or is_noise_line(text):
            if taken or not is_noise_line(text):
                break
            continue
        if abs(ln.size - ref.size) > 0.1 * ref.size:
            if len(text) > 3:
                break
            continue
        if ln.page == ref.page and ln.x < left - 8 and taken:
            break
        taken.append(ln)
        if len(taken) > 80:
            break
    return taken


def _abstract_unlabelled(lines: list[Line], start: int, vocab: Vocabulary) -> str:
    """No heading: the first substantial block after the author block, before the introduction."""
    i = start
    while i < len(lines) and (
        len(lines[i].text) < 40 or "@" in lines[i].text or AFFIL_WORDS.search(lines[i].text)
    ):
        i += 1
    taken = _take_paragraph(lines[i:])
    text = clean_paragraph([ln.text for ln in taken], vocab)
    return text if len(text) >= 200 else ""
