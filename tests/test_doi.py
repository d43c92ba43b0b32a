"""digest.pdf.doi: the paper's own DOI, where a page prints it as its own, never a cited
work's, a dataset's or a journal's; drawn the way publishers set them."""

from __future__ import annotations

from pathlib import Path

import pytest
from drawn import Sheet

from digest.pdf import read_header
from digest.pdf.doi import paper_doi
from digest.pdf.layout import read_layout
from digest.pdf.metadata import DocInfo
from digest.pdf.reader import Line, open_pdf
from digest.pdf.zones import page_zones

TITLE = "Feature Learning Order in Two-Layer Networks"
PROSE = (
    "We study how gradient descent trains two-layer networks when the data are drawn from a "
    "teacher network. We show that the student learns the teacher's features in a fixed order "
    "and that the speed of each phase depends on the width of the hidden layer. Experiments on "
    "synthetic data and on image benchmarks confirm the predictions of the theory and show "
    "where it breaks down for very deep networks; the code is released with the paper."
)


def _page() -> Sheet:
    sheet = Sheet().put(120, 720, TITLE, 17, "B").put(250, 690, "Ada Lovelace", 11)
    sheet.put(72, 650, "Abstract", 11, "B")
    y = sheet.prose(72, 635, PROSE, size=10)
    sheet.put(72, y - 12, "1 Introduction", 11, "B")
    sheet.prose(72, y - 27, PROSE, size=10)
    return sheet


def _doi(sheet: Sheet, path: Path, info: dict[str, str] | None = None) -> tuple[object, ...]:
    paper = read_header(sheet.save(path, info))
    return paper.doi, paper.header_sources.doi


def _lines(sheet: Sheet, path: Path) -> list[Line]:
    return read_layout(open_pdf(sheet.save(path))[0], 0)[0]


def test_a_banners_doi(tmp_path: Path) -> None:
    sheet = _page().put(51, 766, "Rehabilitation Research and Practice", 8)
    sheet.put(51, 757, "doi:10.1155/2010/157939", 8)
    assert _doi(sheet, tmp_path / "a.pdf") == ("10.1155/2010/157939", "pdf")


def test_a_doi_wrapped_on_the_papers_citation(tmp_path: Path) -> None:
    """PLOS' citation line breaks the DOI after "10."."""
    sheet = _page().put(67, 162, "Citation: Lovelace A (2014) Feature Learning Order. PLoS "
                        "Negl Trop Dis 8(3): e2748. doi:10.", 7)  # fmt: skip
    sheet.put(67, 154, "1371/journal.pntd.0002748", 7)
    assert _doi(sheet, tmp_path / "a.pdf") == ("10.1371/journal.pntd.0002748", "pdf")


def test_after_the_issue_statement(tmp_path: Path) -> None:
    sheet = _page().put(321, 760, "Tobacco Control 2004;13:445–447. doi: 10.1136/tc.2004.010025", 7)
    assert _doi(sheet, tmp_path / "a.pdf") == ("10.1136/tc.2004.010025", "pdf")


def test_no_cited_works_doi(tmp_path: Path) -> None:
    """References under their heading, a numbered one, a footnote opening with its mark, a
    footnote that cites, a dataset's DOI and one in the prose: none is the paper's."""
    sheet = _page().put(72, 250, "References", 11, "B")
    sheet.put(72, 236, "Bange EM, et al. CD8 T cells. Nat Med. 2021;27:1280–9. doi:10.1038/x1", 9)
    sheet.put(72, 224, "[2] doi: 10.1038/s41591-021-01416-y", 9)
    sheet.put(72, 120, "Scurr MJ, Zelek WM. Blood T cells. Immunology. 2021. doi:10.1111/x", 8)
    sheet.runs(72, 100, [("1", "R", 5, 4), ("https://doi.org/10.18653/v1/N19-1423", "R", 8, 0)])
    sheet.put(72, 88, "See also doi:10.1126/sciadv.abg5995 for the method.", 8)
    sheet.put(72, 76, "Data: https://doi.org/10.5281/zenodo.1234567", 8)
    sheet.put(72, 64, "DOI 10.1002/(ISSN)1098-1136", 8)  # the journal's
    cited = "as shown before (doi:10.1016/j.cell.2020.01.001) the effect holds for every teacher"
    sheet.prose(72, 560, cited + " we tried and for the students of every width", size=10)
    assert _doi(sheet, tmp_path / "a.pdf") == (None, None)


