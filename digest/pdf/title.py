"""The title: the block of the largest type above the abstract that is not a banner.

Consecutive lines of one size and style, close together, make a block. A block cannot be the
title when it is an article-type label ("Research Article"), an "Abstract ..." label, prose,
or below an e-mail address. Among the rest the largest type wins; a journal's banner (its name,
volume, DOI) or a running head (repeated atop the later pages) loses a step, and a block that
names follow, or that the PDF's own metadata title matches, gains one. A small first line
right above the block ("olmOCR 2" over the rest) is a label that belongs to the title, and so
are the lines right under it set smaller but still in display type (a line shrunk to fit, a
subtitle); the byline set in the title's own type, further down, is not.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from digest.pdf.authors import name_line
from digest.pdf.clean import Vocabulary, join_lines, normalize, strip_marks
from digest.pdf.cues import AFFIL_WORDS, ARTICLE_LABEL, BANNER
from digest.pdf.reader import Line

__all__ = ["TitleBlock", "find_title", "left_open", "title_text"]

MAX_TITLE_LINES = 5
# ems of the title's type. Line steps inside the titles of the development corpora are 1.1-1.4;
# a double-spaced manuscript sets them near 2.4, and an empty paragraph between two lines of a
# title typed in a word processor near 2.6-3.0.
LINE_STEP = 2.3  # the widest step between two lines of one block
BLANK_LINE = 3.2  # ...and between two lines in exactly the same type, an empty line apart
LINE_STEP_NAMES = 1.5  # a name line further under the title than this is the byline
SMALLER_TITLE = 0.6  # a line under the title in at least this share of its size may carry it on


@dataclass
class TitleBlock:
    lines: list[Line]

    @property
    def size(self) -> float:
        return max(ln.size for ln in self.lines)

    @property
    def top(self) -> float:
        return self.lines[0].y

    @property
    def bottom(self) -> float:
        return self.lines[-1].y

    @property
    def text(self) -> str:
        return " ".join(ln.text for ln in self.lines)


def find_title(
    lines: list[Line],
    body: float,
    limit_y: float | None,
    pdf_title: str | None,
    running: frozenset[str],
) -> TitleBlock | None:
    low = min(ln.y for ln in lines)
    high = max(ln.y for ln in lines)
    floor = limit_y if limit_y is not None else low + 0.3 * (high - low)
    emails = [ln.y for ln in lines if "@" in ln.text and ln.y > floor]
    if emails:  # e-mail addresses come after the title, never before it
        floor = max(floor, max(emails))
    candidates = [
        ln for ln in lines if ln.y > floor + 0.1 and sum(c.isalpha() for c in ln.text) >= 4
    ]
    best: tuple[float, TitleBlock] | None = None
    for block in _blocks(candidates):
        score = _title_score(block, lines, body, pdf_title, running)
        if score is not None and (best is None or score > best[0]):
            best = (score, block)
    return _with_rest(_with_label(best[1], lines, body), lines, body) if best else None


def _blocks(lines: list[Line]) -> list[TitleBlock]:
    """Consecutive lines of one type size and style, close together: a title, a banner..."""
    blocks: list[TitleBlock] = []
    for ln in lines:
        if blocks and _joins(blocks[-1], ln):
            blocks[-1].lines.append(ln)
        else:
            blocks.append(TitleBlock([ln]))
    return blocks


def _joins(block: TitleBlock, ln: Line) -> bool:
    """Whether `ln` carries on the block: the same type, a line step down (or an empty line
    down, in exactly the same type), and not the byline set in the title's type ("JOHN SMITH
    AND MARY JONES" under an old journal's title), which stands further off than a line step
    of the title."""
    last = block.lines[-1]
    gap = last.y - ln.y
    same = abs(ln.size - block.size) <= 0.08 * block.size
    styled = abs(ln.bold - last.bold) < 0.5 and abs(ln.italic - last.italic) < 0.5
    label = ARTICLE_LABEL.match(last.text.strip()) is not None
    if not (same and styled) or label or len(block.lines) >= MAX_TITLE_LINES:
        return False
    if not 0 < gap <= BLANK_LINE * block.size:
        return False
    if gap > LINE_STEP * block.size and (
        abs(ln.size - last.size) > 0.1 or BANNER.search(ln.text) or name_line(ln)
    ):
        return False  # an empty line down: only the title's own words, in exactly its type
    step = block.lines[-2].y - last.y if len(block.lines) > 1 else LINE_STEP_NAMES * block.size
    return gap <= min(step * 1.25, LINE_STEP_NAMES * block.size) or not _byline(ln)


def _byline(line: Line) -> bool:
    """Names of several people, or a name after "By": a title's last line may read as one
    name ("Prediction Models"), hardly as a list of them."""
    names = name_line(line)
    return len(names) >= 2 or (bool(names) and re.match(r"(?i)by\s", line.text) is not None)


def _with_label(block: TitleBlock, lines: list[Line], body: float) -> TitleBlock:
    """The title with a first line set smaller right above it ("olmOCR 2" over the rest)."""
    above = [ln for ln in lines if block.top < ln.y <= block.top + 3 * block.size]
    if not above:
        return block
    prev = above[-1]
    label = re.sub(r"\W+", "", prev.text.casefold())
    if label and label in re.sub(r"\W+", "", block.text.casefold()):
        return block  # a series banner the title repeats: "ADVOCACY IN ACTION" over "Advocacy..."
    if (
        prev.size >= 0.55 * block.size
        and prev.size > 1.25 * body
        and len(prev.text.split()) <= 8
        and not BANNER.search(prev.text)
        and not ARTICLE_LABEL.match(prev.text.strip())
    ):
        return TitleBlock([prev, *block.lines])
    return block


# what a short line under a title says the document is, not what it is about
_DOCUMENT_KIND = re.compile(
    r"(?i)\b(?:abstract|supplement\w*|appendix|draft|version|report|preprint|thesis"
    r"|dissertation|talk|poster|notes?|camera[- ]ready|under review|working paper)\b"
)
_OPEN_END = re.compile(r"(?i)(?:[:—–-]|\b(?:of|in|for|and|or|the|a|an|to|on|with|via|by|from))$")


def _with_rest(block: TitleBlock, lines: list[Line], body: float) -> TitleBlock:
    """The title with the lines under it set smaller but still in display type: a second line
    shrunk to fit, a subtitle. Such a line stands a title's line step under the block, in the
    title's weight (or carries on a line that ends open: "...of", "Title:"), and is not the
    byline, an address or a banner."""
    while len(block.lines) < MAX_TITLE_LINES:
        last = block.lines[-1]
        under = next((ln for ln in lines if ln.y < last.y - 0.1), None)
        if under is None or not _rest_of_title(block, last, under, body):
            return block
        block = TitleBlock([*block.lines, under])
    return block


def _rest_of_title(block: TitleBlock, last: Line, ln: Line, body: float) -> bool:
    text = ln.text.strip()
    display = SMALLER_TITLE * block.size <= ln.size < 0.92 * block.size and ln.size > 1.15 * body
    close = last.y - ln.y <= LINE_STEP_NAMES * block.size and ln.x1 > last.x and ln.x < last.x1
    weight = abs(ln.bold - last.bold) < 0.5 or _OPEN_END.search(last.text.strip()) is not None
    if not (display and close and weight) or "@" in text or sum(map(str.isalpha, text)) < 4:
        return False
    address = AFFIL_WORDS.search(text) is not None and ("," in text or len(text.split()) <= 4)
    tag = _DOCUMENT_KIND.search(text) is not None and len(text.split()) <= 4
    banner = BANNER.search(text) or ARTICLE_LABEL.match(text)
    return not (address or tag or banner or name_line(ln))


def left_open(block: TitleBlock, lines: list[Line]) -> bool:
    """Whether the title as read stops short: its last line ends open ("...Networks of", a
    colon, a hyphen), or the line under it, in the title's display type, has no letters to
    read (glyphs the text layer does not map: the second line reads empty)."""
    if _OPEN_END.search(block.lines[-1].text.strip()):
        return True
    last = block.lines[-1]
    under = next((ln for ln in lines if ln.y < last.y - 0.1), None)
    if under is None or last.y - under.y > LINE_STEP * block.size:
        return False
    letters = sum(c.isalpha() for c in under.text)
    return under.size >= SMALLER_TITLE * block.size and letters < 0.5 * len(under.text.strip())


def _title_score(
    block: TitleBlock,
    lines: list[Line],
    body: float,
    pdf_title: str | None,
    running: frozenset[str],
) -> float | None:
    """How much the block looks like the title (None: it cannot be)."""
    text = block.text
    bold = sum(ln.bold for ln in block.lines) / len(block.lines)
    if block.size < 1.08 * body and not (bold > 0.5 and block.size >= body):
        return None
    words = text.split()
    if len(words) < 2 and len(text) < 6:
        return None
    if ARTICLE_LABEL.match(text) or "@" in text or re.match(r"(?i)^abstract\b", text):
        return None
    repeats = any(
        re.sub(r"\d+", "#", " ".join(ln.text.split())).lower() in running for ln in block.lines
    )
    if len(words) > 30 or (text.rstrip().endswith(".") and len(words) > 14):
        return None  # prose, not a title
    score = block.size / body + 0.3 * bold
    if BANNER.search(text) or repeats:  # a journal's banner, a running head
        score -= 1.0
    if text == text.lower():
        score -= 0.5
    if AFFIL_WORDS.search(text) and len(words) <= 5:
        score -= 0.4  # "Tilburg University" over a cover sheet
    if _names_follow(block, lines):
        score += 0.25
    if pdf_title and _similar(pdf_title, text) >= 0.9:
        score += 1.0
    return score


def _names_follow(block: TitleBlock, lines: list[Line]) -> bool:
    """Whether a name line comes within a few lines under (or over) the block."""
    below = [ln for ln in lines if ln.y < block.bottom - 0.1][:4]
    above = [ln for ln in lines if ln.y > block.top + 0.1][-2:]
    return any(name_line(ln) for ln in below + above)


def _similar(a: str, b: str) -> float:
    def key(s: str) -> str:
        return " ".join(re.sub(r"[^\w\s]", " ", s.casefold()).split())

    return difflib.SequenceMatcher(None, key(a), key(b), autojunk=False).ratio()


def title_text(block: TitleBlock, vocab: Vocabulary) -> str:
    texts = [ln.text for ln in block.lines]
    first = block.lines[0]
    if (
        len(block.lines) >= 2
        and first.max_size < 0.9 * block.lines[1].max_size
        and first.text.rstrip()[-1:].isalnum()
        and len(first.text.split()) <= 4
    ):  # "olmOCR 2" set smaller over the rest: a label and a title
        texts[0] = texts[0].rstrip() + ":"
    parts: list[str] = []
    for text in texts:
        text = normalize(text).strip()
        if parts and not parts[-1].endswith("-"):
            parts.append(" ")
        parts.append(text)
    joined = join_lines(["".join(parts)], vocab)
    return strip_marks(joined).strip(" .*")
