"""Rate limits, the cost budget, the quota, prices, and bodies that are not JSON."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import FIXTURES, completion_body, sent_json
from test_pipeline import ANSWERS, answer
from typer.testing import CliRunner

from digest import ConfigError, Settings, run
from digest.cli import app
from digest.costs import Price, load_prices, price_for
from digest.errors import EndpointError
from digest.limits import MARGIN, Gate, RateLimiter, hooks, parse_duration
from digest.models import Usage

PAPERS = FIXTURES / "papers"
runner = CliRunner()


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(rpm: int | None, tpm: int | None) -> tuple[RateLimiter, FakeTime]:
    t = FakeTime()
    return RateLimiter(rpm, tpm, clock=t.clock, sleep=t.sleep), t


def test_requests_per_minute_are_kept_over_a_sliding_window() -> None:
    lim, t = limiter(rpm=3, tpm=None)

    async def go() -> list[float]:
        starts = []
        for _ in range(7):
            await lim.acquire(10)
            starts.append(t.now)
            t.now += 1  # each request takes a second
        return starts

    starts = asyncio.run(go())
    assert starts[:3] == [1000, 1001, 1002]
    for i in range(3, 7):  # never more than 3 in any 60 s
        assert starts[i] >= starts[i - 3] + 60


def test_token_corrections_are_not_counted_as_requests() -> None:
    lim, t = limiter(rpm=4, tpm=None)

    async def go() -> None:
        for _ in range(4):
            await lim.acquire(100)
            lim.correct(100, 80)  # every answer corrects its estimate

    asyncio.run(go())
    assert t.slept == []  # 4 requests fit 4 per minute, whatever the corrections


def test_tokens_per_minute_and_corrections() -> None:
    lim, t = limiter(rpm=None, tpm=1000)

    async def go() -> None:
        await lim.acquire(600)
        lim.correct(600, 200)  # the answer said 200 tokens: 800 of 1000 are free again
        await lim.acquire(700)
        assert t.slept == []
        await lim.acquire(400)  # 900 in the window: must wait for the first to age out

    asyncio.run(go())
    assert t.slept and t.slept[0] == pytest.approx(60 + MARGIN, abs=0.01)


def test_pause_and_exhausted_headers_hold_everyone() -> None:
    lim, t = limiter(rpm=None, tpm=None)
    lim.observe(httpx.Headers({"x-ratelimit-remaining-requests": "0",
                               "x-ratelimit-reset-requests": "6m0s"}))  # fmt: skip
    asyncio.run(lim.acquire(1))
    assert sum(t.slept) == pytest.approx(360)
    assert parse_duration("20ms") == pytest.approx(0.02)
    assert parse_duration("1h2m3.5s") == pytest.approx(3723.5)


def test_a_429_pauses_the_batch_and_a_quota_429_stops_new_papers() -> None:
    lim, t = limiter(rpm=None, tpm=None)
    gate = Gate(None, None, 100)
    hook = hooks(lim, gate, len)["response"][0]
    request = httpx.Request("POST", "https://x/v1/chat/completions")
    burst = httpx.Response(429, headers={"retry-after": "7"}, request=request, json={})
    asyncio.run(hook(burst))
    asyncio.run(lim.acquire(1))
    assert sum(t.slept) == pytest.approx(7) and gate.stopped is None
    quota = {"error": {"code": "insufficient_quota", "message": "You exceeded your quota"}}
    asyncio.run(hook(httpx.Response(429, json=quota, request=request)))
    assert gate.stopped and "quota" in gate.stopped


def test_a_passing_429_with_room_left_is_retried_alone() -> None:
    lim, t = limiter(rpm=None, tpm=None)
    hook = hooks(lim, Gate(None, None, 100), len)["response"][0]
    request = httpx.Request("POST", "https://x/v1/chat/completions")
    room = {"retry-after": "3", "x-ratelimit-remaining-requests": "4000",
            "x-ratelimit-remaining-tokens": "900000"}  # fmt: skip
    asyncio.run(hook(httpx.Response(429, headers=room, request=request, json={})))
    asyncio.run(lim.acquire(1))
    assert t.slept == []  # the batch goes on; the SDK retries the one request


def test_the_gate_refuses_what_the_budget_cannot_pay() -> None:
    gate = Gate(max_cost_usd=0.01, price=Price(input=1.0, output=10.0), max_output_tokens=500)
    first = gate.reserve("a.pdf", 2000)  # at most 2000 x $1/M + 500 x $10/M = $0.007
    with pytest.raises(Exception, match=r"budget of \$0.01"):
        gate.reserve("b.pdf", 2000)  # 0.007 reserved + 0.007 > 0.01
    gate.settle(first, Usage(prompt_tokens=2000, completion_tokens=100, cost_usd=0.003))
    gate.reserve("b.pdf", 2000)  # 0.003 spent + 0.007 fits


def test_prices_ship_match_prefixes_and_take_user_files(tmp_path: Path) -> None:
    shipped = load_prices()
    assert shipped["gpt-4o-mini"].input == pytest.approx(0.15)
    assert price_for("gpt-4o-mini-2024-07-18") == shipped["gpt-4o-mini"]
    assert price_for("my-local-llama") is None
    mine = tmp_path / "prices.toml"
    mine.write_text('[models."my-local-llama"]\ninput = 0\noutput = 0\nrpm = 30\n')
    assert load_prices(mine)["my-local-llama"].rpm == 30
    mine.write_text("[models.broken]\ninput = 'free'\n")
    with pytest.raises(ConfigError, match="not a valid price table"):
        load_prices(mine)
    mine.write_text("[models.deep]\ninput = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match=r"not a valid price table.*nested"):
        load_prices(mine)  # issue 24: one line, not a RecursionError


def test_a_used_up_quota_ends_the_run_cleanly_with_what_is_done_kept(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    state = {"calls": 0}

    def quota_after_one(request: httpx.Request) -> httpx.Response:
        if sent_json(request)["response_format"]["json_schema"]["name"] == "ReportTopic":
            return answer(request)
        state["calls"] += 1
        if state["calls"] == 1:
            return answer(request)
        body = {"error": {"code": "insufficient_quota", "message": "quota"}}
        return httpx.Response(429, json=body, headers={"retry-after": "86400"})

    llm.post("/chat/completions").mock(side_effect=quota_after_one)
    settings = Settings.from_env(concurrency=1, sdk_retries=0, store=tmp_path / "s.db")
    report = run([PAPERS], settings)
    ok, failed = report.succeeded, report.failed
    assert len(ok) == 1 and len(failed) == len(list(PAPERS.glob("*.pdf"))) - 1
    assert any("quota" in (f.error or "") for f in failed)
    assert any("not started" in (f.error or "") for f in failed)
    assert state["calls"] == 2  # no paper was sent after the quota answer


def test_budget_stops_starting_papers_and_says_how_to_go_on(llm: respx.MockRouter) -> None:
    llm.post("/chat/completions").mock(side_effect=answer)
    # gpt-4o: each paper may cost up to ~1,500 x $2.50/M + 1,200 x $10/M = ~$0.016
    result = runner.invoke(
        app,
        ["run", str(PAPERS), "--model", "gpt-4o", "--max-cost-usd", "0.02", "--concurrency", "1"],
    )
    assert result.exit_code == 1
    assert "not started: the budget of $0.02 would be exceeded" in result.stdout
    assert "larger --max-cost-usd" in result.stdout


def test_a_budget_needs_a_price(llm: respx.MockRouter) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--model", "local-model", "--budget", "1"])
    assert result.exit_code == 2 and "price" in result.stderr


def test_a_200_whose_body_is_not_json_is_retried(llm: respx.MockRouter) -> None:
    good = completion_body(ANSWERS["Dense Passage Retrieval"])
    route = llm.post("/chat/completions").mock(
        side_effect=[
            httpx.Response(200, content=b"<html>502 Bad Gateway</html>"),
            httpx.Response(200, json=good),
        ]
        + [httpx.Response(200, json=good)] * 10
    )
    report = run([PAPERS / "dpr-emnlp2020-p1-2.pdf"], Settings.from_env(title="T"))
    assert not report.failed and route.call_count == 2


def test_estimate_counts_what_a_run_would_send_and_calls_nothing(tmp_path: Path) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        result = runner.invoke(app, ["estimate", str(PAPERS), "--store", str(tmp_path / "s.db")])
        assert not router.calls
    assert result.exit_code == 0, result.output
    n = len(list(PAPERS.glob("*.pdf")))
    assert f"{n} papers readable, 0 already answered in the store" in result.stdout
    assert f"{n + 1} LLM calls (one names the report)" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("gpt-4o-mini *"))
    tokens = int(row.split()[2].replace(",", ""))
    assert 1000 < tokens < n * 3300  # prompts + excerpts, each excerpt under the token budget
    assert "unknown" not in row


def test_estimate_counts_the_meaning_checks(tmp_path: Path) -> None:
    """Issue 25: with --verify (on for LLM runs) each answer asked for is checked once more."""
    store = ["--store", str(tmp_path / "s.db")]
    off = runner.invoke(app, ["estimate", str(PAPERS), *store, "--verify", "off"])
    on = runner.invoke(app, ["estimate", str(PAPERS), *store, "--verify", "on"])
    n = len(list(PAPERS.glob("*.pdf")))
    assert f"{2 * n + 1} LLM calls ({n} check meaning) (one names the report)" in on.stdout

    def tokens(result: Any) -> int:
        row = next(ln for ln in result.stdout.splitlines() if ln.startswith("gpt-4o-mini *"))
        return int(row.split()[2].replace(",", ""))

    assert tokens(off) < tokens(on) < tokens(off) * 1.5


def test_estimate_skips_what_the_store_already_answered(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    llm.post("/chat/completions").mock(side_effect=answer)
    store = ["--store", str(tmp_path / "s.db")]
    assert runner.invoke(app, ["run", str(PAPERS), *store]).exit_code == 0
    again = runner.invoke(app, ["estimate", str(PAPERS), *store])
    n = len(list(PAPERS.glob("*.pdf")))
    assert f"{n} already answered in the store" in again.stdout
    assert "; 0 LLM calls" in again.stdout  # the report's name is stored too


QUOTA = {"error": {"code": "insufficient_quota", "message": "You exceeded your current quota"}}
UNUSABLE = {
    "key refused": (
        lambda: httpx.Response(401, json={"error": {"message": "Incorrect API key provided"}}),
        "refused the API key (HTTP 401",
    ),
    "wrong base URL": (
        lambda: httpx.Response(404, text="<html>Not Found</html>"),
        "nothing answers at https://llm.test/v1/chat/completions for model gpt-4o-mini",
    ),
    "quota used up": (lambda: httpx.Response(429, json=QUOTA), "quota is used up"),
    "unreachable": (
        lambda: httpx.ConnectError("[Errno -2] Name or service not known"),
        "cannot reach the LLM endpoint https://llm.test/v1 ([Errno -2] Name or service",
    ),
}


@pytest.mark.parametrize("case", UNUSABLE, ids=list(UNUSABLE))
def test_an_endpoint_that_cannot_work_stops_the_run_with_one_line(
    llm: respx.MockRouter, tmp_path: Path, case: str
) -> None:
    respond, said = UNUSABLE[case]
    sent = []

    def count(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        answered = respond()
        if isinstance(answered, Exception):
            raise answered
        return answered

    llm.post("/chat/completions").mock(side_effect=count)
    out = tmp_path / "report.md"
    args = ["run", str(PAPERS), "-o", str(out), "--store", str(tmp_path / "s.db")]
    result = runner.invoke(app, [*args, "--concurrency", "1"])
    assert result.exit_code == 2, result.output
    assert f"error: {said}" in result.stderr.replace("\n", " ") or said in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert not out.exists()  # nothing could be done: no report of 0 papers
    attempts = 4 if case == "unreachable" else 1  # a connection is retried by the SDK
    assert len(sent) == attempts  # one paper's request(s), then no other paper
    verbose = runner.invoke(app, [*args, "--concurrency", "1", "-v"])  # adds a traceback only
    assert verbose.exit_code == 2 and "Traceback" in verbose.stderr
    assert verbose.stderr.strip().splitlines()[-1].startswith("error: ")


def key_revoked_after_one() -> Callable[[httpx.Request], httpx.Response]:
    """An endpoint that answers one request, then refuses the key."""
    calls = []

    def respond(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            return answer(request)
        return httpx.Response(401, json={"error": {"message": "key revoked"}})

    return respond


def test_a_key_refused_after_answers_ends_the_run_with_what_is_done(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    route = llm.post("/chat/completions").mock(side_effect=key_revoked_after_one())
    report = run([PAPERS], Settings.from_env(title="T", concurrency=1, store=tmp_path / "s.db"))
    assert len(report.succeeded) == 1
    errors = [f.error or "" for f in report.failed]
    assert sum("not started" in e for e in errors) == len(errors) - 1
    assert route.call_count == 2


def test_an_unreachable_endpoint_is_said_once_not_once_per_paper(llm: respx.MockRouter) -> None:
    """Issue 24: the endpoint's error was printed 5 times for 4 papers in flight (a warning,
    a line per paper, the final line): it is the run's error, said once."""
    llm.post("/chat/completions").mock(side_effect=httpx.ConnectError("Connection refused"))
    result = runner.invoke(app, ["run", str(PAPERS), "--title", "T", "--concurrency", "4"])
    assert result.exit_code == 2
    assert result.stderr.count("cannot reach the LLM endpoint") == 1, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: cannot reach")


