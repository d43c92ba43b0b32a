"""The Batch API path (issue 18): submit once, survive stops, collect, check, report."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from batchfake import FakeBatchAPI
from conftest import FIXTURES, REPO, completion_body
from test_pipeline import answer
from typer.testing import CliRunner

from digest import Settings
from digest.batch import BatchLedger, request_files
from digest.batch import api as batch_api
from digest.cli import app
from digest.costs import price_for
from digest.errors import BatchAPIError
from digest.models import Paper
from digest.pipeline.batch import batch_status, cancel_async, submit_async
from digest.pipeline.collect import collect_async
from digest.store import Store

PAPERS = FIXTURES / "papers"
N = len(list(PAPERS.glob("*.pdf")))
runner = CliRunner()


@pytest.fixture
def fake(llm: respx.MockRouter) -> FakeBatchAPI:
    return FakeBatchAPI(llm, answer)


@pytest.fixture
def online(llm: respx.MockRouter) -> respx.Route:
    """The online endpoint: a batch run must not send papers there."""
    return llm.post("/chat/completions").mock(side_effect=answer)


def settings(**kwargs: Any) -> Settings:
    """The test's settings, with the store conftest points DIGEST_STORE at (the CLI's too)."""
    return Settings.from_env(title="测试报告", store=Path(os.environ["DIGEST_STORE"]), **kwargs)


def test_submit_sends_each_paper_once_in_the_online_body(
    fake: FakeBatchAPI, online: respx.Route
) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    assert (done.sent, done.waiting, done.answered) == (N, 0, 0)
    assert len(done.batches) == 1 and fake.calls["upload"] == 1 and fake.calls["create"] == 1
    lines = fake.input_lines()
    assert len(lines) == N and len({line["custom_id"] for line in lines}) == N
    for line in lines:
        assert line["method"] == "POST" and line["url"] == "/v1/chat/completions"
        body = line["body"]
        assert body["model"] == "gpt-4o-mini"
        assert body["response_format"]["json_schema"]["name"] == "PaperFacts"
        assert "<paper" in body["messages"][1]["content"]
    again = asyncio.run(submit_async([PAPERS], settings()))
    assert (again.sent, again.waiting) == (0, N)  # waiting in the batch: not sent twice
    assert fake.calls["upload"] == 1 and fake.calls["create"] == 1
    assert online.call_count == 0
    batch = fake.batches[done.batches[0]]
    assert batch["metadata"]["digest_file"].startswith("digest-")


def test_a_completed_batch_is_collected_checked_and_reported(
    fake: FakeBatchAPI, online: respx.Route, tmp_path: Path
) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    collected = asyncio.run(collect_async(settings()))
    assert collected.answered == 0 and len(collected.open) == 1  # still validating
    fake.finish(done.batches[0])
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed, collected.open) == (N, 0, [])
    assert online.call_count == 0  # every answer passed the checks: no online re-ask
    out = tmp_path / "report.md"
    result = runner.invoke(
        app, ["run", str(PAPERS), "--batch", "--title", "测试报告", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert f"分析论文数量: {N}" in text and "Dense Passage Retrieval" in text
    assert online.call_count == 0 and fake.calls["upload"] == 1  # nothing sent again
    price = price_for("gpt-4o-mini")
    assert price is not None
    with Store(settings().store) as store:  # type: ignore[arg-type]
        costs = [r["cost_usd"] for r in store.query("SELECT cost_usd FROM extractions")]
    assert len(costs) == N
    online_cost = price.cost(_usage(900, 120))  # conftest's completion: 900 in, 120 out
    assert all(c == pytest.approx(online_cost / 2) for c in costs)  # the batch rate


def _usage(prompt: int, completion: int) -> Any:
    from digest.models import Usage

    return Usage(prompt_tokens=prompt, completion_tokens=completion, attempts=1)


def test_a_partly_failed_batch_fails_those_papers_and_sends_them_again(
    fake: FakeBatchAPI, online: respx.Route, tmp_path: Path
) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    refused = {fake.requests(done.batches[0])[0]["custom_id"]}
    fake.finish(done.batches[0], refused=refused)
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed) == (N - 1, 1)
    out = tmp_path / "report.md"
    result = runner.invoke(
        app, ["batch", "wait", str(PAPERS), "--store", str(settings().store), "-o", str(out)]
    )
    assert result.exit_code == 1, result.output  # the report is written; one paper failed
    report = out.read_text(encoding="utf-8")
    assert (
        "no batch answer: the batch gave no answer (invalid_request_error: The model refused "
        "this input.); \\`digest run --batch\\` sends it again"  # a message's ` is text
    ) in report
    again = asyncio.run(submit_async([PAPERS], settings()))
    assert (again.sent, again.answered) == (1, N - 1)  # only the failed one, in a new batch
    asked = [json.loads(c.request.content) for c in online.calls]  # the report's heading only
    assert [b["response_format"]["json_schema"]["name"] for b in asked] == ["ReportTopic"]


def test_an_expired_batch_keeps_what_it_answered(fake: FakeBatchAPI, online: respx.Route) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    fake.finish(done.batches[0], status="expired", answered=2)
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed) == (2, N - 2)
    rows = batch_status(settings().store)  # type: ignore[arg-type]
    assert rows[0]["status"] == "expired" and rows[0]["collected"] == 1
    assert (rows[0]["answered"], rows[0]["failed"], rows[0]["pending"]) == (2, N - 2, 0)
    with Store(settings().store) as store:  # type: ignore[arg-type]
        ledger = BatchLedger(store)
        failed = "SELECT custom_id FROM batch_requests WHERE status = 'failed'"
        lost = [cid for (cid,) in store.query(failed)]
        assert "the batch expired" in ledger.why(lost[0])


def test_a_failed_batch_says_why(fake: FakeBatchAPI, online: respx.Route) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    fake.finish(done.batches[0], status="failed", answered=0)
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed) == (0, N)
    with Store(settings().store) as store:  # type: ignore[arg-type]
        errors = {e for (e,) in store.query("SELECT error FROM batch_requests")}
    assert errors == {"the batch failed: The input file is invalid."}
    again = asyncio.run(submit_async([PAPERS], settings()))  # the same requests, a new file
    assert (again.sent, again.batches) == (N, ["batch_0002"])
    assert fake.calls["upload"] == 2 and len(fake.input_lines()) == 2 * N


def test_a_stop_between_upload_and_create_makes_one_batch(
    fake: FakeBatchAPI, online: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = batch_api.create

    async def stop(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # the process is stopped after the upload

    monkeypatch.setattr(batch_api, "create", stop)
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(submit_async([PAPERS], settings()))
    assert fake.calls["upload"] == 1 and fake.calls["create"] == 0
    monkeypatch.setattr(batch_api, "create", real_create)
    again = asyncio.run(submit_async([PAPERS], settings()))
    assert fake.calls["upload"] == 1 and fake.calls["create"] == 1  # uploaded once, made once
    assert len(again.batches) == 1 and again.waiting == N


def test_a_stop_after_create_before_it_was_recorded_finds_the_batch(
    fake: FakeBatchAPI, online: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_create = batch_api.create

    async def made_then_stopped(*args: Any, **kwargs: Any) -> Any:
        await real_create(*args, **kwargs)
        raise KeyboardInterrupt  # created at the provider, the process stopped before the store

    monkeypatch.setattr(batch_api, "create", made_then_stopped)
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(submit_async([PAPERS], settings()))
    monkeypatch.setattr(batch_api, "create", real_create)
    again = asyncio.run(submit_async([PAPERS], settings()))
    assert fake.calls["create"] == 1 and len(fake.batches) == 1  # found, not made again
    assert again.batches == ["batch_0001"]


def test_a_stop_before_the_upload_finds_the_file_by_its_name(
    fake: FakeBatchAPI, online: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_upload = batch_api.upload

    async def uploaded_then_stopped(*args: Any, **kwargs: Any) -> Any:
        await real_upload(*args, **kwargs)
        raise KeyboardInterrupt  # the provider has the file; the store never heard its id

    monkeypatch.setattr(batch_api, "upload", uploaded_then_stopped)
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(submit_async([PAPERS], settings()))
    monkeypatch.setattr(batch_api, "upload", real_upload)
    asyncio.run(submit_async([PAPERS], settings()))
    assert fake.calls["upload"] == 1 and fake.calls["create"] == 1


def test_cancel_then_collect_what_was_answered(fake: FakeBatchAPI, online: respx.Route) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    cancelled = asyncio.run(cancel_async(settings()))
    assert [b["status"] for b in cancelled] == ["cancelling"]
    fake.finish(done.batches[0], status="cancelled", answered=1)
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed) == (1, N - 1)


def test_wait_polls_with_back_off_until_done(fake: FakeBatchAPI, online: respx.Route) -> None:
    done = asyncio.run(submit_async([PAPERS], settings()))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 3:
            fake.finish(done.batches[0])

    collected = asyncio.run(collect_async(settings(), wait=True, sleep=sleep))
    assert collected.answered == N and collected.open == []
    assert slept == [5.0, 7.5, 11.25]


def wrong_figure_first(request: httpx.Request) -> httpx.Response:
    """The canned answer, with a figure its quote lacks unless the request is a re-ask."""
    good = answer(request)
    if len(json.loads(request.content)["messages"]) > 2:
        return good  # a re-ask: the complaint is heard
    body = good.json()
    content = json.loads(body["choices"][0]["message"]["content"])
    content["result"] = content["result"] + "，提升99.5%"
    body["choices"][0]["message"]["content"] = json.dumps(content, ensure_ascii=False)
    return httpx.Response(200, json=body)


def stored_extractions() -> list[dict[str, Any]]:
    with Store(settings().store) as store:  # type: ignore[arg-type]
        return [json.loads(j) for (j,) in store.query("SELECT extraction_json FROM extractions")]


def test_an_answer_failing_the_checks_is_re_asked_in_a_second_batch(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    fake = FakeBatchAPI(llm, wrong_figure_first)
    online = llm.post("/chat/completions").mock(side_effect=answer)
    done = asyncio.run(submit_async([PAPERS], settings()))
    fake.finish(done.batches[0])
    first = asyncio.run(collect_async(settings()))
    assert first.answered == N and len(first.open) == 1  # the re-asks, in a second batch
    reasks = fake.requests(first.open[0]["id"])
    assert len(reasks) == N and all(r["custom_id"].endswith("#reask") for r in reasks)
    assert all(r["body"]["messages"][-1]["role"] == "user" for r in reasks)  # the complaint
    assert all(e["unsupported"] for e in stored_extractions())  # the first answers, for now
    waiting = asyncio.run(submit_async([PAPERS], settings()))
    assert (waiting.sent, waiting.waiting) == (0, N)  # nothing sent again; the re-asks pending
    fake.finish(first.open[0]["id"])
    second = asyncio.run(collect_async(settings()))
    assert second.answered == N and second.open == []
    kept = stored_extractions()
    assert all(not e["unsupported"] for e in kept)  # the re-asks' answers stand
    assert all(e["usage"]["attempts"] == 2 for e in kept)  # both answers counted
    assert online.call_count == 0


def check_rejecting_problems(request: httpx.Request) -> httpx.Response:
    """The canned answers, and a meaning check that finds every problem phrase unsupported."""
    body = json.loads(request.content)
    if body["response_format"]["json_schema"]["name"] != "PhraseVerdicts":
        return answer(request)
    supported, not_said = {"unsupported": "", "verdict": "supported"}, {
        "unsupported": "", "verdict": "not"}  # fmt: skip
    verdicts = {"method": supported, "problem": not_said, "result": supported}
    return httpx.Response(200, json=completion_body(verdicts, prompt_tokens=300))


def test_the_meaning_check_goes_in_the_second_batch(llm: respx.MockRouter, tmp_path: Path) -> None:
    """Issue 25: with --verify, the answers of the first batch get their checks in a second
    one; the paper waits for it, and its verdicts shape the stored answer and the report."""
    fake = FakeBatchAPI(llm, check_rejecting_problems)
    online = llm.post("/chat/completions").mock(side_effect=answer)
    done = asyncio.run(submit_async([PAPERS], settings(verify="on")))
    fake.finish(done.batches[0])
    first = asyncio.run(collect_async(settings(verify="on")))
    assert first.answered == N and len(first.open) == 1
    checks = fake.requests(first.open[0]["id"])
    assert len(checks) == N and all(r["custom_id"].endswith("#verify") for r in checks)
    assert all(r["body"]["response_format"]["json_schema"]["name"] == "PhraseVerdicts"
               for r in checks)  # fmt: skip
    waiting = asyncio.run(submit_async([PAPERS], settings(verify="on")))
    assert (waiting.sent, waiting.waiting) == (0, N)  # the report waits for its checks
    fake.finish(first.open[0]["id"])
    second = asyncio.run(collect_async(settings(verify="on")))
    assert second.answered == N and second.open == []
    kept = stored_extractions()
    assert all([u["part"] for u in e["unsupported"]] == ["problem"] for e in kept)
    assert all(e["verify_usage"]["attempts"] == 1 and e["verdicts"] for e in kept)
    out = tmp_path / "report.md"
    args = ["run", str(PAPERS), "--batch", "--verify", "on", "--title", "T", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("核对时发现它所引的原文不支持") == N
    assert online.call_count == 0


def test_an_answer_failing_the_checks_is_re_asked_online_or_left_out(
    llm: respx.MockRouter,
) -> None:
    wrong_figure = wrong_figure_first
    fake = FakeBatchAPI(llm, wrong_figure)
    online = llm.post("/chat/completions").mock(side_effect=answer)
    done = asyncio.run(submit_async([PAPERS], settings(batch_reask="none")))
    fake.finish(done.batches[0])
    collected = asyncio.run(collect_async(settings(batch_reask="none")))
    assert collected.answered == N and online.call_count == 0 and collected.open == []
    kept = stored_extractions()
    assert all(any(u["reason"] == "figure" for u in e["unsupported"]) for e in kept)
    done = asyncio.run(submit_async([PAPERS], settings(refresh=True, batch_reask="online")))
    fake.finish(done.batches[0])
    collected = asyncio.run(collect_async(settings(batch_reask="online")))
    assert collected.answered == N and online.call_count == N  # each re-asked online, once
    assert all(not e["unsupported"] for e in stored_extractions())
    # the batch answer and the online re-ask, each counted once
    assert all(e["usage"]["attempts"] == 2 for e in stored_extractions())


def test_request_files_split_at_the_limits() -> None:
    paper = Paper(source="a.pdf", sha256="0" * 64, title="T")
    body = {"model": "m", "messages": [{"role": "user", "content": "x" * 100}]}
    requests = [(f"key-{i}", paper, body) for i in range(7)]
    by_count = request_files(requests, most_requests=3)
    assert [len(f.papers) for f in by_count] == [3, 3, 1]
    size = len(by_count[0].lines[0])
    by_bytes = request_files(requests, most_bytes=2 * size)
    assert [len(f.papers) for f in by_bytes] == [2, 2, 2, 1]
    assert len({f.name(0) for f in by_bytes}) == 4  # named by content
    assert by_bytes[0].name(0) != by_bytes[0].name(1)  # and by the times it was planned
    with pytest.raises(ValueError, match="too large"):
        request_files(requests, most_bytes=size - 1)


def test_the_cli_shows_batches_and_prices_them(fake: FakeBatchAPI, online: respx.Route) -> None:
    store = str(settings().store)
    result = runner.invoke(app, ["run", str(PAPERS), "--batch", "--store", store])
    assert result.exit_code == 0, result.output
    assert f"sent {N} paper(s) in batch batch_0001" in result.stderr
    shown = runner.invoke(app, ["batch", "status", "--store", store])
    assert shown.exit_code == 0
    assert "batch_0001  validating" in shown.stdout and f"{N} requests: 0 answered" in shown.stdout
    cancelled = runner.invoke(app, ["batch", "cancel", "batch_0001", "--store", store])
    assert cancelled.exit_code == 0 and "batch_0001  cancelling" in cancelled.stdout
    costs = {}
    for flag in ([], ["--batch"]):
        priced = runner.invoke(app, ["estimate", str(PAPERS), "--store", store, *flag])
        assert priced.exit_code == 0, priced.output
        row = next(line for line in priced.stdout.splitlines() if line.startswith("gpt-4o-mini *"))
        costs[bool(flag)] = float(row.split()[-1])
    assert costs[True] == pytest.approx(costs[False] / 2, abs=0.0001)


def test_a_client_killed_after_its_upload_resumes_and_sends_nothing_twice() -> None:
    """scripts/bench_batch_api.py at a small size, across real processes: the first client is
    killed (SIGKILL) while the provider holds its upload, the next resumes from the store."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "bench_batch_api.py"), "--papers", "12",
         "--instant"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "submit, killed" in done.stdout and "exit -9" in done.stdout
    assert "files uploaded: 1; request lines uploaded: 12 (12 distinct); batches made: 1" in (
        done.stdout
    )
    assert "answers stored: 12; papers in the report: 12" in done.stdout


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (401, "HTTP 401: Incorrect API key provided: ***; check OPENAI_API_KEY"),
        (404, "HTTP 404: Not found; this endpoint may not offer the Batch API"),
    ],
)
def test_an_endpoint_that_refuses_the_batch_api_is_one_line(
    llm: respx.MockRouter, online: respx.Route, status: int, said: str
) -> None:
    from conftest import API_KEY

    message = {401: f"Incorrect API key provided: {API_KEY}", 404: "Not found"}[status]
    llm.post("/files").mock(
        return_value=httpx.Response(status, json={"error": {"message": message}})
    )
    result = runner.invoke(app, ["run", str(PAPERS), "--batch", "--store", str(settings().store)])
    assert result.exit_code == 2
    assert said in result.stderr and API_KEY not in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    with Store(settings().store) as store:  # type: ignore[arg-type]
        planned = store.query("SELECT name, file_id FROM batch_files")
    assert len(planned) == 1 and planned[0]["file_id"] is None  # kept: the next run resumes


