"""From positioned runs to the lines a reader sees: baselines, cells, marks, style.

    runs (glyphs.py) -> baselines: runs whose baselines agree, small raised runs (superscript
                        marks) and lowered ones (subscripts) joined to the line they sit on
                     -> cells: a baseline cut where the horizontal gap is wider than a column
                        gutter, so side-by-side author columns and the two text columns of a
                        page come apart; spaces put back where the gap between runs is a word
                        space (measured from the letters' own spacing where type is drawn
                        letter by letter: kerned tight, or letter-spaced)
                     -> Line: text, marks (MARK_SEP where a superscript mark was), dominant
                        and largest size, left and right edge, baseline, bold and italic share,
                        and the marked text with STYLE_SEP where the type's style changes
                        between two words (a name in roman, its affiliation in italics)

Lines are returned top to bottom, left to right. Nothing here knows what a title or an author
is: that is header.py's business.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from pypdf import PdfReader

from digest.pdf.glyphs import Run, page_runs
from digest.pdf.reader import MARK_SEP, STYLE_SEP, Line

__all__ = ["CELL_GAP", "page_lines", "read_layout"]

CELL_GAP = 0.8  # ems: a wider horizontal gap ends a cell (a column gutter, not a word space)
WORD_GAP = 0.12  # ems: a wider gap between two runs is a word space
LETTER_BY_LETTER = 0.75  # share of one-glyph neighbours where type is drawn letter by letter
_SAME_BASELINE = 0.2  # ems: baselines closer than this are one line
_RAISE = 0.15  # ems above the baseline: a small run this high is a superscript
_REACH = 0.75  # ems: how far above (or 0.45 below) a line a small run may sit to belong to it
_SMALL = 0.8  # a run below this share of its line's size may be a mark
_MARK_TEXT = re.compile(r"^[\s\d,;*∗†‡§¶⋄□♠♢♡♣♦⋆★☆#|&–\-()]+$|^\s*[a-z](?:\s*,\s*[a-z])*\s*$")


class _Baseline:
    """Runs on one baseline while they are gathered."""

    __slots__ = ("_main", "runs", "size", "y")

    def __init__(self, run: Run) -> None:
        self.runs = [run]
        self.y = run.y
        self.size = run.size
        self._main: float | None = None

    def takes(self, run: Run) -> bool:
        return abs(run.y - self.y) <= _SAME_BASELINE * min(run.size, self.size) + 0.01

    def add(self, run: Run) -> None:
        self.runs.append(run)
        self.size = max(self.size, run.size)
        self._main = None

    def absorb(self, other: _Baseline) -> None:
        self.runs.extend(other.runs)
        other.runs = []
        self._main = None

    @property
    def main_size(self) -> float:
        if self._main is None:
            self._main = _dominant(self.runs)
        return self._main

    @property
    def x0(self) -> float:
        return min(r.x0 for r in self.runs)

    @property
    def x1(self) -> float:
        return max(r.x1 for r in self.runs)


def read_layout(reader: PdfReader, index: int) -> tuple[list[Line], str]:
    """Page ``index`` (0-based) as laid-out lines, and the text set sideways in its margins
    (an arXiv stamp). Raises pypdf's errors unchanged."""
    runs = page_runs(reader.pages[index])
    sideways = " ".join(r.text for r in runs if not r.upright)
    return page_lines(runs, index + 1), sideways


def page_lines(runs: Sequence[Run], page: int) -> list[Line]:
    """The page's lines (cells), top to bottom, left to right."""
    visible = [r for r in runs if r.upright and r.text.strip() and r.size > 0.5]
    baselines = _baselines(visible)
    _attach_small(baselines)
    gutter = _gutter(baselines)
    lines = [line for b in baselines for line in _cells(b, page, gutter)]
    lines.sort(key=lambda ln: (-round(ln.y, 1), ln.x))
    return lines


