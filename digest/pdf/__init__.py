"""PDF: turn one PDF file into a :class:`~digest.models.Paper`.

reader.py        open with pypdf, map failures to our errors, read pages as lines with layout
clean.py         text normalisation (ligatures, accents, hyphens, marks, headers/footers)
header.py        title and abstract from pages 1-2, and the order the header is read in
names.py         author names;  affiliations.py  affiliations;  cues.py  the words they share
venue.py         year and venue (imprint.py reads a line, zones.py says where it sits)
doi.py           the paper's own DOI, from its metadata (metadata.py) and its pages
namelist.py      a list of names over lines: where it wraps, and where a name is cut by it
abstract.py      the abstract as a block of its column;  labelled.py  from its heading on
sections.py      body split by headings, up to the references

This package is what a parsing worker process imports: it needs pypdf and pydantic, never the
LLM client.

:func:`parse_pdf` reads the whole paper; :func:`read_header` is the fast path that reads only
page 1 (and page 2 when the abstract heading is not on page 1, or page 1 cuts the abstract
mid-sentence) for the header fields.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from digest.errors import CorruptPDFError, GarbledTextError, NoTextError
from digest.ids import data_sha256
from digest.paper import HeaderSources, Paper
from digest.pdf.affiliations import back_matter_affiliations
from digest.pdf.clean import (
    Vocabulary,
    arxiv_stamp_id,
    clean_paragraph,
    garbled_reason,
    is_noise_line,
    is_repeated,
    normalize,
    repeated_lines,
)
from digest.pdf.doi import paper_doi
from digest.pdf.header import Header, abstract_heading_on, parse_header, vote_metadata
from digest.pdf.layout import read_layout
from digest.pdf.metadata import doc_info
from digest.pdf.reader import Line, open_pdf, paused_gc, read_page
from digest.pdf.sections import is_references, split_sections
from digest.pdf.venue import read_imprint
from digest.pdf.zones import page_zones

__all__ = ["MAX_PAGES", "parse_pdf", "read_header"]

log = logging.getLogger(__name__)

MAX_PAGES = 40  # hard cap on body pages read
_AT_END = re.compile(r"(?i)author (?:information|details)|end of the (?:article|paper)")
_MIN_LETTERS = 40  # fewer letters than this on pages 1-2 means no usable text layer


def parse_pdf(path: Path | str) -> Paper:
    """Parse one PDF into a Paper: header from pages 1-2, body until the references.

    Raises NotAPDFError, CorruptPDFError, EncryptedPDFError, NoTextError or GarbledTextError; a
    missing title, author list or abstract only adds a warning.
    """
    with paused_gc():
        return _parse_pdf(Path(path), str(path))


def _opened(file: Path) -> tuple[PdfReader, bytes, int]:
    """The reader, the file's bytes and its page count; a PDF without pages is corrupt."""
    reader, data = open_pdf(file)
    total = len(reader.pages)
    if total == 0:
        raise CorruptPDFError(file, "no pages")
    return reader, data, total


def _parse_pdf(file: Path, source: str) -> Paper:
    reader, data, total = _opened(file)
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
    _check_text(file, pages[:2])
    if total > MAX_PAGES and read[-1] == MAX_PAGES:
        warnings.append(f"stopped after {MAX_PAGES} pages without finding the references")

    repeated = repeated_lines([[ln.text for ln in p] for p in pages])
    body = [
        ln for p in pages for ln in p
        if not is_noise_line(ln.text) and not is_repeated(ln.text, repeated)
    ]  # fmt: skip
    vocab = Vocabulary(normalize(ln.text) for ln in body)
    page1 = [ln for ln in pages[0] if not is_repeated(ln.text, repeated)]
    head, header_warnings, stamp = _header(file, reader, total, vocab, frozenset(repeated))
    sections = split_sections(body, vocab)
    if not sections:
        warnings.append("no section headings found")
    return _header_paper(
        source, data, [ln.text for ln in pages[0]] + [stamp], page1, head, vocab,
        sections=sections, pages_total=total, pages_read=read,
        warnings=head.warnings + header_warnings + warnings,
    )  # fmt: skip


def read_header(path: Path | str) -> Paper:
    """The header fields only (title, authors, affiliations, abstract, first page, arXiv ID).

    Reads page 1, and page 2 only when page 1 has no text or no abstract heading, lists no
    affiliations under the names, or cuts the abstract mid-sentence at its foot; hyphens are
    decided with the words of the pages read. Raises the same errors as :func:`parse_pdf`.
    """
    with paused_gc():
        return _read_header(Path(path), str(path))


def _read_header(file: Path, source: str) -> Paper:
    reader, data, total = _opened(file)
    head, warnings, stamp, pages = _header_pages(file, reader, total, None, frozenset())
    _check_text(file, pages)
    return _header_paper(
        source, data, [ln.text for ln in pages[0]] + [stamp], pages[0], head, Vocabulary(
            normalize(ln.text) for p in pages for ln in p if not is_noise_line(ln.text)
        ),
        pages_total=total, pages_read=list(range(1, len(pages) + 1)),
        warnings=head.warnings + warnings,
    )  # fmt: skip


