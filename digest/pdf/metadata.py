"""The PDF's own metadata: its Info dictionary and XMP packet (title, authors, DOI).

Tools fill these fields carelessly: a file name ("paper.dvi", "Microsoft Word - draft3.docx"),
the template's placeholder, another paper's title. So they are one vote, never the answer:
:func:`doc_info` drops the values that are plainly not a title or a name, and the header reader
checks what is left against the page (header.py, title.py). A DOI is taken from the Info
dictionary or from anywhere in the XMP packet (prism:doi, dc:identifier, crossmark fields).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from pypdf import PdfReader
from pypdf.xmp import XmpInformation

from digest.ids import find_doi
from digest.pdf.clean import collapse_ws

__all__ = ["DocInfo", "doc_info"]

log = logging.getLogger(__name__)

_NOT_A_TITLE = re.compile(
    r"(?i)(?:\.(?:dvi|pdf|docx?|tex|ps|indd|rtf|odt|qxd)\b|^microsoft\s+word\b|^untitled\b"
    r"|^title\b|^(?:no|insert|enter|your)\s+title|^paper\s*\d*$|^manuscript\b|^template\b"
    r"|^(?:title|doi)\s*:|[\\/]\w+[\\/])"
)
_NAME_SPLIT = re.compile(r"\s*(?:;|,\s*(?:and\s+)?|\band\b|&)\s*")
_MAX_XMP = 200_000  # bytes of the XMP packet searched for a DOI


@dataclass(frozen=True)
class DocInfo:
    """What the PDF says about itself, after the plainly wrong values are dropped."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    doi: str | None = None


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
    doi = None
    for value in (info.get("/doi"), info.get("/DOI"), info.get("/Subject"), info.get("/Keywords")):
        doi = doi or find_doi(_string(value))
    return DocInfo(title=title, authors=authors, doi=doi or find_doi(xmp_text))


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
