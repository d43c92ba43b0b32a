"""The meaning check (digest.llm.verify): one small request per paper, asked of the endpoint,
whether each phrase says what its own quotes say; its verdicts shape the brief."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import respx
from conftest import FIXTURES, completion_body, sent_json
from test_pipeline import ANSWERS

from digest import Report, Settings, render_markdown, run

DPR = FIXTURES / "papers" / "dpr-emnlp2020-p1-2.pdf"
FAITHFUL = ANSWERS["Dense Passage Retrieval"]
SUPPORTED = {"unsupported": "", "verdict": "supported"}


def verdicts(**parts: dict[str, str]) -> dict[str, Any]:
    return {p: parts.get(p, SUPPORTED) for p in ("method", "problem", "result")}


def schema(request: httpx.Request) -> str:
    return str(sent_json(request)["response_format"]["json_schema"]["name"])


class Endpoint:
    """Answers each request by its schema: the paper's facts, the checker's verdicts (one per
    check asked, the last repeated), the report's name; records what was asked."""

    def __init__(self, facts: list[dict[str, Any]], checks: list[dict[str, Any]]) -> None:
        self.facts, self.checks = facts, checks
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        name, body = schema(request), sent_json(request)
        self.asked.append((name, body))
        if name == "PhraseVerdicts":
            n = sum(1 for asked, _ in self.asked if asked == name) - 1
            answer = self.checks[min(n, len(self.checks) - 1)]
            return httpx.Response(200, json=completion_body(answer, prompt_tokens=300,
                                                            completion_tokens=50))  # fmt: skip
        n = sum(1 for asked, _ in self.asked if asked == name) - 1
        return httpx.Response(200, json=completion_body(self.facts[min(n, len(self.facts) - 1)]))

    def kinds(self) -> list[str]:
        return [name for name, _ in self.asked]


def digest_dpr(
    endpoint: Callable[[httpx.Request], httpx.Response],
    tmp_path: Path,
    paper: Path = DPR,
    **settings: Any,
) -> tuple[Report, str]:
    with respx.mock(base_url="https://llm.test/v1", assert_all_called=False) as mock:
        mock.post("/chat/completions").mock(side_effect=endpoint)
        options = {"title": "T", "store": tmp_path / "s.db", "verify": "on", **settings}
        report = run([paper], Settings.from_env(**options))
    return report, render_markdown(report)


def test_a_supported_answer_costs_one_small_check_and_prints_no_note(tmp_path: Path) -> None:
    endpoint = Endpoint([FAITHFUL], [verdicts()])
    report, markdown = digest_dpr(endpoint, tmp_path)
    assert endpoint.kinds() == ["PaperFacts", "PhraseVerdicts"] and "注意" not in markdown
    (result,) = report.papers
    extraction = result.extraction
    assert extraction is not None and extraction.verdicts is not None
    assert extraction.verify_usage.prompt_tokens == 300 and extraction.usage.attempts == 2
    # the check carries the phrases and their quotes, not the paper
    sent = endpoint.asked[1][1]["messages"][1]["content"]
    assert FAITHFUL["method"] in sent and FAITHFUL["result_evidence"] in sent
    assert "Karpukhin" not in sent and "<paper>" not in sent


def test_a_phrase_judged_unsupported_is_reasked_once_then_left_out(tmp_path: Path) -> None:
    wrong = {**FAITHFUL, "problem": "临床诊断中专家诊断的需求的问题"}
    not_said = {"unsupported": "临床诊断中专家诊断的需求", "verdict": "not"}
    endpoint = Endpoint([wrong], [verdicts(problem=not_said)])
    report, markdown = digest_dpr(endpoint, tmp_path)
    assert endpoint.kinds() == ["PaperFacts", "PhraseVerdicts", "PaperFacts", "PhraseVerdicts"]
    reask = endpoint.asked[2][1]["messages"][-1]["content"]
    assert "problem says what its quotes do not: 临床诊断中专家诊断的需求" in reask
    (result,) = report.papers
    assert result.brief is not None and "临床诊断" not in result.brief
    assert "核对时发现它所引的原文不支持“临床诊断中专家诊断的需求”" in markdown


