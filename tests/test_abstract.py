"""The abstract (digest/pdf/abstract.py, labelled.py) on drawn pages: where it begins when its
heading stands beside it, and where it ends: at the next section however that is set, or on
past a blank line, a column or a page when the page cut it mid-sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from drawn import Sheet
from pypdf import PdfWriter

from digest.models import Paper
from digest.pdf import read_header

ONE = (
    "We study how gradient descent trains two-layer networks when the data are drawn from a "
    "teacher network. We show that the student learns the teacher's features in a fixed order "
    "and that the speed of each phase depends on the width of the hidden layer. Experiments on "
    "synthetic data and on image benchmarks confirm the predictions of the theory and show "
    "where it breaks down for very deep networks."
)
TWO = (
    "A second paragraph explains the method in more detail and gives the main result of the "
    "paper, which holds for all widths we tried and for three kinds of data."
)
BODY = "Neural networks are trained by gradient descent on many tasks of interest. " * 6


def _head(sheet: Sheet, y: float = 730) -> Sheet:
    sheet.put(110, y, "Feature Learning Order in Two-Layer Networks", 17, "B")
    sheet.put(200, y - 25, "Ada Lovelace, Alan Turing", 11)
    return sheet.put(190, y - 38, "University of Cambridge", 9, "I")


def _read(sheet: Sheet, tmp_path: Path) -> Paper:
    return read_header(sheet.save(tmp_path / "abstract.pdf"))


@pytest.mark.parametrize(("heading", "size", "font"), [("Abstract", 10, "B"), ("ABSTRACT", 9, "R")])
def test_a_side_heading_beside_its_text(
    tmp_path: Path, heading: str, size: float, font: str
) -> None:
    """The heading in the margin, the abstract's first line on its baseline, to its right."""
    sheet = _head(Sheet()).put(72, 660, heading, size, font)
    y = sheet.prose(140, 660, ONE, width=70)
    sheet.put(72, y - 14, "1 Introduction", 11, "B").prose(72, y - 30, BODY, size=10)
    assert _read(sheet, tmp_path).abstract == ONE


@pytest.mark.parametrize(
    "after",
    [
        [("1. Motivation.", "B"), (" Neural networks are trained by gradient descent", "T")],
        [("2 RELATED WORK", "R"), (" Neural networks are trained by gradient descent", "R")],
        [("PACS numbers: 05.40.-a, 87.10.+e", "R")],
        [("MSC: 68T05, 62H30", "R")],
        [("Highlights", "B")],
        [("Received 3 May 2020; accepted 9 June 2020", "I")],
    ],
)
def test_the_abstract_ends_where_the_next_part_begins(
    tmp_path: Path, after: list[tuple[str, str]]
) -> None:
    """What follows the abstract in its own type, with no gap: a run-in section heading, a
    classification, a publisher's note."""
    sheet = _head(Sheet()).put(72, 660, "Abstract", 10, "B")
    y = sheet.prose(72, 646, ONE)
    sheet.runs(72, y, [(text, font, 9, 0) for text, font in after])
    sheet.prose(72, y - 11, BODY)
    assert _read(sheet, tmp_path).abstract == ONE


def test_paragraphs_a_blank_line_apart_until_the_first_section(tmp_path: Path) -> None:
    sheet = _head(Sheet()).put(72, 660, "Abstract", 10, "B")
    y = sheet.prose(72, sheet.prose(72, 646, ONE) - 11, TWO)
    sheet.put(72, y - 14, "1 Introduction", 11, "B").prose(72, y - 30, BODY, size=10)
    assert _read(sheet, tmp_path).abstract == f"{ONE} {TWO}"


def test_the_body_after_a_blank_line_is_not_the_abstract(tmp_path: Path) -> None:
    """A letter: no heading between the abstract and the text, which runs on to the page's
    end. The paragraph after the blank line is the body's."""
    sheet = _head(Sheet()).put(72, 660, "Abstract", 10, "B")
    sheet.prose(72, sheet.prose(72, 646, ONE) - 11, BODY + BODY + BODY)
    assert _read(sheet, tmp_path).abstract == ONE


