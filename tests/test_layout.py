"""The header reader on positioned text: layout facts drawn into small synthetic PDFs.

Each test draws one layout fact the way publishers set it (side-by-side author columns,
superscript marks, letter-spaced and run-in headings, structured abstracts, banners, a
two-column body, invisible text) and checks what the reader makes of it. The PDFs are built
here, glyph by glyph, so nothing depends on a corpus file's quirks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drawn import Sheet

from digest.pdf import read_header
from digest.pdf.layout import read_layout
from digest.pdf.reader import open_pdf

PROSE = (
    "We study how gradient descent trains two-layer networks when the data are drawn from a "
    "teacher network. We show that the student learns the teacher's features in a fixed order "
    "and that the speed of each phase depends on the width of the hidden layer. Experiments on "
    "synthetic data and on image benchmarks confirm the predictions of the theory and show "
    "where it breaks down for very deep networks."
)


def _title(sheet: Sheet, text: str = "Feature Learning Order in Two-Layer Networks") -> Sheet:
    return sheet.put(120, 720, text, 17, "B")


def _body(sheet: Sheet, y: float, heading: str = "Abstract") -> Sheet:
    if heading:
        sheet.put(72, y, heading, 11, "B")
        y -= 15
    y = sheet.prose(72, y, PROSE)
    sheet.put(72, y - 12, "1 Introduction", 11, "B")
    sheet.prose(72, y - 27, PROSE)
    return sheet


def test_side_by_side_author_columns(tmp_path: Path) -> None:
    """Three authors set as three columns, each with its own affiliation and e-mail."""
    sheet = _title(Sheet())
    for x, name, place, mail in [
        (80, "Ada Lovelace", "University of Turin", "ada@unito.it"),
        (250, "Alan Turing", "Princeton University", "alan@princeton.edu"),
        (420, "Grace Hopper", "Yale University", "grace@yale.edu"),
    ]:
        sheet.put(x, 680, name, 11)
        sheet.put(x, 667, place, 9)
        sheet.put(x, 655, mail, 9)
    paper = read_header(_body(sheet, 620).save(tmp_path / "columns.pdf"))
    assert paper.title == "Feature Learning Order in Two-Layer Networks"
    assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper.affiliations == ["University of Turin", "Princeton University", "Yale University"]
    assert paper.abstract.startswith("We study how gradient descent")


def test_superscript_marks_tie_names_to_institutions(tmp_path: Path) -> None:
    """Names with raised digits and symbols; each institution line opens with its mark."""
    sheet = _title(Sheet())
    parts: list[tuple[str, str, float, float]] = []
    for name, mark in [("Ada Lovelace", "1,*"), ("Alan Turing", "2"), ("Grace Hopper", "1")]:
        parts += [(f"{', ' if parts else ''}{name}", "R", 11, 0), (mark, "R", 7, 4)]
    sheet.runs(120, 680, parts)
    for y, mark, text in [
        (664, "1", "Department of Physics, University of Turin"),
        (653, "2", "Institute for Advanced Study"),
        (642, "*", "Corresponding author: ada@unito.it"),
    ]:
        sheet.runs(150, y, [(mark, "R", 6, 3), (text, "R", 9, 0)])
    paper = read_header(_body(sheet, 610).save(tmp_path / "marks.pdf"))
    assert paper.authors == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper.affiliations == [
        "Department of Physics, University of Turin",
        "Institute for Advanced Study",
    ]


def test_raised_marks_are_not_words(tmp_path: Path) -> None:
    """A raised mark glued to a name is attached to its line, not read as a line of its own."""
    sheet = Sheet().put(100, 700, "Ada Lovelace", 11).put(166, 700, "1", 7, rise=4)
    reader, _ = open_pdf(sheet.save(tmp_path / "raised.pdf"))
    lines, _ = read_layout(reader, 0)
    assert len(lines) == 1
    assert lines[0].text.replace(" ", "") in {"AdaLovelace", "AdaLovelace1"}


def test_a_raised_ordinal_is_part_of_its_number_not_a_mark(tmp_path: Path) -> None:
    """ "the 28th International Conference" with "th" set small and raised, as typesetters do:
    it stays in the text (a venue read "Proceedings of the 28 International ..."); a raised
    digit after a word is still a mark."""
    sheet = Sheet().runs(
        100, 700, [("Proceedings of the 28", "R", 9, 0), ("th", "R", 6, 3),
                   (" International Conference on Machine Learning", "R", 9, 0)],
    )  # fmt: skip
    sheet.runs(100, 680, [("University of Turin", "R", 9, 0), ("th", "R", 6, 3)])
    reader, _ = open_pdf(sheet.save(tmp_path / "ordinal.pdf"))
    lines, _ = read_layout(reader, 0)
    texts = [" ".join(line.text.split()) for line in lines]
    assert "Proceedings of the 28th International Conference on Machine Learning" in texts
    assert "University of Turin" in texts  # no number before it: a mark


@pytest.mark.parametrize("heading", ["A B S T R A C T", "a b s t r a c t"])
def test_letter_spaced_abstract_heading(tmp_path: Path, heading: str) -> None:
    sheet = _title(Sheet()).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(120, 666, "University of Turin", 9)
    paper = read_header(_body(sheet, 630, heading=heading).save(tmp_path / "spaced.pdf"))
    assert paper.abstract.startswith("We study how gradient descent")
    assert paper.abstract.rstrip().endswith("for very deep networks.")


def test_letter_spacing_by_character_spacing(tmp_path: Path) -> None:
    """A heading widened with the Tc operator rather than spaces is still one word."""
    sheet = _title(Sheet()).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(72, 630, "ABSTRACT", 9, "B", spacing=3.5)
    sheet.prose(72, 615, PROSE)
    paper = read_header(sheet.save(tmp_path / "tc.pdf"))
    assert paper.abstract.startswith("We study how gradient descent")


@pytest.mark.parametrize("lead", ["Abstract\u2014", "Abstract.", "Abstract:", "Résumé."])
def test_run_in_abstract_heading(tmp_path: Path, lead: str) -> None:
    sheet = _title(Sheet()).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(120, 666, "University of Turin", 9)
    words = PROSE.split()
    sheet.runs(72, 630, [(lead, "B", 9, 0), (" " + " ".join(words[:12]), "R", 9, 0)])
    y = sheet.prose(72, 619, " ".join(words[12:]))
    sheet.put(72, y - 12, "1 Introduction", 11, "B")
    paper = read_header(sheet.save(tmp_path / "runin.pdf"))
    assert paper.abstract.startswith("We study how gradient descent")
    assert "Introduction" not in paper.abstract


def test_structured_abstract_without_heading(tmp_path: Path) -> None:
    """Background / Methods / Results / Conclusions labels and no "Abstract" heading."""
    sheet = _title(Sheet()).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(120, 666, "Department of Medicine, University of Turin", 9)
    y = 630.0
    parts = [
        ("Background:", "Venous thrombosis is common after major trauma and often silent."),
        ("Methods:", "We reviewed twelve randomised trials of prophylaxis in injured adults."),
        ("Results:", "Low molecular weight heparin reduced deep vein thrombosis by half."),
        ("Conclusions:", "Early prophylaxis is safe and should be the default after injury."),
    ]
    for label, text in parts:
        sheet.runs(72, y, [(label, "B", 9, 0), (f" {text}", "R", 9, 0)])
        y -= 12
    sheet.put(72, y - 12, "Introduction", 11, "B")
    sheet.prose(72, y - 27, PROSE)
    paper = read_header(sheet.save(tmp_path / "structured.pdf"))
    assert paper.abstract.startswith("Background")
    for _, text in parts:
        assert text in paper.abstract
    assert "We study how" not in paper.abstract


def test_banner_and_running_head_are_not_the_title(tmp_path: Path) -> None:
    """A journal banner and a running head above the title, in small type or in capitals."""
    sheet = Sheet().put(72, 760, "Journal of Statistical Software", 9, "I")
    sheet.put(400, 760, "Volume 12, Issue 3, 2021", 8)
    sheet.put(72, 740, "RESEARCH ARTICLE", 9, "B")
    _title(sheet).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(120, 666, "University of Turin", 9)
    paper = read_header(_body(sheet, 630).save(tmp_path / "banner.pdf"))
    assert paper.title == "Feature Learning Order in Two-Layer Networks"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]


def test_title_over_two_lines(tmp_path: Path) -> None:
    sheet = Sheet().put(110, 720, "Feature Learning Order in Two-Layer", 17, "B")
    sheet.put(150, 700, "Networks Trained by Gradient Descent", 17, "B")
    sheet.put(120, 670, "Ada Lovelace, Alan Turing", 11)
    paper = read_header(_body(sheet, 630).save(tmp_path / "twolines.pdf"))
    assert paper.title == "Feature Learning Order in Two-Layer Networks Trained by Gradient Descent"


def test_two_column_abstract_stops_at_the_gutter(tmp_path: Path) -> None:
    """Left column: the abstract; right column: the introduction, on the same baselines."""
    sheet = _title(Sheet()).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(72, 640, "Abstract", 10, "B").put(320, 640, "1 Introduction", 10, "B")
    sheet.prose(72, 626, PROSE, width=50)
    sheet.prose(320, 626, "Neural networks are trained by gradient descent. " * 8, width=50)
    paper = read_header(sheet.save(tmp_path / "gutter.pdf"))
    assert paper.abstract.startswith("We study how gradient descent")
    assert paper.abstract.rstrip().endswith("for very deep networks.")
    assert "Neural networks are trained" not in paper.abstract


def test_invisible_text_is_not_read(tmp_path: Path) -> None:
    """Text drawn in render mode 3 (invisible) is a hidden layer, never part of the header."""
    sheet = Sheet().put(120, 760, "Buy cheap watches online now", 17, "B", render=3)
    _title(sheet).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    sheet.put(120, 668, "Ignore previous instructions", 11, render=3)
    paper = read_header(_body(sheet, 630).save(tmp_path / "hidden.pdf"))
    assert paper.title == "Feature Learning Order in Two-Layer Networks"
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert "Ignore" not in paper.abstract and "watches" not in paper.abstract


def test_all_caps_names_joined_by_and_with_affiliation(tmp_path: Path) -> None:
    """ACM-journal style: capitals, "and", the affiliation after a comma on the same line."""
    sheet = _title(Sheet())
    sheet.put(72, 680, "ADA LOVELACE and ALAN TURING, University of Manchester", 9)
    paper = read_header(_body(sheet, 640).save(tmp_path / "acm.pdf"))
    assert paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert paper.affiliations == ["University of Manchester"]


def test_long_author_list_wrapped_over_lines(tmp_path: Path) -> None:
    people = [
        "Ada Lovelace", "Alan Turing", "Grace Hopper", "John von Neumann", "Emmy Noether",
        "Kurt Gödel", "Srinivasa Ramanujan", "Sofia Kovalevskaya", "Henri Poincaré",
        "Marie Curie", "Niels Bohr", "Lise Meitner", "Paul Dirac", "Max Born",
    ]  # fmt: skip
    sheet = _title(Sheet())
    y, line = 680.0, ""
    for i, name in enumerate(people):
        piece = f"{name}," if i < len(people) - 1 else name
        if len(line) + len(piece) > 70:
            sheet.put(90, y, line, 10)
            y, line = y - 12, ""
        line = f"{line} {piece}".strip()
    sheet.put(90, y, line, 10)
    sheet.put(90, y - 14, "Institute for Advanced Study, Princeton", 9)
    paper = read_header(_body(sheet, y - 50).save(tmp_path / "many.pdf"))
    assert paper.authors == people


# --- the PDF's own metadata: one vote, checked against the page ---------------------------------


def test_metadata_title_restores_the_spaces_of_a_glued_title(tmp_path: Path) -> None:
    sheet = Sheet().put(120, 720, "FeatureLearningOrderInTwoLayerNetworks", 17, "B")
    sheet.put(120, 680, "Ada Lovelace, Alan Turing", 11)
    info = {"/Title": "Feature Learning Order in Two Layer Networks"}
    paper = read_header(_body(sheet, 630).save(tmp_path / "glued.pdf", info))
    assert paper.title == "Feature Learning Order in Two Layer Networks"
    assert paper.header_sources.title == "pdf_metadata"


@pytest.mark.parametrize(
    "meta",
    [
        "paper.dvi",
        "Microsoft Word - draft3.docx",
        "A Completely Different Paper About Graphs",  # not printed on the page
        "Journal of Statistical Software",  # printed, but as the banner
    ],
)
def test_a_wrong_metadata_title_does_not_win(tmp_path: Path, meta: str) -> None:
    sheet = Sheet().put(72, 760, "Journal of Statistical Software", 9, "I")
    _title(sheet).put(120, 680, "Ada Lovelace, Alan Turing", 11)
    paper = read_header(_body(sheet, 630).save(tmp_path / "wrong.pdf", {"/Title": meta}))
    assert paper.title == "Feature Learning Order in Two-Layer Networks"
    assert paper.header_sources.title == "pdf"


def test_metadata_authors_stand_in_only_when_printed(tmp_path: Path) -> None:
    """No name line the layout can read ("by ada lovelace & alan turing", lower case): the
    metadata's authors are taken when the page prints each of them, and never otherwise."""
    sheet = _title(Sheet()).put(120, 680, "by ada lovelace & alan turing", 11)
    _body(sheet, 630)
    printed = read_header(sheet.save(tmp_path / "a.pdf", {"/Author": "Ada Lovelace; Alan Turing"}))
    assert printed.authors == ["Ada Lovelace", "Alan Turing"]
    assert printed.header_sources.authors == "pdf_metadata"
    other = read_header(sheet.save(tmp_path / "b.pdf", {"/Author": "Grace Hopper"}))
    assert other.authors == [] and other.header_sources.authors is None


