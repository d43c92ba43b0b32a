"""One paper of the last run asked again, the rest of the batch untouched."""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from contextlib import AsyncExitStack
from pathlib import Path

import httpx

from ..errors import (
    ConfigError,
)
from ..models import PaperResult, Report, Usage
from ..settings import Settings
from .stages import (
    DUPLICATE,
    _llm_cached,
    _offline_cached,
    _open,
    _reader_warnings,
    _succeeded,
)


def regenerate(
    which: str, settings: Settings, *, http_client: httpx.AsyncClient | None = None
) -> tuple[Report, int, PaperResult]:
    """Ask again for one paper of the last run (by report number, path or hash prefix).

    Returns the updated report, the paper's index in it, and its previous result. The store's
    record of the run is updated, so `digest report` shows the new brief.
    """
    return asyncio.run(_regenerate(which, settings, http_client))


async def _regenerate(
    which: str, settings: Settings, http_client: httpx.AsyncClient | None
) -> tuple[Report, int, PaperResult]:
    if settings.store is None:
        raise ConfigError("regenerating a brief needs the store of the run that made it")
    async with AsyncExitStack() as stack:
        ctx = await _open(stack, settings, http_client, workers=1)
        assert ctx.store is not None
        report = ctx.store.last_report()
        index = find_paper(report, which)
        previous = report.papers[index]
        paper = previous.paper
        if paper is None:
            raise ConfigError(f"{previous.source}: this file could not be parsed; nothing to redo")
        started = time.perf_counter()
        if ctx.extractor is None:
            extraction, _ = _offline_cached(paper, ctx)
        else:
            extraction, _ = await _llm_cached(paper, ctx, refresh=True)
        duplicates = [w for w in previous.warnings if w.startswith(DUPLICATE)]
        spent = extraction.usage if ctx.extractor else Usage()
        fresh = _succeeded(paper, extraction, _reader_warnings(paper) + duplicates, spent, started)
        report.papers[index] = fresh
        ctx.store.replace_in_last_run(report)
    return report, index, previous


def find_paper(report: Report, which: str) -> int:
    """Index in report.papers of a paper named by its report number, file path or hash prefix."""
    ok = [i for i, r in enumerate(report.papers) if r.status == "ok"]
    if which.isdigit():
        number = int(which)
        if 1 <= number <= len(ok):
            return ok[number - 1]
        raise ConfigError(f"no paper number {number}: the last report has {len(ok)} papers")
    path = Path(which)
    if path.is_file():
        sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        matches = [i for i, r in enumerate(report.papers) if r.paper and r.paper.sha256 == sha256]
    else:
        matches = [i for i, r in enumerate(report.papers) if r.source == which]
        if not matches and re.fullmatch(r"[0-9a-f]{4,64}", which):
            matches = [
                i
                for i, r in enumerate(report.papers)
                if r.paper and r.paper.sha256.startswith(which)
            ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ConfigError(f"{which}: not a paper of the last report (number, path or hash prefix)")
    raise ConfigError(f"{which}: matches {len(matches)} papers; give a longer hash prefix")