def _two_columns(sheet: Sheet, left: str, right: str) -> Sheet:
    """An abstract at the foot of the left column (a footnote under it), the right column
    starting level with its heading."""
    sheet.put(72, 660, "Abstract", 10, "B").prose(72, 646, left, width=48)
    sheet.put(72, 80, "Preprint submitted to Elsevier", 7)
    return sheet.prose(320, 660, right, width=48) and sheet


def test_an_abstract_cut_at_the_column_foot_goes_on_at_the_next_columns_top(
    tmp_path: Path,
) -> None:
    words = (ONE + " " + TWO).split()
    right = " ".join(words[60:]) + " 1 Introduction"
    sheet = _two_columns(_head(Sheet()), " ".join(words[:60]), right)
    sheet.put(320, 500, "1 Introduction", 11, "B").prose(320, 485, BODY, width=48)
    assert _read(sheet, tmp_path).abstract.endswith("for three kinds of data. 1 Introduction")


def test_a_finished_abstract_takes_nothing_from_the_next_column(tmp_path: Path) -> None:
    sheet = _two_columns(_head(Sheet()), ONE, "and so the network learns. " + BODY)
    assert _read(sheet, tmp_path).abstract == ONE


def test_an_abstract_cut_at_the_page_foot_goes_on_at_the_next_pages_top(tmp_path: Path) -> None:
    words = ONE.split()
    first = _head(Sheet(), y=200).put(72, 140, "Abstract", 10, "B")
    first.prose(72, 126, " ".join(words[:40]))
    second = Sheet().put(250, 760, "Feature Learning Order", 8, "I")  # a running head
    y = second.prose(72, 740, " ".join(words[40:]))
    second.put(72, y - 14, "1 Introduction", 11, "B").prose(72, y - 30, BODY, size=10)
    writer = PdfWriter()
    for k, page in enumerate((first, second)):
        writer.append(str(page.save(tmp_path / f"p{k}.pdf")))
    writer.write(tmp_path / "two-pages.pdf")
    assert read_header(tmp_path / "two-pages.pdf").abstract == ONE


def test_an_unlabelled_abstract_indented_on_both_sides(tmp_path: Path) -> None:
    """An old journal's abstract: no heading, the body's type, a narrower measure."""
    sheet = _head(Sheet())
    y = sheet.prose(110, 660, ONE, width=75, size=10)
    sheet.prose(72, y - 14, BODY + BODY, width=90, size=10)
    assert _read(sheet, tmp_path).abstract == ONE


def test_a_credit_line_in_small_type_beside_the_last_line(tmp_path: Path) -> None:
    sheet = _head(Sheet()).put(72, 660, "ABSTRACT", 9, "B")
    y = sheet.prose(72, 646, ONE)
    sheet.put(72, y, "GLIA 24:39-49, 1998.", 9).put(330, y, "\u00a9 1998 Wiley-Liss, Inc.", 7)
    sheet.put(72, y - 24, "INTRODUCTION", 9, "B").prose(72, y - 38, BODY)
    assert _read(sheet, tmp_path).abstract == ONE + " GLIA 24:39-49, 1998."


def test_a_heading_at_the_page_foot_and_its_abstract_on_the_next_page(tmp_path: Path) -> None:
    first = _head(Sheet(), y=200).put(72, 120, "Abstract", 10, "B")
    second = Sheet().put(250, 760, "Feature Learning Order", 8, "I")
    y = second.prose(72, 740, ONE)
    second.put(72, y - 14, "1 Introduction", 11, "B").prose(72, y - 30, BODY, size=10)
    writer = PdfWriter()
    for k, page in enumerate((first, second)):
        writer.append(str(page.save(tmp_path / f"p{k}.pdf")))
    writer.write(tmp_path / "two-pages.pdf")
    assert read_header(tmp_path / "two-pages.pdf").abstract == ONE
