"""Engine choice: offline with no key (announced), the LLM when asked, offline as a fallback.

Re-record the offline golden report after an intended change with:

    DIGEST_UPDATE_GOLDEN=1 python -m pytest tests/test_engines.py
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
import pytest
import respx
from conftest import FIXTURES, completion_body, sent_json
from test_pipeline import answer
from test_render import seed_as_report
from typer.testing import CliRunner

from digest import Settings
from digest.cli import app
from digest.cli.common import OFFLINE_NOTICE
from digest.topics import topic_offline

PAPERS = FIXTURES / "papers"
GOLDEN = Path(__file__).parent / "golden" / "fixtures-offline.md"
runner = CliRunner()


@pytest.fixture
def no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")


@pytest.fixture
def no_network() -> respx.MockRouter:
    """Any HTTP request at all fails the test."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router


def without_timestamp(text: str) -> str:
    return re.sub(r"生成时间: .*|\"generated_at\": \".*\"", "", text)


def test_no_key_drafts_offline_announces_once_and_matches_the_golden(
    no_key: None, no_network: respx.MockRouter, tmp_path: Path
) -> None:
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["run", str(PAPERS), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr.count(OFFLINE_NOTICE) == 1
    assert re.search(r"; no LLM calls; \d+\.\d s$", result.stderr.rstrip())
    text = out.read_text(encoding="utf-8")
    fixed = re.sub(r"生成时间: .*", "生成时间: 2025-10-15 20:30:36", text)
    if os.environ.get("DIGEST_UPDATE_GOLDEN"):
        GOLDEN.write_text(fixed, encoding="utf-8")
    assert fixed == GOLDEN.read_text(encoding="utf-8")
    n = len(list(PAPERS.glob("*.pdf")))
    assert f"分析论文数量: {n}篇" in text and text.count("发布了《") == n


def test_offline_output_is_byte_identical_apart_from_the_timestamp(
    no_key: None, no_network: respx.MockRouter
) -> None:
    for fmt in ("markdown", "json"):
        first, second = (
            runner.invoke(app, ["run", str(PAPERS), "--format", fmt]).stdout for _ in range(2)
        )
        assert without_timestamp(first) == without_timestamp(second)


def test_every_record_says_which_engine_made_it(no_key: None, no_network: respx.MockRouter) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--format", "json"])
    data = json.loads(result.stdout)
    for paper in data["papers"]:
        assert paper["extraction"]["engine"] == "offline"
        assert paper["extraction"]["model"] is None
        assert paper["usage"]["attempts"] == 0


def test_engine_offline_with_a_key_calls_nothing_and_says_nothing(
    no_network: respx.MockRouter,
) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--engine", "offline"])
    assert result.exit_code == 0
    assert OFFLINE_NOTICE not in result.stderr


def test_engine_llm_without_a_key_is_a_config_error(no_key: None) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--engine", "llm"])
    assert result.exit_code == 2
    assert "OPENAI_API_KEY" in result.stderr


def test_fallback_offline_fills_the_hole_and_marks_it(llm: respx.MockRouter) -> None:
    def flaky(request: httpx.Request) -> httpx.Response:
        if "Dense Passage Retrieval" in sent_json(request)["messages"][1]["content"]:
            fast = {"retry-after-ms": "5"}  # the SDK retries, quickly, then gives up
            return httpx.Response(503, json={"error": {"message": "overloaded"}}, headers=fast)
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=flaky)
    args = ["run", str(PAPERS), "--fallback", "offline", "--format", "json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "(offline fallback: LLM request failed with HTTP 503" in result.stderr
    assert "retried)" in result.stderr  # the SDK's retries of the 503s are counted
    papers = {Path(p["source"]).name: p for p in json.loads(result.stdout)["papers"]}
    dpr = papers["dpr-emnlp2020-p1-2.pdf"]
    assert dpr["status"] == "ok" and dpr["extraction"]["engine"] == "offline"
    assert "HTTP 503" in dpr["fallback_error"]
    assert any(w.startswith("LLM未能生成本条简报") for w in dpr["warnings"])
    others = [p for name, p in papers.items() if name != "dpr-emnlp2020-p1-2.pdf"]
    assert all(p["extraction"]["engine"] == "llm" and not p["fallback_error"] for p in others)


def test_fallback_is_visible_in_the_markdown_report(llm: respx.MockRouter) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": {"message": "boom"}})

    llm.post("/chat/completions").mock(side_effect=down)
    from digest import render_markdown, run

    report = run([PAPERS], Settings.from_env(fallback="offline", sdk_retries=0))
    text = render_markdown(report)
    assert not report.failed
    assert text.count("> 注意: LLM未能生成本条简报") == len(report.papers)
    assert text.count("> 注意: 本报告的简报由离线引擎依据论文原文摘录而成") == 1  # once, on top
    # issue 24.18: under each brief, in the report's words; the error is the JSON's and stderr's
    briefs = text.split("## 论文详细信息")[0]
    assert briefs.count("> 注意: LLM未能生成本条简报") == len(report.papers)
    for brief in re.findall(r"^.*发布了《.*$", briefs, re.M):
        after = briefs.split(brief, 1)[1].lstrip("\n")
        assert after.startswith("> 注意: LLM未能生成本条简报，以上简报由离线引擎")
    assert "boom" not in text and "HTTP" not in text
    assert all(p.fallback_error and "HTTP 500" in p.fallback_error for p in report.papers)


def test_the_header_says_how_many_briefs_were_drafted_offline(llm: respx.MockRouter) -> None:
    def dpr_fails(request: httpx.Request) -> httpx.Response:
        if "Dense Passage Retrieval" in sent_json(request)["messages"][1]["content"]:
            return httpx.Response(400, json={"error": {"message": "context length exceeded"}})
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=dpr_fails)
    from digest import render_markdown, run

    report = run([PAPERS], Settings.from_env(fallback="offline", title="T"))
    head = render_markdown(report).split("## 论文技术简报")[0]
    assert head.endswith(
        "分析论文数量: 3篇\n> 注意: 其中1篇简报由离线引擎依据论文原文摘录而成，未经大模型整理\n\n"
    )


@pytest.mark.parametrize("junk", [", ", "", "<svg/onload=alert()>", "NLP", "the field of NLP"])
def test_a_junk_topic_never_names_the_report(llm: respx.MockRouter, junk: str) -> None:
    """Issue 24.15: a small model's `{"topic": ", "}` made `# ,技术论文分析报告`. The topic is
    checked like a phrase; what fails (after its re-asks) gives way to the offline vote."""
    from digest import run
    from digest.topics import topic_offline

    def junk_topic(request: httpx.Request) -> httpx.Response:
        if sent_json(request)["response_format"]["json_schema"]["name"] == "ReportTopic":
            return httpx.Response(200, json=completion_body({"topic": junk}))
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=junk_topic)
    report = run([PAPERS], Settings.from_env())
    voted = topic_offline([r.paper for r in report.papers if r.paper])
    assert report.title == (f"{voted}技术论文分析报告" if voted else "论文分析报告")


def test_a_report_whose_briefs_were_all_drafted_offline_is_named_offline(
    llm: respx.MockRouter,
) -> None:
    """Issue 24.15: every paper fell back to the offline engine: no LLM call names it."""
    from digest import run

    route = llm.post("/chat/completions").mock(
        return_value=httpx.Response(400, json={"error": {"message": "context length exceeded"}})
    )
    report = run([PAPERS], Settings.from_env(fallback="offline"))
    asked = [sent_json(c.request)["response_format"]["json_schema"]["name"] for c in route.calls]
    assert "ReportTopic" not in asked and len(report.succeeded) == len(report.papers)


def test_offline_topic_names_the_seed_batch_like_the_seed() -> None:
    papers = [r.paper for r in seed_as_report().papers if r.paper]
    assert topic_offline(papers) == "AI推理加速"
    assert topic_offline([]) is None
    assert topic_offline(papers[:3]) is None  # agents, vision, biomedicine: no clear field
