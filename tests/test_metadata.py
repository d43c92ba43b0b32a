"""digest.pdf.metadata: the article's DOI and the publication's year from a PDF's own
metadata, never a journal's DOI or the file's CreationDate."""

from __future__ import annotations

from pathlib import Path

from drawn import Sheet

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