def _baselines(runs: list[Run]) -> list[_Baseline]:
    ordered = sorted(runs, key=lambda r: -r.y)
    out: list[_Baseline] = []
    open_: list[_Baseline] = []  # baselines still within reach of the next run's y
    for run in ordered:
        open_ = [b for b in open_ if b.y - run.y <= _SAME_BASELINE * b.size + 0.01]
        home = next((b for b in open_ if b.takes(run)), None)
        if home is None:
            home = _Baseline(run)
            out.append(home)
            open_.append(home)
        else:
            home.add(run)
    return out


def _attach_small(baselines: list[_Baseline]) -> None:
    """Join baselines of small runs that sit just above (superscripts) or below (subscripts) a
    line of larger text, next to it, to that line."""
    sizes = {id(b): b.main_size for b in baselines}
    spans = {id(b): (b.x0, b.x1) for b in baselines}
    ordered = sorted(baselines, key=lambda b: b.y)
    ys = [b.y for b in ordered]
    for small in list(baselines):
        size = sizes[id(small)]
        best: _Baseline | None = None
        lo = bisect.bisect_left(ys, small.y - _REACH * 3 * size)
        hi = bisect.bisect_right(ys, small.y + 0.45 * 3 * size)
        for line in ordered[lo:hi]:
            em = sizes[id(line)]
            if line is small or not line.runs or size >= _SMALL * em:
                continue
            rise = small.y - line.y
            if not -0.45 * em <= rise <= _REACH * em:
                continue
            x0, x1 = spans[id(line)]
            sx0, sx1 = spans[id(small)]
            if sx1 < x0 - em or sx0 > x1 + em:
                continue
            if best is None or abs(rise) < abs(small.y - best.y):
                best = line
        if best is not None:
            best.absorb(small)
    baselines[:] = [b for b in baselines if b.runs]


