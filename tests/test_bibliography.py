"""--format bibtex and csl-json: the golden batch as references, read back by other parsers."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import bibtexparser
import pytest
import respx
from test_pipeline import PAPERS, answer

from digest import Paper, PaperResult, Report, Settings, run
from digest.bibliography import references, render_bibtex, render_csl_json

FIXED = datetime(2025, 10, 15, 20, 30, 36)


@pytest.fixture
def golden(llm: respx.MockRouter) -> Report:
    """The golden batch (tests/golden), answered by the canned endpoint."""
    llm.post("/chat/completions").mock(side_effect=answer)
    return run([PAPERS], Settings.from_env())


def test_the_golden_batch_is_valid_bibtex(golden: Report) -> None:
    report = golden
    text = render_bibtex(report)
    entries = {e["ID"]: e for e in bibtexparser.loads(text).entries}
    assert len(entries) == len(report.succeeded) == 3
    dpr = next(e for e in entries.values() if "Dense Passage Retrieval" in e["title"])
    assert dpr["ID"] == "karpukhin2020dense"
    assert dpr["author"].startswith("Karpukhin, Vladimir and Oğuz, Barlas and Min, Sewon")
    assert dpr["author"].endswith("Chen, Danqi and Yih, Wen-tau")  # the paper's eight
    for result in report.succeeded:
        assert result.paper is not None
        entry = next(e for e in entries.values() if e["title"] == result.paper.title)
        assert entry["author"].count(" and ") == len(result.paper.authors) - 1
        if result.paper.doi:
            assert entry["doi"] == result.paper.doi and entry["ENTRYTYPE"] == "article"
        if result.paper.arxiv_id:
            assert entry["eprint"] in result.paper.arxiv_id and entry["archiveprefix"] == "arXiv"


def test_csl_json_has_the_same_papers(golden: Report) -> None:
    report = golden
    items = json.loads(render_csl_json(report))
    assert [i["id"] for i in items] == [r.key for r in references(report)]
    assert all(i["title"] and i["author"] for i in items)


def test_specials_and_odd_braces_stay_text() -> None:
    paper = Paper(
        source="x.pdf",
        sha256="0",
        title="Costs & Benefits of 50% {Sparse} Routing in C_n } and #tags",
        authors=["José Müller", "张三", "Wen-tau Yih"],
        arxiv_id="2005.11401v2",
        categories=["cs.CL"],
    )
    report = Report(
        title="T",
        generated_at=FIXED,
        papers=[PaperResult(source="x.pdf", status="ok", paper=paper, brief="b")] * 2,
    )
    (first, second) = bibtexparser.loads(render_bibtex(report)).entries
    assert {first["ID"], second["ID"]} == {"muller2020costs", "muller2020costsa"}
    assert "50\\%" in first["title"] and "\\&" in first["title"] and "\\#" in first["title"]
    assert first["year"] == "2020" and first["eprint"] == "2005.11401"
    assert first["author"] == "Müller, José and 张三 and Yih, Wen-tau"


# What LaTeX prints for each escape a field may hold; any other command would run
PRINTS = {
    r"\textbackslash{}": "\\",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    **{"\\" + c: c for c in "{}$%&#_"},
}
COMMAND = re.compile(r"\\(?:[A-Za-z]+(?:\{\})?|.)")


def as_printed(field: str) -> str:
    """A BibTeX field's text as LaTeX prints it; fails on a command that is no escape."""
    for command in COMMAND.findall(field):
        assert command in PRINTS, f"{command} would run in {field!r}"
    unprotected = re.sub(r"\{(,|and)\}", r"\1", field, flags=re.IGNORECASE)
    return COMMAND.sub(lambda m: PRINTS[m.group()], unprotected)


def names(field: str) -> list[str]:
    """The names of an author field as BibTeX splits them: at " and " outside braces."""
    found, depth, start = [], 0, 0
    for at, char in enumerate(field):
        depth += (char == "{") - (char == "}")
        if depth == 0 and field[at : at + 5].lower() == " and ":
            found.append(field[start:at])
            start = at + 5
    return [*found, field[start:]]


