"""Title, authors, affiliations and abstract from the lines of the first page(s).

The title is the largest text near the top of page 1 (its lines joined with a space). The
lines between title and abstract are the author block: name lines first, then affiliations,
e-mails and addresses. The abstract starts at an "Abstract" heading (or, failing that, is the
first paragraph after the author block) and stops at "Keywords", "Index Terms", "CCS Concepts",
the introduction heading, or where the font size or left margin changes.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field

from digest.ingest.clean import (
    MARK_CHARS,
    Vocabulary,
    clean_paragraph,
    collapse_ws,
    is_noise_line,
    join_lines,
    normalize,
    strip_marks,
)
from digest.ingest.pdf import MARK_SEP, Line

log = logging.getLogger(__name__)

ABSTRACT_HEAD = re.compile(
    r"^(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\s*(?:[.:—–-]\s*|\s+(?=[A-Z])|$)(.*)$",
    re.IGNORECASE,
)
INTRO_HEAD = re.compile(r"^(?:(?:\d{1,2}|[IVX]{1,4})\.?\s*)?introduction\b\s*\S{0,20}$", re.I)
ABSTRACT_STOP = re.compile(
    r"^(?:keywords?|key\s?words|index terms|ccs concepts|general terms|subjects|acm reference"
    r"|mathematics subject|jel classification)\b",
    re.IGNORECASE,
)
AFFIL_WORDS = re.compile(
    r"\b(?:universit\w*|institut\w*|college|school|department|dept|laborator\w*|labs?|cent(?:er|re)"
    r"|inc|corp\w*|research|ai|academy|faculty|group|hospital|technolog\w*|company|ltd|gmbh"
    r"|cnrs|foundation|google|microsoft|facebook|meta|nvidia|amazon|ibm|bytedance|deepmind"
    r"|openai|alibaba|tencent|baidu|huawei|ecole|école|polytechnic\w*|sciences?|assistant)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\S+@\S+|\{[^}]*\}\s*\S*|\([^)]*\|[^)]*\)\S*")
_URL = re.compile(r"https?://\S+|www\.\S+")
_NOT_NAME = re.compile(
    r"\b(?:preprint|draft|abstract|proceedings|conference|journal|review|access|copyright|"
    r"email|e-mail|demo|code|paper|vol|volume|page|pages)\b",
    re.IGNORECASE,
)
_FUNCTION_WORD = re.compile(r"\b(?:the|of|for|with|via|on|in|a|an|is|are|to|from|by)\b")
_PARTICLES = {"de", "van", "von", "der", "den", "di", "da", "del", "la", "le", "du", "dos", "bin"}
_COUNTRY_OR_STATE = re.compile(
    r"^(?:usa|u\.s\.a\.|united states|united kingdom|uk|china|france|germany|italy|canada|japan"
    r"|korea|india|israel|switzerland|netherlands|spain|ireland|australia|singapore|[A-Z]{2})$",
    re.IGNORECASE,
)


_STREET = re.compile(r"\b(?:way|street|st\.|avenue|ave\.?|road|rd\.|box|blvd|drive|suite)\b", re.I)


@dataclass
class Header:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    abstract: str = ""
    warnings: list[str] = field(default_factory=list)
    affiliations_elsewhere: bool = False  # not under the names: page 2 may list them all


def parse_header(page1: list[Line], page2: list[Line], vocab: Vocabulary) -> Header:
    """Read the header fields from the first two pages' lines."""
    head = Header()
    lines = [ln for ln in page1 if not is_noise_line(ln.text) and ln.text.strip()]
    abs_at = _find(lines, ABSTRACT_HEAD)
    limit = abs_at if abs_at is not None else min(len(lines), 40)
    sizes = sorted(ln.size for ln in lines) or [0.0]
    t_start, t_end = _title_span(lines[:limit] or lines[:40], sizes[len(sizes) // 2])
    if t_end > t_start:
        texts = [ln.text for ln in lines[t_start:t_end]]
        if _two_tier(lines[t_start:t_end]):  # "olmOCR 2" set over the rest: a label and a title
            texts[0] = texts[0].rstrip() + ":"
        head.title = _clean_title(texts, vocab)
    else:
        head.warnings.append("no title found on page 1")
    block = lines[t_end:limit] if t_end else lines[:limit]
    author_end = _authors(block, head)
    if not head.authors and t_start > 0:  # names printed above the title
        _authors(lines[max(0, t_start - 4) : t_start], head)
    head.affiliations = _affiliations(block[author_end:])
    if not head.affiliations:  # printed at the page end or in an "Author details" section
        head.affiliations = _affiliations_elsewhere(lines, page2)
        head.affiliations_elsewhere = True
    if abs_at is not None:
        head.abstract = _abstract_from(lines, abs_at, vocab)
    else:
        at2 = _find(page2[:40], ABSTRACT_HEAD)
        if at2 is not None:
            head.abstract = _abstract_from(page2, at2, vocab)
        else:
            head.abstract = _abstract_unlabelled(lines, t_end + author_end, vocab)
    if not head.authors and page2 and abs_at is None and _find(page2[:40], ABSTRACT_HEAD):
        second = parse_header(page2, [], vocab)  # page 1 is a cover page: no names, no abstract
        if second.title and second.authors and second.abstract:
            second.warnings.append("header read from page 2 (page 1 looks like a cover page)")
            return second
    if not head.abstract:
        head.warnings.append("no abstract found on pages 1-2")
    if not head.authors:
        head.warnings.append("no author names found on page 1")
    return head


def abstract_heading_on(page: list[Line]) -> bool:
    """Whether an "Abstract" heading is on this page (else the header reader also needs page 2)."""
    return _find(page, ABSTRACT_HEAD) is not None


def _find(lines: list[Line], pattern: re.Pattern[str]) -> int | None:
    return next((i for i, ln in enumerate(lines) if pattern.match(ln.text.strip())), None)


def _title_span(lines: list[Line], body: float) -> tuple[int, int]:
    """The first run of consecutive lines set in (nearly) the largest font of the header."""
    if not lines:
        return 0, 0
    low, high = min(ln.y for ln in lines), max(ln.y for ln in lines)
    top = [
        ln for ln in lines
        if sum(c.isalpha() for c in ln.text) >= 4 and ln.y >= low + 0.45 * (high - low)
    ]  # fmt: skip
    if not top:
        return 0, 0
    biggest = max(ln.max_size for ln in top)
    start = next(i for i, ln in enumerate(lines) if ln in top and ln.max_size >= 0.9 * biggest)
    end = start + 1
    if start > 0:  # a first title line set smaller than the second ("olmOCR 2" over the rest)
        prev = lines[start - 1]
        if (
            prev.max_size >= 0.55 * biggest
            and prev.max_size > 1.25 * body
            and len(prev.text.split()) <= 8
            and 0 < prev.y - lines[start].y < 3 * biggest
        ):
            start -= 1
    while end < len(lines) and (
        lines[end].max_size >= 0.9 * biggest or not lines[end].text.strip(MARK_SEP + " ")
    ):
        end += 1
    return start, min(end, start + 4)


def _two_tier(title: list[Line]) -> bool:
    """A title whose first line is set clearly smaller than the next, with no punctuation
    between them: the first line is a short label (a system name) that reads "label: title"."""
    return (
        len(title) >= 2
        and title[0].max_size < 0.9 * title[1].max_size
        and title[0].text.rstrip()[-1:].isalnum()
        and len(title[0].text.split()) <= 4
    )


def _clean_title(texts: list[str], vocab: Vocabulary) -> str:
    parts: list[str] = []
    for text in texts:
        text = normalize(text).strip()
        if parts and not parts[-1].endswith("-"):
            parts.append(" ")
        parts.append(text)
    joined = join_lines(["".join(parts)], vocab)
    return strip_marks(joined).strip(" .")


# --- authors ------------------------------------------------------------------------------


def _authors(block: list[Line], head: Header) -> int:
    """Fill ``head.authors`` from the name lines at the top of ``block``; return where they end."""
    pieces: list[str] = []
    end = 0
    for i, ln in enumerate(block):
        text = normalize(ln.marked)
        bare = text.replace(MARK_SEP, "").strip(" ,*∗†‡")
        if not bare:
            end = i + 1
            continue
        if _all_caps(bare):  # "DOUGLAS R. SMITH AND MARY JONES" -> "Douglas R. Smith and ..."
            text = name_case(text)
        names = _split_names(text)
        # a lone given name whose surname wrapped to the next line ("Andrew" / "D. White")
        single = bool(pieces) and re.fullmatch(r"[A-Z][a-z]+", bare) is not None
        if names and (all(_is_name(n) for n in names) or single):
            joiner = " " if pieces and len(pieces[-1].split()) == 1 else ","
            pieces.append(text) if not pieces else pieces.append(joiner + text)
            end = i + 1
            continue
        if pieces or i > 3:
            break
    if pieces:
        names = _split_names("".join(pieces))
        head.authors = [n for n in names if _is_name(n)]
    return end


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters) and " " in text.strip()


_LOWER_WORDS = _PARTICLES | {"and", "of", "the", "for", "at", "in", "on", "with", "to", "a", "an"}


def name_case(text: str) -> str:
    """Names printed in capitals, in normal case: "JEAN-LUC O'NEIL AND ANA DE LA CRUZ" ->
    "Jean-Luc O'Neil and Ana de la Cruz". Initials stay ("J."); small words go lower case."""

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.lower() in _LOWER_WORDS:
            return token.lower()
        return re.sub(r"[^\W\d_]+", lambda p: p.group(0).capitalize(), token)

    return re.sub(r"[^\s,;]+", word, text)


def _split_names(text: str) -> list[str]:
    text = _EMAIL.sub(" ", text)
    text = re.sub(rf"[\s,{MARK_SEP}]+(?:and|&)\s+|[\s,{MARK_SEP}]+and$|^and\s+", ",", text)
    segments = re.split(rf"[,;{MARK_SEP}]|\s{{2,}}|(?<=[^\W\d])\d+(?:\s|$)", text)
    names: list[str] = []
    for seg in segments:
        seg = strip_marks(seg, names=True).strip(" .")
        seg = re.sub(r"(?:^|\s)\d+(?=\s|$)", " ", seg).strip()
        if not seg:
            continue
        tokens = seg.split()
        if len(tokens) >= 4 and not any(t.lower() in _PARTICLES for t in tokens):
            names.extend(_pair_names(tokens))
        else:
            names.append(" ".join(tokens))
    return names


def _pair_names(tokens: list[str]) -> list[str]:
    """Split 'Jake Poznanski Luca Soldaini' into given-name [initials] surname groups."""
    names, current = [], []
    for tok in tokens:
        current.append(tok)
        is_initial = re.fullmatch(r"[A-Z]\.?(?:-[A-Z]\.?)?", tok) is not None
        if len(current) >= 2 and not is_initial:
            names.append(" ".join(current))
            current = []
    if current:
        if names:
            names[-1] += " " + " ".join(current)
        else:
            names.append(" ".join(current))
    return names


def _is_name(name: str) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or len(name) > 50:
        return False
    if any(p.search(name) for p in (_NOT_NAME, _FUNCTION_WORD, AFFIL_WORDS)):
        return False
    if any(c.isdigit() for c in name):
        return False
    if name.isupper() and len(name.replace(" ", "")) > 6:
        return False
    for tok in tokens:
        if tok.lower() in _PARTICLES:
            continue
        if not (tok[0].isupper() or tok[0] in "’'") or not re.fullmatch(r"[^\W\d_][\w.’'\-]*", tok):
            return False
    return True


# --- affiliations -------------------------------------------------------------------------


def _affiliations(block: list[Line]) -> list[str]:
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
        text = _URL.sub(" ", _EMAIL.sub(" ", text))
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
        clean = _trim_address(rec)
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
    cells = [_repeat_cells(normalize(ln.text)) for ln in block]
    out: dict[int, list[str]] = {}
    i = 0
    while i < len(block):
        n = len(cells[i])
        j = i
        while j + 1 < len(block) and n >= 2 and len(cells[j + 1]) == n:
            j += 1
        if j > i and any(AFFIL_WORDS.search(c) for c in cells[i]):
            columns = [", ".join(row[k] for row in cells[i : j + 1]) for k in range(n)]
            out[i] = [_URL.sub(" ", _EMAIL.sub(" ", c)) for c in columns]
            out.update({k: [] for k in range(i + 1, j + 1)})
        i = j + 1
    return out


def _repeat_cells(text: str) -> list[str]:
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


def _affiliations_elsewhere(page1: list[Line], page2: list[Line]) -> list[str]:
    """Affiliations printed away from the names: an "Author details" section (pages 1-2), or
    footnotes at the bottom of page 1 that start with a mark ("¹Department of ..., University
    of ...")."""
    for page in (page1, page2):
        at = _find(page, _DETAILS_HEAD)
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
            found = _marked_records(" ".join(texts))
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
    return _marked_records(" ".join(notes))


def _marked_records(text: str) -> list[str]:
    """Institutions in a run of text where each starts with a mark: "1Dept. A. 2Dept. B."."""
    records = [collapse_ws(r) for r in _LEADING_MARK.split(text)]
    records = [
        strip_marks(r) for r in records
        if AFFIL_WORDS.search(r) and "@" not in r and not r.lower().startswith("correspond")
    ]  # fmt: skip
    return _dedupe(records)


def _trim_address(text: str) -> str:
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


# --- abstract -----------------------------------------------------------------------------


def _abstract_from(lines: list[Line], at: int, vocab: Vocabulary) -> str:
    m = ABSTRACT_HEAD.match(lines[at].text.strip())
    first = m.group(1).strip() if m else ""
    body = lines[at + 1 :]
    taken = _take_paragraph(body, first_inline=bool(first))
    texts = ([first] if first else []) + [ln.text for ln in taken]
    return clean_paragraph(texts, vocab)


def _take_paragraph(body: list[Line], first_inline: bool = False) -> list[Line]:
    """Lines of one block: stops at stop headings, a change of font size or of left margin."""
    taken: list[Line] = []
    ref = next((ln for ln in body[:3] if len(ln.text) > 30), body[0] if body else None)
    if ref is None:
        return taken
    left = min((ln.x for ln in body[:4] if ln.page == ref.page), default=ref.x)
    steps = [a.y - b.y for a, b in itertools.pairwise(body[:6]) if 0 < a.y - b.y < 4 * ref.size]
    step = sorted(steps)[len(steps) // 2] if steps else 1.5 * ref.size
    for ln in body:
        if taken and ln.page == taken[-1].page and taken[-1].y - ln.y > 2.2 * step:
            break
        text = ln.text.strip()
        if ABSTRACT_STOP.match(text) or INTRO_HEAD.match(text) or is_noise_line(text):
            if taken or not is_noise_line(text):
                break
            continue
        if abs(ln.size - ref.size) > 0.1 * ref.size:
            if len(text) > 3:
                break
            continue
        if ln.page == ref.page and ln.x < left - 8 and taken:
            break
        taken.append(ln)
        if len(taken) > 80:
            break
    return taken


def _abstract_unlabelled(lines: list[Line], start: int, vocab: Vocabulary) -> str:
    """No heading: the first substantial block after the author block, before the introduction."""
    i = start
    while i < len(lines) and (
        len(lines[i].text) < 40 or "@" in lines[i].text or AFFIL_WORDS.search(lines[i].text)
    ):
        i += 1
    taken = _take_paragraph(lines[i:])
    text = clean_paragraph([ln.text for ln in taken], vocab)
    return text if len(text) >= 200 else ""