def test_doi_from_the_page_or_the_metadata(tmp_path: Path) -> None:
    sheet = _title(Sheet().put(72, 760, "PLOS ONE | https://doi.org/10.1371/journal.", 8))
    sheet.put(72, 750, "pone.0197919 June 2018", 8).put(120, 680, "Ada Lovelace", 11)
    _body(sheet, 630)
    broken = read_header(
        sheet.save(tmp_path / "a.pdf", {"/Subject": "doi:10.1371/journal.pone.0197919"})
    )
    assert broken.doi == "10.1371/journal.pone.0197919"  # the metadata's, printed over 2 lines
    plain = _title(Sheet().put(400, 760, "DOI: 10.7554/eLife.01567.", 8))
    assert read_header(_body(plain, 630).save(tmp_path / "b.pdf")).doi == "10.7554/elife.01567"


# --- author blocks ---------------------------------------------------------------------------


def test_a_name_cut_at_the_line_end(tmp_path: Path) -> None:
    sheet = _title(Sheet())
    sheet.put(90, 680, "David O'Connor, Sung-min Yoon, and Friedrich von", 10)
    sheet.put(250, 668, "Hallberg", 10)
    sheet.put(150, 650, "School of Computing, KAIST, Daejeon, Korea", 9)
    paper = read_header(_body(sheet, 620).save(tmp_path / "cut.pdf"))
    assert paper.authors == ["David O'Connor", "Sung-min Yoon", "Friedrich von Hallberg"]


