"""digest.pdf.venue (and zones): a paper's year and venue as its first page prints them,
drawn into small PDFs the way publishers set them: banners above the prose, footers and
copyright blocks below it in smaller type, references that cite other years."""

from __future__ import annotations

from pathlib import Path

import pytest
from drawn import Sheet

from digest.pdf import parse_pdf, read_header
from digest.pdf.venue import stamp_year
from digest.pdf.zones import page_zones

PROSE = (
    "We study how gradient descent trains two-layer networks when the data are drawn from a "
    "teacher network. We show that the student learns the teacher's features in a fixed order "
    "and that the speed of each phase depends on the width of the hidden layer. Experiments on "
    "synthetic data and on image benchmarks confirm the predictions of the theory and show "
    "where it breaks down for very deep networks; the code is released with the paper."
)


def _page(*, top: float = 690) -> Sheet:
    """A title, a name, an abstract and the start of the body, in 10 pt from `top` down to
    about y = 420."""
    sheet = Sheet().put(120, top + 30, "Feature Learning Order in Two-Layer Networks", 17, "B")
    sheet.put(250, top, "Ada Lovelace", 11).put(240, top - 14, "University of Turin", 9)
    sheet.put(72, top - 40, "Abstract", 11, "B")
    y = sheet.prose(72, top - 55, PROSE, size=10)
    sheet.put(72, y - 12, "1 Introduction", 11, "B")
    sheet.prose(72, y - 27, PROSE, size=10)
    return sheet


