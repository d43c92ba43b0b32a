"""Papers that need no PDF parsing: saved arXiv feeds, abstract files, arXiv IDs (paced API),
and --with-pdf downloads merged into their entries."""

from __future__ import annotations

import hashlib
import logging
import tempfile
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from pathlib import Path

from ..errors import (
    ArxivError,
    InputError,
)
from ..ingest.arxiv import ArxivClient, read_feed_file
from ..ingest.merge import merge_papers, versionless
from ..ingest.text import read_abstracts
from ..inputs import Inputs
from ..models import Paper, PaperResult
from .stages import _cause, _failed, _parsed, _Run

log = logging.getLogger(__name__)


async def _entries(
    resolved: Inputs, ctx: _Run, stack: AsyncExitStack, fail: Callable[[PaperResult], None]
) -> list[Paper]:
    """Papers that need no PDF parsing: saved feeds, abstract files, arXiv IDs (each once)."""
    entries: list[Paper] = []
    for path, read in [(p, read_feed_file) for p in resolved.feeds] + [
        (p, read_abstracts) for p in resolved.texts
    ]:
        try:
            entries += read(path)
        except InputError as err:
            fail(_failed(str(path), err, time.perf_counter()))
    if resolved.arxiv_ids:
        fetched, errors = await _fetch_arxiv(resolved.arxiv_ids, ctx, stack)
        if ctx.settings.with_pdf:
            fetched = [await _with_pdf(paper, ctx, stack) for paper in fetched]
        entries += fetched
        for arxiv_id, error in errors.items():
            fail(_failed(arxiv_id, ArxivError(f"{arxiv_id}: {error}"), time.perf_counter()))
    unique: dict[str, Paper] = {}
    for paper in entries:  # the same arXiv paper named twice (ID and feed) is one paper
        key = versionless(paper.arxiv_id) if paper.arxiv_id else paper.sha256
        unique.setdefault(key, paper)
    return list(unique.values())


async def _fetch_arxiv(
    ids: list[str], ctx: _Run, stack: AsyncExitStack
) -> tuple[list[Paper], dict[str, str]]:
    """arXiv metadata for the IDs: from the store when fetched before, else from the API (paced,
    batched), each new entry stored; an API that cannot answer fails its IDs, not the run."""
    found: list[Paper] = []
    missing = []
    for arxiv_id in ids:
        stored = ctx.store.arxiv_entry(arxiv_id) if ctx.store else None
        if stored is not None:
            found.append(stored)
        else:
            missing.append(arxiv_id)
    if not missing:
        return found, {}
    client = await _arxiv_client(ctx, stack)
    try:
        papers, errors = await client.fetch(missing)
    except ArxivError as err:
        return found, dict.fromkeys(missing, _cause(err, ""))
    for arxiv_id in missing:
        paper = papers.get(arxiv_id)
        if paper is None:
            errors.setdefault(arxiv_id, "arXiv has no paper with this ID")
            continue
        paper = paper.model_copy(update={"source": arxiv_id})
        if ctx.store is not None:
            ctx.store.save_arxiv_entry(arxiv_id, paper)
        found.append(paper)
    return found, {k: v for k, v in errors.items() if k in missing}


async def _arxiv_client(ctx: _Run, stack: AsyncExitStack) -> ArxivClient:
    """The run's one arXiv client (one connection, paced), opened on first use."""
    if ctx.arxiv is None:
        ctx.arxiv = await stack.enter_async_context(ArxivClient())
    return ctx.arxiv


async def _with_pdf(entry: Paper, ctx: _Run, stack: AsyncExitStack) -> Paper:
    """The entry merged with its PDF when the feed names no institution (--with-pdf).

    The PDF is kept beside the store (or in a temporary folder), so it is downloaded once; when
    it cannot be had or read, the entry stays as it is, with a warning.
    """
    if entry.affiliations or not entry.arxiv_id:
        return entry
    folder = ctx.settings.store.parent / "pdf" if ctx.settings.store else None
    if folder is None:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="digest-pdf-")))
    path = folder / (entry.arxiv_id.replace("/", "_") + ".pdf")
    try:
        if not path.is_file():
            data = await (await _arxiv_client(ctx, stack)).pdf(entry.arxiv_id)
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        pdf = await _parsed(path, sha256, ctx)
    except (ArxivError, InputError, OSError) as err:
        log.warning("%s: PDF not read (%s); using the feed's metadata only", entry.source, err)
        return entry.model_copy(update={"warnings": [*entry.warnings, f"PDF not read: {err}"]})
    return merge_papers(pdf, entry, source=entry.source)
