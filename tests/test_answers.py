"""Every 200 answer goes through one boundary (digest.llm.answer.Completion): a body that is
valid JSON but not the documented shape fails its paper with one line, never the run."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from conftest import completion_body, sent_json
from test_pipeline import ANSWERS, PAPERS, answer

from digest import Settings, run

DPR = "Dense Passage Retrieval"


def good_dpr() -> dict[str, Any]:
    return completion_body(ANSWERS[DPR])


def broken(change: Callable[[dict[str, Any]], None]) -> bytes:
    body = copy.deepcopy(good_dpr())
    change(body)
    return json.dumps(body).encode()


def tool_call(function: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        body["choices"][0]["message"]["tool_calls"] = [{"id": "c", "type": "function", **function}]

    return change


SHAPES: dict[str, bytes] = {
    "choices [null]": broken(lambda b: b.update(choices=[None])),
    "choices a string": broken(lambda b: b.update(choices="abc")),
    "choices empty": broken(lambda b: b.update(choices=[])),
    "message a string": broken(lambda b: b["choices"][0].update(message="hello")),
    "tool call, null function": broken(tool_call({"function": None})),
    "tool call, no arguments": broken(tool_call({"function": {"name": "PaperFacts"}})),
    "refusal not a string": broken(lambda b: b["choices"][0]["message"].update(refusal={"a": 1})),
    "a JSON list": b"[1, 2, 3]",
    "an HTML page": b"<html><body>502 Bad Gateway</body></html>",
    "nested 100k deep": b'{"choices": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
}


def endpoint_breaking_dpr(body: bytes) -> Callable[[httpx.Request], httpx.Response]:
    def respond(request: httpx.Request) -> httpx.Response:
        if DPR.lower() in json.dumps(sent_json(request)["messages"]).lower():
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return answer(request)

    return respond


@pytest.mark.parametrize("shape", SHAPES, ids=list(SHAPES))
def test_a_body_of_another_shape_fails_its_paper_only(llm: respx.MockRouter, shape: str) -> None:
    llm.post("/chat/completions").mock(side_effect=endpoint_breaking_dpr(SHAPES[shape]))
    two = [PAPERS / "dpr-emnlp2020-p1-2.pdf", PAPERS / "sgd-teacher-student-1906.08632-p1.pdf"]
    report = run(two, Settings.from_env(title="T", sdk_retries=0))
    assert [r.status for r in report.papers].count("ok") == 1
    (failed,) = report.failed
    assert "dpr" in failed.source and failed.error is not None
    assert "\n" not in failed.error and "not a chat completion" in failed.error


@pytest.mark.parametrize(
    ("sent", "counted"),
    [('"900"', 900), ("1e400", 0), ("-5", 0), ("null", 0), ('{"n": 1}', 0), ("900.0", 900)],
)
def test_odd_usage_counts_never_lose_a_good_answer(
    llm: respx.MockRouter, sent: str, counted: int
) -> None:
    text = json.dumps(good_dpr()).replace('"prompt_tokens": 900', f'"prompt_tokens": {sent}')
    assert sent in text
    llm.post("/chat/completions").mock(side_effect=endpoint_breaking_dpr(text.encode()))
    report = run([PAPERS / "dpr-emnlp2020-p1-2.pdf"], Settings.from_env(title="T"))
    (result,) = report.papers
    assert result.status == "ok"
    assert result.usage.prompt_tokens == counted
    assert result.usage.completion_tokens == 120


def test_arguments_sent_as_an_object_are_read(llm: respx.MockRouter) -> None:
    """Some OpenAI-compatible servers send a tool call's arguments as an object."""
    body = good_dpr()
    message = body["choices"][0]["message"]
    call = {"id": "c", "type": "function", "function": {"name": "PaperFacts"}}
    call["function"]["arguments"] = ANSWERS[DPR]  # type: ignore[index]
    message.update(content=None, tool_calls=[call])
    llm.post("/chat/completions").mock(side_effect=endpoint_breaking_dpr(json.dumps(body).encode()))
    report = run([PAPERS / "dpr-emnlp2020-p1-2.pdf"], Settings.from_env(title="T"))
    assert report.papers[0].status == "ok", report.papers[0].error


def test_an_answer_nested_100k_deep_fails_its_paper_only(llm: respx.MockRouter) -> None:
    """Issue 24: the model's JSON nested past any schema's depth is an answer that is not JSON
    (re-asked, then the paper fails), never a RecursionError that sinks the run."""
    deep = json.dumps(completion_body("[" * 100_000 + "]" * 100_000)).encode()
    llm.post("/chat/completions").mock(side_effect=endpoint_breaking_dpr(deep))
    two = [PAPERS / "dpr-emnlp2020-p1-2.pdf", PAPERS / "sgd-teacher-student-1906.08632-p1.pdf"]
    report = run(two, Settings.from_env(title="T", sdk_retries=0))
    (failed,) = report.failed
    assert "dpr" in failed.source and "nested" in (failed.error or "")
    assert [r.status for r in report.papers].count("ok") == 1
