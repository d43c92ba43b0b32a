"""A run: every input through gather -> engine -> results, concurrently, into one Report."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Protocol

import httpx

from .. import inflight
from ..errors import EndpointError, ExtractionError
from ..language.zh import ZH
from ..models import PaperResult, Report, Usage
from ..settings import Settings
from ..strings import match_key
from ..topics import topic_offline
from .context import RunContext, no_running_loop, open_run
from .engines import BatchAnswers, LlmEngine
from .gather import Ready, gather, resolve_inputs
from .results import digest_paper

__all__ = ["Progress", "run", "run_async", "sort_key"]

log = logging.getLogger(__name__)


class Progress(Protocol):
    """What the caller hears during a run (the CLI draws a bar or prints lines)."""

    def started(self, total: int) -> None:
        """How many results to expect (an upper bound: a PDF may absorb its arXiv entry)."""

    def read(self, count: int, total: int) -> None:
        """`count` of the run's `total` PDFs are parsed (or found unreadable); told as each
        one is, long before its LLM answer."""

    def done(self, result: PaperResult) -> None:
        """One paper is finished, ok or failed."""


def sort_key(result: PaperResult) -> tuple[str, str, str]:
    """The report's order: by title ignoring case, spaces and punctuation, then file name, then
    path (so papers finishing in any order always print alike)."""
    title = match_key(result.title) if result.paper else "\uffff"
    return title, Path(result.source).name.casefold(), result.source


def run(
    inputs: Sequence[Path | str],
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
    id_files: Sequence[Path] = (),
) -> Report:
    """Digest the inputs into a report. See :func:`run_async`."""
    no_running_loop("run")
    return asyncio.run(
        run_async(inputs, settings, http_client=http_client, progress=progress, id_files=id_files)
    )


async def run_async(
    inputs: Sequence[Path | str],
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
    id_files: Sequence[Path] = (),
) -> Report:
    """Digest the inputs (PDFs, folders, arXiv IDs, saved feeds, abstract files; see
    digest.inputs). Raises only for problems that stop the whole run (nothing to read, an LLM run
    without a key, broken prompts, an unusable store); per-paper problems land on the paper's
    result."""
    resolved = resolve_inputs(inputs, id_files)
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, settings, http_client, pdfs=resolved.pdfs)
        run_id = ctx.store.start_run() if ctx.store else None
        batch = await gather(resolved, ctx)
        if progress is not None:
            progress.started(batch.expected)

        def done(result: PaperResult) -> PaperResult:
            if progress is not None:
                progress.done(result)
            return result

        async def digest(ready: Ready) -> PaperResult:
            result = await digest_paper(ready.paper, ctx, ready.started, ready.prepared)
            result.warnings += ready.notices
            return done(result)

        results = [done(r) for r in batch.failures]
        tasks: list[asyncio.Task[PaperResult]] = []
        async with asyncio.TaskGroup() as group:
            async for item in batch.papers(progress.read if progress is not None else None):
                if isinstance(item, Ready):
                    tasks.append(group.create_task(digest(item)))
                else:
                    results.append(done(item))
            ctx.pool.release()  # every PDF is parsed: its workers go while the LLM answers
        results += [task.result() for task in tasks]
        results.sort(key=sort_key)
        if ctx.gate.stopped and results and not any(r.status == "ok" for r in results):
            raise EndpointError(ctx.gate.stopped, ctx.gate.stopped)  # nothing could be done
        title, title_usage = await _name_report(ctx, results)
        report = Report(
            title=title,
            generated_at=datetime.now().replace(microsecond=0),
            papers=results,
            title_usage=title_usage,
            http_requests=ctx.limiter.requests,
        )
        if ctx.store and run_id is not None:
            ctx.store.finish_run(run_id, report, settings.recorded())
    return report


async def _name_report(ctx: RunContext, results: list[PaperResult]) -> tuple[str, Usage]:
    """The report's heading: as given, else the LLM's name for the batch's field (stored like
    any answer), else the offline keyword vote, else a plain heading."""
    if ctx.settings.title:
        return ctx.settings.title, Usage()
    done = [r for r in results if r.status == "ok" and r.paper is not None]
    papers = [r.paper for r in done if r.paper is not None]
    if not papers:
        return ZH.untitled, Usage()
    usage = Usage()
    # a `run --batch` report names itself with one online call, as an online run does
    engine = ctx.engine.llm if isinstance(ctx.engine, BatchAnswers) else ctx.engine
    drafted_offline = all(r.engine == "offline" for r in done)  # its briefs: so its name
    if isinstance(engine, LlmEngine) and not ctx.gate.stopped and not drafted_offline:
        titles = [p.title for p in papers]
        try:
            return await _llm_heading(ctx, engine, titles)
        except ExtractionError as err:
            usage = err.usage or Usage()
            log.warning("could not name the report with the LLM (%s); naming it offline", err)
    voted = topic_offline(papers)
    return (ZH.report_title.format(topic=voted) if voted else ZH.untitled), usage


async def _llm_heading(ctx: RunContext, engine: LlmEngine, titles: list[str]) -> tuple[str, Usage]:
    """The LLM's name for the batch, stored like any answer, asked by one process at a time
    (digest.inflight); a failed --refresh keeps the name stored before."""
    store, key = ctx.store, engine.topic_key(titles)
    if store is None:
        named, usage = await engine.topic(titles)
        return ZH.report_title.format(topic=named), usage
    stored = store.title(key)
    if stored is not None and not ctx.settings.refresh:
        return stored[0], Usage()
    answered = await inflight.claim(store, key, partial(store.title, key), reuse=False)
    if answered is not None:  # named meanwhile by another process
        return answered[0], Usage()
    try:
        named, usage = await engine.topic(titles)
    except ExtractionError as err:
        if stored is None:
            raise
        log.warning("could not name the report again (%s); the stored name stands", err)
        return stored[0], err.usage or Usage()
    finally:
        inflight.release(store, key)
    heading = ZH.report_title.format(topic=named)
    store.save_title(key, heading, usage)
    return heading, usage
