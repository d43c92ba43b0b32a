"""The author block: from under the title down to the abstract, its name lines, e-mail
lines and affiliation lines.

A name line holds names (names.py), and at most an affiliation after them; a list that wraps
("..., F." / "Jon Geske, ...") or a name cut off at the end of a line ("and Andrew" / "D.
White") is read as one. A name printed twice in one list is an affiliation ("Name, Company"
lines). An editor's entry ("Edited by", "Communicated by", "Academic Editor:", with the name
and affiliation under or beside it) is neither names nor affiliations. The other lines go to
affiliations.py, which reads them in columns. Names printed after labels ("Authors:",
"Presenting Author:") are read too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from digest.pdf.affiliations import column_records, dedupe, trim_address
from digest.pdf.cues import (
    ABSTRACT_HEAD,
    AFFIL_WORDS,
    BANNER,
    BOILERPLATE,
    COUNTRY_OR_STATE,
    EDITOR_ROLE,
    EMAIL,
    INTRO_HEAD,
    STRUCTURED_LABEL,
    abstract_stop,
    lowercase_share,
    section_heading,
)
from digest.pdf.namelist import add_segment, continues, joined, rows
from digest.pdf.names import is_name, names_in, split_names
from digest.pdf.reader import MARK_SEP, STYLE_SEP, Line

__all__ = ["author_region", "beside_block", "labelled_authors", "name_line", "read_region"]

VALUE_GAP = 6.0  # ems: a label's value starts within this of it ("Editor:   Lawrence Bragg")
_LABELLED = re.compile(r"^(?:(?:presenting\s+|co-?)?authors?(?:\(s\))?|by|written by)\s*:\s*", re.I)


def name_line(line: Line) -> list[str]:
    """The names on a line when it is a name line (names, and at most an affiliation)."""
    text = line.text.strip()
    if len(text.split()) > 40 or (BANNER.search(text) and "," not in text):
        return []
    if ABSTRACT_HEAD.match(text) or BOILERPLATE.match(text) or _LABELLED.match(text):
        return []
    if EDITOR_ROLE.match(text.lstrip("([ ")):
        return []  # "(Communicated by Lawrence Bragg)": the editor, not an author
    names, rest = _names_and_rest(_name_text(line))
    if not names:
        return []
    if rest and all(COUNTRY_OR_STATE.match(r.strip()) for r in rest):
        return []  # an address: "Ann Arbor, MI, USA", "São Carlos, SP, Brazil"
    junk = [r for r in rest if not AFFIL_WORDS.search(r) and not _capitalised(r)]
    return names if len(junk) <= len(names) // 3 else []


def _name_text(line: Line) -> str:
    """The line's marked text to read names from: with a change of type style read as a
    separator when that finds more names ("Ada Lovelace" in roman, then "University of Turin"
    in italics, then "Alan Turing"), since names and affiliations are set apart by style."""
    if not line.styled:
        return line.marked
    styled = line.styled.replace(STYLE_SEP, ",")
    return styled if len(names_in(styled)[0]) > len(names_in(line.marked)[0]) else line.marked


def _names_and_rest(text: str) -> tuple[list[str], list[str]]:
    """names_in, with a name cut at the line's end left out of the rest ("..., and Friedrich
    von" / "Hallberg", "..., Chloé" / "Marchand"): it is neither a name yet nor anything else."""
    names, rest = names_in(text)
    pieces = split_names(text)
    if names and rest and pieces and rest[-1] == pieces[-1] and is_name(f"{rest[-1]} Hallam"):
        rest = rest[:-1]
    return names, rest


def _capitalised(piece: str) -> bool:
    words = [w for w in piece.split() if w.isalpha()]
    return bool(words) and all(w[0].isupper() or w in ("of", "and", "for", "de") for w in words)


def author_region(lines: list[Line], top: float, anchor: int | None, body: float) -> list[Line]:
    """The lines between the title and the abstract (or the first prose or notice)."""
    region: list[Line] = []
    stop_y = lines[anchor].y if anchor is not None else None
    seen_names = False
    for ln in lines:
        if ln.y >= top - 0.1:
            continue
        if stop_y is not None and ln.y <= stop_y + 0.1:
            break
        text = ln.text.strip()
        if stop_y is None:
            if INTRO_HEAD.match(text) or section_heading(text) or abstract_stop(text):
                break
            if BOILERPLATE.match(text) or STRUCTURED_LABEL.match(text):
                break
            if _prose(ln, body) and not name_line(ln):
                break
            if region and seen_names and region[-1].y - ln.y > 5 * body:
                break
        seen_names = seen_names or bool(name_line(ln))
        region.append(ln)
    return region