def one_paper(**fields: Any) -> PaperResult:
    paper = Paper(source="x.pdf", sha256="0", **{"title": "T", **fields})
    return PaperResult(source="x.pdf", status="ok", paper=paper, brief="b")


def test_latex_in_a_title_or_a_name_is_text_never_a_command() -> None:
    """From an abstract file, an arXiv feed or a Crossref record: \\input and \\write18 print as
    written; an author called "Tom and Jerry" stays one author."""
    title = r"\input{/etc/passwd} \immediate\write18{id} $x^2$ ~50% C_n & #1 {Sparse} }{"
    authors = [r"Eve \input{/etc/passwd}", "Tom and Jerry", "Anna AND Bob", "a, b, c, d"]
    report = Report(title="T", generated_at=FIXED, papers=[one_paper(title=title, authors=authors)])
    text = render_bibtex(report)
    assert "\\input" not in text and "\\write18" not in text and "\\immediate" not in text
    (entry,) = bibtexparser.loads(text).entries
    assert as_printed(entry["title"]) == title.replace("}{", ")(")  # unpaired: parentheses
    read = [as_printed(name) for name in names(entry["author"])]
    assert read == [r"\input{/etc/passwd}, Eve", "Jerry, Tom and", "Bob, Anna AND", "a, b, c, d"]


def test_identifiers_that_could_break_the_entry_are_left_out() -> None:
    """A category "cs.AI}, note = {..." crashed --format bibtex for every paper; a DOI or an
    arXiv ID that is not one is left out, and every key is letters and digits."""
    hostile = one_paper(
        title="Hostile",
        authors=["}, note = {x"],
        arxiv_id="2005.11401}, note = {x",
        doi="10.1000/x}, note = {x",
        categories=["cs.AI}, note = {pwned"],
    )
    fine = one_paper(
        title="Fine", authors=["A B"], arxiv_id="2005.11401v2", categories=["cs.AI"], doi=None
    )
    report = Report(title="T", generated_at=FIXED, papers=[hostile, fine])
    hostile_entry, fine_entry = bibtexparser.loads(render_bibtex(report)).entries
    assert set(hostile_entry) == {"ID", "ENTRYTYPE", "title", "author"}
    assert len(names(hostile_entry["author"])) == 1 and as_printed(hostile_entry["author"])
    assert fine_entry["eprint"] == "2005.11401" and fine_entry["eprintclass"] == "cs.AI"
    assert all(re.fullmatch("[a-z0-9]+", e["ID"]) for e in (hostile_entry, fine_entry))
    items = json.loads(render_csl_json(report))
    assert "DOI" not in items[0] and "URL" not in items[0] and items[1]["URL"].startswith("https")


def test_control_and_bidi_characters_are_left_out() -> None:
    report = Report(
        title="T",
        generated_at=FIXED,
        papers=[one_paper(title="A\x1b]0;x\x07\u202eB", authors=["C\u2066 D\x00"])],
    )
    (entry,) = bibtexparser.loads(render_bibtex(report)).entries
    assert (entry["title"], entry["author"]) == ("A]0;xB", "D, C")
    (item,) = json.loads(render_csl_json(report))
    assert item["title"] == "A]0;xB" and item["author"] == [{"family": "D", "given": "C"}]


def test_an_entry_pybtex_refuses_is_left_out_not_the_file(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import pybtex.database
    from pybtex.database import InvalidNameString, Person

    def person(name: str) -> Person:
        if "Refused" in name:
            raise InvalidNameString(name)
        return Person(name)

    monkeypatch.setattr(pybtex.database, "Person", person)
    papers = [one_paper(title="First", authors=["A Refused"]), one_paper(title="Second")]
    (entry,) = bibtexparser.loads(
        render_bibtex(Report(title="T", generated_at=FIXED, papers=papers))
    ).entries
    assert entry["title"] == "Second" and "left out of the bibliography" in caplog.text
