"""A run through the provider's Batch API: submit now, collect when the provider is done.

    submit   gather -> one request per paper the store has no answer for and no batch holds
             -> JSONL files within the limits -> upload -> create a batch; each step recorded
             in the store before the next (digest.batch.ledger), so a stop anywhere resumes
    collect  poll each open batch (with back-off when waiting); when it is done, download its
             output and error files and check every answer as online ones are; store them
    report   an ordinary run whose engine only reads the stored answers (BatchAnswers)

Nothing is sent twice: a request waiting in a batch is not put in another; a file planned
before a stop is uploaded once (found again at the provider by its name), and a file uploaded
before a stop gets one batch (the provider's, found by its input file, if it was created).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from pydantic import ValidationError

from ..batch import TERMINAL, BatchLedger, RequestFile, api, request_files
from ..costs import price_for
from ..errors import ConfigError, ExtractionError, NotStartedError
from ..limits import Gate
from ..models import Extraction, Paper, PaperResult, Usage
from ..settings import Settings
from .context import RunContext, open_run
from .engines import LlmEngine, record
from .gather import Ready, gather, resolve_inputs

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = [
    "Collected",
    "Submitted",
    "batch_status",
    "cancel_async",
    "collect_async",
    "submit_async",
]

log = logging.getLogger(__name__)

REASK = "#reask"  # a re-ask's custom_id: its paper's request key and this mark
FIRST_POLL = 5.0  # seconds between polls while waiting, growing by half up to LAST_POLL
LAST_POLL = 300.0


@dataclass
class Submitted:
    """What a submission did."""

    sent: int = 0  # requests put in new batches now
    answered: int = 0  # papers the store already had answers for
    waiting: int = 0  # papers already waiting in a batch
    not_started: int = 0  # papers --max-cost-usd left out (reserved at the batch price)
    batches: list[str] = field(default_factory=list)  # batches made now (or resumed from a stop)
    failures: list[PaperResult] = field(default_factory=list)  # inputs that could not be read


@dataclass
class Collected:
    """What a collection found."""

    answered: int = 0  # answers stored now
    failed: int = 0  # requests the batches gave no usable answer for
    open: list[dict[str, Any]] = field(default_factory=list)  # batches still running


async def submit_async(
    inputs: Sequence[Path | str],
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    id_files: Sequence[Path] = (),
) -> Submitted:
    """Read the inputs as a run does and put one request per paper that has no stored answer
    and is not waiting in a batch into new batches; returns at once."""
    settings = settings.model_copy(update={"batch": False, "engine": "llm"})
    resolved = resolve_inputs(inputs, id_files)
    done = Submitted()
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, settings, http_client, pdfs=resolved.pdfs)
        engine, ledger = _opened(ctx)
        store = ledger.store
        client, endpoint = _client(engine), _endpoint(settings)
        folder = _folder(settings)
        # files an earlier process planned or uploaded and stopped before their batch
        done.batches = await _finish_files(
            client, ledger, endpoint, settings.model, folder, fresh=set()
        )
        waiting = ledger.pending()
        price = price_for(settings.model)  # what the batch commits, at its worst case
        gate = Gate(settings.max_cost_usd, price.batch() if price else None,
                    settings.max_output_tokens)  # fmt: skip
        gathered = await gather(resolved, ctx)
        done.failures += gathered.failures
        requests = []
        async for item in gathered.papers(None):
            if not isinstance(item, Ready):
                done.failures.append(item)
                continue
            key = engine.key(item.paper)
            if store.extraction(key) is not None and not settings.refresh:
                done.answered += 1
            elif key in waiting or key + REASK in waiting:
                done.waiting += 1
            else:
                excerpt, tokens = engine.excerpt(item.paper, item.prepared)
                try:
                    gate.reserve(item.paper.source, tokens)
                except NotStartedError as err:
                    if not done.not_started:
                        log.warning("%s", err)
                    done.not_started += 1
                    continue
                requests.append(
                    (key, item.paper, engine.extractor.request_body(item.paper, excerpt))
                )
        fresh = _plan(ledger, request_files(requests), endpoint, settings.model, folder)
        done.sent = len(requests)
        done.batches += await _finish_files(
            client, ledger, endpoint, settings.model, folder, fresh=fresh
        )
    return done


def _plan(
    ledger: BatchLedger, files: list[RequestFile], endpoint: str, model: str, folder: Path
) -> set[str]:
    """Write each file beside the store and record it (with its papers) before any upload;
    the names planned."""
    names = set()
    folder.mkdir(parents=True, exist_ok=True)
    for planned in files:
        name = planned.name(ledger.planned_before(planned.sha256))
        (folder / name).write_bytes(planned.content)
        ledger.plan(name, planned.sha256, endpoint, model, planned.papers)
        names.add(name)
    return names


async def _finish_files(
    client: AsyncOpenAI,
    ledger: BatchLedger,
    endpoint: str,
    model: str,
    folder: Path,
    *,
    fresh: set[str],
) -> list[str]:
    """Upload and make the batch of every file planned without a batch recorded: the files
    of this submission (`fresh`) and any an earlier process left half done. Returns the ids
    of the batches made or found."""
    made = []
    for row in ledger.unfinished_files(endpoint, model):
        name, file_id = row["name"], row["file_id"]
        earlier = name not in fresh
        batch = None
        if file_id is None:
            file_id = await api.find_file(client, name) if earlier else None
            if file_id is None:
                try:
                    content = (folder / name).read_bytes()
                except OSError as err:  # removed while the process was stopped
                    log.warning("%s was never uploaded and is gone (%s); its papers are "
                                "sent again", name, err.strerror)  # fmt: skip
                    ledger.abandon(name, f"its request file {name} was lost before the upload")
                    continue
                file_id = await api.upload(client, name, content)
            ledger.uploaded(name, file_id)
        elif earlier:  # uploaded before a stop: its batch may have been made before it too
            batch = await api.find_batch(client, file_id)
        if batch is None:
            batch = await api.create(client, file_id, name)
        ledger.created(name, batch)
        (folder / name).unlink(missing_ok=True)  # the provider holds it now
        log.info("batch %s: %s (%s)", batch["id"], name, batch.get("status"))
        made.append(batch["id"])
    return made


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
        engine, ledger = _opened(ctx)
        client, endpoint = _client(engine), _endpoint(settings)
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
    reasks: list[tuple[str, Paper, dict[str, Any]]] = []
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
        key, reasking = custom_id.removesuffix(REASK), custom_id.endswith(REASK)
        started = time.perf_counter()
        response = _response(line)
        body = response.get("body")
        if response.get("status_code") != 200 or not isinstance(body, dict):
            outcomes[custom_id] = _line_error(line)
            continue
        extraction: Extraction | None
        try:
            completion = Completion.model_validate(body)
            excerpt, _ = engine.excerpt(paper)
            if settings.batch_reask == "batch" or reasking:
                first = ledger.store.extraction(key) if reasking else None
                extraction, again, _ = extractor.batch_answer(
                    paper, excerpt, completion, first=first, reasking=reasking
                )
                if again is not None:
                    reasks.append((key + REASK, paper, extractor.body_of(again)))
            else:
                extraction = await extractor.facts_from(
                    paper, excerpt, completion, reask=settings.batch_reask == "online"
                )
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
    if reasks:  # a second, smaller batch
        folder, endpoint = _folder(settings), _endpoint(settings)
        fresh = _plan(ledger, request_files(reasks), endpoint, settings.model, folder)
        made = await _finish_files(client, ledger, endpoint, settings.model, folder, fresh=fresh)
        log.info("%d answer(s) re-asked in batch %s", len(reasks), ", ".join(made))
    failed = sum(1 for e in outcomes.values() if e) + len(set(papers) - set(outcomes))
    return stored, failed


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


async def cancel_async(
    settings: Settings, batch_id: str | None = None, *, http_client: httpx.AsyncClient | None = None
) -> list[dict[str, Any]]:
    """Cancel one open batch, or all of this endpoint's; the batches as the provider then
    describes them (the answers it already has are collected like any others)."""
    settings = settings.model_copy(update={"batch": False, "engine": "llm"})
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, settings, http_client)
        engine, ledger = _opened(ctx)
        rows = [r for r in ledger.open(_endpoint(settings)) if batch_id in (None, r["id"])]
        if batch_id is not None and not rows:
            raise ConfigError(f"no open batch {batch_id} in {settings.store}")
        cancelled = []
        for row in rows:
            batch = await api.cancel(_client(engine), row["id"])
            ledger.update(batch)
            cancelled.append(batch)
        return cancelled


def batch_status(store: Path) -> list[dict[str, Any]]:
    """Every batch the store at this path knows, newest first, as last seen (no request is
    made; a store that does not exist knows none)."""
    from ..store import Store

    if not store.is_file():
        return []
    with Store(store) as opened:
        return BatchLedger(opened).all()


def _opened(ctx: RunContext) -> tuple[LlmEngine, BatchLedger]:
    """The run's LLM engine and the batch ledger of its store (ConfigError without one)."""
    if ctx.store is None:
        raise ConfigError("--batch keeps its batches in the store; give one (--store)")
    assert isinstance(ctx.engine, LlmEngine)  # the settings were made engine="llm"
    return ctx.engine, BatchLedger(ctx.store)


def _client(engine: LlmEngine) -> AsyncOpenAI:
    assert engine.extractor.transport is not None
    return engine.extractor.transport.client


def _endpoint(settings: Settings) -> str:
    from ..llm import endpoint_of

    return endpoint_of(settings)


def _folder(settings: Settings) -> Path:
    """Where input files wait between being written and being uploaded."""
    assert settings.store is not None
    return settings.store.parent / "batches"
