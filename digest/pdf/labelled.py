"""The labelled abstract: from its heading down its column, and on where the page carries it.

The abstract is read from its heading ("Abstract", "ABSTRACT", run in as "Abstract—We ...")
down its column (abstract.read_block). The page may carry it on:

- beside the heading: a side heading in the margin, the text starting on its baseline;
- past a blank line: more paragraphs in the same type, when a heading or keywords end them
  (the body's first paragraph is followed by more body, not by a heading);
- at the top of the next column, or of the next page, when the text stops unfinished (no full
  stop) at the column's or the page's foot and goes on there, in the same type, mid-sentence;
  and at the top of the next page when the heading is the last line of its page.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence

from digest.pdf.abstract import Block, ends_sentence, read_block
from digest.pdf.clean import Vocabulary, clean_paragraph, is_noise_line
from digest.pdf.cues import ABSTRACT_HEAD, lowercase_share
from digest.pdf.reader import Line

__all__ = ["labelled_abstract"]

MAX_PARAGRAPHS = 4  # an abstract's paragraphs read past blank lines
SIDE_GAP = 4.0  # ems of the heading's size: text starting this close beside it is its text


def labelled_abstract(
    lines: Sequence[Line], at: int, vocab: Vocabulary, next_page: Sequence[Line] = ()
) -> tuple[str, bool]:
    """The abstract under (or run in after, or beside) the heading lines[at], and whether it
    runs off unfinished: it stops mid-sentence where nothing (no heading, no keywords) ends it,
    and `next_page` (when given) does not carry it on."""
    head = lines[at]
    match = ABSTRACT_HEAD.match(head.text.strip())
    run_in = match.group(1).strip() if match else ""
    beside = None if run_in else _beside(lines, head)
    if beside is not None:  # a side heading: the text's own column, from the heading's line
        block = read_block(lines, _index(lines, beside), include_first=True, column_of=beside)
    else:
        block = read_block(lines, at, include_first=False, column_of=head)
    block = _paragraphs(lines, block)
    texts = ([run_in] if run_in else []) + block.text_lines
    if not texts:  # the heading ends the page: the abstract opens the next one
        texts = _opened(next_page)
        return clean_paragraph(texts, vocab), not texts
    cut = block.stop not in ("heading", "notice") and not ends_sentence(texts[-1])
    more = _carried(lines, block, head, next_page) if cut else []
    return clean_paragraph(texts + more, vocab), cut and not more


def _opened(page: Sequence[Line]) -> list[str]:
    """The first block of prose at the top of a page (its running head passed over)."""
    first = next(
        (ln for ln in page if len(ln.text) >= 40 and lowercase_share(ln.text) >= 0.3), None
    )
    if first is None:
        return []
    return read_block(page, _index(page, first), include_first=True, column_of=first).text_lines


def _index(lines: Sequence[Line], line: Line) -> int:
    return next(i for i, ln in enumerate(lines) if ln is line)


def _beside(lines: Sequence[Line], head: Line) -> Line | None:
    """The first cell of text on the heading's baseline, right of it and close: the heading
    stands in the margin beside its text (not a column gutter away, over another column)."""
    right = head.x1 or head.x + 5 * len(head.text)
    row = [
        ln for ln in lines
        if abs(ln.y - head.y) < 0.3 * head.size and ln.x > right and len(ln.text) >= 20
    ]  # fmt: skip
    first = min(row, key=lambda ln: ln.x, default=None)
    return first if first is not None and first.x - right <= SIDE_GAP * head.size else None


def _paragraphs(lines: Sequence[Line], block: Block) -> Block:
    """The block with the paragraphs after it that a blank line sets apart, in its type, when
    a heading (keywords, the first section) ends them."""
    first, taken = block, list(block.lines)
    for _ in range(MAX_PARAGRAPHS - 1):
        if block.stop != "gap" or block.at is None or not taken:
            break
        if not ends_sentence(taken[-1].text):
            break
        block = read_block(lines, _index(lines, block.at), include_first=True, column_of=block.at)
        if not block.lines or not _same_type(first.lines, block.lines):
            break
        taken += block.lines
        if block.stop in ("heading", "notice"):
            return Block(taken, block.stop, block.at)
    return first


def _same_type(these: list[Line], those: list[Line]) -> bool:
    size = statistics.median(ln.size for ln in these)
    other = statistics.median(ln.size for ln in those)
    bold = sum(ln.bold for ln in these) / len(these)
    other_bold = sum(ln.bold for ln in those) / len(those)
    return abs(size - other) <= 0.06 * size and abs(bold - other_bold) < 0.5


def _carried(
    lines: Sequence[Line], block: Block, head: Line, next_page: Sequence[Line]
) -> list[str]:
    """The rest of an abstract cut at the foot of its column: at the top of the column to its
    right (no higher than its heading), else at the top of the next page; only text in the
    abstract's type that goes on mid-sentence."""
    if not block.lines:
        return []
    right = max(ln.x1 for ln in block.lines)
    beside = [ln for ln in lines if ln.x >= right - 1 and ln.y <= head.y + 0.5 * head.size]
    for page, candidates in ((lines, beside), (next_page, list(next_page))):
        first = _top(candidates, block)
        if first is not None:
            carried = read_block(page, _index(page, first), include_first=True, column_of=first)
            return carried.text_lines
    return []


def _top(candidates: list[Line], block: Block) -> Line | None:
    """The topmost line in the block's type, when it carries on the block's last sentence: it
    opens in lower case, or the block's last word was cut with a hyphen."""
    same = [ln for ln in candidates if _same_type(block.lines, [ln]) and not is_noise_line(ln.text)]
    top = max(same, key=lambda ln: ln.y, default=None)
    if top is None:
        return None
    last = block.lines[-1].text.rstrip()
    goes_on = top.text[:1].islower() or re.search(r"[^\W\d_]-$", last) is not None
    return top if goes_on else None
