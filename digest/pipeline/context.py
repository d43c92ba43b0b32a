"""What every paper of one run shares, opened once: settings, engine, store, limits, pools.

open_run builds it inside an AsyncExitStack, so everything it opens (the LLM client, the store,
the parse pool, the arXiv and Crossref clients, the stamp lookups) is closed when the run ends,
however it ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from ..batch import BatchLedger
from ..costs import price_for
from ..errors import ConfigError
from ..excerpt import Budget
from ..limits import Gate, RateLimiter
from ..settings import Settings
from ..store import Store
from .engines import BatchAnswers, Engine, LlmEngine, OfflineEngine
from .parsing import ParsePool, hash_files, open_pool

if TYPE_CHECKING:
    from ..sources.arxiv_client import ArxivClient

__all__ = ["RunContext", "no_running_loop", "open_run"]

log = logging.getLogger(__name__)


@dataclass
class RunContext:
    """What every paper of one run shares."""

    settings: Settings
    engine: Engine
    store: Store | None
    pool: ParsePool  # parses PDFs off the event loop (see parsing.py)
    gate: Gate
    limiter: RateLimiter
    stack: AsyncExitStack  # closes what is opened during the run (arXiv, Crossref clients)
    arxiv: Any = field(default=None)  # the run's one ArxivClient, opened on first use
    crossref: Any = field(default=None)  # the run's one CrossrefClient, opened on first use
    stamps: Any = field(default=None)  # the run's arXiv stamp lookups (stamps.StampQueue)
    unparsed: int = 0  # PDFs of the run not parsed yet: stamps that may still come
    hashes: dict[Path, str] = field(default_factory=dict)  # content hash of each readable PDF

    def arxiv_client(self) -> ArxivClient:
        """The run's one arXiv client (one connection, paced), opened on first use and closed
        with the run."""
        if self.arxiv is None:
            from ..sources.arxiv_client import ArxivClient  # its HTTP client only when needed

            self.arxiv = ArxivClient()
            self.stack.push_async_callback(self.arxiv.aclose)
        client: ArxivClient = self.arxiv
        return client


def no_running_loop(name: str) -> None:
    """Before asyncio.run: a clear ConfigError when called where a loop already runs."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise ConfigError(
        f"{name}() cannot run inside a running event loop (a notebook, an async app); "
        f"use `await {name}_async(...)` there"
    )


async def open_run(
    stack: AsyncExitStack,
    settings: Settings,
    http_client: httpx.AsyncClient | None = None,
    *,
    pdfs: Sequence[Path] = (),
) -> RunContext:
    """Open what a run needs. Raises ConfigError for settings that cannot work (no key for an
    LLM run, a cost limit for a model without a price) before anything is sent. The parse
    pool for `pdfs` starts before the LLM client is imported, so the two overlap."""
    price = price_for(settings.model)
    if settings.max_cost_usd is not None and price is None:
        raise ConfigError(
            f"--max-cost-usd needs the price of {settings.model}; add it to a price table "
            "(DIGEST_PRICES=prices.toml, see digest/data/prices.toml)"
        )
    limiter = RateLimiter(
        settings.rpm or (price.rpm if price else None),
        settings.tpm or (price.tpm if price else None),
    )
    gate = Gate(settings.max_cost_usd, price, settings.max_output_tokens)
    if settings.resolved_engine == "llm":
        settings.require_key()  # before the store file is made
    store = stack.enter_context(Store(settings.store)) if settings.store else None
    hashes = hash_files(pdfs)
    budget = _budget(settings) if settings.resolved_engine == "llm" and not settings.batch else None
    pool = stack.enter_context(open_pool(hashes, store, settings.parse_workers, budget=budget))
    engine: Engine
    if settings.resolved_engine == "llm":
        engine = await LlmEngine.open(stack, settings, http_client, limiter, gate, store)
        if settings.batch:  # the report of a `run --batch`: the batch's answers, no request
            if store is None:
                raise ConfigError("--batch keeps its batches in the store; give one (--store)")
            engine = BatchAnswers(engine, BatchLedger(store).why)
    else:
        log.info("drafting every brief with the offline engine (engine=%s)", settings.engine)
        engine = OfflineEngine()
    return RunContext(settings, engine, store, pool, gate, limiter, stack, hashes=hashes)


def _budget(settings: Settings) -> Budget:
    """The LLM engine's budget, for the parse workers to prepare each excerpt by (the engine
    checks that it is its own before using what they prepared)."""
    from ..llm.extractor import Extractor  # the prompts and settings; no client, no openai

    return Extractor(None, settings).budget