def _header(
    file: Path, reader: PdfReader, total: int, vocab: Vocabulary, running: frozenset[str]
) -> tuple[Header, list[str], str]:
    head, warnings, stamp, _ = _header_pages(file, reader, total, vocab, running)
    return head, warnings, stamp


def _header_pages(
    file: Path,
    reader: PdfReader,
    total: int,
    vocab: Vocabulary | None,
    running: frozenset[str],
) -> tuple[Header, list[str], str, list[list[Line]]]:
    """The header from the laid-out first page, and page 2 when page 1 has no abstract
    heading, almost no text, or no affiliations under the names."""
    try:
        first, stamp = read_layout(reader, 0)
    except Exception as err:  # pypdf may fail on one broken content stream
        raise CorruptPDFError(file, f"cannot read page 1: {err}"[:200]) from err
    pages = [first]
    warnings: list[str] = []

    def second() -> None:
        try:
            pages.append(read_layout(reader, 1)[0])
        except Exception as err:
            log.warning("%s: page 2 unreadable: %s", file, err)
            warnings.append("page 2 could not be read")

    if total > 1 and (_letters(pages) < _MIN_LETTERS or not abstract_heading_on(first)):
        second()
    words = vocab or Vocabulary(
        normalize(ln.text) for p in pages for ln in p if not is_noise_line(ln.text)
    )
    info = doc_info(reader)
    head = parse_header(
        first, pages[1] if len(pages) > 1 else [], words, pdf_title=info.title, running=running
    )
    if len(pages) == 1 and total > 1 and (head.affiliations_elsewhere or head.abstract_open):
        second()  # an "Author details" section on page 2? the rest of the abstract?
        if len(pages) > 1:
            head = parse_header(first, pages[1], words, pdf_title=info.title, running=running)
    # not in the author block: the paper's end may list them all (BMC's "Author details", the
    # addresses AMS classes print), where page 1 only noted the corresponding author's
    pointed = any(_AT_END.search(ln.text) for ln in first)  # "...available at the end of..."
    back: list[list[Line]] = []  # the paper's last pages, where read
    for index in range(total - 1, max(len(pages), total - 2) - 1, -1):
        if head.affiliations and not (head.affiliations_elsewhere and pointed):
            break
        try:
            back.append(read_layout(reader, index)[0])
        except Exception as err:
            log.warning("%s: page %d unreadable: %s", file, index + 1, err)
            continue
        found = back_matter_affiliations(back[-1])
        if len(found) > len(head.affiliations):
            head.affiliations = found
            break
    if not head.affiliations:
        head.affiliations = back_matter_affiliations(pages[-1])
    vote_metadata(head, info, "\n".join(ln.text for p in pages for ln in p))
    zones = page_zones(pages[0])
    head.doi, doi_source = paper_doi(info, zones, back)
    if doi_source == "pdf_metadata":
        head.from_metadata.add("doi")
    head.imprint = read_imprint(zones, stamp, info)
    return head, warnings, stamp, pages


def _header_paper(
    source: str,
    data: bytes,
    page1_raw: list[str],
    page1: list[Line],
    head: Header,
    vocab: Vocabulary,
    **rest: Any,
) -> Paper:
    """The Paper both readers build from a header: identity, arXiv stamp, header fields, the
    cleaned first page (`page1`, running headers already dropped where the reader could)."""
    imprint = head.imprint
    sources = HeaderSources(
        **{f: "pdf_metadata" for f in head.from_metadata},
        year=imprint.year_source,
        venue=imprint.venue_source,
    )
    return Paper(
        source=source,
        sha256=data_sha256(data),
        arxiv_id=next((i for text in page1_raw if (i := arxiv_stamp_id(text))), None),
        doi=head.doi,
        year=imprint.year,
        venue=imprint.venue,
        header_sources=sources,
        title=head.title,
        authors=head.authors,
        affiliations=head.affiliations,
        abstract=head.abstract,
        first_page=clean_paragraph([ln.text for ln in page1 if not is_noise_line(ln.text)], vocab),
        **rest,
    )


def _check_text(file: Path, pages: list[list[Line]]) -> None:
    """NoTextError when the first pages have (almost) no letters, GarbledTextError when the
    first page with text does not read as language."""
    letters = _letters(pages)
    if letters < _MIN_LETTERS:
        raise NoTextError(file, f"{letters} letters of text on the first pages")
    first = next(p for p in pages if _letters([p]) >= _MIN_LETTERS // 2 or p is pages[-1])
    reason = garbled_reason("\n".join(ln.text for ln in first))
    if reason:
        raise GarbledTextError(file, reason)


def _letters(pages: list[list[Line]]) -> int:
    return sum(sum(map(str.isalpha, ln.text)) for p in pages for ln in p)
