"""--format bibtex and csl-json: the golden batch as references, read back by other parsers."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import respx
from conftest import SHARED
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
            assert entry["eprint"] in result.paper.arxiv_id and entry["eprinttype"] == "arxiv"


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


# --- typed entries, read back by biber and pandoc ----------------------------------------------

WIDE = SHARED / "corpus-wide"
BIBER = shutil.which("biber")
PANDOC = shutil.which("pandoc")
HOSTILE_TITLE = r"\input{/etc/passwd} Costs & 50% {Sparse} C_n } #1 ~x^2"


def representative() -> Report:
    """One paper of each kind a bibliography meets: a journal's, a conference's, an arXiv
    preprint, no venue, no year, a journal's with no authors, an unknown venue, hostile text."""
    papers = [
        one_paper(
            title="Comparative physiological and metabolomics analysis of wheat",
            authors=["Kayla Thomason", "Md Ali Babar", "John E. Erickson"],
            venue="PLOS ONE", year=2018, doi="10.1371/journal.pone.0197919",
        ),
        one_paper(
            title="Noisy Matrix Decomposition via Convex Relaxation",
            authors=["Alekh Agarwal", "Sahand Negahban", "Martin J. Wainwright"],
            venue="Proceedings of the 28th International Conference on Machine Learning",
            year=2011,
        ),
        one_paper(
            title="DISCOVERYWORLD: A Virtual Environment for Scientific Discovery Agents",
            authors=["Peter Jansen", "Marc-Alexandre Côté"],
            arxiv_id="2406.06769v2", categories=["cs.AI"], published="2024-06-10T17:00:00Z",
        ),
        one_paper(
            title="Approximation Algorithms for Data Placement on Parallel Disks",
            authors=["Leana Golubchik", "Sanjeev Khanna"], year=2009,
        ),
        one_paper(
            title="Adapting Open Information Extraction to Domain-Specific Relations",
            authors=["Stephen Soderland", "Mausam"], venue="AI Magazine",
        ),
        one_paper(
            title="Advocacy in action", venue="Tobacco Control", year=2004,
            doi="10.1136/tc.2004.010025",
        ),
        one_paper(
            title="Radioisotope Power", authors=["Tom Hammel"], venue="Energy Systems Day",
            year=2015,
        ),
        one_paper(  # a SICI DOI: brackets, "<", ">" and ";" in the DOI and in its URL
            title="Intercellular Calcium Waves in Glia", authors=["Andrew Charles"],
            venue="GLIA", year=1998,
            doi="10.1002/(sici)1098-1136(199809)24:1<39::aid-glia5>3.0.co;2-w",
        ),
        one_paper(
            title=HOSTILE_TITLE,
            authors=["L.Fernandes dos Santos", "H Ter Doest", "Martin Luther King Jr.",
                     "Tom and Jerry", r"Eve \input{x}"],
            venue=r"Proc. of the \write18{id} & 50% {Workshop", year=2020,
        ),
    ]  # fmt: skip
    return Report(title="T", generated_at=FIXED, papers=papers)


def test_entries_are_typed_by_their_venue() -> None:
    entries = bibtexparser.loads(render_bibtex(representative())).entries
    typed = [(e["ID"], e["ENTRYTYPE"], e.get("journal") or e.get("booktitle")) for e in entries]
    assert typed == [
        ("thomason2018comparative", "article", "PLOS ONE"),
        ("agarwal2011noisy", "inproceedings",
         "Proceedings of the 28th International Conference on Machine Learning"),
        ("jansen2024discoveryworld", "misc", None),
        ("golubchik2009approximation", "misc", None),
        ("soderlandadapting", "article", "AI Magazine"),  # no year, none invented
        ("anon2004advocacy", "misc", None),  # an @article needs its authors
        ("hammel2015radioisotope", "misc", None),  # a venue no rule knows, and no DOI
        ("charles1998intercellular", "article", "GLIA"),  # no rule knows it; it has a DOI
        ("dossantos2020input", "inproceedings",
         r"Proc. of the \textbackslash{}write18\{id\} \& 50\% (Workshop"),
    ]  # fmt: skip
    by_key = {e["ID"]: e for e in entries}
    assert by_key["anon2004advocacy"]["howpublished"] == "Tobacco Control"
    assert by_key["hammel2015radioisotope"]["howpublished"] == "Energy Systems Day"
    preprint = by_key["jansen2024discoveryworld"]
    assert (preprint["eprint"], preprint["eprinttype"], preprint["eprintclass"]) == (
        "2406.06769", "arxiv", "cs.AI",
    )  # fmt: skip
    assert all("year" in e for e in entries if e["ID"] != "soderlandadapting")
    sici = by_key["charles1998intercellular"]  # its DOI makes the link: no URL with a "%"
    assert sici["doi"].endswith("<39::aid-glia5>3.0.co;2-w") and "url" not in sici
    assert not {"archiveprefix", "primaryclass", "journaltitle"} & {f for e in entries for f in e}


def test_names_are_written_last_first_with_particles_and_suffixes() -> None:
    entries = bibtexparser.loads(render_bibtex(representative())).entries
    authors = {e["ID"]: names(e["author"]) for e in entries if "author" in e}
    assert authors["agarwal2011noisy"][2] == "Wainwright, Martin J."
    assert authors["thomason2018comparative"][1] == "Babar, Md Ali"
    assert authors["dossantos2020input"] == [
        "dos Santos, L. Fernandes",
        "Ter Doest, H",
        "King, Jr., Martin Luther",
        "Jerry, Tom {and}",
        r"\textbackslash{}input\{x\}, Eve",
    ]


