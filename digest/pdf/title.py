"""The title: the block of the largest type above the abstract that is not a banner.

Consecutive lines of one size and style, close together, make a block. A block cannot be the
title when it is an article-type label ("Research Article"), an "Abstract ..." label, prose,
or below an e-mail address. Among the rest the largest type wins; a journal's banner (its name,
volume, DOI) or a running head (repeated atop the later pages) loses a step, and a block that
names follow, or that the PDF's own metadata title matches, gains one. A small first line
right above the block ("olmOCR 2" over the rest) is a label that belongs to the title.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from digest.pdf.authors import name_line
from digest.pdf.clean import Vocabulary, join_lines, normalize, strip_marks
from digest.pdf.cues import AFFIL_WORDS, ARTICLE_LABEL, BANNER
from digest.pdf.reader import Line

__all__ = ["TitleBlock", "find_title", "title_text"]

MAX_TITLE_LINES = 5


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
    return _with_label(best[1], lines, body) if best else None


def _blocks(lines: list[Line]) -> list[TitleBlock]:
    """Consecutive lines of one type size and style, close together: a title, a banner..."""
    blocks: list[TitleBlock] = []
    for ln in lines:
        if blocks:
            block = blocks[-1]
            last = block.lines[-1]
            same = abs(ln.size - block.size) <= 0.08 * block.size
            close = 0 < last.y - ln.y <= 2.3 * block.size
            styled = abs(ln.bold - last.bold) < 0.5 and abs(ln.italic - last.italic) < 0.5
            label = ARTICLE_LABEL.match(last.text.strip()) is not None
            if same and close and styled and not label and len(block.lines) < MAX_TITLE_LINES:
                block.lines.append(ln)
                continue
        blocks.append(TitleBlock([ln]))
    return blocks


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
