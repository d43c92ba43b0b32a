"""Limits: keep a batch inside the provider's rate limits and the user's budget.

Both act at the HTTP boundary of the OpenAI client (httpx event hooks, see `hooks`), so every
real request is counted: the SDK's own retries and our re-asks included.

- `RateLimiter`: requests and tokens per minute, over a sliding 60-second window. A request
  waits until it fits; its tokens are estimated before it is sent (the prompt counted with
  tiktoken plus the output limit; from above, 1 token per 4 characters, while the run's main
  process has not loaded the tokenizer, which it need not when the parse workers prepared every
  excerpt) and corrected by the usage in the answer (read by digest.usage; a count that is no
  number of tokens is ignored, one past 4x the estimate is capped, and either is said once per
  run: an endpoint's miscount never holds the run). A 429 that says a
  limit is reached (its `x-ratelimit-remaining-*` at zero, or no such headers at all) pauses
  every request of the batch together, for Retry-After (else a second); a 429 whose headers still
  show room is a passing one, retried alone by the SDK. Any response with a limit at zero pauses
  the batch until its `x-ratelimit-reset-*` time.
- `Gate`: whether a paper may start. It refuses once the run's cost would pass --max-cost-usd
  (counting what is spent, retries included, and what calls in flight may still cost), and once
  the provider says the quota is used up (429 insufficient_quota, or a Retry-After longer than
  two minutes): a daily quota ends the run cleanly, with what is done kept in the store.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from .costs import Price
from .errors import NotStartedError
from .models import Usage
from .net import retry_after as parse_retry_after
from .untrusted import json_object
from .usage import read_usage

__all__ = ["Gate", "RateLimiter", "hooks", "is_chat", "quota_used_up"]

log = logging.getLogger(__name__)

WINDOW = 60.0
MARGIN = 0.5  # the server counts arrivals, a little after our starts: keep clear of its edge
QUOTA_RETRY_AFTER = 120.0  # a 429 asking to wait longer than this is a quota, not a burst
# A request's estimate is its prompt (counted exactly, or from above) plus its whole output
# limit; what the server adds (the chat template, the schema of tools mode) and a tokenizer that
# counts more than ours stay well inside four times that. A larger count is the endpoint's error.
MOST_OVER_ESTIMATE = 4


class RateLimiter:
    """At most `rpm` requests and `tpm` tokens in any 60 s; None means no limit."""

    def __init__(
        self,
        rpm: int | None,
        tpm: int | None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.rpm, self.tpm = rpm, tpm
        self._clock, self._sleep = clock, sleep
        self._requests: deque[float] = deque()  # start times of recent requests
        self._tokens: deque[tuple[float, int]] = deque()  # (time, tokens), corrections included
        self._paused_until = 0.0
        self._lock = asyncio.Lock()
        self.waited = 0.0  # seconds requests spent waiting, for the summary
        self.requests = 0  # HTTP requests sent, retries included

    async def acquire(self, tokens: int) -> None:
        """Wait until a request of `tokens` fits in the window, then count it."""
        async with self._lock:  # first come, first served
            while (wait := self._wait(tokens)) > 0:
                self.waited += wait
                await self._sleep(wait)
            now = self._clock()
            self.requests += 1
            self._requests.append(now)
            self._tokens.append((now, tokens))

    def correct(self, estimated: int, actual: int) -> int | None:
        """Count what a request really used instead of what was estimated for it, but never
        more than MOST_OVER_ESTIMATE times the estimate: returns that bound when the count
        passed it (an endpoint's miscount must not hold every later request), else None."""
        bound = estimated * MOST_OVER_ESTIMATE if estimated > 0 else None
        counted = min(actual, bound) if bound is not None else actual
        if counted != estimated:
            self._tokens.append((self._clock(), counted - estimated))
        return bound if bound is not None and actual > bound else None

    def pause(self, seconds: float) -> None:
        """Hold every request for `seconds` (after a 429 or an exhausted limit)."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def observe(self, headers: httpx.Headers) -> None:
        """Pause until the reset when a response says a limit has nothing left."""
        for kind in ("requests", "tokens"):
            remaining = headers.get(f"x-ratelimit-remaining-{kind}")
            if remaining is not None and remaining.strip() == "0":
                self.pause(parse_duration(headers.get(f"x-ratelimit-reset-{kind}", "1s")))

    def _wait(self, tokens: int) -> float:
        now = self._clock()
        while self._requests and self._requests[0] <= now - WINDOW:
            self._requests.popleft()
        while self._tokens and self._tokens[0][0] <= now - WINDOW:
            self._tokens.popleft()
        waits = [self._paused_until - now]
        if self.rpm is not None and len(self._requests) >= self.rpm:
            waits.append(self._requests[len(self._requests) - self.rpm] + WINDOW + MARGIN - now)
        if self.tpm is not None:
            used = sum(t for _, t in self._tokens)
            if used + tokens > self.tpm and self._tokens:
                # wait until enough of the window's tokens have aged out
                excess, freed = used + tokens - self.tpm, 0
                for sent_at, spent in self._tokens:
                    freed += spent
                    if freed >= excess:
                        waits.append(sent_at + WINDOW + MARGIN - now)
                        break
        return max(waits)


@dataclass
class Gate:
    """May another paper start? Tracks spending against the budget, and the quota."""

    max_cost_usd: float | None
    price: Price | None
    max_output_tokens: int
    spent: float = 0.0
    reserved: float = 0.0
    stopped: str | None = None
    _reservations: dict[int, float] = field(default_factory=dict)

    def reserve(self, paper: str, prompt_tokens: int) -> int:
        """Admit one paper's call or raise NotStartedError; returns a ticket for settle()."""
        if self.stopped:
            raise NotStartedError(f"{paper}: not started: {self.stopped}", reason=self.stopped)
        estimate = 0.0
        if self.max_cost_usd is not None and self.price is not None:
            estimate = self.price.cost(
                Usage(prompt_tokens=prompt_tokens, completion_tokens=self.max_output_tokens)
            )
            if self.spent + self.reserved + estimate > self.max_cost_usd:
                raise NotStartedError(
                    f"{paper}: not started: the budget of ${self.max_cost_usd:.2f} would be "
                    f"exceeded (spent ${self.spent:.4f}); run again with a larger "
                    "--max-cost-usd to go on",
                    reason=f"the budget of ${self.max_cost_usd:.2f} is spent; run again with a "
                    "larger --max-cost-usd to go on",
                )
        ticket = len(self._reservations) + 1
        self._reservations[ticket] = estimate
        self.reserved += estimate
        return ticket

    def settle(self, ticket: int, usage: Usage | None) -> None:
        self.reserved -= self._reservations.pop(ticket, 0.0)
        if usage is not None and usage.cost_usd:
            self.spent += usage.cost_usd

    def stop(self, reason: str) -> None:
        """Start no more papers: the papers this stops carry the reason (said once for all)."""
        if self.stopped is None:
            log.info("%s", reason)
            self.stopped = reason


def hooks(
    limiter: RateLimiter, gate: Gate, count: Callable[[str], int]
) -> dict[str, list[Callable[..., Awaitable[None]]]]:
    """httpx event hooks that put every request of the OpenAI client through the limits."""

    async def on_request(request: httpx.Request) -> None:
        if not is_chat(request):
            return  # files and batches (digest.batch): limits of their own, no tokens
        tokens = _request_tokens(request, count)
        request.extensions["digest_tokens"] = tokens
        await limiter.acquire(tokens)

    warned = False

    def doubt(text: str) -> None:
        """Say once per run that the endpoint's counts are not believed (and what is done)."""
        nonlocal warned
        if not warned:
            warned = True
            log.warning("%s", text)

    async def on_response(response: httpx.Response) -> None:
        if not is_chat(response.request):
            return
        limiter.observe(response.headers)
        if response.status_code != 429:
            await response.aread()
            estimated = int(response.request.extensions.get("digest_tokens", 0))
            counted = read_usage(_usage_in(response))
            host = response.request.url.host
            if counted.ignored:
                doubt(
                    f"the endpoint at {host} counted {counted.implausible} for an answer, which "
                    "cannot be a count of tokens: such counts are left out of the run's tokens "
                    "and cost, and the rate limits keep their own estimate"
                )
            if counted.total_tokens is not None:
                bound = limiter.correct(estimated, counted.total_tokens)
                if bound is not None:
                    doubt(
                        f"the endpoint at {host} counted {counted.total_tokens:,} tokens for a "
                        f"request estimated at {estimated:,}; the rate limits count it as "
                        f"{bound:,}"
                    )
            return
        await response.aread()
        retry_after = parse_retry_after(response.headers)
        if quota_used_up(response) or (retry_after or 0) > QUOTA_RETRY_AFTER:
            # Waiting would not help: stop starting papers; calls in flight fail fast, since
            # the SDK obeys the (OpenAI-defined) header and does not retry this answer.
            response.headers["x-should-retry"] = "false"
            gate.stop(
                "the provider's quota is used up (HTTP 429"
                + (f", retry after {retry_after:.0f} s" if retry_after else "")
                + "); finished papers are kept: run the same command again later to go on"
            )
            return
        if _has_headroom(response.headers):
            return  # a passing 429 with the limits not reached: the SDK retries this one alone
        limiter.pause(retry_after or 1.0)

    return {"request": [on_request], "response": [on_response]}


def is_chat(request: httpx.Request) -> bool:
    """A chat-completion request: the only kind the rate and token limits count."""
    return request.url.path.endswith("/chat/completions")


def _has_headroom(headers: httpx.Headers) -> bool:
    """True when the response says both limits still have room (OpenAI's x-ratelimit-*).
    Without those headers (vLLM, DeepSeek, ...) a 429 is taken as the limit reached."""
    remaining = [headers.get(f"x-ratelimit-remaining-{k}") for k in ("requests", "tokens")]
    return all(r is not None and r.strip() not in ("", "0") for r in remaining)


def _request_tokens(request: httpx.Request, count: Callable[[str], int]) -> int:
    try:
        body = json.loads(request.content or b"{}")
    except ValueError:
        return 0
    text = "\n".join(str(m.get("content") or "") for m in body.get("messages", []))
    limit = body.get("max_completion_tokens") or body.get("max_tokens") or 0
    return count(text) + int(limit)


def _usage_in(response: httpx.Response) -> Any:
    """The body's `usage`, as sent (None when the body is not a JSON object)."""
    return json_object(response.content).get("usage")


def quota_used_up(response: httpx.Response) -> bool:
    """Whether an answer says the quota is used up (OpenAI's 429 `insufficient_quota`)."""
    error = json_object(response.content).get("error")
    return isinstance(error, dict) and error.get("code") == "insufficient_quota"


_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str) -> float:
    """OpenAI's reset format ("1s", "6m0s", "20ms", "1h2m3.5s") in seconds; 1 s when unreadable."""
    parts = _DURATION.findall(text.strip())
    if not parts:
        return 1.0
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    return sum(float(n) * scale[unit] for n, unit in parts)
