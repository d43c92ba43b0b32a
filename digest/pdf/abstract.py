"""The abstract: read as a block of its own column, from its heading or from where it begins.

A labelled abstract (read by labelled.py, which also follows it on past blank lines, columns and
pages) starts at its heading ("Abstract", "ABSTRACT", "A B S T R A C T", run in as
"Abstract—We ..." or "Abstract. We ...") and runs down its column: lines of the other column at
the same height are not its lines, and cells of one justified line are joined again. It stops at
"Keywords"/"Index Terms"/"CCS Concepts", a section heading, a change of type size, a short bold
heading, or a paragraph gap (unless the next paragraph opens with a structured-abstract label:
"Methods:", "Results."). An unlabelled abstract is the first block of prose after the author
block: a structured one (it opens with "Background:"), or one that looks unlike the body
(a standfirst in larger, bold or italic type, or one indented on both sides), or one that a
section heading or keywords follow. The first paragraph of a paper that has no abstract (an
editorial, an extended abstract) is none of these, and is left alone.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from digest.pdf.clean import Vocabulary, clean_paragraph, is_noise_line
from digest.pdf.cues import (
    BOILERPLATE,
    EDITOR_ROLE,
    INTRO_HEAD,
    STRUCTURED_LABEL,
    abstract_stop,
    lowercase_share,
    section_heading,
)
from digest.pdf.reader import Line

__all__ = ["Block", "ends_sentence", "read_block", "unlabelled_abstract"]

MIN_UNLABELLED = 200  # characters: a shorter first paragraph is not taken for an abstract
MIN_DISTINCT = 100  # ...unless it is set apart from the body (a standfirst may be one sentence)
_FOOTNOTE = re.compile(r"^(?:([*∗†‡§¶]+)|\d{1,2})(?:\s|$)")
_BULLET = re.compile(r"^[•◦▪‣●○■□–-]\s")
_MAX_LINES = 80
INDENT = 1.5  # ems of the body's type: an abstract indented this much on both sides stands apart


@dataclass
class Block:
    """Lines read down one column, and why the reading stopped."""

    lines: list[Line]
    stop: str  # "heading" (a section or keywords follow), "layout" (columns begin), "gap",
    # "notice" (a publisher's note follows), "style", "end"
    at: Line | None = None  # the (first cell of the) line the reading stopped at

    @property
    def text_lines(self) -> list[str]:
        return [ln.text for ln in self.lines]


def unlabelled_abstract(
    lines: Sequence[Line],
    after_y: float,
    body_size: float,
    vocab: Vocabulary,
    span: tuple[float, float] | None = None,
) -> str:
    """The first block of prose below `after_y` when it is the abstract (see the module);
    with `span` (the author block's extent), only a block under it."""
    skip_above = after_y
    for i, line in enumerate(lines):
        text = line.text.strip()
        if line.y >= skip_above - 0.1 or is_noise_line(text) or "@" in text:
            continue
        if span is not None and (line.x1 <= span[0] or line.x >= span[1]):
            continue  # another column's text beside the header
        if INTRO_HEAD.match(text) or section_heading(text):
            return ""
        if BOILERPLATE.match(text) or abstract_stop(text) or EDITOR_ROLE.match(text):
            # skip the whole notice ("Contributed by ..., May 1, 2020 (sent for review ...)")
            notice = read_block(lines, i, include_first=True, column_of=line, notice=True)
            skip_above = min(ln.y for ln in notice.lines)
            continue
        if _BULLET.match(text) or sum(c.isalpha() for c in text) < 0.5 * len(text):
            continue  # a list item, a rule of dots: not where an abstract begins
        structured = STRUCTURED_LABEL.match(text) is not None
        if not structured and (len(text) < 40 or lowercase_share(text) < 0.3):
            continue  # an affiliation, a running head, a list of names: not prose
        block = read_block(lines, i, include_first=True, column_of=line)
        found = clean_paragraph(block.text_lines, vocab)
        distinct = _distinct(block, lines, body_size)
        if len(found) < (MIN_DISTINCT if distinct else MIN_UNLABELLED):
            return ""
        if structured or block.stop == "heading" or distinct:
            return found
        return ""
    return ""


def _distinct(block: Block, lines: Sequence[Line], body_size: float) -> bool:
    """Whether the block is set unlike the page's body text (a standfirst, a boxed abstract)."""
    size = statistics.median(ln.size for ln in block.lines)
    if abs(size - body_size) > 0.06 * body_size:
        return True
    bold = sum(ln.bold for ln in block.lines) / len(block.lines)
    italic = sum(ln.italic for ln in block.lines) / len(block.lines)
    rest = [ln for ln in lines if ln not in block.lines and abs(ln.size - body_size) < 0.3]
    rest_bold = sum(ln.bold for ln in rest) / len(rest) if rest else 0.0
    rest_italic = sum(ln.italic for ln in rest) / len(rest) if rest else 0.0
    styled = (bold > 0.6 and rest_bold < 0.3) or (italic > 0.6 and rest_italic < 0.3)
    return styled or _indented(block, rest, body_size)


def _indented(block: Block, rest: list[Line], body_size: float) -> bool:
    """Whether the block is set on a narrower measure than the body, indented on both sides
    (an old journal's abstract in the body's type)."""
    prose = [ln for ln in rest if len(ln.text) >= 40 and ln.x1]
    if len(prose) < 3:
        return False
    left, right = min(ln.x for ln in prose), max(ln.x1 for ln in prose)
    x0, x1 = min(ln.x for ln in block.lines), max(ln.x1 for ln in block.lines)
    return x0 >= left + INDENT * body_size and x1 <= right - INDENT * body_size


def _footnote(text: str, line: Line, ref: Line | None) -> bool:
    """A footnote opens: a symbol mark, or a number set smaller than the block."""
    m = _FOOTNOTE.match(text)
    if m is None:
        return False
    return m.group(1) is not None or (ref is not None and line.size < 0.95 * ref.size)


def _is_heading(line: Line) -> bool:
    return len(line.text.split()) <= 6


def read_block(
    lines: Sequence[Line], at: int, *, include_first: bool, column_of: Line, notice: bool = False
) -> Block:
    """The lines of the block that starts at (or right under) lines[at], read down the column
    of `column_of`, cells of one baseline within the column joined into one line. A `notice`
    (a publisher's note) ends at the next note or paragraph gap."""
    start = lines[at]
    below = [ln for ln in lines[at + 1 :] if ln.y < start.y - 0.3 * start.size]
    rows = _rows(below)
    x0, x1 = column_of.x, column_of.x1 or column_of.x + 400
    taken: list[Line] = [start] if include_first else []
    if not include_first:
        first = next((r for r in rows if _in_column(r, x0, x1, widen=True)), None)
        if first is None:
            return Block(taken, "end")
        cells = _connected(first, _in_column(first, x0, x1, widen=True))
        x0, x1 = min(x0, *(c.x for c in cells)), max(x1, *(c.x1 for c in cells))
        if start.x1 - start.x < 0.5 * (x1 - x0):  # a centred heading: the text sets the column
            x0, x1 = min(c.x for c in cells), max(c.x1 for c in cells)
    ref: Line | None = start if include_first else None
    steps: list[float] = []
    previous_y = start.y
    for row in rows:
        cells = _in_column(row, x0, x1, widen=False)
        if ref is not None and len(cells) > 1:  # a credit line in small type on the baseline
            cells = [c for c in cells if abs(c.size - ref.size) <= 0.06 * ref.size] or cells
        if not cells:
            continue
        if taken and any(not _joined(a, b) for a, b in itertools.pairwise(cells)):
            return Block(taken, _turn(rows, row), cells[0])  # the page turns to columns
        line = _join(cells)
        if is_noise_line(line.text.strip()):
            continue
        gap = previous_y - line.y
        step = statistics.median(steps) if steps else 1.5 * (ref.size if ref else line.size)
        stop = _stop(line, taken, ref, (gap, step), notice=notice)
        if stop:
            return Block(taken, stop, cells[0])
        if taken and 0 < gap < 4 * line.size:
            steps.append(gap)
        taken.append(line)
        ref = ref or line
        previous_y = line.y
        x0, x1 = min(x0, line.x), max(x1, line.x1)
        if len(taken) >= _MAX_LINES:
            break
    return Block(taken, "end")


def _stop(
    line: Line, taken: list[Line], ref: Line | None, spacing: tuple[float, float], *, notice: bool
) -> str:
    """Why the block ends at `line` ("" if it does not); `spacing` is its distance from the
    line above and the block's line step so far."""
    text = line.text.strip()
    gap, step = spacing
    if abstract_stop(text) or INTRO_HEAD.match(text) or section_heading(text):
        return "heading"
    if taken and BOILERPLATE.match(text) and ends_sentence(taken[-1].text):
        return "notice"  # "Received 3 May 2020; ...", "© 2021 ..." after the last sentence
    if taken and _footnote(text, line, ref):
        return "gap"  # the column's footnotes begin
    labelled = STRUCTURED_LABEL.match(text) is not None
    if notice and taken and (BOILERPLATE.match(text) or labelled or gap > 1.6 * line.size):
        return "gap"
    if ref is not None and abs(line.size - ref.size) > 0.12 * ref.size and len(text) > 3:
        return "heading" if line.size > ref.size else "style"
    if taken and gap > 1.8 * step and not labelled:
        return "heading" if _is_heading(line) or line.bold > 0.5 else "gap"
    if ref is not None and line.bold > 0.7 and ref.bold < 0.3 and _is_heading(line):
        return "heading"
    return ""


def ends_sentence(text: str) -> bool:
    """Whether a line ends a sentence (a stop, a question or exclamation mark, maybe closed
    by a bracket or a quote): the last line of a paragraph, not one the page cut."""
    return re.search(r"[.!?][\"'”’)\]]*\s*$", text) is not None


def _turn(rows: list[list[Line]], row: list[Line]) -> str:
    """Why a block ended where the page turns to columns: "heading" when a section heading
    opens them (the body begins: "I. INTRODUCTION"), else "layout" (a figure, a sidebar)."""
    at = rows.index(row)
    for later in rows[at : at + 4]:
        for cell in later:
            text = cell.text.strip()
            if INTRO_HEAD.match(text) or section_heading(text) or abstract_stop(text):
                return "heading"
    return "layout"


def _rows(lines: Sequence[Line]) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: (-ln.y, ln.x)):
        if rows and abs(rows[-1][0].y - line.y) < 0.3 * max(line.size, rows[-1][0].size):
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _in_column(row: list[Line], x0: float, x1: float, *, widen: bool) -> list[Line]:
    """The cells of a row that lie in the column [x0, x1] (its text, not its neighbour's)."""
    out = []
    for cell in row:
        right = cell.x1 or cell.x + 5 * len(cell.text)
        overlap = min(right, x1) - max(cell.x, x0)
        width = max(right - cell.x, 1.0)
        if overlap > 0.5 * width or (widen and overlap > 0):
            out.append(cell)
    return sorted(out, key=lambda c: c.x)


