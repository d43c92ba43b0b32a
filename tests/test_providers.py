"""Structured output on every provider: each test replays one provider's documented answer shape.

OpenAI takes strict json_schema; DeepSeek's chat API answers json_schema with a 400 ("This
response_format type is unavailable now") and takes json_object; Qwen in DashScope's compatible
mode refuses json_schema on many models with an invalid_parameter_error and takes json_object
(its prompt must mention "json"); vLLM serving a reasoning model puts a <think> block before the
JSON; Ollama's models often wrap JSON in a ```json fence. Some servers take only tool calls.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import completion_body, facts, sent_json
from test_extract import make_paper, run_facts
from test_pipeline import ANSWERS, answer

from digest import ExtractionError, LLMRequestError, Settings, run
from digest.llm import strip_reasoning

ROUTE = "/chat/completions"
GOOD = facts()


def error(status: int, message: str, code: str = "invalid_request_error") -> httpx.Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    return httpx.Response(status, json=body)


def kind(request: httpx.Request) -> str:
    body = sent_json(request)
    if "tools" in body:
        return "tools"
    return str(body.get("response_format", {}).get("type", "none"))


def test_openai_takes_strict_json_schema(llm: respx.MockRouter, completion: Any) -> None:
    route = llm.post(ROUTE).mock(return_value=completion(GOOD))
    assert run_facts().facts.method == GOOD["method"]
    assert [kind(c.request) for c in route.calls] == ["json_schema"]


def test_deepseek_refuses_json_schema_and_gets_json_object(
    llm: respx.MockRouter, completion: Any
) -> None:
    route = llm.post(ROUTE).mock(
        side_effect=[
            error(400, "This response_format type is unavailable now"),
            completion(GOOD, model="deepseek-chat"),
        ]
    )
    extraction = run_facts()
    assert [kind(c.request) for c in route.calls] == ["json_schema", "json_object"]
    system = sent_json(route.calls.last.request)["messages"][0]["content"]
    assert "JSON Schema" in system and '"method"' in system  # the schema travels in the prompt
    assert extraction.facts.result == GOOD["result"]
    assert extraction.usage.attempts == 1  # the refused request is not an answer


def test_qwen_dashscope_invalid_parameter_then_json_object(
    llm: respx.MockRouter, completion: Any
) -> None:
    refused = error(
        400,
        "<400> InternalError.Algo.InvalidParameter: The value of the response_format.type "
        "field is invalid",
        code="invalid_parameter_error",
    )
    route = llm.post(ROUTE).mock(side_effect=[refused, completion(GOOD, model="qwen-plus")])
    run_facts()
    assert [kind(c.request) for c in route.calls] == ["json_schema", "json_object"]
    # DashScope's json_object mode requires the word "json" in the messages
    assert "json" in json.dumps(sent_json(route.calls.last.request)["messages"]).lower()


def test_vllm_reasoning_text_is_removed_before_validation(
    llm: respx.MockRouter, completion: Any
) -> None:
    content = "<think>The paper proposes FreeDave; 2.8x is the figure.</think>\n" + json.dumps(
        GOOD, ensure_ascii=False
    )
    llm.post(ROUTE).mock(return_value=completion(content))
    assert run_facts().facts.method == GOOD["method"]


def test_ollama_code_fence_is_removed(llm: respx.MockRouter, completion: Any) -> None:
    content = "```json\n" + json.dumps(GOOD, ensure_ascii=False) + "\n```"
    llm.post(ROUTE).mock(return_value=completion(content))
    assert run_facts().facts.method == GOOD["method"]


def test_a_tools_only_server_gets_a_forced_function_call(llm: respx.MockRouter) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "PaperFacts", "arguments": json.dumps(GOOD, ensure_ascii=False)},
    }
    body = completion_body(None, finish_reason="tool_calls")
    body["choices"][0]["message"]["tool_calls"] = [call]
    route = llm.post(ROUTE).mock(
        side_effect=[
            error(400, "response_format json_schema is not supported"),
            error(400, "response_format json_object is not supported by this model"),
            httpx.Response(200, json=body),
        ]
    )
    extraction = run_facts()
    assert [kind(c.request) for c in route.calls] == ["json_schema", "json_object", "tools"]
    sent = sent_json(route.calls.last.request)
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "PaperFacts"}}
    assert sent["tools"][0]["function"]["strict"] is True
    assert extraction.facts.method == GOOD["method"]


def tool_answer(content: dict[str, Any]) -> httpx.Response:
    call = {
        "id": "call_abc",
        "type": "function",
        "function": {"name": "PaperFacts", "arguments": json.dumps(content, ensure_ascii=False)},
    }
    body = completion_body(None, finish_reason="tool_calls")
    body["choices"][0]["message"]["tool_calls"] = [call]
    return httpx.Response(200, json=body)


def test_tools_mode_reasks_with_the_call_it_made_and_keeps_it(llm: respx.MockRouter) -> None:
    """The model sees the call it must fix (its arguments, answered by a tool message with the
    complaints), and the stored raw answer is those arguments, not an empty content."""
    wrong = {**GOOD, "method_evidence": "words that appear nowhere in this paper"}
    route = llm.post(ROUTE).mock(side_effect=[tool_answer(wrong), tool_answer(GOOD)])
    extraction = run_facts(Settings.from_env(structured="tools"))
    assert route.call_count == 2
    messages = sent_json(route.calls.last.request)["messages"]
    assistant, tool = messages[-2], messages[-1]
    assert assistant["role"] == "assistant" and assistant["tool_calls"][0]["function"][
        "arguments"
    ] == json.dumps(wrong, ensure_ascii=False)
    assert tool == {
        "role": "tool",
        "tool_call_id": assistant["tool_calls"][0]["id"],
        "content": tool["content"],
    }
    assert "method_evidence" in tool["content"]
    assert extraction.raw_response == json.dumps(GOOD, ensure_ascii=False)
    assert extraction.facts.method_evidence == [GOOD["method_evidence"]]


def test_a_chosen_mode_does_not_step_down(llm: respx.MockRouter) -> None:
    route = llm.post(ROUTE).mock(return_value=error(400, "response_format is not supported"))
    with pytest.raises(LLMRequestError, match="HTTP 400"):
        run_facts(Settings.from_env(structured="json_object"))
    assert [kind(c.request) for c in route.calls] == ["json_object"]


def test_an_unrelated_400_is_not_mistaken_for_a_mode_problem(llm: respx.MockRouter) -> None:
    route = llm.post(ROUTE).mock(
        return_value=error(400, "This model's maximum context length is 8192 tokens")
    )
    with pytest.raises(LLMRequestError, match="maximum context length"):
        run_facts()
    assert route.call_count == 1


def canned(request: httpx.Request) -> httpx.Response:
    """The canned answer for the paper a request is about, in any structured-output mode
    (test_pipeline.answer reads the json_schema request only)."""
    text = sent_json(request)["messages"][-1]["content"].lower()
    found = [body for phrase, body in ANSWERS.items() if phrase.lower() in text]
    return httpx.Response(200, json=completion_body(found[0]))


def test_the_mode_that_worked_is_remembered_per_endpoint_and_model(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    def deepseek(request: httpx.Request) -> httpx.Response:
        if kind(request) == "json_schema":
            return error(400, "This response_format type is unavailable now")
        return canned(request)

    route = llm.post(ROUTE).mock(side_effect=deepseek)
    papers = Path(__file__).resolve().parents[1] / "fixtures" / "papers"
    settings = Settings.from_env(store=tmp_path / "s.db", title="T", concurrency=1)
    report = run([papers], settings)
    assert [p.status for p in report.papers] == ["ok"] * 3
    first = [kind(c.request) for c in route.calls]
    assert first.count("json_schema") == 1  # refused once, then every call in json_object
    before = len(route.calls)
    run([papers], settings.model_copy(update={"refresh": True}))
    second = [kind(c.request) for c in list(route.calls)[before:]]
    assert second and set(second) == {"json_object"}  # learned, kept: nothing refused again


# vLLM before 0.6.4 validates the body with pydantic and forbids unknown fields.
VLLM_REFUSAL = (
    "[{'type': 'extra_forbidden', 'loc': ('body', 'max_completion_tokens'), "
    "'msg': 'Extra inputs are not permitted', 'input': 1200}]"
)


def limit_field(request: httpx.Request) -> str:
    body = sent_json(request)
    fields = [f for f in ("max_completion_tokens", "max_tokens") if f in body]
    assert len(fields) == 1, body.keys()
    return fields[0]


def test_a_server_refusing_max_completion_tokens_gets_max_tokens(
    llm: respx.MockRouter, completion: Any
) -> None:
    route = llm.post(ROUTE).mock(side_effect=[error(400, VLLM_REFUSAL), completion(GOOD)])
    extraction = run_facts()
    assert [limit_field(c.request) for c in route.calls] == ["max_completion_tokens", "max_tokens"]
    assert [kind(c.request) for c in route.calls] == ["json_schema", "json_schema"]  # same mode
    assert sent_json(route.calls.last.request)["max_tokens"] == 1200
    assert extraction.usage.attempts == 1


def test_a_chosen_token_field_is_sent_and_never_stepped_down(
    llm: respx.MockRouter, completion: Any
) -> None:
    route = llm.post(ROUTE).mock(return_value=completion(GOOD))
    run_facts(Settings.from_env(max_tokens_field="max_tokens"))
    assert [limit_field(c.request) for c in route.calls] == ["max_tokens"]
    route.mock(return_value=error(400, VLLM_REFUSAL))
    with pytest.raises(LLMRequestError, match="extra_forbidden"):
        run_facts(Settings.from_env(max_tokens_field="max_completion_tokens"))


def test_the_token_field_that_worked_is_remembered(llm: respx.MockRouter, tmp_path: Path) -> None:
    def old_vllm(request: httpx.Request) -> httpx.Response:
        if "max_completion_tokens" in sent_json(request):
            return error(400, VLLM_REFUSAL)
        return answer(request)

    route = llm.post(ROUTE).mock(side_effect=old_vllm)
    papers = Path(__file__).resolve().parents[1] / "fixtures" / "papers"
    settings = Settings.from_env(store=tmp_path / "s.db", title="T", concurrency=1)
    report = run([papers], settings)
    assert all(r.status == "ok" for r in report.papers)
    first = [limit_field(c.request) for c in route.calls]
    assert first.count("max_completion_tokens") == 1  # refused once, then max_tokens
    before = len(route.calls)
    run([papers], settings.model_copy(update={"refresh": True}))
    assert {limit_field(c.request) for c in list(route.calls)[before:]} == {"max_tokens"}


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ('{"a": 1}', '{"a": 1}'),
        ('<think>x</think>{"a": 1}', '{"a": 1}'),
        ('<THINK>\nlong\n</THINK>\n\n```json\n{"a": 1}\n```', '{"a": 1}'),
        ('```\n{"a": 1}\n```', '{"a": 1}'),
        ("<think>never closed", ""),
    ],
)
def test_strip_reasoning(raw: str, clean: str) -> None:
    assert strip_reasoning(raw) == clean


def test_paper_fixture_is_what_the_provider_tests_send() -> None:
    assert make_paper().abstract  # the providers above all answer about this paper


def test_a_stepping_down_warning_never_shows_the_key(
    llm: respx.MockRouter, completion: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from conftest import API_KEY

    caplog.set_level("DEBUG")
    echoed = error(400, f"response_format json_schema unsupported for key {API_KEY}")
    llm.post(ROUTE).mock(side_effect=[echoed, completion(GOOD)])
    run_facts()
    assert "does not take json_schema" in caplog.text
    assert API_KEY not in caplog.text


def _bounds(schema: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(schema, dict):
        found |= {k for k in schema if k in ("maxLength", "minLength", "maxItems", "minItems")}
        for value in schema.values():
            found |= _bounds(value)
    elif isinstance(schema, list):
        for value in schema:
            found |= _bounds(value)
    return found


@pytest.mark.parametrize("mode", ["json_schema", "tools"])
def test_length_bounds_go_to_servers_that_enforce_them_not_to_openai(
    mode: str, completion: Any
) -> None:
    """A grammar-decoding server (llama.cpp, vLLM) gets maxLength/maxItems, so a field cannot
    run on to the output limit; OpenAI's strict mode, which refuses them, does not."""

    def schema_of(request: httpx.Request) -> Any:
        body = sent_json(request)
        if mode == "tools":
            return body["tools"][0]["function"]["parameters"]
        return body["response_format"]["json_schema"]["schema"]

    answer = tool_answer(GOOD) if mode == "tools" else completion(GOOD)
    for base, bounded in [("http://127.0.0.1:8080/v1", True), ("https://api.openai.com/v1", False)]:
        with respx.mock(base_url=base) as mock:
            route = mock.post(ROUTE).mock(return_value=answer)
            run_facts(Settings.from_env(base_url=base, structured=mode))
        schema = schema_of(route.calls.last.request)
        bounds = {"maxLength", "minLength", "maxItems", "minItems"}
        assert (_bounds(schema) == bounds) is bounded
        evidence = schema["properties"]["method_evidence"]
        assert evidence.get("maxItems") == (3 if bounded else None)
        assert evidence["items"].get("maxLength") == (200 if bounded else None)


