"""The author block (digest/pdf/authors.py, names.py) on drawn pages: who is an author, how a
name line splits, and what is not a name line although it prints names."""

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
TITLE = "The Diffusion of Heat in Thin Crystalline Films"

# one row of the author block: cells (x, text, size, font), or runs set one after the other
Cell = tuple[float, str, float, str]
Row = list[Cell]


def _page(tmp_path: Path, rows: list[Row], *, heading: str = "Abstract", step: float = 13) -> Paper:
    sheet, y = Sheet().put(120, 730, TITLE, 16, "B"), 700.0
    for row in rows:
        for x, text, size, font in row:
            sheet.put(x, y, text, size, font)
        y -= step
    if heading:
        sheet.put(72, y - 15, heading, 11, "B")
    y = sheet.prose(72, y - 30, PROSE)
    sheet.put(72, y - 12, "1 Introduction", 11, "B").prose(72, y - 27, PROSE + " " + PROSE, size=10)
    return read_header(sheet.save(tmp_path / "authors.pdf"))


NAMES: Row = [(200, "John Smith, Mary Jones", 11, "R")]
PLACE: Row = [(180, "University of Cambridge", 9, "I")]


@pytest.mark.parametrize(
    "rows",
    [
        # the label on its line, the editor under it, set like the authors
        [NAMES, PLACE, [(200, "Edited by", 11, "R")], [(200, "Lawrence Bragg", 11, "R")]],
        # the label and the name in two cells of one row
        [NAMES, PLACE, [(120, "Communicated by", 11, "R"), (240, "Lawrence Bragg", 11, "R")]],
        [NAMES, [(100, "Academic Editor:", 9, "B"), (190, "Lawrence Bragg", 11, "R")]],
        # the entry above the authors' names
        [[(200, "Edited by", 9, "I")], [(200, "Lawrence Bragg", 11, "R")], NAMES, PLACE],
        [NAMES, [(200, "Editor:", 9, "I")], [(200, "Lawrence Bragg", 11, "R")]],
        # a journal's sidebar: each role, then the name and the affiliation, under one another
        [NAMES, PLACE, [(72, "Edited by:", 8, "B")], [(72, "Lawrence Bragg,", 8, "R")],
         [(72, "University of Oxford, UK", 8, "I")], [(72, "Reviewed by:", 8, "B")],
         [(72, "William Bragg,", 8, "R")], [(72, "University of Leeds, UK", 8, "I")]],
        # an old journal's note, in parentheses, over the authors' affiliation
        [NAMES, [(150, "(Communicated by Sir Lawrence Bragg, F.R.S.)", 9, "T")], PLACE],
    ],
)  # fmt: skip
def test_an_editor_is_not_an_author(tmp_path: Path, rows: list[Row]) -> None:
    paper = _page(tmp_path, rows)
    assert paper.authors == ["John Smith", "Mary Jones"]
    assert all("Oxford" not in a and "Leeds" not in a for a in paper.affiliations)


def test_an_editors_notice_is_not_where_the_abstract_begins(tmp_path: Path) -> None:
    notice = "Contributed by Lawrence Bragg, May 1, 2020 (sent for review March 3, 2020)"
    paper = _page(tmp_path, [NAMES, PLACE, [(100, notice, 8, "R")]], heading="")
    assert paper.authors == ["John Smith", "Mary Jones"]
    assert paper.abstract.startswith("We study how gradient descent")