def beside_block(lines: list[Line], anchor: int, top: float, body: float) -> list[Line]:
    """Lines below the abstract's heading but outside its column, top down until prose or a
    heading: an author block set beside the abstract (CHI extended abstracts)."""
    head = lines[anchor]
    below = [ln for ln in lines if ln.y < head.y - 0.3 * head.size and ln.y < top]
    column = [ln for ln in below[:6] if ln.x1 > head.x and ln.x < (head.x1 or head.x) + 10]
    x0 = min([head.x, *(ln.x for ln in column)])
    x1 = max([head.x1 or head.x, *(ln.x1 for ln in column)])
    out: list[Line] = []
    for ln in lines:
        if ln.y >= top - 0.1 or ln.y > head.y + 0.3 * head.size:
            continue
        if ln.x1 > x0 and ln.x < x1:
            continue  # the abstract's own column
        text = ln.text.strip()
        if _prose(ln, body) or INTRO_HEAD.match(text) or section_heading(text):
            break
        out.append(ln)
    return out


def _prose(line: Line, body: float) -> bool:
    """Running text: a long line of many words, many of them lower-case words that are not
    the little words of a name or an affiliation ("of", "and", "de")."""
    text = line.text
    if len(text) < 35 or len(text.split()) < 6 or line.size > 1.15 * body:
        return False
    enough = 0.3 if len(text) >= 55 and len(text.split()) >= 8 else 0.4  # a narrow column
    return lowercase_share(text) >= enough and not _name_list(line.marked)


def _name_list(text: str) -> bool:
    """Mostly short capitalised pieces between commas and marks: a list of names."""
    pieces = [p.strip() for p in re.split(rf"[,;{MARK_SEP}]|\band\b", text) if p.strip()]
    short = [p for p in pieces if re.fullmatch(r"(?:[A-Z][\w.’'\-]*|[a-z]{1,3})(?:\s+\S+){0,3}", p)]
    return len(pieces) >= 3 and len(short) >= 0.7 * len(pieces)


def read_region(region: list[Line]) -> tuple[list[str], list[str]]:
    """Names and affiliation records of the author block."""
    segments: list[tuple[Line, str]] = []
    kinds: list[tuple[Line, str]] = []  # each line of the block: "name", "email" or "other"
    extra: list[str] = []
    style: Line | None = None  # the first name line: the others are set alike
    editor = _Entry()
    for row in rows(region):
        for ln in row:
            text = ln.text.strip()
            if editor.holds(ln, row):
                kinds.append((ln, "editor"))
                continue
            names = [] if abstract_stop(text) else name_line(ln)
            after_other = bool(kinds) and kinds[-1][1] == "other"
            if names and style is not None and after_other and not _alike(style, ln, row, segments):
                names = []  # set unlike the names above, after affiliations: an address
            if not names and not after_other and continues(segments, ln):
                segments[-1] = (ln, joined(segments[-1][1], ln.marked))
                kinds.append((ln, "name"))
            elif names:
                style = style or ln
                ln = replace(ln, marked=_name_text(ln))
                add_segment(segments, ln, row)
                _, rest = _names_and_rest(ln.marked)
                extra += [r for r in rest if AFFIL_WORDS.search(r) or _capitalised(r)]
                kinds.append((ln, "name"))
            elif (EMAIL.search(text) and len(EMAIL.sub("", text).split()) <= 2) or re.fullmatch(
                r"(?i)and|&", text
            ):
                kinds.append((ln, "email"))  # an address line, or "and" between author blocks
            else:
                kinds.append((ln, "other"))
    pieces = [names_in(text)[0] for _, text in segments]
    counts = Counter(name for names in pieces for name in names)
    authors = [n for names in pieces for n in names if counts[n] == 1 or _person_like(n)]
    repeated = [n for n in counts if counts[n] > 1 and not _person_like(n)]
    records = column_records(kinds)
    if not records and (extra or repeated):
        records = dedupe(repeated + extra)
    elif extra and len(extra) >= len(authors) - 1:  # names and affiliations interleaved
        records = dedupe(extra + records)
    return authors, records