def _dominant(runs: Sequence[Run]) -> float:
    """The size most of the letters are set in (digits and marks do not count, so a name with
    a long superscript ORCID keeps the name's size), else most of the glyphs."""
    sizes: Counter[float] = Counter()
    for run in runs:
        sizes[round(run.size, 1)] += sum(c.isalpha() for c in run.text)
    if not sizes or not any(sizes.values()):
        for run in runs:
            sizes[round(run.size, 1)] += sum(not c.isspace() for c in run.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _gutter(baselines: list[_Baseline]) -> tuple[float, float] | None:
    """The band between two text columns, when the page has them: the middle stretch of the
    page that the lines of body text leave empty while text stands on both sides of it."""
    if len(baselines) < 12:
        return None
    sizes = Counter(round(b.main_size) for b in baselines)
    body = sizes.most_common(1)[0][0]
    rows = [b for b in baselines if abs(b.main_size - body) <= 0.15 * body]
    left = min(b.x0 for b in rows)
    right = max(b.x1 for b in rows)
    width = right - left
    if len(rows) < 10 or width <= 0:
        return None
    step = 2.0
    bins = [0] * (int(width / step) + 1)
    for row in rows:
        for run in row.runs:
            for k in range(int((run.x0 - left) / step), int((run.x1 - left) / step) + 1):
                if 0 <= k < len(bins):
                    bins[k] += 1
    lo, hi = int(0.3 * len(bins)), int(0.7 * len(bins))
    if hi <= lo:
        return None
    k_min = min(range(lo, hi), key=lambda k: bins[k])
    if bins[k_min] > 0.1 * len(rows):
        return None
    a = k_min
    while a > 0 and bins[a - 1] <= 0.1 * len(rows):
        a -= 1
    b = k_min
    while b + 1 < len(bins) and bins[b + 1] <= 0.1 * len(rows):
        b += 1
    sides = sum(
        1 for row in rows if row.x0 < left + a * step and row.x1 > left + (b + 1) * step
    )  # rows with text on both sides
    if sides < 0.3 * len(rows):
        return None
    return left + a * step, left + (b + 1) * step


def _cells(baseline: _Baseline, page: int, gutter: tuple[float, float] | None) -> list[Line]:
    runs = sorted(baseline.runs, key=lambda r: (r.x0, -r.size))
    size = baseline.main_size or baseline.size
    base_y = _main_y(runs, size)
    kept: list[Run] = []
    for run in runs:  # text drawn twice a hair apart (fake bold) counts once
        if kept and run.text == kept[-1].text:
            last = kept[-1]
            if abs(run.x0 - last.x0) < min(0.1 * size, 0.5 * (last.x1 - last.x0)):
                continue
        kept.append(run)
    kept = _accents_in_place(kept)
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(kept)]
    single = [len(a.text) == 1 and len(b.text) == 1 for a, b in itertools.pairwise(kept)]
    spacing = max(0.0, _letter_spacing(gaps, single, size))  # letter-spaced type: its words
    gaps = [g - spacing for g in gaps]  # are as far apart as its letters, plus a word space
    words = sorted(g for g in gaps if g > WORD_GAP * size)
    typical = words[len(words) // 2] if len(words) >= 3 else 0.0
    cells: list[list[Run]] = [[kept[0]]] if kept else []
    for gap, run in zip(gaps, kept[1:], strict=True):
        # a gutter is wider than a column's word spaces; a line justified to the last pixel
        # ("New    Delhi,    India.") has wide spaces throughout and stays one cell
        crosses = (
            gutter is not None
            and gap > 0.6 * size
            and run.x0 >= gutter[1] - 1
            and run.x0 - gap <= gutter[0] + 1
        )
        if crosses or (gap > CELL_GAP * max(size, run.size) and gap > 2.5 * typical):
            cells.append([run])
        else:
            cells[-1].append(run)
    return [_line(cell, size, base_y, page) for cell in cells]


_SPACING_ACCENTS = "´`¨˘ˆ˜ˇ˚˙˝¯¸"


def _accents_in_place(runs: list[Run]) -> list[Run]:
    """A spacing accent drawn over the letter before it ("Andre" then "´" over the "e") goes
    before that letter, where the text cleaner recomposes it ("Andr´e" -> "André")."""
    out: list[Run] = []
    for run in runs:
        accent = run.text.strip()
        full_size = bool(out) and run.size >= 0.8 * out[-1].size  # not a superscript mark
        if (
            out
            and full_size
            and len(accent) == 1
            and accent in _SPACING_ACCENTS
            and run.x0 < out[-1].x1 - 0.05
        ):
            prev = out[-1]
            centre = (run.x0 + run.x1) / 2
            if prev.text.strip() and centre < prev.x1:
                # the letter under the accent's centre, glyph widths taken as even
                share = (centre - prev.x0) / max(prev.x1 - prev.x0, 0.01)
                at = min(max(int(share * len(prev.text)), 0), len(prev.text) - 1)
                if prev.text[at].isalpha():
                    fixed = prev.text[:at] + accent + prev.text[at:]
                    out[-1] = replace(prev, text=fixed, x1=max(prev.x1, run.x1))
                    continue
        out.append(run)
    return out


def _main_y(runs: list[Run], size: float) -> float:
    """The baseline of the line's own text (not of its marks)."""
    main = [r for r in runs if r.size >= _SMALL * size] or runs
    ys: Counter[float] = Counter()
    for run in main:
        ys[round(run.y, 1)] += len(run.text)
    return ys.most_common(1)[0][0]


def _letter_spacing(gaps: list[float], single: list[bool], size: float) -> float:
    """The spacing of letters drawn one by one around a point: the median gap between them
    when it is an overlap (tight kerning), the lower quartile when even that is wider than a
    word space and nearly every run there is one letter (letter-spaced type), else 0. Fewer
    than four such gaps say nothing."""
    near = sorted(g for g, one in zip(gaps, single, strict=True) if one)
    if len(near) < 4:
        return 0.0
    median, low = near[len(near) // 2], near[len(near) // 4]
    if median < 0:
        return median
    if sum(single) < LETTER_BY_LETTER * len(single):
        return 0.0  # a few one-letter runs among words ("W" "u"): their gaps are word spaces
    return low if low > WORD_GAP * size else 0.0  # most gaps, not only the words' ("An R")


def _soft_hyphens(text: str) -> str:
    """A soft hyphen drawn on a page stands for a space (fonts that map the space glyph to it);
    next to a printed hyphen it is nothing."""
    if "\u00ad" not in text:
        return text
    text = re.sub(r"(?<=[-‐–])\u00ad+|\u00ad+(?=[-‐–])", "", text)
    return re.sub(r"\s*\u00ad+\s*", " ", text).strip()


def _is_mark(run: Run, size: float, base_y: float) -> bool:
    if run.size >= _SMALL * size:
        return False
    raised = run.y - base_y > _RAISE * size
    return raised or _MARK_TEXT.match(run.text) is not None


_ORDINAL = re.compile(r"^(?:st|nd|rd|th)$")  # 28th, 1st, 2nd, 3rd


def _ordinal(previous: Run | None, run: Run) -> bool:
    """A raised "th" right after a number ("the 28th International Conference") is part of
    the number, not a footnote mark."""
    return (
        previous is not None
        and previous.text[-1:].isdigit()
        and _ORDINAL.match(run.text.strip()) is not None
    )


def _line(runs: list[Run], size: float, base_y: float, page: int) -> Line:
    text: list[str] = []
    marked: list[str] = []
    styled: list[str] = []  # marked, with STYLE_SEP where the type style changes at a space
    previous: Run | None = None
    style: tuple[bool, bool] | None = None
    # letters drawn one by one sit about the same distance apart throughout a word: kerned
    # tighter than their widths say (they overlap), or letter-spaced ("J O H N  S M I T H"). A
    # word space is measured from that local spacing, not from zero
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(runs)]
    single = [len(a.text) == 1 and len(b.text) == 1 for a, b in itertools.pairwise(runs)]
    for i, run in enumerate(runs):
        ordinal = _ordinal(previous, run)  # "28" then a raised "th": one word
        mark = _is_mark(run, size, base_y) and not ordinal
        if previous is not None and not ordinal:
            window = slice(max(0, i - 5), i + 4)
            gap = run.x0 - previous.x1 - _letter_spacing(gaps[window], single[window], size)
            spaced = run.text[:1].isspace() or (text and text[-1][-1:].isspace())
            if not spaced and gap > WORD_GAP * max(size, run.size) and not mark:
                text.append(" ")
                marked.append(" ")
                styled.append(" ")
        if mark:
            marked.append(MARK_SEP)
            styled.append(MARK_SEP)
            if run.text[-1:].isspace():
                text.append(" ")
            previous = run
            continue
        changed = style is not None and style != (run.italic, run.bold) and run.text.strip()
        if changed and text and (text[-1][-1:].isspace() or run.text[:1].isspace()):
            styled.append(STYLE_SEP)  # "Ada Lovelace" then, in italics, "Univ. of Turin"
        style = (run.italic, run.bold) if run.text.strip() else style
        text.append(run.text)
        marked.append(run.text)
        styled.append(run.text)
        previous = run
    main = [r for r in runs if not _is_mark(r, size, base_y)] or runs
    letters = sum(len(r.text.strip()) for r in main) or 1
    bold = sum(len(r.text.strip()) for r in main if r.bold) / letters
    italic = sum(len(r.text.strip()) for r in main if r.italic) / letters
    styles = STYLE_SEP in styled
    return Line(
        text=_soft_hyphens(" ".join("".join(text).split())),
        marked=_soft_hyphens(" ".join("".join(marked).split())),
        styled=_soft_hyphens(" ".join("".join(styled).split())) if styles else "",
        size=_dominant(main),
        max_size=max(r.size for r in main),
        x=min(r.x0 for r in runs),
        y=base_y,
        page=page,
        x1=max(r.x1 for r in runs),
        bold=bold,
        italic=italic,
    )
