"""A list of names over several lines: where the list wraps, and where a name is cut by it.

A typesetter breaks a list of names where the line is full, so the break can fall inside a
name: after a given name ("..., Grace" / "Hopper, ..."), after an initial ("Grace M." /
"Hopper"), inside a hyphenated name ("Jean-" / "Luc", "Neu-" / "mann"), or between names run
together with nothing between them ("Ada Lovelace Alan Turing Grace" / "Hopper John Smith").
Names set side by side as cells break the same way: a row that ends with a lone given name
and a row under it that opens with a lone surname. The author block (authors.py) reads each
list as one segment of text, joined here.

rows         the block's lines as rows, top down, cells left to right, cut names mended
continues    whether a line that is no name line carries on the list above
add_segment  a name line as a new segment, or as the rest of the one above
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from digest.pdf.clean import strip_marks
from digest.pdf.cues import AFFIL_WORDS
from digest.pdf.names import is_name, names_in
from digest.pdf.reader import MARK_SEP, Line

__all__ = ["add_segment", "continues", "rows"]

Segment = tuple[Line, str]  # the last line of a list, and the list's marked text so far

_OPEN_END = re.compile(rf"(?:[,;&{MARK_SEP}]|\band)\s*$")
_WORD = re.compile(r"[A-Z][\w’'\-]+")


def rows(lines: list[Line]) -> list[list[Line]]:
    """The lines as rows (one baseline), top down, each row's cells left to right; a name cut
    between two rows of name cells is mended into the upper row."""
    out: list[list[Line]] = []
    for ln in sorted(lines, key=lambda x: (-x.y, x.x)):
        if out and abs(out[-1][0].y - ln.y) < 0.3 * ln.size:
            out[-1].append(ln)
        else:
            out.append([ln])
    for upper, lower in itertools.pairwise(out):
        _mend(upper, lower)
    return [row for row in out if row]


def _mend(upper: list[Line], lower: list[Line]) -> None:
    """Names side by side as cells, the last one cut after its given name: "Ada Lovelace",
    "Grace" over "Hopper", "John Smith". The lone words join where both are set alike, close,
    and neither is an affiliation's word."""
    if len(upper) < 2 or not lower or not any(is_name(c.text.strip()) for c in upper[:-1]):
        return  # a row of places ("Stanford", "Yale") over their states is no row of names
    given, surname = upper[-1], lower[0]
    words = f"{given.text.strip()} {surname.text.strip()}"
    same_size = abs(given.size - surname.size) <= 0.06 * given.size
    alike = same_size and abs(given.bold - surname.bold) < 0.5
    close = 0 < given.y - surname.y <= 2.2 * given.size
    lone = all(_WORD.fullmatch(ln.text.strip()) for ln in (given, surname))
    if alike and close and lone and is_name(words) and not AFFIL_WORDS.search(words):
        marked = f"{given.marked.strip()} {surname.marked.strip()}"
        upper[-1] = replace(given, text=words, marked=marked, x1=max(given.x1, surname.x1))
        lower.pop(0)


def continues(segments: list[Segment], line: Line) -> bool:
    """A line that carries on an open or unfinished name list: a name cut at a line end
    ("and Andrew" / "D. White", "Priya" / "Raghunathan, Samuel Okonkwo")."""
    if not segments:
        return False
    last, text = segments[-1]
    if not 0 <= last.y - line.y <= 2.5 * max(line.size, last.size):
        return False
    word = line.text.strip()
    fragment = re.fullmatch(r"(?:[A-Z][\w’'\-]+|(?:[A-Z]\.\s?)+)", word)
    if fragment is not None and (_OPEN_END.search(text) or _cut(text)):
        return True
    if re.search(r"[^\W\d_]-$", text.rstrip()) and re.fullmatch(r"[^\W\d_][\w’'\-]*", word):
        return True  # the rest of a hyphenated name: "Neu-" / "mann"
    before, rest_before = names_in(text)
    after, rest_after = names_in(joined(text, line.marked))
    return len(after) > len(before) and len(rest_after) <= len(rest_before)


def add_segment(segments: list[Segment], line: Line, row: list[Line]) -> None:
    """A name line starts a segment, or carries on the one above when the list wraps there
    ("..., Kelly R. Pitts, F." / "Jon Geske, ...")."""
    if segments and len(row) == 1:
        last, text = segments[-1]
        starts_open = re.match(r"^\s*(?:,|and\b|&)", line.marked) is not None
        close = 0 < last.y - line.y <= 2.2 * line.size
        if close and (_OPEN_END.search(text) or _cut(text) or starts_open):
            segments[-1] = (line, joined(text, line.marked))
            return
    if segments and line.y == segments[-1][0].y and re.match(r"^\s*(?:,|and\b)", line.marked):
        last, text = segments[-1]  # a cell cut off by a gap (an ORCID icon) on the same line
        segments[-1] = (line, joined(text, line.marked))
        return
    segments.append((line, line.marked))


def _cut(text: str) -> bool:
    """Whether a list's text ends inside a name: its last piece is the only one that is not a
    name and no affiliation ("NOAH WHITFIELD, Université de Montréal, Canada" is complete), or
    ends with an initial or a hyphen ("Grace M.", "Neu-"), or the names run together leave a
    given name over ("Ada Lovelace Alan Turing Grace")."""
    pieces = [p for p in re.split(rf"[,;{MARK_SEP}]", text) if p.strip()]
    tail = strip_marks(pieces[-1], names=True).strip() if pieces else ""
    if not tail or AFFIL_WORDS.search(tail):
        return False
    if re.search(r"(?:\b[A-Z]\.?|[^\W\d_]-)$", tail):
        return True
    words = tail.split()
    if len(pieces) == 1 and len(words) >= 5 and len(words) % 2 == 1:
        return all(_WORD.fullmatch(w) for w in words)  # names run together, paired by two
    return not is_name(tail) and len(names_in(text)[1]) <= 1


def joined(text: str, more: str) -> str:
    """Two lines of a list as one: a hyphen at the line's end joins the halves of a name,
    kept before a capital ("Jean-Luc"), dropped before a lower-case letter ("Neumann")."""
    head, tail = text.rstrip(), more.lstrip()
    if re.search(r"[^\W\d_]-$", head) and tail[:1].isalpha():
        return head + tail if tail[0].isupper() else head[:-1] + tail
    return f"{head} {tail}"
