"""Engines: what turns a Paper into an Extraction, behind one small interface.

    Engine.key(paper)                 the request key: the same key asks the same question
    Engine.extract(paper, prepared)   the answer, or an ExtractionError naming the paper

OfflineEngine drafts the facts by rules (digest.offline); LlmEngine asks the LLM (digest.llm)
under the run's limits: calls in flight, the cost gate, the rate limiter at its HTTP boundary.
:func:`cached` puts any engine behind the store: a stored answer for the key serves, a new one is
committed the moment it exists, and a failure is recorded with what it cost.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from functools import cached_property, partial
from typing import TYPE_CHECKING, Literal, Protocol

import httpx
from pydantic import ValidationError

from .. import inflight
from ..errors import EndpointError, ExtractionError, NotAnsweredError
from ..excerpt import Budget, select
from ..limits import Gate, RateLimiter, hooks
from ..models import Excerpt, Extraction, Paper, PreparedExcerpt, Usage
from ..offline import offline_draft, offline_version
from ..settings import Settings
from ..store import Store, request_key
from ..tokens import TokenCounter, approximate_tokens, get_counter, loaded_counter
from ..workers import parser_version

if TYPE_CHECKING:  # the LLM client is imported when an LLM run opens, not before
    from ..llm import Extractor

__all__ = [
    "BatchAnswers",
    "Engine",
    "LlmEngine",
    "OfflineEngine",
    "cached",
    "draft_offline",
    "record",
]

log = logging.getLogger(__name__)


class Engine(Protocol):
    """Makes the facts of one paper."""

    @property
    def name(self) -> Literal["llm", "offline"]: ...

    @property
    def model(self) -> str | None:
        """Recorded with each answer; None for the offline engine."""
        ...

    @property
    def token_budget(self) -> int | None:
        """Of paper text per request; None when nothing is sent."""
        ...

    def key(self, paper: Paper) -> str:
        """The request key of this paper's question."""
        ...

    async def extract(self, paper: Paper, prepared: PreparedExcerpt | None = None) -> Extraction:
        """The answer; raises an ExtractionError subclass naming the paper. `prepared`: the
        paper's excerpt as a parse worker prepared it (an engine that sends none ignores it)."""
        ...


class OfflineEngine:
    """Facts drafted by rules from the paper's own words: no network, no model, no cost."""

    name: Literal["offline"] = "offline"
    model = None
    token_budget = None

    def key(self, paper: Paper) -> str:
        return request_key(
            sha256=paper.sha256,
            parser=parser_version(),
            engine="offline",
            model=None,
            prompt_sha256=offline_version(),
            budget=None,
        )

    async def extract(self, paper: Paper, prepared: PreparedExcerpt | None = None) -> Extraction:
        return draft_offline(paper)


def draft_offline(paper: Paper) -> Extraction:
    """The offline engine's facts as an Extraction record (no model, no tokens)."""
    try:
        facts, missing = offline_draft(paper)
    except ValidationError as err:
        raise ExtractionError(
            f"{paper.source}: the offline engine found no usable facts ({err.error_count()} "
            "problems); configure an LLM to summarise this paper"
        ) from err
    return Extraction(
        engine="offline", facts=facts, prompt_sha256=offline_version(), unsupported=missing
    )


