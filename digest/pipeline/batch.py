"""A run through the provider's Batch API: submit now, collect when the provider is done.

    submit   gather -> one request per paper the store has no answer for and no batch holds
             -> JSONL files within the limits -> upload -> create a batch; each step recorded
             in the store before the next (digest.batch.ledger), so a stop anywhere resumes
    collect  poll each open batch (digest.pipeline.collect): store the answers of those done,
             checked as online ones are, and send their re-asks and meaning checks
    report   an ordinary run whose engine only reads the stored answers (BatchAnswers)

Nothing is sent twice: a request waiting in a batch is not put in another; a file planned
before a stop is uploaded once (found again at the provider by its name), and a file uploaded
before a stop gets one batch (the provider's, found by its input file, if it was created).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from ..batch import BatchLedger, RequestFile, api, request_files
from ..costs import price_for
from ..errors import ConfigError, NotStartedError
from ..limits import Gate
from ..models import PaperResult
from ..settings import Settings
from .context import RunContext, open_run
from .engines import LlmEngine
from .gather import Ready, gather, resolve_inputs

if TYPE_CHECKING:
    from openai import AsyncOpenAI

__all__ = [
    "FOLLOW_UPS",
    "REASK",
    "VERIFY",
    "Submitted",
    "batch_status",
    "cancel_async",
    "client_of",
    "endpoint_url",
    "files_folder",
    "finish_files",
    "opened",
    "plan",
    "submit_async",
]

log = logging.getLogger(__name__)

REASK = "#reask"  # a re-ask's custom_id: its paper's request key and this mark
VERIFY = "#verify"  # a meaning check's custom_id (digest.llm.verify), likewise
FOLLOW_UPS = (REASK, VERIFY)


@dataclass
class Submitted:
    """What a submission did."""

    sent: int = 0  # requests put in new batches now
    answered: int = 0  # papers the store already had answers for
    waiting: int = 0  # papers already waiting in a batch
    not_started: int = 0  # papers --max-cost-usd left out (reserved at the batch price)
    batches: list[str] = field(default_factory=list)  # batches made now (or resumed from a stop)
    failures: list[PaperResult] = field(default_factory=list)  # inputs that could not be read


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
        engine, ledger = opened(ctx)
        store = ledger.store
        client, endpoint = client_of(engine), endpoint_url(settings)
        folder = files_folder(settings)
        # files an earlier process planned or uploaded and stopped before their batch
        done.batches = await finish_files(
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
            if any(key + mark in waiting for mark in ("", *FOLLOW_UPS)):
                done.waiting += 1  # its answer may still change: a re-ask, a check pending
            elif store.extraction(key) is not None and not settings.refresh:
                done.answered += 1
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
        fresh = plan(ledger, request_files(requests), endpoint, settings.model, folder)
        done.sent = len(requests)
        done.batches += await finish_files(
            client, ledger, endpoint, settings.model, folder, fresh=fresh
        )
    return done


def plan(
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


async def finish_files(
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


async def cancel_async(
    settings: Settings, batch_id: str | None = None, *, http_client: httpx.AsyncClient | None = None
) -> list[dict[str, Any]]:
    """Cancel one open batch, or all of this endpoint's; the batches as the provider then
    describes them (the answers it already has are collected like any others)."""
    settings = settings.model_copy(update={"batch": False, "engine": "llm"})
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, settings, http_client)
        engine, ledger = opened(ctx)
        rows = [r for r in ledger.open(endpoint_url(settings)) if batch_id in (None, r["id"])]
        if batch_id is not None and not rows:
            raise ConfigError(f"no open batch {batch_id} in {settings.store}")
        cancelled = []
        for row in rows:
            batch = await api.cancel(client_of(engine), row["id"])
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


def opened(ctx: RunContext) -> tuple[LlmEngine, BatchLedger]:
    """The run's LLM engine and the batch ledger of its store (ConfigError without one)."""
    if ctx.store is None:
        raise ConfigError("--batch keeps its batches in the store; give one (--store)")
    assert isinstance(ctx.engine, LlmEngine)  # the settings were made engine="llm"
    return ctx.engine, BatchLedger(ctx.store)


def client_of(engine: LlmEngine) -> AsyncOpenAI:
    assert engine.extractor.transport is not None
    return engine.extractor.transport.client


def endpoint_url(settings: Settings) -> str:
    from ..llm import endpoint_of

    return endpoint_of(settings)


def files_folder(settings: Settings) -> Path:
    """Where input files wait between being written and being uploaded."""
    assert settings.store is not None
    return settings.store.parent / "batches"
