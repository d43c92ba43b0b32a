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


def _interleaved(tmp_path: Path, lines: list[list[tuple[str, str]]]) -> Paper:
    """Lines of names with each one's affiliation set in the same line, as (text, font) spans."""
    sheet = Sheet().put(120, 730, TITLE, 16, "B")
    for k, spans in enumerate(lines):
        sheet.runs(72, 700 - 13 * k, [(text, font, 10, 0) for text, font in spans])
    sheet.put(72, 650, "Abstract", 11, "B").prose(72, 635, PROSE)
    return read_header(sheet.save(tmp_path / "interleaved.pdf"))


@pytest.mark.parametrize(
    "lines",
    [
        [[("Ada Lovelace (University of Turin), Alan Turing (Princeton University) and", "R")],
         [("Grace Hopper (Yale University)", "R")]],
        [[("Ada Lovelace \u2014 University of Turin, Alan Turing \u2014 Princeton University,",
           "R")], [("Grace Hopper \u2014 Yale University", "R")]],
        [[("Ada Lovelace, University of Turin, Alan Turing, Princeton University, Grace Hopper,",
           "R")], [("Yale University", "R")]],
        # no punctuation at all: the type's style sets the names apart from the places
        [[("Ada Lovelace ", "R"), ("University of Turin ", "I"), ("Alan Turing ", "R"),
          ("Princeton University", "I")], [("Grace Hopper ", "R"), ("Yale University", "I")]],
    ],
)  # fmt: skip
def test_names_with_their_affiliations_in_line(
    tmp_path: Path, lines: list[list[tuple[str, str]]]
) -> None:
    paper = _interleaved(tmp_path, lines)
    assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper.affiliations == ["University of Turin", "Princeton University", "Yale University"]


def test_a_one_word_place_in_parentheses_is_no_name(tmp_path: Path) -> None:
    line = "Ada Lovelace (Turin), Alan Turing (Princeton) and Grace Hopper (Yale)"
    paper = _interleaved(tmp_path, [[(line, "R")]])
    assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper.affiliations == ["Turin", "Princeton", "Yale"]


def test_a_name_set_in_two_styles_is_one_name(tmp_path: Path) -> None:
    """A surname in another weight, an "and" in italics: style alone does not split names."""
    paper = _interleaved(
        tmp_path,
        [[("Ada ", "R"), ("Lovelace", "B"), (" and ", "I"), ("Alan ", "R"), ("Turing", "B")]],
    )
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]


FOUR = ["Ada Lovelace", "Alan Turing", "Grace M. Hopper", "John von Neumann"]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # the break after an initial, inside a hyphenated name, inside a surname
        ([[(80, "Ada Lovelace, Alan Turing, Grace M.", 11, "R")],
          [(80, "Hopper, and John von Neumann", 11, "R")]], FOUR),
        ([[(80, "Ada Lovelace, Alan Turing, Jean-", 11, "R")], [(80, "Luc Picard", 11, "R")]],
         ["Ada Lovelace", "Alan Turing", "Jean-Luc Picard"]),
        ([[(80, "Ada Lovelace, Alan Turing, Grace M. Hopper, John von Neu-", 11, "R")],
          [(80, "mann", 11, "R")]], FOUR),
        # names run together, a given name left over at the line's end
        ([[(80, "Ada Lovelace Alan Turing Grace", 11, "R")], [(80, "Hopper John Smith", 11, "R")]],
         ["Ada Lovelace", "Alan Turing", "Grace Hopper", "John Smith"]),
        # names as cells, the last one cut between two rows
        ([[(80, "Ada Lovelace", 11, "R"), (200, "Alan Turing", 11, "R"), (320, "Grace", 11, "R")],
          [(80, "Hopper", 11, "R"), (200, "John Smith", 11, "R")]],
         ["Ada Lovelace", "Alan Turing", "Grace Hopper", "John Smith"]),
    ],
)  # fmt: skip
def test_a_name_cut_by_the_lines_break(
    tmp_path: Path, rows: list[Row], expected: list[str]
) -> None:
    assert _page(tmp_path, [*rows, PLACE]).authors == expected


def test_a_name_a_line_with_middle_names_is_not_cut(tmp_path: Path) -> None:
    rows = [[(200, "Grace Murray Hopper", 11, "R")], [(200, "John Lewis Smith", 11, "R")], PLACE]
    assert _page(tmp_path, rows).authors == ["Grace Murray Hopper", "John Lewis Smith"]


