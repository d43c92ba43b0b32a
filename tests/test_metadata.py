"""The PDF's own metadata (digest/pdf/metadata.py) and the vote it has in the header: the
article's DOI and the publication's year (never a journal's DOI or the file's CreationDate),
what an encrypted copy of a paper reads, and the names the metadata spells better than the
page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES
from drawn import Sheet, encrypted_copy

from digest.models import Paper
from digest.pdf import read_header
from digest.pdf.metadata import DocInfo, doc_info
from digest.pdf.reader import open_pdf

SICI = "10.1002/(sici)1098-1136(199809)24:1<39::aid-glia5>3.0.co;2-w"


def _info(tmp_path: Path, info: dict[str, str] | None = None, xmp: str = "") -> DocInfo:
    path = Sheet().put(72, 700, "A page", 10).save(tmp_path / "m.pdf", info, xmp)
    return doc_info(open_pdf(path)[0])


def test_wileys_article_doi_not_its_journals(tmp_path: Path) -> None:
    """Wiley's Info keys (GLIA, 1998): /WPS-JOURNALDOI is the journal's ISSN-DOI, listed too."""
    info = {
        "/WPS-JOURNALDOI": "10.1002/(ISSN)1098-1136",
        "/WPS-ARTICLEDOI": "10.1002/(SICI)1098-1136(199809)24:1<39::AID-GLIA5>3.0.CO;2-W",
    }
    assert _info(tmp_path, info).doi == SICI


def test_an_xmp_doi_field_escaped_as_xml(tmp_path: Path) -> None:
    xmp = (
        "<pdfx:WPS-JOURNALDOI>10.1111/(ISSN)1365-2567</pdfx:WPS-JOURNALDOI>"
        "<pdfx:WPS-ARTICLEDOI>10.1002/(SICI)1098-1136(199809)24:1&lt;39::AID-GLIA5&gt;3.0.CO;2-W"
        "</pdfx:WPS-ARTICLEDOI>"
    )
    assert _info(tmp_path, xmp=xmp).doi == SICI
    assert (
        _info(tmp_path, xmp="<prism:doi>10.1111/imm.13445</prism:doi>").doi == "10.1111/imm.13445"
    )


def test_a_journals_doi_alone_is_no_doi(tmp_path: Path) -> None:
    xmp = "<pdfx:WPS-JOURNALDOI>10.1111/(ISSN)1365-2567</pdfx:WPS-JOURNALDOI>"
    assert _info(tmp_path, xmp=xmp).doi is None
    assert _info(tmp_path, {"/Subject": "GLIA 10.1002/(ISSN)1098-1136"}).doi is None


def test_a_doi_in_the_subject(tmp_path: Path) -> None:
    subject = "Journal of Trauma Management & Outcomes 2010 4:1. doi:10.1186/1752-2897-4-1"
    assert _info(tmp_path, {"/Subject": subject}).doi == "10.1186/1752-2897-4-1"


def test_the_year_a_publisher_recorded_never_the_files_creation(tmp_path: Path) -> None:
    """NeurIPS' proceedings set /Date and /Created; every tool sets /CreationDate."""
    assert _info(tmp_path, {"/Date": "2011", "/CreationDate": "D:20130101000000"}).year == 2011
    assert _info(tmp_path, {"/Created": "2008"}).year == 2008
    assert _info(tmp_path, {"/CreationDate": "D:20230201212829Z"}).year is None
    xmp = "<prism:coverDate>2017-05-31</prism:coverDate><xmp:CreateDate>2016</xmp:CreateDate>"
    assert _info(tmp_path, xmp=xmp).year == 2017


def test_an_implausible_year_is_none(tmp_path: Path) -> None:
    assert _info(tmp_path, {"/Date": "3025"}).year is None
    assert _info(tmp_path, {"/Date": "0012"}).year is None