def test_a_step_down_that_never_worked_is_not_remembered(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    """A 400 that says "unsupported" about something else (here: every mode fails alike) must
    not switch the endpoint's mode for later runs against a healthy server."""
    broken = {"now": True}

    def respond(request: httpx.Request) -> httpx.Response:
        if broken["now"]:
            return error(400, "Unsupported value: 'temperature' for this deployment")
        return canned(request)

    route = llm.post(ROUTE).mock(side_effect=respond)
    papers = Path(__file__).resolve().parents[1] / "fixtures" / "papers"
    settings = Settings.from_env(store=tmp_path / "s.db", title="T", concurrency=1)
    first = run([papers], settings)
    assert [p.status for p in first.papers] == ["failed"] * 3
    assert {kind(c.request) for c in route.calls} == {"json_schema", "json_object", "tools"}
    assert kind(route.calls[3].request) == "json_schema"  # the next paper started over

    broken["now"] = False
    before = len(route.calls)
    second = run([papers], settings)
    assert [p.status for p in second.papers] == ["ok"] * 3
    assert {kind(c.request) for c in list(route.calls)[before:]} == {"json_schema"}


RAMBLING = "Sure! Here is a summary of the paper. " * 40  # what a model says with no tool


def test_a_server_ignoring_tools_gets_another_mode_remembered_once_it_works(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    """A server that ignores tools and tool_choice answers with text: every paper failed "cut at
    1200 output tokens; raise --max-output-tokens". With --structured auto it is another mode,
    and the text answer it paid for is counted."""
    from digest.store import Store

    def ignores_tools(request: httpx.Request) -> httpx.Response:
        if kind(request) == "tools":
            body = completion_body(RAMBLING, finish_reason="length", completion_tokens=1200)
            return httpx.Response(200, json=body)
        if kind(request) == "json_schema":
            return error(400, "response_format json_schema is not supported")
        return canned(request)

    route = llm.post(ROUTE).mock(side_effect=ignores_tools)
    papers = Path(__file__).resolve().parents[1] / "fixtures" / "papers"
    settings = Settings.from_env(store=tmp_path / "s.db", title="T", concurrency=1)
    with Store(tmp_path / "s.db") as store:  # learned from this endpoint before
        store.save_structured_mode("https://llm.test/v1", settings.model, "tools")
    report = run([papers], settings)
    assert [p.status for p in report.papers] == ["ok"] * 3, [p.error for p in report.papers]
    sent = [kind(c.request) for c in route.calls]
    assert sent[:3] == ["tools", "json_schema", "json_object"]
    assert set(sent[3:]) == {"json_object"}
    first = report.papers[0].usage  # the text answer was paid for: it is counted
    assert (first.attempts, first.completion_tokens) == (2, 1200 + 120)
    with Store(tmp_path / "s.db") as store:
        assert store.structured_mode("https://llm.test/v1", settings.model) == "json_object"


def test_a_mode_whose_answers_were_text_is_never_remembered(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    """json_schema and json_object refused, tools ignored: no mode worked, none is kept."""
    from digest.store import Store

    def nothing_works(request: httpx.Request) -> httpx.Response:
        if kind(request) != "tools":
            return error(400, f"response_format {kind(request)} is not supported")
        return httpx.Response(200, json=completion_body(RAMBLING, finish_reason="length"))

    route = llm.post(ROUTE).mock(side_effect=nothing_works)
    papers = Path(__file__).resolve().parents[1] / "fixtures" / "papers"
    settings = Settings.from_env(store=tmp_path / "s.db", title="T", concurrency=1)
    report = run([papers], settings)
    assert [p.status for p in report.papers] == ["failed"] * 3
    assert all("no tool call" in (p.error or "") for p in report.papers)
    assert kind(route.calls[3].request) == "json_schema"  # the next paper started over
    with Store(tmp_path / "s.db") as store:
        assert store.structured_mode("https://llm.test/v1", settings.model) is None


@pytest.mark.parametrize("structured", ["tools", "auto"])
def test_no_tool_call_is_said_when_no_other_mode_is_left(
    llm: respx.MockRouter, structured: str
) -> None:
    def only_tools_ignored(request: httpx.Request) -> httpx.Response:
        if kind(request) != "tools":
            return error(400, f"response_format {kind(request)} is not supported")
        return httpx.Response(200, json=completion_body(RAMBLING, finish_reason="length"))

    llm.post(ROUTE).mock(side_effect=only_tools_ignored)
    with pytest.raises(ExtractionError) as raised:
        run_facts(Settings.from_env(structured=structured))
    said = str(raised.value)
    assert "answered with text, no tool call" in said and "ignores tools" in said
    assert "raise --max-output-tokens" not in said  # that was the wrong advice


def test_a_looping_answer_cut_at_the_limit_says_it_looped(
    llm: respx.MockRouter, completion: Any
) -> None:
    looping = '{"title": "A Paper", "authors": [' + '"Yuan Yang", ' * 150 + '"Yuan Ya'
    llm.post(ROUTE).mock(return_value=completion(looping, finish_reason="length"))
    with pytest.raises(ExtractionError) as raised:
        run_facts()
    said = str(raised.value)
    assert "looping" in said and '"Yuan Yang", ' in said
    assert "raise --max-output-tokens" not in said
