"""--format bibtex and csl-json: the golden batch as references, read back by other parsers."""

from __future__ import annotations

import json
from datetime import datetime

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
