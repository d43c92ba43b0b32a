"""Affiliations: the records of the author block, or where else a paper prints them.

In the author block, the lines that are neither names nor e-mails are grouped into columns (the
cells under each author of a side-by-side block, or one full-width column); in a column, a line
continues the record above unless a mark (¹, *, a) or a number opens a new one, so "Department
of X" over "University of Y" is one record and "¹Dept. A" over "²Dept. B" are two. Addresses,
postcodes, countries and e-mails are trimmed. When the block holds none, they are read from an
"Author details" section, from footnotes at the foot of page 1 that open with a mark, from
"X is with the ..." notes (IEEE), or from a correspondence address.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import replace

from digest.pdf.clean import MARK_CHARS, collapse_ws, normalize, strip_marks
from digest.pdf.cues import (
    ABSTRACT_HEAD,
    AFFIL_WORDS,
    COUNTRY_OR_STATE,
    EMAIL,
    URL,
    find_line,
)
from digest.pdf.reader import MARK_SEP, Line

__all__ = [
    "affiliations_elsewhere",
    "back_matter_affiliations",
    "column_records",
    "dedupe",
    "marked_records",
    "repeat_cells",
    "trim_address",
]

_STREET = re.compile(
    r"\b(?:way|street|st\.|avenue|ave\.?|road|rd\.|box|blvd|drive|suite|campus|building"
    r"|floor)\b",
    re.I,
)
# a number that opens a record in running text: "..., 2 Lassa Fever Program, ..."
_OF_PLACE = re.compile(
    r"\b(?:university|universit[éàäy]|universidad|universidade|universit[aà]) (?:of|de|di|do|da)\s"
    r"[A-Z][\w-]+$",
    re.IGNORECASE,
)
_NUMBER_MARK = re.compile(r"(?:^|(?<=[,;.]\s)|(?<=[,;.]))\s*\d{1,2}\s*(?=[A-Z])")
_IS_WITH = re.compile(
    r"\b(?:is|are|was|were)\s+(?:now\s+|also\s+|currently\s+)?(?:with|at)\s+(.+?)"
    r"(?:\s*\((?:e-?mail|email)[^)]*\)|;|\.\s|\.$|$)",
    re.IGNORECASE,
)
_CORRESPONDENCE = re.compile(
    r"^(?:correspondence(?:\s+to)?|address for correspondence|corresponding author)\s*:?\s*",
    re.IGNORECASE,
)
_NOT_AFFILIATION = re.compile(
    r"^(?:received|accepted|revised|published|academic editor|edited by|copyright|citation"
    r"|keywords?|this is an open|funding|competing|equal contribution|these authors|\*?\s*these"
    r"|work (?:done|performed)|present address|current address)\b",
    re.IGNORECASE,
)


def column_records(kinds: Sequence[tuple[Line, str]]) -> list[str]:
    """Affiliation records of the author block, in reading order. `kinds` gives each line of
    the block, top down, as "name", "email" or "other": lines are grouped into columns (cells
    that overlap horizontally); in a column a name or an e-mail breaks a record, and the line
    right under a name is an affiliation even without an affiliation word ("ID-IMAG")."""
    columns: list[list[tuple[Line, str]]] = []
    centres = _name_columns(kinds)
    cells = [(cell, kind) for line, kind in kinds for cell in (
        _split_repeats(line) if kind == "other" else [line]
    ) for cell in (
        _split_to_grid(cell, centres) if kind != "name" else [cell]
    )]  # fmt: skip
    for line, kind in cells:
        home = next((c for c in reversed(columns) if _same_column(c[-1][0], line)), None)
        if home is None:
            columns.append([(line, kind)])
        else:
            home.append((line, kind))
    found: list[tuple[float, float, str]] = []
    for column in columns:
        entries: list[tuple[Line, bool, bool]] = []
        previous = "email"
        last_y: float | None = None
        for line, kind in column:
            if kind == "other":
                far = last_y is not None and line.y < last_y - 2.2 * line.size
                under = previous == "name" and not _name_like(line)
                entries.append((line, previous != "other" or far, under))
            previous = kind
            last_y = line.y
        for first, record in _records(entries):
            found.append((-round(first.y), first.x, record))
    return dedupe([record for _, _, record in sorted(found)])


def _name_like(line: Line) -> bool:
    """Two or more capitalised pieces and no affiliation word: names, not an affiliation."""
    pieces = [p.strip() for p in re.split(rf"[,;{MARK_SEP}]|\band\b", line.text) if p.strip()]
    capitalised = [p for p in pieces if re.fullmatch(r"(?:[A-Z][\w.’'\-]*\s?){1,4}", p)]
    return len(capitalised) >= 2 and not AFFIL_WORDS.search(line.text)


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


def _name_columns(kinds: Sequence[tuple[Line, str]]) -> list[float]:
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


def _same_column(a: Line, b: Line) -> bool:
    """Two cells are in one column when their horizontal extents mostly overlap."""
    a1, b1 = a.x1 or a.x + 6 * len(a.text), b.x1 or b.x + 6 * len(b.text)
    overlap = min(a1, b1) - max(a.x, b.x)
    return overlap > 0.5 * min(a1 - a.x, b1 - b.x)


def _records(column: list[tuple[Line, bool, bool]]) -> list[tuple[Line, str]]:
    """Records of one column, top down: marks and numbers open records, keyword lines carry
    on the record above until something breaks the run, and a line that ends open ("..., of
    the", "...,") or one that opens in lower case carries on the line above."""
    if _paragraph(column):
        first = column[0][0]
        text = " ".join(normalize(line.marked) for line, _, _ in column)
        return [(first, c) for c in _chunks(URL.sub(" ", EMAIL.sub(" ", text)))]
    out: list[tuple[Line, str]] = []
    continued = False
    open_end = False
    prev_raw = ""
    for line, broken, under in column:
        raw = line.text.strip()
        text = URL.sub(" ", EMAIL.sub(" ", normalize(line.marked)))
        if ABSTRACT_HEAD.match(raw) or _NOT_AFFILIATION.match(raw):
            continued = open_end = False
            continue
        opening = text.lstrip()[:1] in MARK_CHARS
        starts_marked = opening or bool(re.match(r"^\s*\d{1,2}\s*[A-Z]", text))
        chunks = _chunks(text)
        if not chunks:
            continue
        keyword = under or any(AFFIL_WORDS.search(c) for c in chunks)
        carries = open_end or re.match(r"^(?:and\b|&|[a-z])", raw) is not None
        if out and not broken and carries and not starts_marked:
            joiner = ", " if prev_raw.endswith(",") else " "
            out[-1] = (out[-1][0], f"{out[-1][1].rstrip(',')}{joiner}{chunks[0]}".strip())
            out.extend((line, c) for c in chunks[1:])
            prev_raw = raw
            open_end = (
                re.search(r"(?:,|\b(?:of|the|and|for|at|in|de|du|des|der))\s*$", raw) is not None
            )
            continue
        elif (
            out
            and not broken
            and continued
            and keyword
            and not starts_marked
            and len(chunks) == 1
            and not _complete(out[-1][1], chunks[0])
        ):
            out[-1] = (out[-1][0], f"{out[-1][1]}, {chunks[0]}")  # one record over several lines
        elif keyword or starts_marked:
            out.extend((line, c) for c in chunks)
        continued = keyword or starts_marked
        prev_raw = raw
        open_end = (
            re.search(r"(?:,|\b(?:of|the|and|for|at|in|de|di|du|des|der|und))\s*$", raw) is not None
        )
    return out


_INSTITUTION = re.compile(
    r"\b(?:universit\w*|universidad\w*|universidade|université|inc|corp\w*|ltd|llc|gmbh"
    r"|company|labs|research|hospital|academy|foundation|institute of technology)\b",
    re.IGNORECASE,
)


def _complete(previous: str, line: str) -> bool:
    """Whether the line above was a whole affiliation already, so a second institution
    under it is a second affiliation of the same author ("Yahoo! Research, Santa Clara, CA,
    USA" over "Australian National University"): it named an institution (not only a
    department) and the line under names one too, or it ended with an address."""
    parts = [p.strip() for p in previous.split(",") if p.strip()]
    if parts and (COUNTRY_OR_STATE.match(parts[-1]) or re.search(r"\d{4}", parts[-1])):
        return True
    return bool(_INSTITUTION.search(previous)) and bool(_INSTITUTION.search(line))


def _paragraph(column: list[tuple[Line, bool, bool]]) -> bool:
    """A column set as running text: records numbered or marked inside its lines."""
    if len(column) < 2 or any(broken for _, broken, _ in column[1:]):
        return False
    inline = sum(
        1
        for line, _, _ in column
        if re.search(rf"\S\s*(?:{MARK_SEP}|,\s*\d{{1,2}}\s+[A-Z])", line.marked[2:])
    )
    return inline >= 1


def _chunks(text: str) -> list[str]:
    parts = re.split(rf"{MARK_SEP}|(?<=[a-z.])\d{{1,2}}(?=,|\s|$)", text)
    chunks: list[str] = []
    for part in parts:
        chunks += [p for p in _NUMBER_MARK.split(part) if p.strip(" ,;")]
    return [collapse_ws(strip_marks(c)).strip(" ,;") for c in chunks if c.strip(" ,;.")]


def dedupe(records: Sequence[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for rec in records:
        clean = trim_address(rec)
        if clean and clean.lower() not in seen:
            seen.add(clean.lower())
            out.append(clean)
    return out


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


_DETAILS_HEAD = re.compile(
    r"^(?:author\s+details|author\s+information|affiliations?)\s*:?\s*$", re.IGNORECASE
)
_LEADING_MARK = re.compile(
    rf"\s*{MARK_SEP}+\s*(?=[A-Z])|(?:^|(?<=[.;,]\s)|(?<=[.;]))\s*\d{{1,2}}(?=[A-Z])"
)


def affiliations_elsewhere(page1: list[Line], page2: list[Line]) -> list[str]:
    """Affiliations printed away from the names: an "Author details" section (pages 1-2),
    footnotes at the foot of page 1 that open with a mark, "X is with the ..." notes, or a
    correspondence address."""
    for page in (page1, page2):
        at = find_line(page, _DETAILS_HEAD)
        if at is not None:
            found = marked_records(" ".join(normalize(ln.marked) for ln in _run_below(page, at)))
            if found:
                return found
    if not page1:
        return []
    body = sorted(ln.size for ln in page1)[len(page1) // 2]
    low, high = min(ln.y for ln in page1), max(ln.y for ln in page1)
    foot = [ln for ln in page1 if ln.size < 0.95 * body and ln.y <= low + 0.35 * (high - low)]
    marked = [normalize(ln.marked) for ln in foot if ln.marked.startswith(MARK_SEP)]
    found = marked_records(" ".join(marked))
    if found:
        return found
    notes = " ".join(normalize(ln.text) for ln in foot)
    found = dedupe(
        [re.sub(r"^the\s+", "", m.group(1), flags=re.I) for m in _IS_WITH.finditer(notes)]
    )
    if found:
        return found
    for i, ln in enumerate(page1):
        if _CORRESPONDENCE.match(ln.text):
            text = " ".join(normalize(x.text) for x in page1[i : i + 3])
            text = EMAIL.sub(" ", _CORRESPONDENCE.sub("", text))
            parts = [p.strip() for p in text.split(",")]
            start = next((k for k, p in enumerate(parts) if AFFIL_WORDS.search(p)), None)
            if start is not None:
                return dedupe([", ".join(parts[start:])])
    return []


_ADDRESS_LABEL = re.compile(r"^(?:e-?mail address|current address|present address)\s*:", re.I)


def back_matter_affiliations(page: list[Line]) -> list[str]:
    """Affiliations printed at a paper's end: an "Author details" section (BMC), or the
    address blocks that AMS classes print after the references, each over an "E-mail
    address:" line."""
    at = find_line(page, _DETAILS_HEAD)
    if at is not None:
        found = marked_records(" ".join(normalize(ln.marked) for ln in _run_below(page, at)))
        if found:
            return found
    records: list[str] = []
    for i, ln in enumerate(page):
        if not _ADDRESS_LABEL.match(ln.text.strip()):
            continue
        block: list[str] = []
        below = ln
        for above in reversed(page[max(0, i - 4) : i]):
            if _ADDRESS_LABEL.match(above.text.strip()) or above.y - below.y > 1.8 * ln.size:
                break
            block.insert(0, normalize(above.text))
            below = above
        if block:
            records.append(", ".join(block))
    return dedupe([r for r in records if AFFIL_WORDS.search(r)])


def _run_below(page: list[Line], at: int) -> list[Line]:
    """The lines of the block under a heading, down its own column: no paragraph gap."""
    head = page[at]
    column = [
        ln for ln in page[at + 1 :]
        if ln.y < head.y - 0.3 * head.size and abs(ln.x - head.x) <= 0.6 * head.size
    ]  # fmt: skip
    taken: list[Line] = []
    prev = head
    for ln in column[:12]:
        heading = len(ln.text.split()) <= 4 and ln.text.rstrip()[-1:] not in ".,;"
        gap = prev.y - ln.y
        if taken and (not 0 < gap < 1.9 * head.size or (heading and taken[-1].text.endswith("."))):
            break
        taken.append(ln)
        prev = ln
    return taken


def marked_records(text: str) -> list[str]:
    """Institutions in a run of text where each starts with a mark: "1Dept. A. 2Dept. B."."""
    records = [collapse_ws(URL.sub(" ", EMAIL.sub(" ", r))) for r in _LEADING_MARK.split(text)]
    records = [
        strip_marks(r) for r in records
        if AFFIL_WORDS.search(r) and "@" not in r and not r.lower().startswith("correspond")
    ]  # fmt: skip
    return dedupe(records)


def trim_address(text: str) -> str:
    parts = [p.strip() for p in text.strip(" ,").split(",")]
    parts = [
        p for p in parts
        if p
        and not (re.search(r"\d", p) and (re.search(r"\d{4}", p) or not AFFIL_WORDS.search(p)))
        and not COUNTRY_OR_STATE.match(p)
        and not _STREET.search(p)
    ]  # fmt: skip
    for k in range(len(parts) - 1, 0, -1):  # "University of Illinois, at Chicago"
        if re.match(r"(?:at|of|in|de|di|du)\s", parts[k]):
            parts[k - 1 : k + 1] = [f"{parts[k - 1]}, {parts[k]}"]
    while len(parts) > 1 and not AFFIL_WORDS.search(parts[-1]) and len(parts[-1].split()) <= 2:
        if _OF_PLACE.search(parts[-2]) and len(parts) == 2:
            break  # "University of California, Berkeley": the campus is part of the name
        if re.fullmatch(r"[A-Z][A-Z&\-]{2,}", parts[-1]):
            break  # an institution's acronym: "LT-Lab, DFKI"
        parts.pop()
    while len(parts) > 1 and not AFFIL_WORDS.search(parts[0]) and AFFIL_WORDS.search(parts[1]):
        if len(parts[0].split()) > 3 or re.match(
            r"(?i)(?:inc|ltd|llc|co|corp|gmbh|s\.?a)\.?$", parts[1]
        ):
            break  # "Corgenix, Inc.": the name before its legal form
        parts.pop(0)  # a role before the institution: "Project Officer, ... Directorate"
    text = ", ".join(parts).strip(" ,")
    if text.endswith(".") and text.split()[-1] not in {"Inc.", "Ltd.", "Corp.", "Co."}:
        text = text[:-1]
    return text