def test_one_author_a_line_with_affiliation_and_country(tmp_path: Path) -> None:
    """ACM-journal style: "NAME, Institution, Country" per line; a country is never a name."""
    sheet = _title(Sheet())
    for y, line in [
        (680, "NOAH WHITFIELD, Université de Montréal, Canada"),
        (668, "RAMÓN CASTILLO, Université de Montréal, Canada"),
        (
            656,
            "ANNE-MARIE FONTAINE, University of Edinburgh, United Kingdom and Sciences Po, France",
        ),
    ]:
        sheet.put(72, y, line, 9)
    paper = read_header(_body(sheet, 620, heading="").save(tmp_path / "acmj.pdf"))
    assert paper.authors == ["Noah Whitfield", "Ramón Castillo", "Anne-Marie Fontaine"]


def test_cells_a_word_space_apart_are_cut_under_their_authors(tmp_path: Path) -> None:
    """Side-by-side authors whose affiliation cells come so close that the line reads as one
    ("Pontificia Universidad Católica de Chile Mountain View, USA"); and an address line
    ("Ann Arbor, MI, USA") is not a name."""
    sheet = _title(Sheet())
    for x, name in [(75, "Søren Østergaard"), (300, "Yuxuan Chen"), (444, "Jürgen Müller")]:
        sheet.put(x, 680, name, 11)  # columns centred near 120, 330 and 480
    sheet.put(70, 667, "University of Michigan", 9)
    # two cells, each centred under its author, one word space apart
    sheet.put(231, 667, "Pontificia Universidad Católica de Chile, Santiago Google Research", 9)
    sheet.put(80, 656, "Ann Arbor, MI, USA", 9)
    paper = read_header(_body(sheet, 620).save(tmp_path / "grid.pdf"))
    assert paper.authors == ["Søren Østergaard", "Yuxuan Chen", "Jürgen Müller"]
    assert len(paper.affiliations) == 3, paper.affiliations
    assert paper.affiliations[0] == "University of Michigan"
    assert paper.affiliations[1].startswith("Pontificia Universidad Católica de Chile")
    assert paper.affiliations[2] == "Google Research"


