"""The title (digest/pdf/title.py) on drawn pages: where a title's lines end and the byline
begins, whatever the sizes, the line spacing and the weight the lines are set in."""

from __future__ import annotations

from pathlib import Path

import pytest
from drawn import Sheet

from digest.models import Paper
from digest.pdf import read_header

PROSE = (
    "We study how gradient descent trains two-layer networks when the data are drawn from a "
    "teacher network. We show that the student learns the teacher's features in a fixed order "
    "and that the speed of each phase depends on the width of the hidden layer."
)
LONG = "Feature Learning Order in Two-Layer Networks Trained by Gradient Descent"

# (text, size, font, line step to the next line): the title's lines, top down
Lines = list[tuple[str, float, str, float]]


def _page(
    tmp_path: Path,
    title: Lines,
    byline: tuple[str, float, str] = ("Ada Lovelace, Alan Turing", 11, "R"),
    info: dict[str, str] | None = None,
) -> Paper:
    sheet, y = Sheet(), 730.0
    for text, size, font, step in title:
        sheet.put(110, y, text, size, font)
        y -= step
    sheet.put(150, y, *byline).put(150, y - 13, "University of Turin, Italy", 9, "I")
    sheet.put(72, y - 45, "Abstract", 11, "B")
    y = sheet.prose(72, y - 60, PROSE)
    sheet.put(72, y - 12, "1 Introduction", 11, "B").prose(72, y - 27, PROSE + " " + PROSE, size=10)
    return read_header(sheet.save(tmp_path / "title.pdf", info))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (  # the second line shrunk to fit, bold and regular
            [("Feature Learning Order in Two-Layer", 18, "B", 22),
             ("Networks Trained by Gradient Descent", 15, "B", 24)],
            LONG,
        ),
        (
            [("Feature Learning Order in Two-Layer", 17, "T", 21),
             ("Networks Trained by Gradient Descent", 14, "T", 24)],
            LONG,
        ),
        (  # a subtitle after a colon or a dash, in smaller type (and in another weight)
            [("Feature Learning Order:", 18, "B", 22),
             ("A Study of Two-Layer Networks", 14, "R", 24)],
            "Feature Learning Order: A Study of Two-Layer Networks",
        ),
        (
            [("Feature Learning Order \u2014", 18, "B", 22),
             ("A Study of Two-Layer Networks", 14, "B", 24)],
            "Feature Learning Order \u2014 A Study of Two-Layer Networks",
        ),
        (  # three lines, the last one smaller
            [("Feature Learning Order in Two-Layer", 18, "B", 22),
             ("Networks Trained by Gradient", 18, "B", 20), ("Descent", 15, "B", 24)],
            LONG,
        ),
        (  # an empty line between two lines of the title; a double-spaced manuscript
            [("Feature Learning Order in Two-Layer", 16, "B", 42),
             ("Networks Trained by Gradient Descent", 16, "B", 26)],
            LONG,
        ),
        (
            [("Feature Learning Order in Two-Layer", 14, "B", 34),
             ("Networks Trained by Gradient Descent", 14, "B", 34)],
            LONG,
        ),
        (  # a last line that reads as a name, a wide line step above it: still the title
            [("Feature Learning Order in Two-Layer Networks:", 20, "R", 40),
             ("Gradient Descent", 20, "R", 40)],
            "Feature Learning Order in Two-Layer Networks: Gradient Descent",
        ),
    ],
)  # fmt: skip
def test_a_title_over_lines_in_other_sizes_and_steps(
    tmp_path: Path, title: Lines, expected: str
) -> None:
    paper = _page(tmp_path, title)
    assert paper.title == expected
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]


def test_names_in_large_type_under_a_smaller_line_are_not_the_title(tmp_path: Path) -> None:
    title = [
        ("Feature Learning Order:", 18, "B", 22),
        ("A Study of Two-Layer Networks", 14, "B", 22),
    ]
    paper = _page(tmp_path, title, byline=("Ada Lovelace, Alan Turing", 14, "B"))
    assert paper.title == "Feature Learning Order: A Study of Two-Layer Networks"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]


@pytest.mark.parametrize(
    ("byline", "step", "authors"),
    [
        ("JOHN SMITH AND MARY JONES", 25, ["John Smith", "Mary Jones"]),
        ("BY JOHN SMITH AND MARY JONES", 25, ["John Smith", "Mary Jones"]),
        ("John Smith, Mary Jones", 25, ["John Smith", "Mary Jones"]),
        ("JOHN SMITH", 32, ["John Smith"]),  # one author, an empty line under the title
    ],
)
def test_a_byline_in_the_titles_own_type(
    tmp_path: Path, byline: str, step: float, authors: list[str]
) -> None:
    """An old journal sets the names in the title's type, a little further down."""
    title = [("THE DIFFUSION OF HEAT IN THIN", 12, "T", 16), ("CRYSTALLINE FILMS", 12, "T", step)]
    paper = _page(tmp_path, title, byline=(byline, 12, "T"))
    assert paper.title == "THE DIFFUSION OF HEAT IN THIN CRYSTALLINE FILMS"
    assert paper.authors == authors


def test_a_second_line_that_reads_empty_takes_the_metadata_title(tmp_path: Path) -> None:
    """The second line is drawn in a font whose glyphs map to no letters: the page's title
    stops short, and the metadata title that starts with it finishes it."""
    title = [("Feature Learning Order in Two-Layer", 17, "B", 21),
             ("Networks Trained by Gradient Descent", 17, "Z", 26)]  # fmt: skip
    paper = _page(tmp_path, title, info={"/Title": LONG})
    assert paper.title == LONG
    assert paper.header_sources.title == "pdf_metadata"


def test_a_longer_metadata_title_does_not_finish_a_whole_title(tmp_path: Path) -> None:
    title = [("Feature Learning Order in Two-Layer Networks", 17, "B", 26)]
    paper = _page(tmp_path, title, info={"/Title": LONG + ": Supplementary Material"})
    assert paper.title == "Feature Learning Order in Two-Layer Networks"


@pytest.mark.parametrize("tag", ["Extended Abstract", "Supplementary Material", "Draft Version"])
def test_a_tag_under_the_title_is_not_part_of_it(tmp_path: Path, tag: str) -> None:
    """A short line in display type that says what the document is, not what it is about."""
    title = [("Feature Learning Order in Two-Layer Networks", 18, "B", 22), (tag, 14, "B", 24)]
    assert _page(tmp_path, title).title == "Feature Learning Order in Two-Layer Networks"