@pytest.mark.parametrize(
    "byline",
    [
        "BY J. SMITH, F.R.S., AND M. JONES, M.A.",  # an old journal's post-nominal letters
        "J. Smith, Ph.D., D.Sc., and M. Jones, F.R.S.E.",
    ],
)
def test_post_nominal_letters_are_not_names(tmp_path: Path, byline: str) -> None:
    paper = _page(tmp_path, [[(150, byline, 10, "T")], PLACE])
    assert paper.authors == ["J. Smith", "M. Jones"]


def _n(text: str) -> tuple[str, str, float, float]:
    return (text, "T", 10, 0)


def _m(text: str, size: float = 7, rise: float = 3.5) -> tuple[str, str, float, float]:
    return (text, "T", size, rise)


ADA, AND = _n("Ada Lovelace"), _n(" and Grace Hopper")
ORCID = "[0000-0002-1825-0097]"


@pytest.mark.parametrize(
    "spans",
    [
        [ADA, _m("1"), _n(", Alan Turing"), _m("2,3"), AND, _m("1")],
        [ADA, _m("1,"), _n(" Alan Turing"), _m("2,"), AND, _m("1")],  # commas raised too
        [ADA, _m("1"), _n(", Alan Turing"), _m("2"), _n("(B)"), _n(","), AND, _m("1")],
        [ADA, _m("1"), _n(", Alan Turing(B)"), AND, _m("1")],  # the envelope glued to the name
        [ADA, _m("a"), _n(", Alan Turing"), _m("b,c"), AND, _m("a")],
        [ADA, _m("1" + ORCID), _n(", Alan Turing"), _m("2" + ORCID), AND, _m("1")],
        [
            _m("1"),
            _n("Ada Lovelace, "),
            _m("2"),
            _n("Alan Turing, and "),
            _m("1"),
            _n("Grace Hopper"),
        ],
        [ADA, _m("1", 10, 4), _n(", Alan Turing"), _m("2", 10, 4), AND, _m("1", 10, 4)],  # raised
    ],
)
def test_a_line_of_names_with_superscript_marks(
    tmp_path: Path, spans: list[tuple[str, str, float, float]]
) -> None:
    """LNCS and its kin: names in one line, each with its marks (digits, letters, an envelope,
    an ORCID), the institutes under them opening with the same marks."""
    sheet = Sheet().put(150, 720, "Feature Learning Order in Two-Layer Networks", 14, "B")
    sheet.runs(140, 690, spans)
    sheet.runs(160, 672, [("1", "T", 6, 3), ("University of Turin, Italy", "T", 9, 0)])
    sheet.runs(160, 661, [("2", "T", 6, 3), ("Princeton University, USA", "T", 9, 0)])
    words = PROSE.split()
    sheet.runs(100, 630, [("Abstract.", "B", 9, 0), (" " + " ".join(words[:12]), "T", 9, 0)])
    sheet.prose(100, 619, " ".join(words[12:]), width=80)
    paper = read_header(sheet.save(tmp_path / "lncs.pdf"))
    assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper.affiliations[:2] == ["University of Turin", "Princeton University"]


def test_an_editors_label_in_a_sidebar_beside_the_affiliation(tmp_path: Path) -> None:
    """The sidebar's label shares a baseline with the authors' affiliation, far to its right:
    that is not the label's value, and the editor's name under the label is no author."""
    rows = [
        NAMES,
        [(72, "Academic Editor:", 8, "B"), (250, "University of Cambridge", 9, "I")],
        [(72, "Lawrence Bragg", 8, "R")],
    ]
    paper = _page(tmp_path, rows)
    assert paper.authors == ["John Smith", "Mary Jones"]
    assert paper.affiliations == ["University of Cambridge"]


def test_rows_of_one_word_places_under_side_by_side_authors_stay_apart(tmp_path: Path) -> None:
    rows = [
        [
            (80, "Ada Lovelace", 11, "R"),
            (200, "Alan Turing", 11, "R"),
            (320, "Grace Hopper", 11, "R"),
        ],
        [(80, "Stanford", 11, "R"), (200, "Princeton", 11, "R"), (320, "Yale", 11, "R")],
        [(80, "California", 11, "R"), (200, "Jersey", 11, "R"), (320, "Connecticut", 11, "R")],
    ]
    assert _page(tmp_path, rows).authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