@pytest.mark.parametrize(
    ("line", "doi"),
    [
        ("Citation information: DOI 10.1109/TPAMI.2020.30, IEEE", "10.1109/tpami.2020.30"),
        ("Cite as: eLife 2014;3:e01567. DOI: 10.7554/eLife.01567", "10.7554/elife.01567"),
        ("ACM ISBN 978-1-4503-6201-6/19/08. . . $15.00 https://doi.org/10.1145/3292500.3330701",
         "10.1145/3292500.3330701"),
        ("Nature Communications | (2020) 11:1234 | https://doi.org/10.1038/s41467-020-1",
         "10.1038/s41467-020-1"),
        ("– Interdisciplinary Odysseys, 35–43. doi: 10.1007/978-3-211-87465-3_5.", None),
        ("see the erratum, doi: 10.1000/other.1", None),
    ],
)  # fmt: skip
def test_where_a_page_labels_its_own(tmp_path: Path, line: str, doi: str | None) -> None:
    found = _doi(_page().put(72, 60, line, 7), tmp_path / "a.pdf")
    assert found == ((doi, "pdf") if doi else (None, None))


def test_a_data_repository_doi_that_the_metadata_names(tmp_path: Path) -> None:
    """A report deposited on Zenodo prints its own Zenodo DOI: the metadata vouches for it."""
    sheet = _page().put(72, 760, "DOI: 10.5281/zenodo.1234567", 8)
    info = {"/Subject": "doi:10.5281/zenodo.1234567"}
    assert _doi(sheet, tmp_path / "a.pdf", info) == ("10.5281/zenodo.1234567", "pdf")


def test_the_metadatas_doi_printed_or_not(tmp_path: Path) -> None:
    printed = _page().put(72, 760, "PLOS ONE | https://doi.org/10.1371/journal.", 8)
    printed.put(72, 751, "pone.0197919 June 2018", 8)
    info = {"/Subject": "doi:10.1371/journal.pone.0197919"}
    assert _doi(printed, tmp_path / "a.pdf", info) == ("10.1371/journal.pone.0197919", "pdf")
    unprinted = {"/WPS-ARTICLEDOI": "10.1002/glia.5", "/Title": TITLE}
    assert _doi(_page(), tmp_path / "b.pdf", unprinted) == ("10.1002/glia.5", "pdf_metadata")


def test_no_doi_from_metadata_about_another_paper(tmp_path: Path) -> None:
    info = {"/doi": "10.1000/other.1", "/Title": "Automated Statistics Collection in DB2 Stinger"}
    assert _doi(_page(), tmp_path / "a.pdf", info) == (None, None)


def test_the_doi_by_cite_this_article_at_the_end(tmp_path: Path) -> None:
    """BMC prints the DOI above "Cite this article as" on the last page only."""
    last = Sheet().put(62, 624, "doi:10.1186/1472-6963-14-1", 7)
    last.put(62, 615, "Cite this article as: Lovelace et al.: Feature learning order. BMC", 7)
    last.put(62, 500, "12. Smith J: Other work. BMC Med 2010, 8:1. doi:10.1186/1741-7015-8-1", 7)
    page1 = page_zones(_lines(_page(), tmp_path / "p1.pdf"))
    back = [_lines(last, tmp_path / "p10.pdf")]
    assert paper_doi(DocInfo(), page1, back) == ("10.1186/1472-6963-14-1", "pdf")
    assert paper_doi(DocInfo(), page1, []) == (None, None)
