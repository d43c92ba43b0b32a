"""Affiliations: the author block's lines after the names, or where else a paper prints them.

Records start at superscript marks or affiliation words and run on over wrapped lines; side-by-
side author columns (interleaved by the text layer) are cut back into columns; addresses,
postcodes, countries and e-mails are trimmed. When the block has none, an "Author details"
section (pages 1-2) or footnotes at the bottom of page 1 are read instead.
"""

from __future__ import annotations

import re

from digest.pdf.clean import MARK_CHARS, collapse_ws, normalize, strip_marks
from digest.pdf.cues import ABSTRACT_HEAD, AFFIL_WORDS, EMAIL, URL, find_line
from digest.pdf.reader import MARK_SEP, Line

__all__ = [
    "affiliations_elsewhere",
    "marked_records",
    "read_affiliations",
    "repeat_cells",
    "trim_address",
]

_COUNTRY_OR_STATE = re.compile(
    r"^(?:usa|u\.s\.a\.|united states|united kingdom|uk|china|france|germany|italy|canada|japan"
    r"|korea|india|israel|switzerland|netherlands|spain|ireland|australia|singapore|[A-Z]{2})$",
    re.IGNORECASE,
)


_STREET = re.compile(r"\b(?:way|street|st\.|avenue|ave\.?|road|rd\.|box|blvd|drive|suite)\b", re.I)


def read_affiliations(block: list[Line]) -> list[str]:
    records: list[str] = []
    continued = False
    columns = _side_by_side(block)
    for i, ln in enumerate(block):
        if i in columns:
            records.extend(columns[i])
            continued = False
            continue
        text = normalize(ln.marked)
        if ABSTRACT_HEAD.match(ln.text.strip()):
            break
        text = URL.sub(" ", EMAIL.sub(" ", text))
        starts_marked = text.lstrip()[:1] in MARK_CHARS or bool(
            re.match(r"^\s*\d{1,2}\s*[A-Z]", text)
        )
        chunks = [c for c in re.split(rf"{MARK_SEP}|(?<=[a-z.])\d{{1,2}}(?=,|\s|$)", text)]
        chunks = [re.sub(r"^\s*\d{1,2}\s+(?=[A-Z])", "", c) for c in chunks]
        chunks = [collapse_ws(strip_marks(c)) for c in chunks if c.strip(" ,")]
        if not chunks:
            continue
        keyword = any(AFFIL_WORDS.search(c) for c in chunks)
        if records and records[-1].endswith(",") and not starts_marked:
            records[-1] = f"{records[-1]} {chunks[0]}"
            records.extend(chunks[1:])
        elif records and continued and keyword and not starts_marked and len(chunks) == 1:
            records[-1] = f"{records[-1]}, {chunks[0]}"  # one institution over several lines
        elif keyword or starts_marked:
            records.extend(chunks)
        continued = (keyword or starts_marked) and not starts_marked
    return _dedupe(records)


