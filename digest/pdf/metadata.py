"""The PDF's own metadata: its Info dictionary and XMP packet (title, authors, DOI, year).

Tools fill these fields carelessly: a file name ("paper.dvi", "Microsoft Word - draft3.docx"),
the template's placeholder, another paper's title. So they are one vote, never the answer:
:func:`doc_info` drops the values that are plainly not a title or a name, and the header reader
checks what is left against the page (header.py, title.py, doi.py).

The article's DOI is read from the fields that name one (an Info key or XMP element whose name
says DOI: /doi, /WPS-ARTICLEDOI, prism:doi, crossmark:DOI; dc:identifier), then from the Info
/Subject and /Keywords, then from anywhere in the XMP packet; never a journal's (a field named
for the journal, /WPS-JOURNALDOI, or an ISSN-DOI). The year is read only from the fields a
publisher sets for the publication (/Date and /Created in the Info dictionary, prism:coverDate
and prism:publicationDate in XMP), never from /CreationDate: that is when the file was made.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.xmp import XmpInformation

from digest.ids import find_dois, journal_doi
from digest.pdf.clean import collapse_ws
from digest.pdf.imprint import year_of

__all__ = ["DocInfo", "doc_info"]

log = logging.getLogger(__name__)

_NOT_A_TITLE = re.compile(
    r"(?i)(?:\.(?:dvi|pdf|docx?|tex|ps|indd|rtf|odt|qxd)\b|^microsoft\s+word\b|^untitled\b"
    r"|^title\b|^(?:no|insert|enter|your)\s+title|^paper\s*\d*$|^manuscript\b|^template\b"
    r"|^(?:title|doi)\s*:|[\\/]\w+[\\/])"
)
_NAME_SPLIT = re.compile(r"\s*(?:;|,\s*(?:and\s+)?|\band\b|&)\s*")
_MAX_XMP = 200_000  # bytes of the XMP packet searched for a DOI
# XMP fields, as elements or as attributes: name and value
_XMP_FIELD = re.compile(r'<([\w-]+:[\w-]+)[^>]*>([^<]*)</\1>|\b([\w-]+:[\w-]+)="([^"]*)"')
_DOI_FIELD = re.compile(r"(?i)doi|^dc:identifier$")
_JOURNAL_FIELD = re.compile(r"(?i)journal|issn|issue|series")
_INFO_YEARS = ("/Date", "/Created")  # set by publishers (NeurIPS' proceedings), not by tools
_XMP_YEARS = re.compile(r"(?i)^prism:(?:coverdate|publicationdate|coverdisplaydate)$")


@dataclass(frozen=True)
class DocInfo:
    """What the PDF says about itself, after the plainly wrong values are dropped."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    doi: str | None = None
    year: int | None = None  # the publication's, as a publisher recorded it (never CreationDate)


def doc_info(reader: PdfReader) -> DocInfo:
    """The PDF's title, authors and DOI from Info and XMP. Never raises: a broken metadata
    object only means there is no vote."""
    info: dict[str, Any] = {}
    try:
        info = dict(reader.metadata or {})
    except Exception as err:  # a broken Info dictionary is not the paper's fault
        log.debug("Info dictionary unreadable: %s", err)
    xmp_text, xmp_title, xmp_creators = _xmp(reader)
    title = _title(_string(info.get("/Title"))) or _title(xmp_title)
    authors = _authors(_string(info.get("/Author"))) or [
        name for creator in xmp_creators for name in _authors(creator)
    ]
    fields = _xmp_fields(xmp_text)
    return DocInfo(
        title=title, authors=authors, doi=_doi(info, fields, xmp_text), year=_year(info, fields)
    )


def _doi(info: dict[str, Any], fields: list[tuple[str, str]], xmp_text: str) -> str | None:
    """The article's DOI: from the fields named for a DOI, then the Info /Subject and
    /Keywords, then anywhere in the XMP packet outside a journal's field."""
    named = [_string(v) for k, v in info.items() if _doi_field(str(k).lstrip("/"))]
    named += [value for name, value in fields if _doi_field(name)]
    loose = [_string(info.get("/Subject")), _string(info.get("/Keywords"))]
    journals = {d for n, value in fields if _JOURNAL_FIELD.search(n) for d in find_dois(value)}
    for text in (*named, *loose, html.unescape(xmp_text)):
        for doi in find_dois(text):
            if not journal_doi(doi) and doi not in journals:
                return doi
    return None


def _doi_field(name: str) -> bool:
    return _DOI_FIELD.search(name) is not None and _JOURNAL_FIELD.search(name) is None


def _year(info: dict[str, Any], fields: list[tuple[str, str]]) -> int | None:
    """The publication's year from the fields a publisher sets for it, if any."""
    values = [_string(info.get(key)) for key in _INFO_YEARS]
    values += [value for name, value in fields if _XMP_YEARS.match(name)]
    return next((year for value in values if (year := year_of(value))), None)


def _xmp_fields(xmp_text: str) -> list[tuple[str, str]]:
    """The packet's simple fields (name, value), entities decoded."""
    return [
        (m[1] or m[3], html.unescape(m[2] if m[1] else m[4])) for m in _XMP_FIELD.finditer(xmp_text)
    ]


def _string(value: Any) -> str:
    return collapse_ws(html.unescape(str(value))) if value is not None else ""


def _title(text: str) -> str | None:
    """A metadata title worth a vote: some words, not a file name or a placeholder."""
    text = text.strip()
    if len(text.split()) < 2 or len(text) > 400 or _NOT_A_TITLE.search(text):
        return None
    return text


def _authors(text: str) -> list[str]:
    """Names in an Info /Author or dc:creator value ("A. Smith; B. Jones", "A and B")."""
    if not text or "@" in text or len(text) > 1000:
        return []
    names = [n.strip(" .") for n in _NAME_SPLIT.split(text) if n.strip(" .")]
    if not all(1 <= len(n.split()) <= 5 and not any(c.isdigit() for c in n) for n in names):
        return []
    return names


def _xmp(reader: PdfReader) -> tuple[str, str, list[str]]:
    """The XMP packet's text, its dc:title and its dc:creator entries ("" and [] if none).

    An encrypted file may leave its XMP packet in clear (/EncryptMetadata false, as tools that
    restrict copying often do). Only pypdf's ``xmp_metadata`` knows to read it undecrypted,
    and pypdf caches the stream object as first read: so it is asked first, and the raw
    text is taken after it from the same (cached) object. Read the other way round, the clear
    packet is "decrypted" into noise and the title, names and DOI it carries are lost."""
    try:
        packet = reader.root_object.get("/Metadata")  # the root resolved (and decrypted) first
        if packet is None:
            return "", "", []
        xmp = _parsed_xmp(reader)
        text = packet.get_object().get_data()[:_MAX_XMP].decode("utf-8", "replace")
    except Exception as err:  # a broken XMP packet is one vote less, never an error
        log.debug("XMP metadata unreadable: %s", err)
        return "", "", []
    if xmp is None:
        return text, "", []
    titles = xmp.dc_title or {}
    title = titles.get("x-default") or next(iter(titles.values()), "")
    return text, _string(title), [_string(c) for c in xmp.dc_creator or []]


def _parsed_xmp(reader: PdfReader) -> XmpInformation | None:
    try:
        return reader.xmp_metadata
    except Exception as err:  # malformed XML: the raw text may still hold a DOI
        log.debug("XMP metadata not parsed: %s", err)
        return None