def test_an_unreachable_endpoint_is_one_line(llm: respx.MockRouter, online: respx.Route) -> None:
    llm.post("/files").mock(side_effect=httpx.ConnectError("Name or service not known"))
    with pytest.raises(BatchAPIError, match=r"cannot reach the endpoint .*run the same command"):
        asyncio.run(submit_async([PAPERS], settings(sdk_retries=0)))


def test_a_planned_file_lost_before_its_upload_is_planned_again(
    fake: FakeBatchAPI, online: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def stop(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # stopped before the upload

    real_upload = batch_api.upload
    monkeypatch.setattr(batch_api, "upload", stop)
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(submit_async([PAPERS], settings()))
    monkeypatch.setattr(batch_api, "upload", real_upload)
    for planned in (settings().store.parent / "batches").glob("*.jsonl"):  # type: ignore[union-attr]
        planned.unlink()  # the folder was cleaned meanwhile
    again = asyncio.run(submit_async([PAPERS], settings()))
    assert (again.sent, len(again.batches)) == (N, 1) and fake.calls["upload"] == 1


def test_the_cost_limit_holds_for_what_a_batch_commits(
    fake: FakeBatchAPI, online: respx.Route
) -> None:
    done = asyncio.run(submit_async([PAPERS], settings(max_cost_usd=0.0013)))
    assert 0 < done.sent < N and done.sent + done.not_started == N
    price = price_for("gpt-4o-mini")
    assert price is not None
    lines = fake.input_lines()
    assert len(lines) == done.sent
    worst = sum(
        price.batch().cost(_usage(1, 1200))
        for _ in lines  # at least the output's worst case
    )
    assert worst <= 0.0013
    everything = asyncio.run(submit_async([PAPERS], settings(max_cost_usd=1.0)))
    assert (everything.sent, everything.waiting) == (N - done.sent, done.sent)


def finished_batch(fake: FakeBatchAPI) -> tuple[str, list[str]]:
    """The fixture papers submitted, their batch finished: its id and its requests' ids."""
    done = asyncio.run(submit_async([PAPERS], settings()))
    batch_id = done.batches[0]
    fake.finish(batch_id)
    return batch_id, [r["custom_id"] for r in fake.requests(batch_id)]


def test_hostile_output_lines_fail_their_papers_only(
    fake: FakeBatchAPI, online: respx.Route
) -> None:
    batch_id, requests = finished_batch(fake)
    good = fake.contents[fake.batches[batch_id]["output_file_id"]].splitlines()
    lines = [json.loads(line) for line in good]
    lines[1]["response"]["body"] = {"choices": "not a completion"}
    hostile = [
        good[0],
        good[0],  # the same line twice
        json.dumps(lines[1]).encode(),  # JSON, but no chat completion
        b"{not json",
        json.dumps({"custom_id": "someone-else", "response": {"status_code": 200}}).encode(),
        json.dumps(["a", "list"]).encode(),
    ]  # the third paper's line is missing
    fake.contents[fake.batches[batch_id]["output_file_id"]] = b"\n".join(hostile) + b"\n"
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed) == (1, N - 1)
    with Store(settings().store) as store:  # type: ignore[arg-type]
        errors = {r[0]: r[1] for r in store.query("SELECT custom_id, error FROM batch_requests")}
    assert errors[requests[0]] is None
    assert errors[requests[1]] == "the answer is not a chat completion"
    assert errors[requests[2]] == "the batch completed without an answer for it"  # sent again


def test_an_output_line_nested_100k_deep_fails_its_paper_only(
    fake: FakeBatchAPI, online: respx.Route
) -> None:
    """Issue 24: a line nested past any answer's depth is a line that is not JSON."""
    batch_id, requests = finished_batch(fake)
    output = fake.batches[batch_id]["output_file_id"]
    good = fake.contents[output].splitlines()
    deep = b'{"custom_id": "%s", "x": ' % requests[1].encode() + b"[" * 100_000 + b"]" * 100_000
    fake.contents[output] = b"\n".join([good[0], deep + b"}", *good[2:]]) + b"\n"
    collected = asyncio.run(collect_async(settings()))
    assert (collected.answered, collected.failed) == (N - 1, 1)
    with Store(settings().store) as store:  # type: ignore[arg-type]
        errors = {r[0]: r[1] for r in store.query("SELECT custom_id, error FROM batch_requests")}
    assert errors[requests[1]] == "the batch completed without an answer for it"