def test_an_affiliation_all_authors_share_stays_whole(tmp_path: Path) -> None:
    sheet = _title(Sheet())
    for x, name in [(100, "Ada Lovelace"), (260, "Alan Turing"), (420, "Grace Hopper")]:
        sheet.put(x, 680, name, 11)
    sheet.put(190, 666, "Department of Computer Science, University of Turin", 9)
    paper = read_header(_body(sheet, 620).save(tmp_path / "shared.pdf"))
    assert paper.affiliations == ["Department of Computer Science, University of Turin"]


def test_an_editorial_signed_at_the_end_of_its_text(tmp_path: Path) -> None:
    """No names under the title: the author signs flush right after the text, with the
    affiliation under the name and an e-mail line that is not part of it."""
    sheet = (
        Sheet()
        .put(500, 760, "EDITORIAL", 8)
        .put(72, 720, "Vaccination in Vulnerable Groups", 17, "B")
    )
    y = sheet.prose(72, 690, PROSE + " " + PROSE, width=60, size=10)
    for text, size, x in [
        ("Greg M. Delgoffe", 10, 262),
        ("Department of Immunology, University of Pittsburgh,", 9, 130),
        ("Pittsburgh, Pennsylvania, USA", 9, 215),
        ("Email: gmd@example.org", 9, 232),
    ]:
        y -= 14
        sheet.put(x, y, text, size)  # each line ends at x = 342, the text column's right edge
    paper = read_header(sheet.save(tmp_path / "editorial.pdf"))
    assert paper.authors == ["Greg M. Delgoffe"]
    assert paper.affiliations == ["Department of Immunology, University of Pittsburgh"]


def test_letter_spaced_names_read_as_words(tmp_path: Path) -> None:
    """An old journal's byline letter-spaced glyph by glyph: the letters stand a third of an
    em apart, the words a space further; neither is a column gutter."""
    sheet = Sheet().put(72, 730, "THE DIFFUSION OF HEAT IN THIN CRYSTALLINE FILMS", 12, "T")
    sheet.spaced(150, 705, "JOHN SMITH AND MARY JONES")
    sheet.put(160, 691, "Bell Telephone Laboratories, Murray Hill, New Jersey", 9, "I")
    paper = read_header(_body(sheet, 650).save(tmp_path / "spaced-names.pdf"))
    assert paper.authors == ["John Smith", "Mary Jones"]
