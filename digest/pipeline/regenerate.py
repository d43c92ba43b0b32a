"""One paper of the last run asked again, the rest of the batch untouched."""

from __future__ import annotations

import asyncio
import time
from contextlib import AsyncExitStack

import httpx

from ..errors import ConfigError
from ..models import PaperResult, Report, Usage
from ..settings import Settings
from .context import no_running_loop, open_run
from .engines import cached
from .history import find_paper
from .results import reader_notices, succeeded

__all__ = ["regenerate", "regenerate_async"]


def regenerate(
    which: str, settings: Settings, *, http_client: httpx.AsyncClient | None = None
) -> tuple[Report, int, PaperResult]:
    """Ask again for one paper of the last run (by report number, path or hash prefix).

    Returns the updated report, the paper's index in it, and its previous result. The store's
    record of the run is updated, so `digest report` shows the new brief.
    """
    no_running_loop("regenerate")
    return asyncio.run(regenerate_async(which, settings, http_client=http_client))


async def regenerate_async(
    which: str, settings: Settings, *, http_client: httpx.AsyncClient | None = None
) -> tuple[Report, int, PaperResult]:
    """See :func:`regenerate`."""
    if settings.store is None:
        raise ConfigError("regenerating a brief needs the store of the run that made it")
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, settings, http_client)
        assert ctx.store is not None
        report = ctx.store.last_report()
        index = find_paper(report, which)
        previous = report.papers[index]
        paper = previous.paper
        if paper is None:
            raise ConfigError(f"{previous.source}: this file could not be parsed; nothing to redo")
        started = time.perf_counter()
        extraction, _ = await cached(ctx.engine, ctx.store, paper, refresh=ctx.engine.name == "llm")
        duplicates = [n for n in previous.warnings if n.code == "duplicate"]
        spent = extraction.usage if ctx.engine.name == "llm" else Usage()
        fresh = succeeded(paper, extraction, reader_notices(paper), spent, started)
        fresh.warnings += duplicates
        report.papers[index] = fresh
        ctx.store.replace_in_last_run(report)
    return report, index, previous
