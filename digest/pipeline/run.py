"""A run: every input through the stages, concurrently, into one Report."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path
from typing import Protocol

import httpx

from ..errors import (
    ConfigError,
    ExtractionError,
)
from ..ingest.merge import Claims, title_key
from ..inputs import resolve
from ..models import Paper, PaperResult, Report, Usage
from ..settings import Settings
from ..topics import topic_offline
from .sources import _entries
from .stages import (
    DEFAULT_TITLE_SUFFIX,
    DUPLICATE,
    FALLBACK_TITLE,
    _digest_one,
    _digest_paper,
    _identify,
    _open,
    _Run,
    log,
)


class Progress(Protocol):
    """What the caller hears during a run (the CLI draws a bar or prints lines)."""

    def started(self, total: int) -> None:
        """How many results to expect (an upper bound: a PDF may absorb its arXiv entry)."""

    def done(self, result: PaperResult) -> None:
        """One paper is finished, ok or failed."""


def sort_key(result: PaperResult) -> tuple[str, str]:
    title = title_key(result.title) if result.paper else "\uffff"
    return title, Path(result.source).name.casefold()


def run(
    inputs: Sequence[Path | str],
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
    id_files: Sequence[Path] = (),
) -> Report:
    """Digest the inputs into a report. See :func:`run_async`."""
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
    resolved = resolve(inputs, id_files)
    if not resolved:
        raise ConfigError(f"no PDF files found in {', '.join(str(p) for p in inputs)}")
    async with AsyncExitStack() as stack:
        ctx = await _open(stack, settings, http_client, workers=max(1, len(resolved.pdfs)))
        run_id = ctx.store.start_run() if ctx.store else None
        results: list[PaperResult] = []

        def done(result: PaperResult) -> PaperResult:
            if progress is not None:
                progress.done(result)
            return result

        failures: list[PaperResult] = []
        entries = await _entries(resolved, ctx, stack, failures.append)
        claims = Claims(entries)
        groups, unreadable = _identify(resolved.pdfs)
        if progress is not None:
            progress.started(len(failures) + len(unreadable) + len(groups) + len(entries))
        results += [done(r) for r in failures + unreadable]

        async def pdf(sha256: str, group: list[Path]) -> PaperResult:
            result = await _digest_one(group[0], sha256, ctx, claims)
            result.warnings += [f"{DUPLICATE}: {other}" for other in group[1:]]
            return done(result)

        results += await asyncio.gather(*(pdf(h, g) for h, g in groups.items()))

        async def entry(paper: Paper) -> PaperResult:
            return done(await _digest_paper(paper, ctx, time.perf_counter()))

        results += await asyncio.gather(*(entry(p) for p in claims.unclaimed()))
        results.sort(key=sort_key)
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


async def _name_report(ctx: _Run, results: list[PaperResult]) -> tuple[str, Usage]:
    """The report's heading: as given, else the LLM's name for the batch's field (stored like
    any answer), else the offline keyword vote, else a plain heading."""
    if ctx.settings.title:
        return ctx.settings.title, Usage()
    papers = [r.paper for r in results if r.status == "ok" and r.paper is not None]
    if not papers:
        return FALLBACK_TITLE, Usage()
    usage = Usage()
    if ctx.extractor is not None and not ctx.gate.stopped:
        titles = sorted(p.title for p in papers)
        parts = [titles, ctx.extractor.topic_prompt_sha256, ctx.settings.model]
        key = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
        stored = ctx.store.title(key) if ctx.store and not ctx.settings.refresh else None
        if stored is not None:
            return stored[0], Usage()
        try:
            named, usage = await ctx.extractor.topic(titles)
            heading = f"{named}{DEFAULT_TITLE_SUFFIX}"
            if ctx.store is not None:
                ctx.store.save_title(key, heading, usage)
            return heading, usage
        except ExtractionError as err:
            log.warning("could not name the report with the LLM (%s); naming it offline", err)
            usage = err.usage or Usage()
    voted = topic_offline(papers)
    return (f"{voted}{DEFAULT_TITLE_SUFFIX}" if voted else FALLBACK_TITLE), usage
