"""The Markdown layout is the seed report's, byte for byte.

The seed (fixtures/seed-report.md, a copy of ../shared/spec/seed-report.md) is read back into our
models and rendered again; the only differences allowed are the seed's own drifts, which we fix.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime

from conftest import FIXTURES

from digest import Notice, Paper, PaperResult, Report, render_json, render_markdown

SEED = (FIXTURES / "seed-report.md").read_text(encoding="utf-8")


def seed_as_report() -> Report:
    head, rest = SEED.split("\n## 论文技术简报\n", 1)
    briefs_part, details_part = rest.split("\n## 论文详细信息\n", 1)
    title = head.splitlines()[0].removeprefix("# ")
    stamp = re.search(r"生成时间: (.+)", head).group(1)  # type: ignore[union-attr]
    briefs = re.split(r"^### \d+\. .*$", briefs_part, flags=re.M)[1:]
    details = re.split(r"^### \d+\. (.*)$", details_part, flags=re.M)[1:]
    papers = []
    for i, brief in enumerate(briefs):
        paper_title, body = details[2 * i], details[2 * i + 1]
        insts = re.search(r"\*\*主要机构\*\*: (.*)", body).group(1)  # type: ignore[union-attr]
        count = int(re.search(r"\*\*作者数量\*\*: (\d+)人", body).group(1))  # type: ignore[union-attr]
        abstract = body.split("**摘要**:\n", 1)[1].strip("\n")
        paper = Paper(
            source=f"p{i}.pdf",
            sha256=str(i),
            title=paper_title,
            authors=[f"a{j}" for j in range(count)],
            abstract=abstract,
        )
        papers.append(
            PaperResult(
                source=f"p{i}.pdf",
                status="ok",
                paper=paper,
                brief=brief.strip("\n"),
                institutions=[s for s in insts.split(", ") if s],
            )
        )
    return Report(
        title=title, generated_at=datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S"), papers=papers
    )


def test_renders_the_seed_layout_byte_for_byte() -> None:
    report = seed_as_report()
    assert len(report.papers) == 25
    rendered = render_markdown(report)
    # The seed's own drifts, which a code-built report cannot have: a stray blank line before
    # brief 2, and an empty abstract printed as a blank line (ours prints a warning instead).
    expected = SEED.replace("Distillation\n\n\n发布了", "Distillation\n\n发布了")
    expected = expected.replace("**摘要**:\n\n\n### 14.", "**摘要**:\n\n### 14.")
    assert rendered == expected


def test_empty_abstract_is_never_silent() -> None:
    report = seed_as_report()
    instant4d = report.papers[12]
    assert instant4d.paper is not None and instant4d.paper.abstract == ""
    instant4d.warnings.append(Notice(code="no_abstract"))
    rendered = render_markdown(report)
    assert "**摘要**:\n> 注意: 未能从PDF中提取到摘要，请核对原文\n\n### 14." in rendered


def test_failed_papers_are_listed_and_not_counted() -> None:
    report = seed_as_report()
    report.papers.append(
        PaperResult(source="bad/scan.pdf", status="failed", error="no extractable text")
    )
    rendered = render_markdown(report)
    assert "分析论文数量: 25篇" in rendered
    assert rendered.endswith("## 处理失败的文件\n\n- bad/scan.pdf: no extractable text\n")


def test_json_carries_every_field() -> None:
    report = seed_as_report()
    data = json.loads(render_json(report))
    first = data["papers"][0]
    assert data["title"] == "AI推理加速技术论文分析报告"
    assert set(first) >= {"source", "status", "paper", "extraction", "brief", "warnings", "error"}
    assert first["paper"]["title"].startswith("Adaptive and Resource-efficient")


def test_notices_are_codes_in_the_store_and_words_in_the_report() -> None:
    report = seed_as_report()
    paper = report.papers[0]
    paper.warnings = [Notice(code="no_authors"), Notice(code="duplicate", detail="copy.pdf")]
    stored = json.loads(paper.model_dump_json())  # what the store keeps
    assert stored["warnings"] == [
        {"code": "no_authors", "detail": ""},
        {"code": "duplicate", "detail": "copy.pdf"},
    ]
    shown = json.loads(render_json(report))["papers"][0]["warnings"]  # what the reader gets
    assert shown == ["未能从PDF中识别出作者，作者数量未知", "同一论文的另一份文件: copy.pdf"]
    assert "> 注意: 同一论文的另一份文件: copy.pdf" in render_markdown(report)


def test_records_stored_before_notices_had_codes_read_back_as_codes() -> None:
    old = seed_as_report().papers[0].model_dump(mode="json")
    old["warnings"] = [
        "同一论文的另一份文件: a/copy.pdf",
        "LLM未能生成本条简报，以下简报由离线引擎起草: HTTP 500",
        "未能从PDF中提取到摘要，请核对原文",
        "something an older version wrote",
    ]
    back = PaperResult.model_validate(old)
    assert [(n.code, n.detail) for n in back.warnings] == [
        ("duplicate", "a/copy.pdf"),
        ("fell_back", "HTTP 500"),
        ("no_abstract", ""),
        ("text", "something an older version wrote"),
    ]
    again = Report(title="t", generated_at=datetime(2026, 1, 1), papers=[back])
    worded = json.loads(render_json(again))["papers"][0]["warnings"]
    fell_back = "LLM未能生成本条简报，以上简报由离线引擎依据论文原文起草"  # the error is not worded
    assert worded == [old["warnings"][0], fell_back, *old["warnings"][2:]]


def test_text_from_outside_the_paper_never_shapes_the_report() -> None:
    """An endpoint's error page, a multi-line 400 message, a topic or a title with newlines:
    each prints on its own line's place, never as a heading, a list item or a paragraph."""
    report = seed_as_report()
    report.title = "信息检索\n## 伪造的章节"
    first = report.papers[0]
    assert first.paper is not None
    first.paper.title = first.paper.title + "\n### 99. injected"
    first.paper.abstract = "Real abstract.\n\n# Not a heading\n- not a list"
    first.brief = (first.brief or "") + "\n\n## 伪造"
    first.institutions = ["MIT\n### 98. injected"]
    nginx = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center>nginx</center>"
    report.papers += [
        PaperResult(source="a.pdf", status="failed", error=f"HTTP 502: {nginx}\n</html>"),
        PaperResult(source="b.pdf\n### 97. x", status="failed", error="bad\n### 99. fake"),
    ]
    lines = render_markdown(report).splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert headings[0] == "# 信息检索 ## 伪造的章节"
    assert [h.split(" ", 1)[0] for h in headings[1:]] == ["##"] + ["###"] * 25 + ["##"] + [
        "###"
    ] * 25 + ["##"]
    assert not any(line.startswith(("- not", "### 99", "### 98", "### 97")) for line in lines)
    failures = lines[lines.index("## 处理失败的文件") + 2 :]
    assert len(failures) == 2 and all(f.startswith("- ") for f in failures)


