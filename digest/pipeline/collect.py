"""Collecting the Batch API's answers: poll the open batches, store what the finished ones
answered, and send what they call for in a next, smaller batch.

An answer is checked as an online one is (digest.llm.extractor): one that fails validation or
the checks is re-asked (--batch-reask batch: in the next batch; online; none), and with
--verify the answer that stands gets its meaning check (digest.llm.verify) in the next batch
too. A check's verdicts are applied to the stored answer when it comes back: a phrase it does
not support is left out, noted (a batch answer is not re-asked for meaning). A paper with a
re-ask or a check pending waits: its answer may still change.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import ValidationError

from ..batch import TERMINAL, BatchLedger, api, request_files
from ..costs import price_for
from ..errors import ExtractionError, InvalidOutputError
from ..models import Extraction, Paper, Usage
from ..settings import Settings
from .batch import (
    REASK,
    VERIFY,
    client_of,
    endpoint_url,
    files_folder,
    finish_files,
    opened,
    plan,
)
from .context import open_run
from .engines import LlmEngine, record

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = ["Collected", "collect_async"]

log = logging.getLogger(__name__)

FIRST_POLL = 5.0  # seconds between polls while waiting, growing by half up to LAST_POLL
LAST_POLL = 300.0


@dataclass
class Collected:
    """What a collection found."""

    answered: int = 0  # answers stored now
    failed: int = 0  # requests the batches gave no usable answer for
    open: list[dict[str, Any]] = field(default_factory=list)  # batches still running


async def collect_async(
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    wait: bool = False,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Collected:
    """Look at every open batch of this endpoint and store the answers of those that are done;
    with `wait`, poll (5 s, growing by half to 5 min) until none is open."""
    settings = settings.model_copy(update={"batch": False, "engine": "llm"})
    done = Collected()
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, settings, http_client)
        engine, ledger = opened(ctx)
        client, endpoint = client_of(engine), endpoint_url(settings)
        delay = FIRST_POLL
        while True:
            for row in ledger.open(endpoint):
                batch = await api.retrieve(client, row["id"])
                ledger.update(batch)
                if batch["status"] in TERMINAL:
                    answered, failed = await _collect(client, engine, ledger, row, batch)
                    done.answered += answered
                    done.failed += failed
            done.open = ledger.open(endpoint)
            if not done.open or not wait:
                return done
            await sleep(delay)
            delay = min(delay * 1.5, LAST_POLL)


async def _collect(
    client: AsyncOpenAI,
    engine: LlmEngine,
    ledger: BatchLedger,
    row: dict[str, Any],
    batch: dict[str, Any],
) -> tuple[int, int]:
    """Store the answers of one finished batch, and send the re-asks they call for in a new
    batch (--batch-reask batch) or online (online); (answers stored, requests failed)."""
    from ..llm.answer import Completion

    settings, extractor = engine.settings, engine.extractor
    papers = ledger.waiting(row["file_name"])
    outcomes: dict[str, str | None] = {}
    following: list[tuple[str, Paper, dict[str, Any]]] = []  # re-asks, checks: a next batch
    stored = 0
    lines = []
    for file_key in ("output_file_id", "error_file_id"):
        if batch.get(file_key):
            lines += await api.download(client, batch[file_key])
    for line in lines:
        custom_id = str(line.get("custom_id"))
        paper = papers.get(custom_id)
        if paper is None or custom_id in outcomes:
            continue  # not ours, or answered already (a line twice)
        key = custom_id.removesuffix(REASK).removesuffix(VERIFY)
        reasking, checking = custom_id.endswith(REASK), custom_id.endswith(VERIFY)
        started = time.perf_counter()
        response = _response(line)
        body = response.get("body")
        if response.get("status_code") != 200 or not isinstance(body, dict):
            outcomes[custom_id] = _line_error(line)
            continue
        extraction: Extraction | None
        try:
            completion = Completion.model_validate(body)
            if checking:
                extraction = _checked(engine, ledger, key, completion)
            elif settings.batch_reask == "batch" or reasking:
                excerpt, _ = engine.excerpt(paper)
                first = ledger.store.extraction(key) if reasking else None
                extraction, again, _ = extractor.batch_answer(
                    paper, excerpt, completion, first=first, reasking=reasking
                )
                if again is not None:
                    following.append((key + REASK, paper, extractor.body_of(again)))
                elif extraction is not None and settings.verifies:
                    following.append(_check(engine, key, paper, extraction))
            else:
                online = settings.batch_reask == "online"  # re-asked and checked online
                excerpt, _ = engine.excerpt(paper)
                extraction = await extractor.facts_from(paper, excerpt, completion, reask=online)
                if not online and settings.verifies:
                    following.append(_check(engine, key, paper, extraction))
        except ValidationError:
            outcomes[custom_id] = "the answer is not a chat completion"
        except ExtractionError as err:
            record(engine, ledger.store, key, paper, None, err.usage or Usage(), str(err),
                   started)  # fmt: skip
            outcomes[custom_id] = str(err)
        else:
            if extraction is not None:  # stored now: a re-ask may still better it
                record(engine, ledger.store, key, paper, extraction, extraction.usage, None,
                       started)  # fmt: skip
                stored += 1
            outcomes[custom_id] = None
    ledger.settle(outcomes)
    ledger.collected(batch["id"], _unanswered(batch))
    if following:  # a second, smaller batch: re-asks, and the meaning checks of answers
        folder, endpoint = files_folder(settings), endpoint_url(settings)
        fresh = plan(ledger, request_files(following), endpoint, settings.model, folder)
        made = await finish_files(client, ledger, endpoint, settings.model, folder, fresh=fresh)
        checks = sum(1 for custom_id, _, _ in following if custom_id.endswith(VERIFY))
        log.info("%d re-ask(s) and %d meaning check(s) in batch %s", len(following) - checks,
                 checks, ", ".join(made))  # fmt: skip
    failed = sum(1 for e in outcomes.values() if e) + len(set(papers) - set(outcomes))
    return stored, failed


def _check(
    engine: LlmEngine, key: str, paper: Paper, extraction: Extraction
) -> tuple[str, Paper, dict[str, Any]]:
    """The meaning check of an answer that stands, as a request of the next batch."""
    return key + VERIFY, paper, engine.extractor.verifier.body(extraction.facts)


def _checked(engine: LlmEngine, ledger: BatchLedger, key: str, completion: Any) -> Extraction:
    """The stored answer of `key` with a Batch API meaning check's verdicts applied (a verdict
    of "not" leaves its phrase out, noted: a batch answer is not re-asked for meaning)."""
    stored = ledger.store.extraction(key)
    if stored is None:
        raise InvalidOutputError(f"{key}: a meaning check came back for no stored answer")
    price = price_for(engine.settings.model)
    batch_price = price.batch() if price else None
    limit = engine.settings.max_output_tokens
    return engine.extractor.verifier.from_batch(stored, completion, batch_price, limit)


def _line_error(line: dict[str, Any]) -> str:
    """One line's failure, as the provider words it."""
    error = line.get("error")
    response = _response(line)
    if not isinstance(error, dict) and isinstance(response.get("body"), dict):
        error = response["body"].get("error")
    if isinstance(error, dict):
        kind = error.get("code") or error.get("type") or "error"
        return f"{kind}: {error.get('message') or ''}".strip(": ")
    return f"HTTP {response.get('status_code')}" if response else "no answer"


def _response(line: dict[str, Any]) -> dict[str, Any]:
    """A line's response (status_code, request_id, body), or {} when it has none."""
    response = line.get("response")
    return response if isinstance(response, dict) else {}


def _unanswered(batch: dict[str, Any]) -> str:
    """Why a request a finished batch did not answer has none."""
    errors = (batch.get("errors") or {}).get("data") or []
    said = "; ".join(str(e.get("message")) for e in errors if isinstance(e, dict))[:300]
    if batch["status"] == "completed":
        return "the batch completed without an answer for it"
    return f"the batch {batch['status']}" + (f": {said}" if said else "")
