"""End to end: fixture PDFs -> parser -> mocked LLM -> the exact report; bad input; the CLI.

Re-record the golden report after an intended change with:

    DIGEST_UPDATE_GOLDEN=1 python -m pytest tests/test_pipeline.py
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import API_KEY, BASE_URL, FIXTURES, completion_body, facts, sent_json
from typer.testing import CliRunner

from digest import PaperResult, Report, Settings, render_json, render_markdown, run
from digest.cli import app
from digest.cli.output import current_umask
from digest.redact import REDACT

PAPERS = FIXTURES / "papers"
BAD = FIXTURES / "bad"
GOLDEN = Path(__file__).parent / "golden" / "fixtures-report.md"
FIXED_TIME = datetime(2025, 10, 15, 20, 30, 36)

DPR_AUTHORS = [
    "Vladimir Karpukhin",
    "Barlas Oğuz",
    "Sewon Min",
    "Patrick Lewis",
    "Ledell Wu",
    "Sergey Edunov",
    "Danqi Chen",
    "Wen-tau Yih",
]

# What a well-behaved model answers for each fixture paper (keyed by a phrase of its title).
ANSWERS: dict[str, dict[str, Any]] = {
    "Dense Passage Retrieval": facts(
        title="Dense Passage Retrieval for Open-Domain Question Answering",
        authors=DPR_AUTHORS,
        institutions=[
            ("Facebook AI", None),
            ("University of Washington", "华盛顿大学"),
            ("Princeton University", "普林斯顿大学"),
        ],
        method="DPR稠密段落检索（用简单的双编码器框架从少量问题和段落中学习稠密表示）",
        problem="开放域问答依赖TF-IDF、BM25等稀疏向量检索模型的问题",
        result="top-20段落检索准确率较Lucene-BM25系统绝对提升9%-19%，多个开放域问答基准达到新SOTA",
        evidence=(
            "a simple dual-encoder framework",
            "traditional sparse vector space models, such as TF-IDF or BM25",
            "outperforms a strong Lucene-BM25 system greatly by 9%-19% absolute in terms of "
            "top-20 passage retrieval accuracy",
        ),
    ),
    "stochastic gradient descent": facts(
        institutions=[
            ("Université Paris-Saclay", "巴黎-萨克雷大学"),
            ("Harvard University", "哈佛大学"),
            ("University of Oxford", "牛津大学"),
            ("Sorbonne Universités", "索邦大学"),
        ],
        method="以一组微分方程刻画SGD动力学的师生网络分析框架",
        problem="过参数化两层神经网络为何仍能良好泛化缺乏理论解释的问题",
        result="证明该描述在大输入极限下渐近精确，并揭示学生网络泛化误差随网络规模的变化规律",
        evidence=(
            "captured by a set of differential equations",
            "Deep neural networks achieve stellar generalisation",
            "asymptotically exact in the limit of large inputs",
        ),
    ),
    "Open Information Extraction": facts(
        institutions=[("University of Washington", "华盛顿大学")],
        method="Open IE开放信息抽取范式及TEXTRUNNER系统",
        problem="传统信息抽取需要为每种目标关系人工编写规则或标注样本、难以扩展的问题",
        result="在9,000,000网页语料上较KNOWITALL错误率降低33%",
        evidence=(
            "This paper introduces Open IE (OIE), a new extraction paradigm",
            "manually create new extraction rules or hand-tag new training examples",
            "over a 9,000,000 Web page corpus that compare TEXTRUNNER with KNOWITALL, a "
            "state-of-the-art Web IE system. TEXTRUNNER achieves an error reduction of 33%",
        ),
    ),
    "make words with vectors": facts(
        institutions=[("University of Trento", "特伦托大学")],
        method="估计生成函数的简单数据驱动方法",
        problem="如何从分布式语义向量生成最能表达其含义的短语的问题",
        result="在单语释义生成和跨语言翻译场景中验证了短语生成的可行性",
        evidence=(
            "a simple data-driven approach to the estimation of generation functions",
            "how can we generate the phrase that best expresses that meaning",
            "We test this in a monolingual scenario",
        ),
    ),
}
TOPIC = {"topic": "自然语言处理与机器学习"}


def answer(request: httpx.Request) -> httpx.Response:
    """The mocked endpoint: picks the canned answer for the paper the request is about."""
    body = sent_json(request)
    if body["response_format"]["json_schema"]["name"] == "ReportTopic":
        return httpx.Response(200, json=completion_body(TOPIC, prompt_tokens=200))
    text = body["messages"][1]["content"]
    for phrase, canned in ANSWERS.items():
        if phrase.lower() in text.lower():
            return httpx.Response(200, json=completion_body(canned))
    return httpx.Response(400, json={"error": {"message": "unexpected paper in test"}})


@pytest.fixture
def endpoint(llm: respx.MockRouter) -> respx.Route:
    return llm.post("/chat/completions").mock(side_effect=answer)


def test_progress_hears_each_pdf_read_before_any_answer(endpoint: respx.Route) -> None:
    """The bar moves while PDFs are parsed, not only when the LLM answers."""
    events: list[tuple[Any, ...]] = []

    class Recorder:
        def started(self, total: int) -> None:
            events.append(("started", total))

        def read(self, count: int, total: int) -> None:
            events.append(("read", count, total))

        def done(self, result: PaperResult) -> None:
            events.append(("done", result.status))

    run([PAPERS], Settings.from_env(), progress=Recorder())
    assert events[0] == ("started", 3)
    assert [e for e in events if e[0] == "read"] == [("read", n, 3) for n in (1, 2, 3)]
    assert events.index(("read", 1, 3)) < events.index(("done", "ok"))
    assert events.count(("done", "ok")) == 3


def fixed(report: Report) -> Report:
    return report.model_copy(update={"generated_at": FIXED_TIME})


def test_golden_report(endpoint: respx.Route) -> None:
    files = sorted(PAPERS.glob("*.pdf"))
    assert len(files) >= 3
    report = run([PAPERS], Settings.from_env())
    rendered = render_markdown(fixed(report))

    if os.environ.get("DIGEST_UPDATE_GOLDEN"):
        GOLDEN.write_text(rendered, encoding="utf-8")
    assert GOLDEN.exists(), "no golden report yet: run with DIGEST_UPDATE_GOLDEN=1"
    assert rendered == GOLDEN.read_text(encoding="utf-8")

    assert endpoint.call_count == len(files) + 1  # one call per paper, one for the title
    assert [p.status for p in report.papers] == ["ok"] * len(files)
    assert rendered.startswith(
        "# 自然语言处理与机器学习技术论文分析报告\n生成时间: 2025-10-15 20:30:36\n"
    )
    for result in report.papers:
        assert result.paper is not None and result.paper.abstract, result.source
        assert result.brief and "《" + result.paper.title + "》" in result.brief
        assert result.extraction is not None and result.extraction.usage.attempts == 1


def test_bad_inputs_are_named_and_the_batch_goes_on(endpoint: respx.Route) -> None:
    bad = sorted(BAD.glob("*.pdf"))
    assert len(bad) >= 4
    report = run([PAPERS, BAD], Settings.from_env())
    failed = {Path(r.source).name: r.error for r in report.failed}
    assert set(failed) == {p.name for p in bad}
    assert all(error and "\n" not in error for error in failed.values())
    assert len(report.succeeded) == len(list(PAPERS.glob("*.pdf")))
    rendered = render_markdown(report)
    for path in bad:
        assert f"- {path}: " in rendered
    assert endpoint.call_count == len(report.succeeded) + 1  # bad files never reach the LLM


def test_one_paper_failing_at_the_llm_does_not_sink_the_others(llm: respx.MockRouter) -> None:
    def flaky(request: httpx.Request) -> httpx.Response:
        if "Dense Passage Retrieval" in sent_json(request)["messages"][1]["content"]:
            return httpx.Response(503, json={"error": {"message": "overloaded"}})
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=flaky)
    report = run([PAPERS], Settings.from_env(sdk_retries=0))
    failed = report.failed
    assert len(failed) == 1 and "HTTP 503" in (failed[0].error or "")
    assert failed[0].paper is not None  # the parse is not lost
    assert len(report.succeeded) == len(list(PAPERS.glob("*.pdf"))) - 1


def test_a_paper_whose_answers_stay_invalid_fails_with_its_tokens_counted(
    llm: respx.MockRouter,
) -> None:
    def stubborn(request: httpx.Request) -> httpx.Response:
        if "Open Information Extraction" in sent_json(request)["messages"][1]["content"]:
            empty = facts(method="")  # a phrase may not be empty
            return httpx.Response(200, json=completion_body(empty, prompt_tokens=1000))
        return answer(request)

    route = llm.post("/chat/completions").mock(side_effect=stubborn)
    report = run([PAPERS], Settings.from_env(attempts=3))
    (failed,) = report.failed
    assert "failed validation after 3 attempts" in (failed.error or "")
    assert failed.usage.attempts == 3 and failed.usage.prompt_tokens == 3000
    others = len(report.succeeded)
    assert report.usage.attempts == route.call_count == 3 + others + 1
    assert report.usage.prompt_tokens == 3000 + others * 900 + 200


def test_the_same_paper_under_two_names_is_one_paper(endpoint: respx.Route, tmp_path: Path) -> None:
    first = sorted(PAPERS.glob("*.pdf"))[0]
    shutil.copy(first, tmp_path / "a.pdf")
    shutil.copy(first, tmp_path / "renamed copy.pdf")
    report = run([tmp_path], Settings.from_env())
    assert len(report.papers) == 1
    duplicates = [n for n in report.papers[0].warnings if n.code == "duplicate"]
    assert [Path(n.detail).name for n in duplicates] == ["renamed copy.pdf"]


# --- the CLI ------------------------------------------------------------------------------

runner = CliRunner()


def test_cli_writes_the_report_and_exits_0(endpoint: respx.Route, tmp_path: Path) -> None:
    out = tmp_path / "out" / "report.md"
    result = runner.invoke(app, ["run", str(PAPERS), "-o", str(out), "--title", "测试报告"])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 测试报告\n")
    assert endpoint.call_count == len(list(PAPERS.glob("*.pdf")))  # --title: no title call
    n = len(list(PAPERS.glob("*.pdf")))
    assert f"wrote {n} papers to {out}; {n} LLM calls, {n * 900:,} input" in result.stderr
    assert re.search(r"; \d+\.\d s$", result.stderr.strip())  # the run's wall time
    assert result.stdout == ""
    assert out.stat().st_mode & 0o777 == 0o666 & ~current_umask()  # not mkstemp's 0600


def test_cli_unwritable_output_is_one_line_exit_2(endpoint: respx.Route, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = runner.invoke(app, ["run", str(PAPERS), "-o", str(blocker / "report.md")])
    assert result.exit_code == 2
    assert "cannot write the report" in result.stderr and "Traceback" not in result.output


def test_cli_partial_failure_exits_1_with_one_line_per_bad_file(endpoint: respx.Route) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), str(BAD), "--title", "T"])
    assert result.exit_code == 1
    failed_lines = [line for line in result.stderr.splitlines() if "] failed " in line]
    assert len(failed_lines) == len(list(BAD.glob("*.pdf")))
    for path in BAD.glob("*.pdf"):
        assert any(str(path) in line for line in failed_lines)
    assert "## 处理失败的文件" in result.stdout
    assert "Traceback" not in result.output


def test_cli_a_run_in_which_every_paper_failed_writes_nothing_and_exits_2(
    endpoint: respx.Route, tmp_path: Path
) -> None:
    """Issue 24: nothing was done, so no report of 0 papers over an earlier one; exit 2."""
    out = tmp_path / "report.md"
    out.write_text("an earlier report\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(BAD), "-o", str(out), "--title", "T"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("error: none of the 5 papers")
    assert sum("] failed " in line for line in result.stderr.splitlines()) == 5
    assert out.read_text(encoding="utf-8") == "an earlier report\n"
    assert endpoint.call_count == 0


def test_cli_json_has_every_field(endpoint: respx.Route) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--format", "json", "--model", "gpt-4o"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    paper = data["papers"][0]
    assert {"source", "paper", "extraction", "brief", "warnings", "status"} <= set(paper)
    assert paper["extraction"]["usage"]["prompt_tokens"] == 900
    assert paper["usage"] == {
        "prompt_tokens": 900,
        "completion_tokens": 120,
        "attempts": 1,
        "cost_usd": 0.00345,  # gpt-4o: 900 x $2.50/M + 120 x $10/M
    }
    assert data["title_usage"]["prompt_tokens"] == 200
    assert paper["extraction"]["model"] == "gpt-4o"
    assert paper["paper"]["sha256"] and paper["paper"]["pages_read"]
    assert "institution_flags" in paper  # both readings kept; disagreements flagged


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["run", "no/such/folder"], {}, "no such file or folder"),
        (["run", str(PAPERS), "--engine", "llm"], {"OPENAI_API_KEY": ""}, "OPENAI_API_KEY"),
        (["run", str(PAPERS), "--token-budget", "5"], {}, "--token-budget: must be at least 300"),
        (["run", str(PAPERS), "--max-cost-usd", "-1"], {}, "--max-cost-usd: "),
        (["run", str(PAPERS), "--concurrency", "0"], {}, "--concurrency: "),
    ],
)
def test_cli_config_errors_exit_2_with_one_line(
    args: list[str], env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_secrets_never_reach_reports_or_messages(
    llm: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    echoed = {"error": {"message": f"Incorrect API key provided: {API_KEY}"}}
    llm.post("/chat/completions").mock(return_value=httpx.Response(401, json=echoed))
    result = runner.invoke(app, ["run", str(PAPERS), "--format", "json"])
    assert result.exit_code == 2  # a refused key: nothing could be done
    assert "HTTP 401" in result.stderr and API_KEY not in result.output
    verbose = runner.invoke(app, ["run", str(PAPERS), "--format", "json", "-v"])
    assert verbose.exit_code == 2  # -v adds the traceback, never changes the code (issue 24)
    assert "Traceback (most recent call last)" in verbose.stderr
    assert verbose.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "HTTP 401" in verbose.stderr and API_KEY not in verbose.output
    assert API_KEY not in caplog.text

    sent = []

    def echo_after_one(request: httpx.Request) -> httpx.Response:  # a report with failures
        sent.append(request)
        return answer(request) if len(sent) == 1 else httpx.Response(400, json=echoed)

    llm.post("/chat/completions").mock(side_effect=echo_after_one)
    partial = runner.invoke(app, ["run", str(PAPERS), "--format", "json", "--concurrency", "1"])
    assert partial.exit_code == 1
    report = Report.model_validate_json(partial.stdout)
    assert API_KEY not in render_json(report) + render_markdown(report) + partial.output
    assert [p.status for p in report.papers].count("failed") == 2
    assert all("HTTP 400" in (p.error or "") for p in report.failed)
    assert BASE_URL  # the endpoint may be named; the key never is


def test_discover_walks_folders_skips_hidden_entries_and_keeps_named_files(tmp_path: Path) -> None:
    from digest import discover

    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".store").mkdir()
    for name in ("a/x.pdf", "a/deep/Y.PDF", "a/._x.pdf", ".store/z.pdf", "a/notes.txt"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    hidden = tmp_path / "a" / "._x.pdf"
    found = discover([tmp_path, hidden])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a/._x.pdf",
        "a/deep/Y.PDF",
        "a/x.pdf",
    ]


def test_short_help_and_the_old_budget_flag_still_work(llm: respx.MockRouter) -> None:
    assert runner.invoke(app, ["-h"]).exit_code == 0
    assert "--token-budget" in runner.invoke(app, ["run", "-h"]).stdout
    # --budget was the USD limit's name before it became --max-cost-usd: scripts keep working
    result = runner.invoke(app, ["run", str(PAPERS), "--model", "local-model", "--budget", "1"])
    assert result.exit_code == 2 and "--max-cost-usd needs the price" in result.stderr


def test_a_password_in_the_endpoint_url_is_never_shown(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """OPENAI_BASE_URL=http://user:PASSWORD@host/v1 (a proxy's basic auth): the password
    reaches no report, store, error or log line."""
    secret = "Pa55-w0rd-never-shown"
    url = f"https://user:{secret}@llm.test/v1"
    with respx.mock(assert_all_called=False) as mock:
        mock.post("https://llm.test/v1/chat/completions").mock(
            return_value=httpx.Response(400, json={"error": {"message": f"bad request {url}"}})
        )
        caplog.set_level("DEBUG")
        store = tmp_path / "s.db"
        result = runner.invoke(
            app,
            ["run", str(PAPERS / "dpr-emnlp2020-p1-2.pdf"), "--store", str(store), "-v"],
            env={"OPENAI_BASE_URL": url, "OPENAI_API_KEY": API_KEY},
        )
    assert result.exit_code != 0
    for record in caplog.records:
        REDACT.filter(record)  # what the command line's log handler does to every record
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    shown = result.output + logged + str(result.exception)
    assert secret not in shown and API_KEY not in shown
    assert "user:***@llm.test" in shown  # the endpoint may be named; its password never is
    assert secret.encode() not in store.read_bytes()


def test_short_secrets_are_masked_only_where_they_cannot_be_ordinary_text() -> None:
    from digest.redact import hide, hide_url_password, mask

    hide("k")  # a test key, not a real one: masking every "k" would garble every message
    hide_url_password("http://proxy-user:ab@gateway.test/v1")
    assert mask("asking again: kept") == "asking again: kept"
    assert mask("POST http://proxy-user:ab@gateway.test/v1/x (about)") == (
        "POST http://proxy-user:***@gateway.test/v1/x (about)"
    )