# Markup a model or a paper may write, and characters a terminal or a renderer acts on.
MARKUP = (
    "**bold** <b>b</b> [link](http://evil.example/) ![img](http://evil.example/x.png) `code` "
    "_em_ ~~gone~~ &#x202e; <http://evil.example/>"
)
CONTROLS = "\x1b]c\x07 \u202eevil\u2066 \x9b31m \x00"
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def as_html(markdown: str) -> str:
    """The report as a CommonMark renderer shows it (with GitHub's tables and strikethrough)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)


def test_markup_and_control_characters_from_outside_print_as_text() -> None:
    """A brief, a title, an abstract, a note, a failure: the characters they hold, never
    emphasis, links, images, code, HTML, a link definition or a terminal sequence."""
    report = seed_as_report()
    report.title = "<svg/onload=alert()>技术论文分析报告"
    first, second = report.papers[0], report.papers[1]
    assert first.paper is not None
    title = first.paper.title
    first.brief = f"{MARKUP} {CONTROLS}"
    first.paper.title = f"{title} {CONTROLS} #"
    first.paper.abstract = "> not a quote " + MARKUP
    first.institutions = ["<i>MIT</i>", "1. Lab"]
    first.warnings = [Notice(code="duplicate", detail="<script>alert(1)</script> **x**")]
    second.brief = "[11]: http://evil.example/"  # would link the seed's "Mamba [11]"
    report.papers.append(
        PaperResult(
            source="[x](javascript:alert(1)).pdf", status="failed", error="<script>x</script> **b**"
        )
    )
    markdown = render_markdown(report)
    assert not UNPRINTABLE.search(markdown)
    shown = as_html(markdown)
    tags = set(re.findall(r"<([a-z0-9]+)", shown))
    assert tags <= {"h1", "h2", "h3", "p", "blockquote", "ul", "li", "strong"}, tags
    assert "href" not in shown
    plain = html.unescape(re.sub(r"<[^>]+>", "", shown))
    assert "<svg/onload=alert()>技术论文分析报告" in plain
    assert MARKUP in plain and "evil 31m" in plain and "[11]: http://evil.example/" in plain
    assert f"{title} ]c evil 31m #" in plain  # a heading's closing # stays
    assert "> not a quote" in plain and "<i>MIT</i>, 1. Lab" in plain
    assert "<script>alert(1)</script> **x**" in plain
    assert "[x](javascript:alert(1)).pdf: <script>x</script> **b**" in plain


def test_ordinary_text_prints_as_it_is() -> None:
    """Escaping touches only characters that would act: briefs and titles as papers write
    them print byte for byte."""
    report = seed_as_report()
    ordinary = (
        "吞吐提升2.8×，准确率38.9%（GSM）；LLM-as-judge与Top-1评测，p<0.05, 5 > 3, a_b, "
        "R&D, Mamba [11], 50% off, C# and F#, #1 rank, 1.5B-param, +5%"
    )
    report.papers[0].brief = ordinary
    assert f"\n{ordinary}\n" in render_markdown(report)
