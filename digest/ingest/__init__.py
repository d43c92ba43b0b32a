"""Ingest: turn one PDF file into a :class:`~digest.models.Paper`.

pdf.py       open with pypdf, map failures to our errors, read pages as lines with font sizes
clean.py     text normalisation (ligatures, accents, hyphens, marks, headers/footers)
header.py    title, authors, affiliations, abstract from pages 1-2
sections.py  body split by headings, up to the references
score.py     fuzzy matching helpers shared by the tests and scripts/bench_corpus.py
"""

from __future__ import annotations

import hashlib
import logging
from functools import cache
from pathlib import Path

from digest.errors import CorruptPDFError, NoTextError
from digest.ingest.clean import (
    Vocabulary,
    arxiv_stamp_id,
    clean_paragraph,
    is_noise_line,
    is_repeated,
    normalize,
    repeated_lines,
)
from digest.ingest.header import parse_header
from digest.ingest.pdf import Line, open_pdf, read_page
from digest.ingest.sections import is_references, split_sections
from digest.models import Paper

__all__ = ["MAX_PAGES", "parse_pdf", "parser_version"]

log = logging.getLogger(__name__)

MAX_PAGES = 40  # hard cap on body pages read
_MIN_LETTERS = 40  # fewer letters than this on pages 1-2 means no usable text layer


def parse_pdf(path: Path | str) -> Paper:
    """Parse one PDF into a Paper: header from pages 1-2, body until the references.

    Raises NotAPDFError, CorruptPDFError, EncryptedPDFError or NoTextError; a missing title,
    author list or abstract only adds a warning.
    """
    file = Path(path)
    reader, data = open_pdf(file)
    total = len(reader.pages)
    if total == 0:
        raise CorruptPDFError(file, "no pages")
    warnings: list[str] = []
    pages: list[list[Line]] = []
    read: list[int] = []
    for index in range(min(total, MAX_PAGES)):
        try:
            lines = read_page(reader, index)
        except Exception as err:  # pypdf may fail on one broken content stream
            if index == 0:
                raise CorruptPDFError(file, f"cannot read page 1: {err}"[:200]) from err
            log.warning("%s: page %d unreadable: %s", file, index + 1, err)
            warnings.append(f"page {index + 1} could not be read")
            continue
        pages.append(lines)
        read.append(index + 1)
        if index >= 1 and any(is_references(ln) for ln in lines):
            break
        if index == 1 and _letters(pages) < _MIN_LETTERS:
            break
    if _letters(pages[:2]) < _MIN_LETTERS:
        raise NoTextError(file, f"{_letters(pages[:2])} letters of text on the first pages")
    if total > MAX_PAGES and read[-1] == MAX_PAGES:
        warnings.append(f"stopped after {MAX_PAGES} pages without finding the references")

    repeated = repeated_lines([[ln.text for ln in p] for p in pages])
    body = [
        ln for p in pages for ln in p
        if not is_noise_line(ln.text) and not is_repeated(ln.text, repeated)
    ]  # fmt: skip
    vocab = Vocabulary(normalize(ln.text) for ln in body)
    page1 = [ln for ln in pages[0] if not is_repeated(ln.text, repeated)]
    page2 = pages[1] if len(pages) > 1 and read[1] == 2 else []
    head = parse_header(page1, page2, vocab)
    sections = split_sections(body, vocab)
    if not sections:
        warnings.append("no section headings found")
    stamp = next((i for ln in pages[0] if (i := arxiv_stamp_id(ln.text))), None)
    return Paper(
        source=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        arxiv_id=stamp,
        title=head.title,
        authors=head.authors,
        affiliations=head.affiliations,
        abstract=head.abstract,
        first_page=clean_paragraph([ln.text for ln in page1 if not is_noise_line(ln.text)], vocab),
        sections=sections,
        pages_total=total,
        pages_read=read,
        warnings=head.warnings + warnings,
    )


PDF_MODULES = ("__init__.py", "clean.py", "header.py", "pdf.py", "sections.py")


@cache
def parser_version() -> str:
    """Hash of the PDF parser's code: a changed parser re-parses what it had stored."""
    digest = hashlib.sha256()
    for name in PDF_MODULES:
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def _letters(pages: list[list[Line]]) -> int:
    return sum(ch.isalpha() for p in pages for ln in p for ch in ln.text)
