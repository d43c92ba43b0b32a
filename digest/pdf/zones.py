"""Where a line of the first page sits: in the body's prose, aside from it, in the references.

What a page says about itself (its journal, its conference, its year, its DOI) is printed
outside the body's prose: in a banner or a running head above it, a footer or a footnote below
it, a sidebar, a copyright block set in smaller type. A cited work's year or DOI is in the
references (under their heading, or a numbered entry) or in the prose. So:

- the **body's prose** is the lines set in the body's type (the size most text is in) that read
  as running text, each with another such line close above or below it in its column (a lone
  line is a stamp or a footer: "Downloaded from http://... on July 12, 2017"); the **margins**
  are what lies above the highest of them or below the lowest (a page without prose, a cover
  sheet or a slide, is all margin);
- a line is **aside** when it is in a margin or set smaller than the body's type;
- the **references** are the lines under a "References" heading in its column (a heading in
  the right-hand column covers that column only) as far as they run on without a paragraph's
  gap (a footer set apart under them is not one), and numbered entries ("[12] ...",
  "3. Bange EM, ...") with the lines they run on to; they are part of the text block, so what
  lies under them is the margin;
- a line's **continuation** is the next line of the same column and type, close under it.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

from digest.pdf.cues import URL, lowercase_share
from digest.pdf.reader import Line
from digest.pdf.sections import REFERENCES, body_size

__all__ = ["Zones", "page_zones"]

_PROSE_CHARS = 30  # a line of running text is at least this long (a heading, a label is not)
_PROSE_LOWER = 0.5  # share of its letters in lower case (a banner in capitals is not prose)
_BODY_TOLERANCE = 0.6  # points: type this close to the body's is the body's type
_SMALLER = 0.3  # points: type this much smaller than the body's is a note's
_LEADING = 1.8  # line heights: a continuation starts at most this far under a line
_PARAGRAPH = 2.5  # line heights: a line of prose has another this close (a paragraph's gap)
_REF_ENTRY = re.compile(
    r"^\s*(?:\[\d{1,3}\]|\d{1,3}\.\s+[A-Z][\w'’-]+,?\s+(?:[A-Z]{1,3}\b|[A-Z]\.))"
)


@dataclass
class Zones:
    """The first page's lines (top to bottom, left to right) and where each sits."""

    lines: list[Line]
    body: float = 0.0
    top: float = -math.inf  # the highest line of the body's prose
    bottom: float = math.inf  # the lowest
    refs: set[int] = field(default_factory=set)  # indexes of reference lines

    def margin(self, line: Line) -> bool:
        return line.y > self.top + 0.5 or line.y < self.bottom - 0.5

    def aside(self, line: Line) -> bool:
        return self.margin(line) or line.size < self.body - _SMALLER

    def continuation(self, index: int) -> int | None:
        """The index of the line that continues line `index` (same column and type), if any."""
        line = self.lines[index]
        for j in range(index + 1, len(self.lines)):
            other = self.lines[j]
            if line.y - other.y > _LEADING * max(line.size, other.size):
                return None
            if other.y < line.y - 0.3 * line.size and _same_column(line, other):
                return j
        return None

    def row(self, index: int) -> list[int]:
        """The indexes of the cells on line `index`'s baseline, left to right."""
        line = self.lines[index]
        near = [j for j, o in enumerate(self.lines) if abs(o.y - line.y) <= 0.35 * line.size]
        return sorted(near, key=lambda j: self.lines[j].x)


def page_zones(lines: list[Line]) -> Zones:
    """The zones of a page's laid-out lines."""
    lines = [ln for ln in lines if ln.text.strip()]
    body = body_size(lines)
    running = [ln for ln in lines if _prose(ln, body)]
    zones = Zones(lines, body)
    zones.refs = _references(zones)
    block = _paragraphs(running) + [lines[i].y for i in zones.refs]
    if block:
        zones.top, zones.bottom = max(block), min(block)
    return zones


def _prose(line: Line, body: float) -> bool:
    text = URL.sub(" ", line.text).strip()
    return (
        abs(line.size - body) <= _BODY_TOLERANCE
        and len(text) >= _PROSE_CHARS
        and lowercase_share(text) >= _PROSE_LOWER
    )


def _references(zones: Zones) -> set[int]:
    lines = zones.lines
    refs: set[int] = set()
    for entry in (i for i, ln in enumerate(lines) if _REF_ENTRY.match(ln.text)):
        index: int | None = entry
        while index is not None and index not in refs:  # the entry and the lines it runs on to
            refs.add(index)
            index = zones.continuation(index)
            if index is not None and _REF_ENTRY.match(lines[index].text):
                break
    if not lines:
        return refs
    middle = (min(ln.x for ln in lines) + max(ln.x1 or ln.x for ln in lines)) / 2
    for head in (ln for ln in lines if REFERENCES.match(ln.text.strip())):
        right = head.x >= middle - 15
        column = [
            i for i, ln in enumerate(lines)
            if ln.y < head.y - 1 and (ln.x >= head.x - 15 if right else ln.x < middle)
        ]  # fmt: skip
        last = head
        for i in sorted(column, key=lambda i: -lines[i].y):
            if last.y - lines[i].y > _PARAGRAPH * lines[i].size:
                break
            refs.add(i)
            last = lines[i]
    return refs


def _paragraphs(running: list[Line]) -> list[float]:
    """The baselines of the lines of running text that have another close above or below."""
    ordered = sorted(running, key=lambda ln: -ln.y)
    return [line.y for i, line in enumerate(ordered) if _has_neighbour(ordered, i)]


def _has_neighbour(ordered: list[Line], index: int) -> bool:
    line = ordered[index]
    reach = _PARAGRAPH * line.size
    below = itertools.takewhile(lambda o: line.y - o.y <= reach, ordered[index + 1 :])
    above = itertools.takewhile(lambda o: o.y - line.y <= reach, reversed(ordered[:index]))
    return any(_paragraph(line, o) for o in itertools.chain(below, above))


def _paragraph(line: Line, other: Line) -> bool:
    """Whether two lines of prose are of one paragraph: one close under the other."""
    gap = abs(line.y - other.y)
    return 0.3 * line.size < gap <= _PARAGRAPH * line.size and _same_column(line, other)


def _same_column(line: Line, other: Line) -> bool:
    """Same type, and the other starts under this line's span (flush left or centred), not in
    the next column."""
    ratio = other.size / line.size if line.size else 1.0
    right = line.x1 if line.x1 > line.x else line.x + 3 * line.size
    return 0.8 <= ratio <= 1.25 and line.x - 3 * line.size <= other.x <= right
