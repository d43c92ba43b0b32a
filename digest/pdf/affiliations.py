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

import re
from collections.abc import Sequence

from digest.pdf.cells import name_columns, same_column, split_cells
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
    "trim_address",
]

_SUBUNIT = re.compile(
    r"\b(?:department|dept\.?|school|faculty|division|section|unit|laborator(?:y|ies)|lab"
    r"|chair|programme|program|group)\b",
    re.IGNORECASE,
)
_TOP_LEVEL = re.compile(
    r"\b(?:universit\w*|universidad\w*|universidade|college|institut\w*|inc|corp\w*|ltd|llc"
    r"|gmbh|hospital|academy|foundation)\b",
    re.IGNORECASE,
)
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
    centres = name_columns(kinds)
    cells = [(cell, kind) for line, kind in kinds for cell in (
        split_cells(line, centres) if kind == "other" else [line]
    )]  # fmt: skip
    for line, kind in cells:
        home = next((c for c in reversed(columns) if same_column(c[-1][0], line)), None)
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
    text = re.sub(r"^\((.*)\)\.?$", r"\1", text.strip())  # an old journal's "(From the ...)"
    text = re.sub(r"(?i)^from\s+(?:the\s+)?", "", text)
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
        if _SUBUNIT.search(parts[-2]) and not _TOP_LEVEL.search(parts[-2]):
            break  # a department is never the whole affiliation: "Research Department,
            # Deutsche Bundesbank" names its institution last
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