def _dedupe(records: list[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for rec in records:
        clean = trim_address(rec)
        if clean and clean.lower() not in seen:
            seen.add(clean.lower())
            out.append(clean)
    return out


def _side_by_side(block: list[Line]) -> dict[int, list[str]]:
    """Affiliations of author columns set side by side, which the text layer interleaves line by
    line ("Stanford University Stanford University Yahoo! Inc."). A line that repeats a phrase
    of two or more words back to back is cut into cells there; consecutive lines cut into the
    same number of cells are rows of one table, and each column (its cells joined) is one
    affiliation. Returns {index of the first row: affiliations}, later rows map to []."""
    cells = [repeat_cells(normalize(ln.text)) for ln in block]
    out: dict[int, list[str]] = {}
    i = 0
    while i < len(block):
        n = len(cells[i])
        j = i
        while j + 1 < len(block) and n >= 2 and len(cells[j + 1]) == n:
            j += 1
        if j > i and any(AFFIL_WORDS.search(c) for c in cells[i]):
            columns = [", ".join(row[k] for row in cells[i : j + 1]) for k in range(n)]
            out[i] = [URL.sub(" ", EMAIL.sub(" ", c)) for c in columns]
            out.update({k: [] for k in range(i + 1, j + 1)})
        i = j + 1
    return out


def repeat_cells(text: str) -> list[str]:
    """Cut a line at a phrase of 2+ words repeated back to back: "A B A B C" -> [A B, A B, C]."""
    words = text.split()
    for size in range(2, len(words) // 2 + 1):
        for at in range(len(words) - 2 * size + 1):
            if words[at : at + size] == words[at + size : at + 2 * size]:
                parts = [words[:at], words[at : at + size], words[at + size : at + 2 * size]]
                parts.append(words[at + 2 * size :])
                return [" ".join(p) for p in parts if p]
    return [text]


_DETAILS_HEAD = re.compile(
    r"^(?:author\s+details|author\s+information|affiliations?)\s*:?\s*$", re.IGNORECASE
)
_LEADING_MARK = re.compile(rf"(?:^|(?<=[.;,]\s)|(?<=[.;]))\s*(?:\d{{1,2}}|{MARK_SEP})(?=[A-Z])")


def affiliations_elsewhere(page1: list[Line], page2: list[Line]) -> list[str]:
    """Affiliations printed away from the names: an "Author details" section (pages 1-2), or
    footnotes at the bottom of page 1 that start with a mark ("¹Department of ..., University
    of ...")."""
    for page in (page1, page2):
        at = find_line(page, _DETAILS_HEAD)
        if at is not None:
            texts: list[str] = []
            prev = page[at]
            for ln in page[at + 1 : at + 12]:
                gap = prev.y - ln.y
                heading = len(ln.text.split()) <= 4 and ln.text.rstrip()[-1:] not in ".,;"
                if texts and (
                    abs(ln.x - page[at].x) > 5
                    or not 0 < gap < 1.9 * page[at].size
                    or (heading and texts[-1].endswith("."))
                ):
                    break
                texts.append(normalize(ln.marked))
                prev = ln
            found = marked_records(" ".join(texts))
            if found:
                return found
    if not page1:
        return []
    body = sorted(ln.size for ln in page1)[len(page1) // 2]
    low, high = min(ln.y for ln in page1), max(ln.y for ln in page1)
    bottom = low + 0.25 * (high - low)
    notes = [
        normalize(ln.marked) for ln in page1
        if ln.size < 0.9 * body and ln.y <= bottom and ln.marked.startswith(MARK_SEP)
    ]  # fmt: skip
    return marked_records(" ".join(notes))


def marked_records(text: str) -> list[str]:
    """Institutions in a run of text where each starts with a mark: "1Dept. A. 2Dept. B."."""
    records = [collapse_ws(r) for r in _LEADING_MARK.split(text)]
    records = [
        strip_marks(r) for r in records
        if AFFIL_WORDS.search(r) and "@" not in r and not r.lower().startswith("correspond")
    ]  # fmt: skip
    return _dedupe(records)


def trim_address(text: str) -> str:
    parts = [p.strip() for p in text.strip(" ,").split(",")]
    parts = [
        p for p in parts
        if p
        and not (re.search(r"\d", p) and (re.search(r"\d{4}", p) or not AFFIL_WORDS.search(p)))
        and not _COUNTRY_OR_STATE.match(p)
        and not _STREET.search(p)
    ]  # fmt: skip
    for k in range(len(parts) - 1, 0, -1):  # "University of Illinois, at Chicago"
        if re.match(r"(?:at|of|in|de|di|du)\s", parts[k]):
            parts[k - 1 : k + 1] = [f"{parts[k - 1]}, {parts[k]}"]
    while len(parts) > 1 and not AFFIL_WORDS.search(parts[-1]) and len(parts[-1].split()) <= 2:
        parts.pop()
    text = ", ".join(parts).strip(" ,")
    if text.endswith(".") and text.split()[-1] not in {"Inc.", "Ltd.", "Corp.", "Co."}:
        text = text[:-1]
    return text
