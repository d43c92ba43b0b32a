"""What every paper of one run shares, opened once: settings, engine, store, limits, pools.

open_run builds it inside an AsyncExitStack, so everything it opens (the LLM client, the store,
the parse pool, the arXiv and Crossref clients) is closed when the run ends, however it ends.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..costs import price_for
from ..errors import ConfigError
from ..limits import Gate, RateLimiter
from ..settings import Settings
from ..store import Store
from ..workers import LOGGERS, quiet_like_parent
from .engines import Engine, LlmEngine, OfflineEngine

__all__ = ["RunContext", "open_run"]

log = logging.getLogger(__name__)


@dataclass
class RunContext:
    """What every paper of one run shares."""

    settings: Settings
    engine: Engine
    store: Store | None
    pool: Executor  # parses PDFs off the event loop
    gate: Gate
    limiter: RateLimiter
    stack: AsyncExitStack  # closes what is opened during the run (arXiv, Crossref clients)
    arxiv: Any = field(default=None)  # the run's one ArxivClient, opened on first use
    crossref: Any = field(default=None)  # the run's one CrossrefClient, opened on first use


async def open_run(
    stack: AsyncExitStack,
    settings: Settings,
    http_client: httpx.AsyncClient | None = None,
    *,
    workers: int = 1,
) -> RunContext:
    """Open what a run needs. Raises ConfigError for settings that cannot work (no key for an
    LLM run, a cost limit for a model without a price) before anything is sent."""
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
    engine: Engine
    if settings.resolved_engine == "llm":
        engine = await LlmEngine.open(stack, settings, http_client, limiter, gate, store)
    else:
        log.info("drafting every brief with the offline engine (engine=%s)", settings.engine)
        engine = OfflineEngine()
    workers = min(settings.parse_workers or os.cpu_count() or 1, workers)
    pool = stack.enter_context(_parse_pool(workers))
    return RunContext(settings, engine, store, pool, gate, limiter, stack)


def _parse_pool(workers: int) -> Executor:
    """Processes for parsing when there is more than one core and paper; else a thread. A
    worker imports only digest.workers and digest.pdf (see digest.workers)."""
    if workers <= 1:
        return ThreadPoolExecutor(max_workers=1)
    levels = {name: logging.getLogger(name).getEffectiveLevel() for name in LOGGERS}
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=quiet_like_parent,
        initargs=(levels,),
    )