def test_papers_failed_for_one_run_wide_reason_are_listed_in_one_line(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    """A key revoked mid-run: the papers it left are one line (with the report written), not a
    line each repeating the reason."""
    llm.post("/chat/completions").mock(side_effect=key_revoked_after_one())
    out = tmp_path / "report.md"
    args = ["run", str(PAPERS), "--title", "T", "--concurrency", "1", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and out.exists()
    assert result.stderr.count("key revoked") == 1, result.stderr
    n = len(list(PAPERS.glob("*.pdf")))
    assert f"failed {n - 1} papers (" in result.stderr  # one failed asking, the rest not sent


def test_a_quota_answer_is_not_retried(llm: respx.MockRouter, tmp_path: Path) -> None:
    """The SDK would send a 429 four times; a quota answer once."""
    route = llm.post("/chat/completions").mock(return_value=httpx.Response(429, json=QUOTA))
    settings = Settings.from_env(title="T", concurrency=1, sdk_retries=3)
    with pytest.raises(EndpointError, match="quota is used up"):
        run([PAPERS / "dpr-emnlp2020-p1-2.pdf"], settings)
    assert route.call_count == 1


@pytest.mark.parametrize("limit", [0.001, 0.002, 0.004])
def test_the_cost_limit_holds_with_re_asks_and_the_title_call(
    llm: respx.MockRouter, limit: float
) -> None:
    """Every request is reserved at its worst case before it is sent: re-asks after failed
    checks and the call naming the report too, so the run never spends past the limit."""

    def stubborn_filler(request: httpx.Request) -> httpx.Response:
        body = sent_json(request)
        name = body["response_format"]["json_schema"]["name"]
        if name == "ReportTopic":
            content: dict[str, Any] = {"topic": "信息检索"}
        else:
            text = body["messages"][1]["content"]
            canned = next(v for k, v in ANSWERS.items() if k.lower() in text.lower())
            content = {**canned, "method": "论文提出的方法"}  # filler: re-asked every time
        usage = {"prompt_tokens": 1000, "completion_tokens": 1200}
        return httpx.Response(200, json=completion_body(content, **usage))

    llm.post("/chat/completions").mock(side_effect=stubborn_filler)
    settings = Settings.from_env(max_cost_usd=limit, concurrency=1)
    report = run([PAPERS], settings)
    assert report.usage.cost_usd is not None and report.usage.cost_usd <= limit
    assert any(r.status == "ok" for r in report.papers)


@pytest.mark.parametrize("value", ["-5", "0", "100"])
def test_an_output_limit_no_answer_fits_in_is_refused_up_front(value: str) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--max-output-tokens", value])
    assert result.exit_code == 2
    assert "--max-output-tokens: Input should be greater than or equal to 256" in result.stderr


def test_the_summary_counts_requests_that_got_no_answer(llm: respx.MockRouter) -> None:
    refused = httpx.Response(400, json={"error": {"message": "context length exceeded"}})
    llm.post("/chat/completions").mock(return_value=refused)
    result = runner.invoke(app, ["run", str(PAPERS), "--title", "T"])
    assert result.exit_code == 2  # nothing could be done
    n = len(list(PAPERS.glob("*.pdf")))
    assert result.stderr.rstrip().endswith(f"; {n} LLM requests, none answered")


def test_an_endpoint_that_only_answers_5xx_is_taken_as_down(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    """A proxy answering 502 to everything: three papers fail after the SDK's retries with no
    answer ever, then no other paper is started and the run ends with one line."""
    sgd = (PAPERS / "sgd-teacher-student-1906.08632-p1.pdf").read_bytes()
    for i in range(5):
        (tmp_path / f"sgd-{i}.pdf").write_bytes(sgd + b"%" * (i + 1))
    route = llm.post("/chat/completions").mock(
        return_value=httpx.Response(502, text="<html><body>502 Bad Gateway</body></html>")
    )
    settings = Settings.from_env(title="T", concurrency=1, sdk_retries=0)
    with pytest.raises(EndpointError, match=r"answered only errors \(HTTP 502 for 3 papers"):
        run([tmp_path], settings)
    assert route.call_count == 3  # of 5 papers