class _Entry:
    """An editor's entry in the author block ("Edited by:" / "Lawrence Bragg," / "University of
    Oxford"): the label's line and the cells beside it, then the lines under it in its column
    while the entry is open (the label names no one yet, or a line ends with a comma), up to
    one name line when the label names no one itself."""

    def __init__(self) -> None:
        self.last: Line | None = None
        self.wants_name = False
        self.open = False

    def holds(self, line: Line, row: list[Line]) -> bool:
        text = line.text.strip()
        if EDITOR_ROLE.match(text.lstrip("([ ")):
            rest = EDITOR_ROLE.sub("", text.lstrip("([ ")).strip(" :")
            self.wants_name = not names_in(rest)[0] and not any(_next_to(line, x) for x in row)
            self._take(line, text)
            return True
        last = self.last
        if last is None:
            return False
        beside = _next_to(last, line)
        under = 0 < last.y - line.y <= 1.8 * max(line.size, last.size) and line.x < last.x1
        names = bool(name_line(line))
        follows = beside or (under and (self.open or text[:1].islower()))
        if follows and (not names or self.wants_name or beside):
            self.wants_name = self.wants_name and not names
            self._take(line, text)
            return True
        self.last = None  # the entry is over: the next name is an author's
        return False

    def _take(self, line: Line, text: str) -> None:
        self.last = line
        self.open = self.wants_name or re.search(r"(?:[,;:&]|\band)$", text) is not None


def _next_to(label: Line, cell: Line) -> bool:
    """A cell on the label's baseline, a few ems right of it: the label's value."""
    same_row = abs(cell.y - label.y) < 0.3 * cell.size
    return same_row and 0 < cell.x - (label.x1 or label.x) < VALUE_GAP * cell.size


def _alike(first: Line, line: Line, row: list[Line], segments: list[tuple[Line, str]]) -> bool:
    """Whether a name line is set like the first one (size and weight): authors are."""
    if any(seg_line.y == line.y for seg_line, _ in segments):
        return True  # on a row with names already: a side-by-side cell
    same_size = abs(first.size - line.size) <= 0.06 * first.size
    same_weight = (first.bold > 0.5) == (line.bold > 0.5)
    return same_size and same_weight


def _person_like(name: str) -> bool:
    """A name printed twice in one author list is an affiliation ("Tom Hammel, Teledyne
    Energy Systems" over "Bill Otting, Teledyne Energy Systems"), unless it has initials."""
    return re.search(r"\b[A-Z]\.", name) is not None


def labelled_authors(lines: list[Line]) -> tuple[list[str], list[str]]:
    """Names given after labels ("Authors:", "Presenting Author:"), on the label's line or in
    the cells beside and under it."""
    authors: list[str] = []
    records: list[str] = []
    for i, ln in enumerate(lines):
        m = _LABELLED.match(ln.text.strip())
        if not m:
            continue
        value = ln.text.strip()[m.end() :]
        beside = [x for x in lines[i + 1 : i + 12] if x.x > ln.x1 - 1 and ln.y - x.y < 8 * ln.size]
        for text in ([value] if value else []) + [x.text for x in beside]:
            names, rest = names_in(text)
            authors += names
            records += [r for r in rest if AFFIL_WORDS.search(r) or _capitalised(r)]
    return list(dict.fromkeys(authors)), dedupe(records)


def signed_authors(lines: list[Line]) -> tuple[list[str], list[str]]:
    """An editorial's or a commentary's signature: the author's name on a short line set flush
    right at the end of the text, the affiliation on the short flush-right lines under it.
    (Lines of running text end at the same edge but start at the column's left edge.)"""
    for i, ln in enumerate(lines):
        names, rest = names_in(ln.marked)
        if not names or rest or not ln.x1 or len(ln.text.split()) > 10:
            continue
        column = [x for x in lines if x.x1 and abs(x.x1 - ln.x1) <= 3 and x is not ln]
        left = min((x.x for x in column), default=ln.x)
        if ln.x - left < 0.25 * (ln.x1 - left):
            continue  # not set apart from the column's text
        under: list[Line] = []
        for x in lines[i + 1 :]:
            if ln.y - x.y > (len(under) + 2) * 1.6 * ln.size:
                break
            if EMAIL.search(x.text) or re.match(r"(?i)e-?mail|correspond", x.text.strip()):
                break
            if abs(x.x1 - ln.x1) <= 3 and x.x - left >= 0.1 * (ln.x1 - left):
                under.append(x)
        text = " ".join(x.text for x in under)
        if under and AFFIL_WORDS.search(text):
            return names, [trim_address(text)]
    return [], []
