"""The endpoint's token counts (digest.usage): read in one place for the rate limiter and the
paper's Usage; a count that cannot be right never throws away an answer, never holds the run,
and is said, not hidden behind a clean total."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import httpx
import pytest
import respx
from conftest import FIXTURES, completion_body
from test_limits import FakeTime
from test_pipeline import answer
from typer.testing import CliRunner

from digest import Settings, run
from digest.cli import app
from digest.limits import Gate, RateLimiter, hooks
from digest.usage import read_usage

PAPERS = FIXTURES / "papers"
runner = CliRunner()


def counted_as(total: Any) -> Any:
    """The mocked endpoint, its answers good but their total_tokens `total`."""

    def respond(request: httpx.Request) -> httpx.Response:
        good = answer(request)
        body = json.loads(good.content)
        body["usage"]["total_tokens"] = total
        return httpx.Response(good.status_code, json=body)

    return respond


def test_a_total_that_is_not_a_number_loses_no_answer(llm: respx.MockRouter) -> None:
    """total_tokens "12a" once made the limiter raise (int("12a")) inside the SDK's send: every
    good answer was dropped as "cannot reach the LLM endpoint", exit 2."""
    llm.post("/chat/completions").mock(side_effect=counted_as("12a"))
    report = run([PAPERS], Settings.from_env(title="T", sdk_retries=0))
    assert report.papers and [p.status for p in report.papers] == ["ok"] * len(report.papers)
    assert report.usage.prompt_tokens == 900 * len(report.papers)  # the other counts are taken


def exchange(total: Any) -> tuple[httpx.Request, httpx.Response]:
    body = {"model": "m", "max_completion_tokens": 1200, "messages": [{"content": "x" * 400}]}
    request = httpx.Request("POST", "https://llm.test/v1/chat/completions", json=body)
    answered = completion_body({"a": 1})
    answered["usage"]["total_tokens"] = total
    return request, httpx.Response(200, json=answered, request=request)


@pytest.mark.parametrize("total", [10**12, 10**7, "12a", [1], -5])
def test_an_implausible_count_never_holds_the_run_and_is_said_once(
    total: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """10^12 tokens once made correct() fill the token window: 3 of 22 papers, then nothing
    for 90 s. Now the count is ignored (not a count) or capped (4x the estimate)."""
    t = FakeTime()
    limiter = RateLimiter(None, 200_000, clock=t.clock, sleep=t.sleep)
    limits = hooks(limiter, Gate(None, None, 1200), len)
    on_request, on_response = limits["request"][0], limits["response"][0]

    async def go() -> None:
        for _ in range(20):
            request, response = exchange(total)
            await on_request(request)
            await on_response(response)

    caplog.set_level(logging.WARNING)
    asyncio.run(go())
    assert t.slept == []  # 20 requests of ~1,300 tokens fit 200,000 a minute
    said = [r.getMessage() for r in caplog.records if "llm.test" in r.getMessage()]
    assert len(said) == 1, said  # once per run
    assert repr(total) in said[0].replace(",", "")  # the count the endpoint sent is named


def test_a_plausible_count_still_corrects_the_estimate() -> None:
    t = FakeTime()
    limiter = RateLimiter(None, 3000, clock=t.clock, sleep=t.sleep)
    on_request, on_response = (h[0] for h in hooks(limiter, Gate(None, None, 1200), len).values())

    async def go() -> None:
        for _ in range(2):  # ~1,600 estimated each: the second fits only because of the first's
            request, response = exchange(300)  # answer saying 300
            await on_request(request)
            await on_response(response)

    asyncio.run(go())
    assert t.slept == []


def test_an_ignored_count_is_told_not_shown_as_a_clean_zero(
    llm: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    """usage of 10^12 tokens printed "$0.0000": the summary says the counts were not taken."""

    def respond(request: httpx.Request) -> httpx.Response:
        good = answer(request)
        body = json.loads(good.content)
        body["usage"] = {"prompt_tokens": 10**12, "completion_tokens": 10**12}
        return httpx.Response(200, json=body)

    llm.post("/chat/completions").mock(side_effect=respond)
    result = runner.invoke(
        app, ["run", str(PAPERS / "dpr-emnlp2020-p1-2.pdf"), "--model", "gpt-4o"]
    )
    assert result.exit_code == 0, result.output
    summary = result.stderr.strip().splitlines()[-1]
    assert "$0.0000" in summary  # nothing believable was counted...
    assert "not counting 2 answers whose token counts from the endpoint were implausible" in (
        summary
    )  # ...and the reader is told why (the paper's answer and the report title's)
    warned = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name != "digest.tokens"  # (no tiktoken tables here)
    ]
    assert len(warned) == 1 and "prompt_tokens 1000000000000" in warned[0]  # named, once


@pytest.mark.parametrize(
    ("usage", "prompt", "total", "ignored"),
    [
        ({"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020}, 900, 1020, False),
        ({"prompt_tokens": "900", "completion_tokens": 120}, 900, 1020, False),
        ({"prompt_tokens": 900, "completion_tokens": 120, "total_tokens": "12a"}, 900, 1020, True),
        ({"prompt_tokens": "9" * 5000, "completion_tokens": 1}, 0, None, True),
        ({"prompt_tokens": True, "completion_tokens": 1}, 0, None, True),
        ("lots", 0, None, True),
        (None, 0, None, False),
        ({}, 0, None, False),
    ],
)
def test_read_usage(usage: Any, prompt: int, total: int | None, ignored: bool) -> None:
    counted = read_usage(usage)
    assert (counted.prompt_tokens, counted.total_tokens, counted.ignored) == (
        prompt,
        total,
        ignored,
    )
