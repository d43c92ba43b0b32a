"""--format html: the golden batch as one self-contained page; structure, links, escaping."""

from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import respx
from test_pipeline import PAPERS, answer

from digest import Notice, Paper, PaperResult, Report, Settings, run
from digest.html import render_html

FIXED = datetime(2025, 10, 15, 20, 30, 36)


class Page(HTMLParser):
    """The ids, links, tags and text of a page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def golden(llm: respx.MockRouter) -> Report:
    llm.post("/chat/completions").mock(side_effect=answer)
    return run([PAPERS], Settings.from_env()).model_copy(update={"generated_at": FIXED})


def test_the_golden_batch_as_a_page(golden: Report) -> None:
    page = Page(render_html(golden))
    text = "".join(page.text)
    n = len(golden.succeeded)
    assert {"overview", "contents", "briefs", "details"} <= page.ids
    assert {f"brief-{i}" for i in range(1, n + 1)} | {f"paper-{i}" for i in range(1, n + 1)} <= (
        page.ids
    )
    anchors = [link[1:] for link in page.links if link.startswith("#")]
    assert anchors and all(a in page.ids for a in anchors)  # every in-page link resolves
    assert sum(1 for a in anchors if a.startswith("paper-")) == n  # brief -> details
    assert sum(1 for a in anchors if a.startswith("brief-")) == 2 * n  # contents, details -> brief
    assert "https://arxiv.org/abs/2004.04906v3" in page.links  # DPR's arXiv stamp
    assert sum(1 for link in page.links if link.endswith(".pdf")) == n
    assert page.tags.count("rect") > 0 and page.tags.count("svg") >= 2  # the overview charts
    lines = ("生成时间: 2025-10-15 20:30:36", "分析论文数量: 3篇", "论文技术简报", "论文详细信息")
    assert all(line in text for line in lines)
    for result in golden.succeeded:  # the same briefs as the Markdown, word for word
        assert result.brief and result.brief in text
    assert "<link" not in render_html(golden) and "src=" not in render_html(golden)  # no network


def test_text_from_papers_and_endpoints_is_never_markup() -> None:
    paper = Paper(
        source="evil.pdf",
        sha256="0",
        title='<script>alert("x")</script> Attention',
        authors=["A B"],
        abstract="<img src=x onerror=alert(1)>",
    )
    report = Report(
        title="<b>T</b>",
        generated_at=FIXED,
        papers=[
            PaperResult(
                source="evil.pdf",
                status="ok",
                paper=paper,
                brief="<iframe src=//x>",
                institutions=['"><svg onload=alert(1)>'],
            ),
            PaperResult(source="bad.pdf", status="failed", error="502 <html><script>x</script>"),
        ],
    )
    html = render_html(report)
    page = Page(html)
    assert page.tags.count("script") == 1  # the page's own filter script only
    assert "iframe" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Attention" in html
    assert "svg onload" not in html.replace("&lt;svg onload", "")


def test_an_offline_brief_says_so_beside_it(llm: respx.MockRouter) -> None:
    report = run([PAPERS], Settings.from_env(engine="offline", title="T"))
    html = render_html(report)
    assert html.count("本条简报由离线引擎依据论文原文摘录而成") == len(report.succeeded)
    assert html.count("注意: 本报告的简报由离线引擎依据论文原文摘录而成") == 1  # as in the Markdown


def test_brief_n_updates_an_html_report(llm: respx.MockRouter, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from digest.cli import app

    llm.post("/chat/completions").mock(side_effect=answer)
    out, store = tmp_path / "report.html", ["--store", str(tmp_path / "s.db")]
    runner = CliRunner()
    made = runner.invoke(app, ["run", str(PAPERS), "--format", "html", "-o", str(out), *store])
    assert made.exit_code == 0, made.output
    before = out.read_text(encoding="utf-8")
    redone = runner.invoke(app, ["brief", "1", "--report", str(out), *store])
    assert redone.exit_code == 0, redone.output
    after = out.read_text(encoding="utf-8")
    assert after.startswith("<!DOCTYPE html>") and after.count("<article") == before.count(
        "<article"
    )


SCRIPT_FOLDER = "javascript:void(document.body.dataset.pwned=1)"  # a folder's name, and a script


def hostile_links() -> Report:
    """A PDF in a folder named like a script, hostile arXiv IDs and DOIs beside real ones."""
    papers = [
        Paper(
            source=f"{SCRIPT_FOLDER}/paper.pdf",
            sha256="0",
            title="A",
            arxiv_id="javascript:alert(1)",
            doi='10.1000/x?y#z<b>"',
        ),
        Paper(
            source="/papers/a b#c/p.pdf",
            sha256="1",
            title="B",
            arxiv_id="2005.11401v2",
            doi="10.1016/S0140-6736(20)30183-5",
        ),
        Paper(source="c.pdf", sha256="2", title="C", arxiv_id="../../x?y", doi="javascript:x"),
    ]
    results = [PaperResult(source=p.source, status="ok", paper=p, brief="b") for p in papers]
    return Report(title="T", generated_at=FIXED, papers=results)


def test_links_are_urls_never_raw_paths_or_ids() -> None:
    """A path becomes a relative URL ("./", percent-encoded), an ID an https URL on arxiv.org or
    doi.org with the ID percent-encoded; what is no arXiv ID or DOI gets no link."""
    links = [link for link in Page(render_html(hostile_links())).links if link[0] != "#"]
    assert links == [
        "https://doi.org/10.1000/x%3Fy%23z%3Cb%3E%22",
        "./javascript%3Avoid%28document.body.dataset.pwned%3D1%29/paper.pdf",
        "https://arxiv.org/abs/2005.11401v2",
        "https://doi.org/10.1016/S0140-6736(20)30183-5",
        "file:///papers/a%20b%23c/p.pdf",
        "./c.pdf",
    ]


def test_control_and_bidi_characters_never_reach_the_page() -> None:
    hostile = "\x1b]0;x\x07\u202eA\u2066\x9b\x00"
    paper = Paper(
        source=f"{hostile}.pdf",
        sha256="0",
        title=f"T{hostile}",
        authors=[f"A{hostile}"],
        abstract=f"abs{hostile}",
        categories=[f"cs.AI{hostile}"],
        published="2020-01-01",
    )
    report = Report(
        title=f"R{hostile}",
        generated_at=FIXED,
        papers=[
            PaperResult(
                source=paper.source,
                status="ok",
                paper=paper,
                brief=f"b{hostile}",
                institutions=[f"MIT{hostile}"],
                warnings=[Notice(code="duplicate", detail=f"copy{hostile}.pdf")],
            ),
            PaperResult(source=f"bad{hostile}.pdf", status="failed", error=f"HTTP 502{hostile}"),
        ],
    )
    page = render_html(report)
    assert not re.search(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", page
    )
    text = "".join(Page(page).text)
    assert all(f"{word}]0;xA" in text for word in ("R", "T", "b", "abs", "MIT", "cs.AI", "copy"))


def chart_of(html: str, name: str) -> tuple[list[tuple[str, int]], str]:
    """A chart's bars (label, count) in order, and the line under it."""
    figure = re.search(f'<figure class="chart">\\s*<h3>{name}</h3>(.*?)</figure>', html, re.S)
    assert figure, f"no chart {name}"
    titles = re.findall(r"<title>(.*?)</title>", figure.group(1))
    bars = [(label, int(count)) for label, count in (t.rsplit(": ", 1) for t in titles)]
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure.group(1))
    return bars, caption.group(1) if caption else ""