def test_csl_json_is_typed_the_same() -> None:
    items = {i["id"]: i for i in json.loads(render_csl_json(representative()))}
    journal, conference = items["thomason2018comparative"], items["agarwal2011noisy"]
    assert (journal["type"], journal["container-title"]) == ("article-journal", "PLOS ONE")
    assert journal["issued"] == {"date-parts": [[2018]]}
    assert conference["type"] == "paper-conference" and conference["container-title"]
    preprint = items["jansen2024discoveryworld"]
    assert (preprint["type"], preprint["publisher"], preprint["number"]) == (
        "article", "arXiv", "arXiv:2406.06769",
    )  # fmt: skip
    assert "issued" not in items["soderlandadapting"]
    assert items["anon2004advocacy"]["type"] == "article-journal"  # CSL asks no authors
    assert items["dossantos2020input"]["author"][:3] == [
        {"given": "L. Fernandes", "non-dropping-particle": "dos", "family": "Santos"},
        {"given": "H", "non-dropping-particle": "Ter", "family": "Doest"},
        {"given": "Martin Luther", "family": "King", "suffix": "Jr."},
    ]
    assert items["soderlandadapting"]["author"][1] == {"literal": "Mausam"}


NEEDS_BIBER = pytest.mark.skipif(
    BIBER is None, reason="biber not found (apt-get install -y biber): data model check skipped"
)
NEEDS_PANDOC = pytest.mark.skipif(
    PANDOC is None, reason="pandoc not found (apt-get install -y pandoc): citeproc check skipped"
)


def biber_says(report: Report, folder: Path) -> list[str]:
    """What `biber --tool --validate-datamodel` says of the report's BibTeX: its warnings
    and errors, and the lines every undated entry must get (biblatex wants a date in every
    entry; none is invented)."""
    (folder / "refs.bib").write_text(render_bibtex(report), encoding="utf-8")
    done = subprocess.run(
        [str(BIBER), "--tool", "--validate-datamodel", "refs.bib"],
        cwd=folder, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return [line for line in done.stdout.splitlines() if line.startswith(("WARN", "ERROR"))]


def missing_dates(report: Report) -> list[str]:
    return [
        f"WARN - Datamodel: Entry '{ref.key}' (refs.bib): Missing mandatory field - one of "
        "'date, year' must be defined"
        for ref in references(report)
        if ref.year is None
    ]


@NEEDS_BIBER
def test_biber_finds_every_field_in_biblatexs_data_model(tmp_path: Path) -> None:
    """Nothing to say but the date of the one paper no source gives a year for."""
    report = representative()
    assert [r.key for r in references(report) if r.year is None] == ["soderlandadapting"]
    assert biber_says(report, tmp_path) == missing_dates(report)


@pytest.fixture(scope="module")
def corpus_wide() -> Report:
    """The 45 papers of ../shared/corpus-wide, read offline (no network, no store)."""
    if not WIDE.is_dir():
        pytest.skip(f"{WIDE} not found")
    settings = Settings.from_env({}, engine="offline", lookup=False, title="T")
    return run([WIDE], settings)


@NEEDS_BIBER
@pytest.mark.corpus
def test_biber_takes_the_development_papers_as_they_are(
    corpus_wide: Report, tmp_path: Path
) -> None:
    """Issue 26: 56 warnings before (42 missing dates, 10 journals without a journal, 3 unknown
    fields); now only the dates of the papers no source dates (their pages print none)."""
    assert biber_says(corpus_wide, tmp_path) == missing_dates(corpus_wide)
    assert sum(ref.year is not None for ref in references(corpus_wide)) >= 36


@NEEDS_PANDOC
@pytest.mark.corpus
def test_pandoc_reads_the_development_papers_with_their_years(
    corpus_wide: Report, tmp_path: Path
) -> None:
    cited, _ = pandoc_cites(corpus_wide, "bibtex", tmp_path)
    for ref in references(corpus_wide):
        assert (ref.year or "n.d.") in cited[ref.key], (ref.key, cited[ref.key])


def pandoc_cites(report: Report, form: str, folder: Path) -> tuple[dict[str, str], str]:
    """How pandoc --citeproc (its default CSL, Chicago author-date) cites each key, and all it
    printed (the citations, then the bibliography)."""
    bibliography = folder / ("refs.bib" if form == "bibtex" else "refs.json")
    render = render_bibtex if form == "bibtex" else render_csl_json
    bibliography.write_text(render(report), encoding="utf-8")
    (folder / "cite.md").write_text(
        "\n\n".join(f"{ref.key}: @{ref.key}" for ref in references(report)), encoding="utf-8"
    )
    done = subprocess.run(
        [str(PANDOC), "--citeproc", f"--bibliography={bibliography.name}", "-t", "plain",
         "--wrap=none", "cite.md"],
        cwd=folder, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    cited = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    return cited, done.stdout


@NEEDS_PANDOC
@pytest.mark.parametrize("form", ["bibtex", "csl-json"])
def test_pandoc_cites_every_entry_with_its_year(tmp_path: Path, form: str) -> None:
    """pandoc --citeproc cites each key with its year, "n.d." only where no year is known, and
    prints the journal and the proceedings."""
    report = representative()
    cited, printed = pandoc_cites(report, form, tmp_path)
    for ref in references(report):
        assert (ref.year or "n.d.") in cited[ref.key], (ref.key, cited[ref.key])
    assert printed.count("n.d.") == 2  # the citation and its bibliography entry
    assert "PLOS ONE" in printed and "Proceedings of the 28th International" in printed