def _read(sheet: Sheet, path: Path, info: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return read_header(sheet.save(path, info))


def test_a_journal_banner_beats_an_earlier_copyright(tmp_path: Path) -> None:
    """Cambridge's banner: the issue's year (2014), not the online-first copyright (2013)."""
    sheet = _page().put(
        72, 770, "International Psychogeriatrics (2014), 26:1, 147–154 © International "
        "Psychogeriatric Association 2013", 7,
    )  # fmt: skip
    paper = _read(sheet, tmp_path / "ipg.pdf")
    assert (paper.year, paper.venue) == (2014, "International Psychogeriatrics")
    assert (paper.header_sources.year, paper.header_sources.venue) == ("pdf", "pdf")


def test_an_acl_footer_over_two_centred_lines(tmp_path: Path) -> None:
    sheet = (
        _page()
        .put(
            90,
            60,
            "Proceedings of the 58th Annual Meeting of the Association for Computational "
            "Linguistics, pages 2270–2282",
            9,
        )
        .put(170, 49, "July 5 - 10, 2020. ©c 2020 Association for Computational Linguistics", 9)
    )
    paper = _read(sheet, tmp_path / "acl.pdf")  # fmt: skip
    assert paper.year == 2020
    assert paper.venue == (
        "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics"
    )


def test_a_journal_banner_in_cells(tmp_path: Path) -> None:
    """MJSS' banner: the name in one cell, the volume in the next, the month on the row
    under them; ISSNs beside them are no years."""
    sheet = _page(top=660).put(52, 770, "E-ISSN 2039-2117", 8).put(172, 770, "Mediterranean "
        "Journal of Social Sciences", 10).put(415, 770, "Vol 4 No 13", 8)  # fmt: skip
    sheet.put(50, 762, "ISSN 2039-9340", 8).put(406, 762, "November 2013", 8)
    paper = _read(sheet, tmp_path / "mjss.pdf")
    assert (paper.year, paper.venue) == (2013, "Mediterranean Journal of Social Sciences")


def test_a_journals_name_above_its_volume_line(tmp_path: Path) -> None:
    sheet = _page().put(51, 775, "Hindawi Publishing Corporation", 8)
    sheet.put(51, 766, "Rehabilitation Research and Practice", 8)
    sheet.put(51, 757, "Volume 2010, Article ID 157939, 6 pages", 8)
    paper = _read(sheet, tmp_path / "hindawi.pdf")
    assert (paper.year, paper.venue) == (2010, "Rehabilitation Research and Practice")


def test_a_conference_footer_in_smaller_type(tmp_path: Path) -> None:
    sheet = _page().put(
        72, 60, "33rd Conference on Neural Information Processing Systems (NeurIPS 2019), "
        "Vancouver, Canada.", 9,
    )  # fmt: skip
    paper = _read(sheet, tmp_path / "neurips.pdf")
    assert (paper.year, paper.venue) == (
        2019,
        "33rd Conference on Neural Information Processing Systems (NeurIPS 2019)",
    )


def test_a_venue_mark_in_the_footer(tmp_path: Path) -> None:
    paper = _read(_page().put(287, 50, "IJCAI-07", 10), tmp_path / "ijcai.pdf")
    assert (paper.year, paper.venue) == (2007, "IJCAI-07")


def test_the_arxiv_stamp_beats_a_templates_copyright(tmp_path: Path) -> None:
    """A preprint in acmart with the template's notice left in: the stamp is the version's."""
    sheet = _page().put(20, 790, "arXiv:2304.02623v1 [cs.CL] 5 Apr 2023", 9)
    sheet.put(72, 70, "Conference’17, July 2017, Washington, DC, USA", 7)
    sheet.put(72, 62, "© 2018 Association for Computing Machinery.", 7)
    paper = _read(sheet, tmp_path / "stamp.pdf")
    assert (paper.year, paper.venue) == (2023, None)


@pytest.mark.parametrize(
    ("stamp", "year"),
    [
        ("arXiv:2206.10883v3  [cs.CL]  22 Jul 2022", 2022),
        ("arXiv:1906.08632v2 [stat.ML] 27 Oct 2019", 2019),
        ("arXiv:2201.13352v1 [physics.app-ph] 31 Jan 2022", 2022),
        ("arXiv:2101.00001v4 [cs.LG]", 2021),  # no date: the year the ID was given
        ("arXiv:cs/0112017v1 [cs.CL] 20 Dec 2001", 2001),
        ("arXiv:2101.00001v4 [cs.LG] 5 Jan 3025", 2021),  # an impossible date: the ID's year
        ("no stamp here 2022", None),
    ],
)
def test_stamp_year(stamp: str, year: int | None) -> None:
    assert stamp_year(stamp) == year


def test_references_on_page_one_state_no_year(tmp_path: Path) -> None:
    """An extended abstract's references: a copyright notice cited, journals with their years,
    under a heading and numbered; none is the paper's."""
    sheet = _page(top=700).put(72, 330, "References", 11, "B")
    for y, ref in [
        (315, "[1] Copyright Office. Annual report. © 2019 US Copyright Office, 2019."),
        (303, "[2] P. Fallahi et al., Phys. Rev. Lett. 105, 257402 (2010)"),
        (291, "Proceedings of the 12th Workshop on Quantum Dots, pages 1–9, May 2009."),
        (279, "Nature Physics 6, 1–5, March 19, 2010"),
    ]:
        sheet.put(72, y, ref, 9)
    paper = _read(sheet, tmp_path / "refs.pdf")
    assert (paper.year, paper.venue) == (None, None)


def test_the_metadata_year_only_when_the_page_tells_none(tmp_path: Path) -> None:
    """NeurIPS' proceedings: /Date set by the publisher; a CreationDate never stands alone."""
    dated = _read(_page(), tmp_path / "a.pdf", {"/Date": "2011"})
    assert (dated.year, dated.header_sources.year) == (2011, "pdf_metadata")
    made = _read(_page(), tmp_path / "b.pdf", {"/CreationDate": "D:20230201212829Z"})
    assert (made.year, made.header_sources.year) == (None, None)
    printed = _read(
        _page().put(72, 60, "Copyright 2009 ACM", 7), tmp_path / "c.pdf", {"/Date": "2011"}
    )
    assert (printed.year, printed.header_sources.year) == (2009, "pdf")


def test_both_readers_agree(tmp_path: Path) -> None:
    path = _page().put(72, 770, "GLIA 24:39–49 (1998)", 7).save(tmp_path / "glia.pdf")
    assert (parse_pdf(path).year, parse_pdf(path).venue) == (1998, "GLIA")
    assert (read_header(path).year, read_header(path).venue) == (1998, "GLIA")


def test_zones_of_a_page(tmp_path: Path) -> None:
    from digest.pdf.layout import read_layout
    from digest.pdf.reader import open_pdf

    sheet = _page(top=700).put(72, 770, "Tobacco Control 2004;13:445–447.", 7)
    sheet.put(72, 790, "Downloaded from http://example.org/ on July 12, 2017 - Published by us", 10)
    sheet.put(72, 330, "References", 11, "B").put(72, 315, "Smith J. Nature 2010;5:1.", 9)
    lines = read_layout(open_pdf(sheet.save(tmp_path / "z.pdf"))[0], 0)[0]
    zones = page_zones(lines)
    where = {ln.text: (zones.margin(ln), zones.aside(ln), i in zones.refs)
             for i, ln in enumerate(zones.lines)}  # fmt: skip
    assert where["Tobacco Control 2004;13:445–447."] == (True, True, False)
    assert where["Smith J. Nature 2010;5:1."] == (False, True, True)
    assert where["Downloaded from http://example.org/ on July 12, 2017 - Published by us"][0]
    assert not any(m for text, (m, _, _) in where.items() if text.startswith("We study"))