CREATORS = (
    "<dc:creator><rdf:Seq><rdf:li>Ada Lovelace</rdf:li><rdf:li>Alan Turing</rdf:li></rdf:Seq>"
    "</dc:creator>"
)
ALGORITHMS = ["RC4-40", "RC4-128", "AES-128", "AES-256-R5", "AES-256"]


def _header(paper: Paper) -> tuple[object, ...]:
    return (
        paper.title, paper.authors, paper.affiliations, paper.abstract, paper.doi,
        paper.arxiv_id, paper.header_sources,
    )  # fmt: skip


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_an_encrypted_copy_reads_as_the_plain_file(tmp_path: Path, algorithm: str) -> None:
    """A copy that opens with the empty password (copying restricted) is the same paper."""
    plain = FIXTURES / "papers" / "sgd-teacher-student-1906.08632-p1.pdf"
    copy = encrypted_copy(plain, tmp_path / "locked.pdf", algorithm)
    assert _header(read_header(copy)) == _header(read_header(plain))


def test_an_encrypted_copy_with_its_xmp_in_clear(tmp_path: Path) -> None:
    """/EncryptMetadata false: the XMP packet is not encrypted, so it must not be decrypted.
    Its names stand in for a name line the layout cannot read, as they do in the plain file."""
    sheet = Sheet().put(120, 720, "Feature Learning Order in Two-Layer Networks", 17, "B")
    sheet.put(120, 680, "by ada lovelace & alan turing", 11).put(72, 640, "Abstract", 11, "B")
    sheet.prose(72, 625, "We study how gradient descent trains two-layer networks. " * 5)
    plain = sheet.save(tmp_path / "plain.pdf", xmp=CREATORS)
    copy = encrypted_copy(plain, tmp_path / "locked.pdf", "AES-256", clear_metadata=True)
    read = read_header(copy)
    assert read.authors == ["Ada Lovelace", "Alan Turing"]
    assert _header(read) == _header(read_header(plain))


# --- names: the metadata spells, the page names -----------------------------------------------


def _names_page(tmp_path: Path, names: list[str], author: str) -> Paper:
    """One name a line, each beside its e-mail (an ICML-style block), `author` in /Author."""
    sheet = Sheet().put(120, 720, "Feature Learning Order in Two-Layer Networks", 17, "B")
    for k, name in enumerate(names):
        sheet.put(150, 680 - 13 * k, name, 10).put(330, 680 - 13 * k, f"n{k}@turin.edu", 10, "T")
    sheet.put(150, 630, "University of Turin, Italy", 9).put(72, 600, "Abstract", 11, "B")
    sheet.prose(72, 585, "We study how gradient descent trains two-layer networks. " * 5)
    return read_header(sheet.save(tmp_path / "names.pdf", {"/Author": author}))


def test_metadata_respells_names_the_text_layer_garbled(tmp_path: Path) -> None:
    """A font whose dot reads as a letter or a digit: "Ada Lw Lovelace", "Alan M5 Turing" (the
    surname then lost at the digit). The metadata has the same people, spelled right."""
    paper = _names_page(
        tmp_path, ["Ada Lw Lovelace", "Alan M5 Turing", "Grace Hopper"],
        "Ada L. Lovelace, Alan M. Turing, Grace Hopper",
    )  # fmt: skip
    assert paper.authors == ["Ada L. Lovelace", "Alan M. Turing", "Grace Hopper"]


@pytest.mark.parametrize(
    "author",
    [
        "A. Lovelace, A. Turing",  # drops the given names the page prints
        "Ada Lovelace Byron, Alan Mathison Turing",  # words the page does not print
        "Ada Lovelace, Alan Turing, Grace Hopper, Emmy Noether",  # a name the page lacks
        "ada lovelace; alan turing",  # not written as names
    ],
)
def test_metadata_never_names_what_the_page_does_not(tmp_path: Path, author: str) -> None:
    paper = _names_page(tmp_path, ["Ada Lovelace", "Alan Turing"], author)
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