class LlmEngine:
    """Facts from the LLM: the paper's excerpt under the token budget, at most `concurrency`
    calls in flight, each admitted by the cost gate and settled with what it spent."""

    name: Literal["llm"] = "llm"

    def __init__(self, extractor: Extractor, settings: Settings, gate: Gate) -> None:
        self.extractor = extractor
        self.settings = settings
        self.model: str | None = settings.model
        self.token_budget: int | None = settings.token_budget
        self.gate = gate
        self.budget: Budget = extractor.budget
        self._limit = asyncio.Semaphore(settings.concurrency)

    @cached_property
    def counter(self) -> TokenCounter:
        """The model's tokenizer, loaded when first needed: a run whose papers come prepared by
        the parse workers may send every first request without it."""
        return get_counter(self.settings.model, self.settings.encoding)

    @classmethod
    async def open(
        cls,
        stack: AsyncExitStack,
        settings: Settings,
        http_client: httpx.AsyncClient | None,
        limiter: RateLimiter,
        gate: Gate,
        store: Store | None,
    ) -> LlmEngine:
        """The engine with its client open (closed with `stack`); with a store and
        --structured auto, the mode learned for this endpoint and model is used and kept, and
        so is the output-token field with --max-tokens-field auto."""
        from ..llm import MODES, TOKEN_FIELDS, Extractor, build_client, endpoint_of

        def count(text: str) -> int:
            """The limiter's estimate of a request: exact once the tokenizer is loaded; before
            (a run whose excerpts the parse workers prepared need not load it) from above,
            which keeps the limits safe. The answer's usage corrects it either way."""
            counter = loaded_counter(settings.model, settings.encoding)
            return counter.count(text) if counter is not None else approximate_tokens(text)

        client = build_client(settings, http_client=http_client, hooks=hooks(limiter, gate, count))
        await stack.enter_async_context(client)
        extractor = Extractor(client, settings)
        transport = extractor.transport
        assert transport is not None
        endpoint = endpoint_of(settings)
        if store is not None and settings.structured == "auto":
            learned = store.structured_mode(endpoint, settings.model)
            if learned in MODES:
                transport.mode = learned
            transport.on_mode = lambda mode: store.save_structured_mode(
                endpoint, settings.model, mode
            )
        if store is not None and settings.max_tokens_field == "auto":
            field = store.endpoint_setting(endpoint, settings.model, "max_tokens_field")
            if field in TOKEN_FIELDS:
                transport.token_field = field
            transport.on_token_field = lambda field: store.save_endpoint_setting(
                endpoint, settings.model, "max_tokens_field", field
            )
        return cls(extractor, settings, gate)

    def key(self, paper: Paper) -> str:
        return request_key(
            sha256=paper.sha256,
            parser=parser_version(),
            engine="llm",
            model=self.settings.model,
            prompt_sha256=self.extractor.prompt_sha256,
            budget=self.settings.token_budget,
        )

    async def extract(self, paper: Paper, prepared: PreparedExcerpt | None = None) -> Extraction:
        excerpt, tokens = self.excerpt(paper, prepared)
        async with self._limit:
            tickets = [self.gate.reserve(paper.source, tokens)]
            admit = self._admitter(paper.source, tickets)  # a re-ask is reserved too
            try:
                extraction = await self.extractor.facts(paper, excerpt, admit)
            except ExtractionError as err:
                self._settle(tickets, err.usage)
                if isinstance(err, EndpointError):  # no other paper can be answered either
                    self.gate.stop(err.reason)
                raise
        self._settle(tickets, extraction.usage)
        return extraction

    def excerpt(self, paper: Paper, prepared: PreparedExcerpt | None = None) -> tuple[Excerpt, int]:
        """The excerpt to send and the request's input tokens (the prompts around it
        included): as the parse worker prepared them when they were cut from this paper under
        this budget, else selected and counted here."""
        if prepared is not None and self.budget.fits(prepared, paper):
            return prepared.excerpt, prepared.excerpt.tokens + prepared.prompt_tokens
        budget = self.settings.token_budget
        excerpt = select(paper, token_budget=budget, counter=self.counter)
        return excerpt, excerpt.tokens + self.extractor.overhead_tokens

    def _admitter(self, label: str, tickets: list[int]) -> Callable[[list[dict[str, str]]], None]:
        """What the extractor asks before each request after the first: the cost gate reserves
        it (its ticket joins `tickets`) or raises NotStartedError."""

        def admit(messages: list[dict[str, str]]) -> None:
            sent = sum(self.counter.count(m["content"]) for m in messages)
            tickets.append(self.gate.reserve(label, sent))

        return admit

    def _settle(self, tickets: list[int], usage: Usage | None) -> None:
        """Release every reservation of one paper; its spending is counted once."""
        self.gate.settle(tickets[0], usage)
        for ticket in tickets[1:]:
            self.gate.settle(ticket, None)

    def topic_key(self, titles: list[str]) -> str:
        """The key of the call that names a batch of these titles."""
        parts = [sorted(titles), self.extractor.topic_prompt_sha256, self.settings.model]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    async def topic(self, titles: list[str]) -> tuple[str, Usage]:
        """The batch's field, its call (and any re-ask) admitted by the limits like a paper's;
        NotStartedError when there is no room for it."""
        label = "report title"
        prompts = (self.extractor.topic_system.text, self.extractor.topic_user.text, *titles)
        tickets = [self.gate.reserve(label, sum(map(self.counter.count, prompts)))]
        admit = self._admitter(label, tickets)
        try:
            named, usage = await self.extractor.topic(sorted(titles), admit)
        except ExtractionError as err:
            self._settle(tickets, err.usage)
            raise
        self._settle(tickets, usage)
        return named, usage


