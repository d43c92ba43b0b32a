"""The cells of an author block: where lines under side-by-side authors are cut apart.

The layout cuts a line where a wide gap stands between two runs of text (layout.py). Under
authors set side by side, the affiliation cells of neighbouring columns can come closer than
that; these functions cut such lines by what the author block itself shows:

name_columns   the centres of the author columns (names on one baseline, standing apart)
split_cells    a line cut where a phrase repeats ("Dept. of X Dept. of X"), then at the word
               boundaries that centre each part under its author's column
same_column    whether two cells are in one column (their extents mostly overlap)
repeat_cells   a line cut at a phrase of 2+ words repeated back to back
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

from digest.pdf.cues import AFFIL_WORDS
from digest.pdf.reader import Line

__all__ = ["name_columns", "repeat_cells", "same_column", "split_cells"]


def split_cells(line: Line, centres: list[float]) -> list[Line]:
    """An "other" line of the author block as the cells it holds."""
    return [cell for part in _split_repeats(line) for cell in _split_to_grid(part, centres)]


def _split_repeats(line: Line) -> list[Line]:
    """A cell holding side-by-side affiliations the layout could not cut apart ("Dept. of X
    Dept. of X"), cut where a phrase repeats."""
    cells = repeat_cells(line.text)
    repeated = [a for a, b in itertools.pairwise(cells) if a == b]
    if not any(AFFIL_WORDS.search(c) and len(c.split()) >= 2 for c in repeated):
        return [line]  # "São Paulo, São Paulo": a city named twice, not two cells
    total = sum(len(c) for c in cells) + len(cells) - 1
    width = (line.x1 or line.x + 5 * len(line.text)) - line.x
    out, at = [], 0
    for cell in cells:  # each cell gets its share of the line's width
        x0 = line.x + width * at / total
        at += len(cell) + 1
        out.append(replace(line, text=cell, marked=cell, x=x0, x1=line.x + width * at / total))
    return out


def name_columns(kinds: Sequence[tuple[Line, str]]) -> list[float]:
    """The centres of the author columns: names set side by side on one baseline."""
    rows: dict[float, list[Line]] = {}
    for line, kind in kinds:
        if kind == "name":
            rows.setdefault(round(line.y, 1), []).append(line)
    longest: list[Line] = max(rows.values(), key=lambda row: len(row), default=[])
    widest = sorted(longest, key=lambda ln: ln.x)
    if len(widest) < 2:
        return []
    for a, b in itertools.pairwise(widest):  # columns stand apart; a name list cut into
        if b.x - (a.x1 or a.x) < 3 * max(a.size, b.size):  # cells by wide spaces does not
            return []
    return [(ln.x + (ln.x1 or ln.x)) / 2 for ln in widest]


def _split_to_grid(line: Line, centres: list[float]) -> list[Line]:
    """A line under side-by-side authors that the layout could not cut ("Pontificia
    Universidad Católica de Chile Mountain View, USA": two cells a word space apart), cut at
    the word boundaries that centre each part under its author's column. A line centred on the
    block (an affiliation all authors share) fits better whole and is left alone."""
    x1 = line.x1 or 0.0
    spanned = [c for c in centres if line.x < c < x1]
    words = line.text.split()
    if len(spanned) < 2 or len(words) < len(spanned) or line.marked != line.text:
        return [line]
    em = line.size or 10.0
    whole = abs((line.x + x1) / 2 - sum(spanned) / len(spanned))
    total = len(line.text)
    scale = (x1 - line.x) / total

    def cost(cut: tuple[int, ...]) -> float:
        bounds = (0, *cut, len(words))
        at, err = 0, 0.0
        for (a, b), centre in zip(itertools.pairwise(bounds), spanned, strict=True):
            part = len(" ".join(words[a:b]))
            err += abs(line.x + (at + part / 2) * scale - centre)
            at += part + 1
        return err / len(spanned)

    cuts = itertools.combinations(range(1, len(words)), len(spanned) - 1)
    best = min(itertools.islice(cuts, 5000), key=cost)
    if not (cost(best) < 0.5 * whole and cost(best) < 1.5 * em):
        return [line]
    out, at = [], 0
    for a, b in itertools.pairwise((0, *best, len(words))):
        text = " ".join(words[a:b])
        x0 = line.x + at * scale
        at += len(text) + 1
        out.append(replace(line, text=text, marked=text, x=x0, x1=x0 + len(text) * scale))
    return out


def same_column(a: Line, b: Line) -> bool:
    """Two cells are in one column when their horizontal extents mostly overlap."""
    a1, b1 = a.x1 or a.x + 6 * len(a.text), b.x1 or b.x + 6 * len(b.text)
    overlap = min(a1, b1) - max(a.x, b.x)
    return overlap > 0.5 * min(a1 - a.x, b1 - b.x)


def repeat_cells(text: str) -> list[str]:
    """Cut a line at a phrase of 2+ words repeated back to back: "A B A B C" -> [A B, A B, C]
    (and so on in what follows: "A A B B" -> [A, A, B, B])."""
    words = text.split()
    for size in range(2, len(words) // 2 + 1):
        for at in range(len(words) - 2 * size + 1):
            if words[at : at + size] == words[at + size : at + 2 * size]:
                parts = [words[:at], words[at : at + size], words[at + size : at + 2 * size]]
                rest = " ".join(words[at + 2 * size :])
                cells = [" ".join(p) for p in parts if p]
                return cells + (repeat_cells(rest) if rest else [])
    return [text]
