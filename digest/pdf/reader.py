"""Open a PDF with pypdf, map its failures to our errors, and read pages as lines.

Each page is read once with ``page.extract_text(visitor_text=...)``: the visitor sees every text
run with its font size and position, and the concatenation of the runs equals the extracted text.
That lets a :class:`Line` carry its dominant font size and its left edge, and lets superscript
marks (footnote/affiliation marks set in a smaller font) be told apart from the text they follow.
"""

from __future__ import annotations

import gc
import io
import logging
import math
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader

from digest.errors import CorruptPDFError, EncryptedPDFError, NotAPDFError

log = logging.getLogger(__name__)

MARK_SEP = "\u2063"  # stands where a superscript mark was removed (used to split affiliations)
STYLE_SEP = "\u2064"  # stands where the type style changes between two words (Line.styled)

# A superscript run is a mark when it is small and looks like one: digits, symbols, commas,
# or one or two lower-case letters ("a,b").
_MARK_TEXT = re.compile(r"^[\s\d,;*∗†‡§¶⋄□♠♢♡♣♦⋆★☆#|&–\-]+$|^\s*[a-f](?:\s*,\s*[a-f])*\s*$")
_SMALL = 0.8  # a run below this fraction of its line's font size is a superscript candidate


@dataclass
class Line:
    """One line of extracted text with its layout."""

    text: str  # superscript marks removed
    marked: str  # superscript marks replaced by MARK_SEP
    size: float  # dominant font size (character-weighted)
    max_size: float
    x: float  # left edge
    y: float  # baseline
    page: int  # 1-based
    x1: float = 0.0  # right edge (0: not known, plain extraction)
    bold: float = 0.0  # share of the line's letters set in a bold font
    italic: float = 0.0  # share of them set in an italic font
    styled: str = ""  # marked, with STYLE_SEP where the style changes at a space ("" if never)


def open_pdf(path: Path) -> tuple[PdfReader, bytes]:
    """Read ``path`` and open it with pypdf; decrypt with the empty password when needed."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NotAPDFError(path, f"cannot read file: {err.strerror or err}") from err
    if not data:
        raise NotAPDFError(path, "empty file")
    if b"%PDF-" not in data[:1024]:
        raise NotAPDFError(path, "no %PDF- header")
    try:
        reader = PdfReader(io.BytesIO(data))
    except Exception as err:  # pypdf raises many types on malformed input
        raise CorruptPDFError(path, f"{type(err).__name__}: {err}"[:200]) from err
    if reader.is_encrypted:
        try:
            ok = reader.decrypt("")
        except Exception as err:
            raise EncryptedPDFError(path, f"cannot decrypt: {err}"[:200]) from err
        if not ok:
            raise EncryptedPDFError(path, "the empty password does not open it")
    try:
        _ = len(reader.pages)
    except Exception as err:
        raise CorruptPDFError(path, f"cannot read the page tree: {err}"[:200]) from err
    return reader, data


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while pypdf parses (restored on exit, even on error).

    pypdf allocates hundreds of thousands of small objects per page, which triggers a
    collection pass every few hundred allocations while none of them is garbage yet: about 15%
    of the header reader's time. Reference counting still frees memory as usual; cycles are
    collected once the collector runs again. Only re-enables what it disabled.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_page(reader: PdfReader, index: int) -> list[Line]:
    """Extract page ``index`` (0-based) as lines. Raises pypdf's errors unchanged."""
    runs: list[tuple[str, float, float, float]] = []

    def visitor(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if not text:
            return
        scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3]) or 1.0
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        runs.append((text, float(size) * scale, x, y))

    reader.pages[index].extract_text(visitor_text=visitor)
    return _lines(runs, index + 1)


def _lines(runs: list[tuple[str, float, float, float]], page: int) -> list[Line]:
    """Cut the visitor's runs at newlines; one :class:`Line` per non-blank line."""
    lines: list[Line] = []
    current: list[tuple[str, float, float, float]] = []
    for text, size, x, y in runs:
        parts = text.split("\n")
        for k, part in enumerate(parts):
            if k > 0:
                if current:
                    lines.append(_make_line(current, page))
                current = []
            if part:
                current.append((part, size, x, y))
    if current:
        lines.append(_make_line(current, page))
    return [ln for ln in lines if ln.marked.strip()]


def _make_line(pieces: list[tuple[str, float, float, float]], page: int) -> Line:
    sizes: Counter[float] = Counter()
    for txt, sz, _x, _y in pieces:
        n = len(txt) - txt.count(" ") - txt.count("\t")
        if n:
            sizes[round(sz, 1)] += n
    size = sizes.most_common(1)[0][0] if sizes else 0.0
    max_size = max(sizes) if sizes else 0.0
    first = next((p for p in pieces if p[0].strip()), pieces[0])
    # merge neighbouring pieces of equal size into runs (blank pieces join the run before),
    # then drop small mark-like runs
    runs: list[tuple[str, float]] = []
    for txt, sz, _x, _y in pieces:
        lead = txt[: len(txt) - len(txt.lstrip())]
        if runs and (not txt.strip() or abs(runs[-1][1] - sz) < 0.05):
            runs[-1] = (runs[-1][0] + txt, runs[-1][1])
        elif runs and lead:  # leading blanks belong to the run before, as in the text order
            runs[-1] = (runs[-1][0] + lead, runs[-1][1])
            runs.append((txt[len(lead) :], sz))
        else:
            runs.append((txt, sz))
    text_parts, marked_parts = [], []
    for txt, sz in runs:
        is_mark = size > 0 and sz < _SMALL * size and _MARK_TEXT.match(txt) is not None
        if is_mark:
            marked_parts.append(MARK_SEP)
            if txt[-1:].isspace():
                text_parts.append(" ")
        else:
            text_parts.append(txt)
            marked_parts.append(txt)
    return Line(
        text="".join(text_parts).strip(),
        marked="".join(marked_parts).strip(),
        size=size,
        max_size=max_size,
        x=first[2],
        y=first[3],
        page=page,
    )


__all__ = ["MARK_SEP", "STYLE_SEP", "Line", "open_pdf", "paused_gc", "read_page"]
