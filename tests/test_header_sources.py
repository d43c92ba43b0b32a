"""Where each header field comes from: the layout reader, the LLM (grounded in the page, in
the same call as the brief's facts), or an authoritative record the LLM never overrides."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import BASE_URL, completion_body, facts, sent_json
from drawn import Sheet
from test_crossref import ELIFE, ELIFE_AUTHORS, elife_pdf, replay, url

from digest import Settings, render_json, render_markdown, run
from digest.facts import MAX_AUTHORS, PaperFacts
from digest.merge import reconcile_header
from digest.models import Paper

PROSE = (
    "We study how gradient descent trains two-layer networks when the data are drawn from a "
    "teacher network. We show that the student learns the teacher's features in a fixed order, "
    "and experiments on image benchmarks confirm the predictions of the theory."
)
TITLE = "Feature Learning Order in Two-Layer Networks"


def lower_case_names(path: Path) -> Path:
    """A header whose names the layout reader cannot take for names (lower case, "by")."""
    sheet = Sheet().put(120, 720, TITLE, 17, "B")
    sheet.put(120, 690, "by ada lovelace & alan turing", 11)
    sheet.put(120, 676, "University of Turin", 9)
    sheet.put(72, 640, "Abstract", 11, "B")
    y = sheet.prose(72, 625, PROSE)
    sheet.put(72, y - 12, "1 Introduction", 11, "B")
    sheet.prose(72, y - 27, PROSE)
    return sheet.save(path)


def answered(**header: Any) -> dict[str, Any]:
    return facts(
        institutions=[("University of Turin", "都灵大学")],
        method="师生网络框架下的梯度下降动力学分析",
        problem="两层网络按何种顺序学习特征的问题",
        result="实验在图像基准上验证了理论预测",
        evidence=(
            "how gradient descent trains two-layer networks",
            "the student learns the teacher's features in a fixed order",
            "experiments on image benchmarks confirm the predictions",
        ),
        **header,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    papers = tmp_path / "papers"
    papers.mkdir()
    lower_case_names(papers / "names.pdf")
    return papers


def run_with(folder: Path, answer: dict[str, Any], llm: respx.MockRouter) -> Any:
    route = llm.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion_body(answer))
    )
    report = run([folder], Settings.from_env(title="测试"))
    return report, route


def test_grounded_llm_authors_stand_in_for_names_the_layout_missed(
    folder: Path, llm: respx.MockRouter
) -> None:
    report, route = run_with(folder, answered(authors=["Ada Lovelace", "Alan Turing"]), llm)
    assert route.call_count == 1  # the header comes with the facts: no extra call
    result = report.papers[0]
    assert result.paper.authors == ["Ada Lovelace", "Alan Turing"]
    assert result.paper.header_sources.authors == "llm"
    assert result.paper.header_sources.title == "pdf"
    assert [n.code for n in result.warnings] == []  # no "authors unknown" notice any more
    assert "**作者数量**: 2" in render_markdown(report)
    assert any(f.startswith("authors: LLM read 2") for f in result.header_flags)
    data = json.loads(render_json(report))["papers"][0]
    assert data["paper"]["header_sources"]["authors"] == "llm"
    assert data["header_flags"] == result.header_flags


def test_a_name_not_on_the_page_leaves_the_parsers_reading(
    folder: Path, llm: respx.MockRouter
) -> None:
    report, _ = run_with(folder, answered(authors=["Ada Lovelace", "Charles Babbage"]), llm)
    result = report.papers[0]
    assert result.paper.authors == []  # the parser's reading: none
    assert result.paper.header_sources.authors is None
    assert "**作者数量**: 未知" in render_markdown(report)  # never a wrong number
    assert [n.code for n in result.warnings] == ["no_authors"]
    assert any("not on the first page" in f and "Charles Babbage" in f for f in result.header_flags)


def test_the_prompt_asks_for_the_header_from_the_header_block(
    folder: Path, llm: respx.MockRouter
) -> None:
    _, route = run_with(folder, answered(), llm)
    body = sent_json(route.calls[0].request)
    schema = body["response_format"]["json_schema"]["schema"]
    assert {"title", "authors"} <= set(schema["required"])
    user = body["messages"][1]["content"]
    assert "[header]" in user and "by ada lovelace & alan turing" in user


def paper(title: str, authors: list[str], page: str, source: str = "pdf") -> Paper:
    return Paper(
        source="x.pdf",
        sha256="0" * 64,
        title=title,
        authors=authors,
        first_page=page,
        header_sources={"title": source, "authors": source},
    )


def llm_says(title: str = "", authors: list[str] | None = None) -> PaperFacts:
    return PaperFacts.model_validate(answered(title=title, authors=authors or []))


PAGE = (
    "Journal of Things 12 (2021)\nFeature Learning Order in Two-Layer Networks Trained by "
    "Gradient Descent\nAda Lovelace1, Alan Turing2\n1 University of Turin"
)


@pytest.mark.parametrize(
    ("parser_title", "llm_title", "kept", "source"),
    [
        ("", TITLE + " Trained by Gradient Descent", TITLE + " Trained by Gradient Descent", "llm"),
        (
            TITLE,
            TITLE + " Trained by Gradient Descent",
            TITLE + " Trained by Gradient Descent",
            "llm",
        ),
        (TITLE, "Journal of Things", TITLE, "pdf"),  # another line of the page: layout chose
        (TITLE, "Feature Learning in Deep Networks", TITLE, "pdf"),  # not on the page
    ],
)
def test_titles(parser_title: str, llm_title: str, kept: str, source: str) -> None:
    reconciled, flags = reconcile_header(paper(parser_title, [], PAGE), llm_says(llm_title))
    assert reconciled.title == kept
    assert reconciled.header_sources.title == (source if kept else None)
    assert flags  # every disagreement is kept in words


def test_authoritative_records_are_never_overridden() -> None:
    record = paper(TITLE, ["Ada Lovelace"], PAGE, source="crossref")
    reconciled, flags = reconcile_header(record, llm_says(authors=["Ada Lovelace", "Alan Turing"]))
    assert (
        reconciled.authors == ["Ada Lovelace"] and reconciled.header_sources.authors == "crossref"
    )
    assert flags == ["LLM authors (2) differ from crossref's"]


def test_agreement_changes_nothing_and_says_nothing() -> None:
    same = paper(TITLE, ["Ada Lovelace", "Alan Turing"], PAGE)
    reconciled, flags = reconcile_header(
        same, llm_says(TITLE.upper(), ["ADA LOVELACE", "Alan Turing"])
    )
    assert reconciled == same and flags == []


def test_crossref_wins_over_the_llm_in_a_run(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    elife_pdf(folder / "elife.pdf")
    wrong = answered(authors=["Martial Sankar", "Kaisa Nieminen"])
    with respx.mock(assert_all_called=True) as mock:
        mock.get(url(ELIFE)).mock(return_value=replay("10_7554_elife_01567"))
        mock.post(f"{BASE_URL}/chat/completions").mock(
            return_value=httpx.Response(200, json=completion_body(wrong))
        )
        report = run([folder], Settings.from_env(title="测试", lookup=True))
    result = report.papers[0]
    assert result.paper.authors == ELIFE_AUTHORS
    assert result.paper.header_sources.authors == "crossref"
    assert result.header_flags == ["LLM authors (2) differ from crossref's"]


def test_the_schema_bounds_the_author_list_by_what_a_header_holds() -> None:
    """maxItems 200 never stopped a grammar-decoding server's model looping on one name
    ("Yuan Yang", "Yuan Yang", ... to the token cap): the bound is what a header holds."""
    authors = PaperFacts.model_json_schema()["properties"]["authors"]
    assert authors["maxItems"] == MAX_AUTHORS <= 100
    assert f"the first {MAX_AUTHORS}" in authors["description"]  # what to do with more


def test_an_author_list_that_ran_to_the_bound_repeating_is_not_a_reading() -> None:
    looped = llm_says(authors=["Ada Lovelace", *["Yuan Yang"] * (MAX_AUTHORS - 1)])
    assert looped.authors == []  # not told: the parser's reading stands
    doubled = llm_says(authors=["Ada Lovelace", "Alan Turing", "Ada Lovelace"])
    assert doubled.authors == ["Ada Lovelace", "Alan Turing"]  # a repeat alone is dropped


def test_a_list_cut_at_the_bound_never_replaces_a_longer_parser_reading() -> None:
    names = [f"Author {chr(65 + i // 26)}{chr(97 + i % 26)} Name" for i in range(MAX_AUTHORS + 10)]
    page = TITLE + "\n" + ", ".join(names) + "\nAbstract\n"
    record = paper(TITLE, names, page)
    reconciled, flags = reconcile_header(record, llm_says(TITLE, names[:MAX_AUTHORS]))
    assert reconciled.authors == names and reconciled.header_sources.authors == "pdf"
    assert flags == [
        f"LLM authors stop at the schema's bound of {MAX_AUTHORS}; the parser's {len(names)} kept"
    ]
    fewer = paper(TITLE, names[:3], page)  # a parser that read fewer still gets the LLM's
    assert (
        reconcile_header(fewer, llm_says(TITLE, names[:MAX_AUTHORS]))[0].authors
        == names[:MAX_AUTHORS]
    )