def _connected(row: list[Line], seeds: list[Line]) -> list[Line]:
    """The seeds and the cells of their row joined to them by word-sized gaps (a justified
    line cut into cells), but not across a column gutter."""
    cells = sorted(row, key=lambda c: c.x)
    if not seeds:
        return seeds
    lo = cells.index(seeds[0])
    hi = cells.index(seeds[-1])
    while lo > 0 and _joined(cells[lo - 1], cells[lo]):
        lo -= 1
    while hi + 1 < len(cells) and _joined(cells[hi], cells[hi + 1]):
        hi += 1
    return cells[lo : hi + 1]


def _joined(left: Line, right: Line) -> bool:
    """Two cells of a row are one line cut by a wide word space, not two columns: a narrow
    gap, or a gap of two ems at most between cells of the same type."""
    gap = right.x - left.x1
    em = max(left.size, right.size)
    same = abs(left.size - right.size) < 0.05 * em and abs(left.bold - right.bold) < 0.5
    return gap < 1.1 * em or (same and gap < 2.0 * em)


def _join(cells: list[Line]) -> Line:
    if len(cells) == 1:
        return cells[0]
    first = max(cells, key=lambda c: len(c.text))
    return Line(
        text=" ".join(c.text for c in cells),
        marked=" ".join(c.marked for c in cells),
        size=first.size,
        max_size=max(c.max_size for c in cells),
        x=cells[0].x,
        y=first.y,
        page=first.page,
        x1=cells[-1].x1,
        bold=sum(c.bold * len(c.text) for c in cells) / max(1, sum(len(c.text) for c in cells)),
        italic=sum(c.italic * len(c.text) for c in cells) / max(1, sum(len(c.text) for c in cells)),
    )