def test_a_reask_that_mends_the_phrase_stands(tmp_path: Path) -> None:
    wrong = {**FAITHFUL, "problem": "临床诊断中专家诊断的需求的问题"}
    not_said = {"unsupported": "临床诊断中专家诊断的需求", "verdict": "not"}
    endpoint = Endpoint([wrong, FAITHFUL], [verdicts(problem=not_said), verdicts()])
    report, markdown = digest_dpr(endpoint, tmp_path)
    assert report.papers[0].brief and FAITHFUL["problem"] in report.papers[0].brief
    assert "注意" not in markdown
    usage = report.papers[0].usage
    assert usage.attempts == 4 and usage.prompt_tokens == 2 * 900 + 2 * 300  # all paid for


def test_a_phrase_supported_in_part_is_kept_with_a_note_and_not_reasked(tmp_path: Path) -> None:
    partly = {"unsupported": "多个开放域问答基准达到新SOTA", "verdict": "partly"}
    endpoint = Endpoint([FAITHFUL], [verdicts(result=partly)])
    report, markdown = digest_dpr(endpoint, tmp_path)
    assert endpoint.kinds() == ["PaperFacts", "PhraseVerdicts"]
    assert report.papers[0].brief and FAITHFUL["result"] in report.papers[0].brief
    note = "> 注意: 简报中结果的“多个开放域问答基准达到新SOTA”"
    assert f"{report.papers[0].brief}\n{note}" in markdown


def test_a_check_that_cannot_be_done_leaves_the_paid_answer_standing_noted(
    tmp_path: Path,
) -> None:
    endpoint = Endpoint([FAITHFUL], [{"verdicts": "all good"}])  # never the schema
    report, markdown = digest_dpr(endpoint, tmp_path, attempts=2)
    assert endpoint.kinds() == ["PaperFacts", "PhraseVerdicts", "PhraseVerdicts"]
    (result,) = report.papers
    assert result.status == "ok" and result.brief and FAITHFUL["method"] in result.brief
    assert result.extraction is not None and result.extraction.verify_error
    assert "> 注意: 未能完成简报与原文的语义核对" in markdown


def test_a_method_without_the_name_its_quote_proposes_gets_it(tmp_path: Path) -> None:
    """Issue 25: with the meaning check to judge the phrase as printed, the name is added (the
    brief names the method), not the clause dropped, and nothing is re-asked."""
    answer = {**ANSWERS["Open Information Extraction"], "method": "开放式抽取范式及其系统实现"}
    endpoint = Endpoint([answer], [verdicts()])
    report, markdown = digest_dpr(endpoint, tmp_path, FIXTURES / "papers/open-ie-web-ijcai2007.pdf")
    assert endpoint.kinds() == ["PaperFacts", "PhraseVerdicts"] and "注意" not in markdown
    checked = endpoint.asked[1][1]["messages"][1]["content"]
    assert "短语：OIE开放式抽取范式及其系统实现" in checked  # the reader judges it as printed
    assert report.papers[0].brief and "使用OIE开放式抽取范式及其系统实现" in report.papers[0].brief


def test_verify_off_asks_once_and_the_store_keys_each_way_apart(tmp_path: Path) -> None:
    endpoint = Endpoint([FAITHFUL], [verdicts()])
    digest_dpr(endpoint, tmp_path, verify="off")
    assert endpoint.kinds() == ["PaperFacts"]
    digest_dpr(endpoint, tmp_path, verify="off")  # stored: nothing asked
    digest_dpr(endpoint, tmp_path, verify="on")  # another question: asked and checked
    digest_dpr(endpoint, tmp_path, verify="on")
    assert endpoint.kinds() == ["PaperFacts", "PaperFacts", "PhraseVerdicts"]


def test_the_verdicts_are_kept_with_the_answer(tmp_path: Path) -> None:
    partly = {"unsupported": "新SOTA", "verdict": "partly"}
    report, _ = digest_dpr(Endpoint([FAITHFUL], [verdicts(result=partly)]), tmp_path)
    kept = json.loads(report.model_dump_json())["papers"][0]["extraction"]["verdicts"]
    assert kept["result"] == partly and kept["method"] == SUPPORTED