def papers_with(*papers: tuple[list[str], int | None]) -> Report:
    """A report of papers, each with its institutions and its year."""
    results = [
        PaperResult(
            source=f"{n}.pdf",
            status="ok",
            paper=Paper(source=f"{n}.pdf", sha256=str(n), title=f"P{n}", year=year),
            brief="b",
            institutions=institutions,
        )
        for n, (institutions, year) in enumerate(papers)
    ]
    return Report(title="T", generated_at=FIXED, papers=results)


def test_the_institution_chart_draws_ten_bars_and_counts_the_rest_in_words() -> None:
    def institutes(*numbers: int) -> list[str]:
        return [f"Institute {n:02d}" for n in numbers]

    papers = [(institutes(*range(n % 4 + 1)), 2020) for n in range(8)]  # 00: 8, 01: 6, ...
    ranked = papers_with(*papers, (institutes(*range(4, 16)), 2021))  # twelve named once
    bars, rest = chart_of(render_html(ranked), "按机构")
    assert bars == list(zip(institutes(0, 1, 2, 3), (8, 6, 4, 2), strict=True))
    assert rest == "另有 12 个机构"  # once each: none picked from the tie across the cut
    tied = papers_with((institutes(*range(12)), 2020))
    bars, rest = chart_of(render_html(tied), "按机构")
    assert bars == [(name, 1) for name in institutes(*range(10))] and rest == "另有 2 个机构"
    few, none = chart_of(render_html(papers_with((institutes(0, 1), 2020))), "按机构")
    assert few == [("Institute 00", 1), ("Institute 01", 1)] and none == ""


def test_years_are_in_order_with_the_unknown_last() -> None:
    report = papers_with(([], 2018), ([], 2004), ([], None), ([], 2011), ([], 2004))
    arxiv = Paper(source="a", sha256="a", title="A", arxiv_id="2406.06769v2")  # no year: its ID's
    report.papers.append(PaperResult(source="a", status="ok", paper=arxiv, brief="b"))
    bars, _ = chart_of(render_html(report), "按年份")
    assert bars == [("2004", 2), ("2011", 1), ("2018", 1), ("2024", 1), ("未知", 1)]


def test_many_years_are_drawn_as_spans_and_no_year_no_chart() -> None:
    years = [1997, 1998, 2002, 2004, 2007, 2009, 2010, 2011, 2013, 2014, 2018, 2020, 2022, None]
    bars, _ = chart_of(render_html(papers_with(*[([], y) for y in years])), "按年份")
    assert bars == [
        ("1995–1999", 2), ("2000–2004", 2), ("2005–2009", 2), ("2010–2014", 4),
        ("2015–2019", 1), ("2020–2024", 2), ("未知", 1),
    ]  # fmt: skip
    assert "按年份" not in render_html(papers_with(([], None), ([], None)))