async def cached(
    engine: Engine,
    store: Store | None,
    paper: Paper,
    *,
    refresh: bool = False,
    prepared: PreparedExcerpt | None = None,
) -> tuple[Extraction, bool]:
    """The engine's answer for this paper: the stored one for its key unless `refresh`, else a
    new one (`prepared`: its excerpt from the parse worker), stored at once (a failure too,
    with its cost). Returns it and whether it was stored before."""
    key = engine.key(paper)
    if store is not None and not refresh:
        stored = store.extraction(key)
        if stored is not None:
            return stored, True
    if store is None or not isinstance(engine, LlmEngine):  # nothing paid, or no one to share
        return await _ask(engine, store, key, paper, refresh, prepared)
    # one asker of a request per store, whatever process asks (digest.inflight)
    answered = await inflight.claim(store, key, partial(store.extraction, key), reuse=not refresh)
    if answered is not None:
        return answered, True
    try:
        return await _ask(engine, store, key, paper, refresh, prepared)
    finally:
        inflight.release(store, key)


async def _ask(
    engine: Engine,
    store: Store | None,
    key: str,
    paper: Paper,
    refresh: bool,
    prepared: PreparedExcerpt | None,
) -> tuple[Extraction, bool]:
    """The engine's new answer, stored at once (a failure too, with its cost)."""
    started = time.perf_counter()
    try:
        extraction = await engine.extract(paper, prepared)
    except ExtractionError as err:
        record(engine, store, key, paper, None, err.usage or Usage(), str(err), started)
        if refresh and store is not None and store.extraction(key) is not None:
            log.warning("%s: asking again failed; the stored answer is kept", paper.source)
        raise
    record(engine, store, key, paper, extraction, extraction.usage, None, started)
    return extraction, False


class BatchAnswers:
    """The answers the provider's Batch API gave, as stored by digest.pipeline.batch: the
    engine of a `run --batch` report. It never sends a request; a paper the store has no
    answer for fails, saying where its request stands (`why`, from the batch ledger)."""

    name: Literal["llm"] = "llm"

    def __init__(self, llm: LlmEngine, why: Callable[[str], str]) -> None:
        self.llm = llm
        self.model: str | None = llm.model
        self.token_budget: int | None = llm.token_budget
        self.why = why

    def key(self, paper: Paper) -> str:
        return self.llm.key(paper)

    async def extract(self, paper: Paper, prepared: PreparedExcerpt | None = None) -> Extraction:
        raise NotAnsweredError(f"{paper.source}: no batch answer: {self.why(self.key(paper))}")


def record(
    engine: Engine,
    store: Store | None,
    key: str,
    paper: Paper,
    extraction: Extraction | None,
    usage: Usage,
    error: str | None,
    started: float,
) -> None:
    """Store one outcome of a paper's request (a failure too, with what it cost)."""
    if store is None or isinstance(engine, BatchAnswers):  # its failures are the ledger's
        return
    store.save_extraction(
        key,
        sha256=paper.sha256,
        budget=engine.token_budget,
        extraction=extraction,
        engine=engine.name,
        model=extraction.model if extraction else engine.model,
        prompt_sha256=extraction.prompt_sha256 if extraction else None,
        usage=usage,
        error=error,
        seconds=round(time.perf_counter() - started, 3),
    )
