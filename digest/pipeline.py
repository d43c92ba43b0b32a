"""Pipeline: the only module that knows the order of the stages.

    discover -> ingest.parse_pdf -> select -> Extractor.facts -> compose -> Report

Papers run concurrently (at most `settings.concurrency` LLM calls at once). Parsing is pure-Python
CPU work, so it runs in a pool of worker processes (one per core) and never blocks the calls in
flight. One paper's failure is recorded on its result and
never stops the batch. Papers are reported in a stable order: by title, case-insensitively,
ignoring spaces and punctuation (the seed report's order), then by file name.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import httpx

from .compose import compose_brief, merge_institutions
from .errors import ConfigError, DigestError, ExtractionError, InputError
from .extract import Extractor, build_client
from .ingest import parse_pdf
from .models import Paper, PaperResult, Report, Usage
from .select import get_counter, select
from .settings import Settings

__all__ = ["discover", "run", "run_async", "sort_key"]

log = logging.getLogger(__name__)

DEFAULT_TITLE_SUFFIX = "技术论文分析报告"
FALLBACK_TITLE = "论文分析报告"
NO_ABSTRACT = "未能从PDF中提取到摘要，请核对原文"
NO_AUTHORS = "未能从PDF中识别出作者，作者数量未知"

Progress = Callable[[PaperResult], None]


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """PDF files under the given folders (recursively) and the given files, each once, sorted."""
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*") if p.suffix.lower() == ".pdf")
            for candidate in candidates:
                if candidate.is_file():
                    found.setdefault(candidate.resolve(), candidate)
        elif path.exists():
            found.setdefault(path.resolve(), path)
        else:
            raise ConfigError(f"{path}: no such file or folder")
    return sorted(found.values())


def sort_key(result: PaperResult) -> tuple[str, str]:
    title = re.sub(r"[\W_]+", "", result.title.casefold()) if result.paper else "\uffff"
    return title, Path(result.source).name.casefold()


def run(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
) -> Report:
    """Digest the PDFs found under `paths` into a report. See :func:`run_async`."""
    return asyncio.run(run_async(paths, settings, http_client=http_client, progress=progress))


async def run_async(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    http_client: httpx.AsyncClient | None = None,
    progress: Progress | None = None,
) -> Report:
    """Digest the PDFs found under `paths`. Raises only for problems that stop the whole run
    (no inputs, no API key, broken prompts); per-paper problems land on the paper's result."""
    files = discover(paths)
    if not files:
        raise ConfigError(f"no PDF files found in {', '.join(str(p) for p in paths)}")
    client = build_client(settings, http_client=http_client)
    workers = min(settings.parse_workers or os.cpu_count() or 1, len(files))
    async with client:
        extractor = Extractor(client, settings)
        limit = asyncio.Semaphore(settings.concurrency)
        with _parse_pool(workers) as pool:

            async def one(path: Path) -> PaperResult:
                result = await _digest_one(path, extractor, settings, limit, pool)
                if progress is not None:
                    progress(result)
                return result

            results = await asyncio.gather(*(one(path) for path in files))
        results = _merge_duplicates(list(results))
        results.sort(key=sort_key)
        if settings.title:
            title, title_usage = settings.title, Usage()
        else:
            title, title_usage = await _infer_title(extractor, results)
    return Report(
        title=title,
        generated_at=datetime.now().replace(microsecond=0),
        papers=results,
        title_usage=title_usage,
    )


def _parse_pool(workers: int) -> Executor:
    """Processes for parsing when there is more than one core and paper; else a thread."""
    if workers <= 1:
        return ThreadPoolExecutor(max_workers=1)
    levels = {name: logging.getLogger(name).getEffectiveLevel() for name in ("", "digest", "pypdf")}
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_quiet_like_parent,
        initargs=(levels,),
    )


def _quiet_like_parent(levels: dict[str, int]) -> None:
    """In a worker: log no more than the parent process would (e.g. no pypdf noise without -v)."""
    logging.basicConfig(level=levels[""], format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


async def _digest_one(
    path: Path,
    extractor: Extractor,
    settings: Settings,
    limit: asyncio.Semaphore,
    pool: Executor,
) -> PaperResult:
    started = time.perf_counter()
    source = str(path)
    paper: Paper | None = None
    try:
        paper = await asyncio.get_running_loop().run_in_executor(pool, parse_pdf, path)
        counter = get_counter(settings.model, settings.encoding)
        excerpt = select(paper, budget=settings.budget, counter=counter)
        async with limit:
            extraction = await extractor.facts(paper, excerpt)
    except (InputError, ExtractionError) as err:
        log.debug("%s failed", source, exc_info=True)
        spent = err.usage if isinstance(err, ExtractionError) and err.usage else Usage()
        return PaperResult(
            source=source,
            status="failed",
            error=_cause(err, source),
            paper=paper,
            usage=spent,
            seconds=round(time.perf_counter() - started, 3),
        )
    # What the reader of the report must know; the parser's diagnostics stay in paper.warnings.
    warnings = [NO_ABSTRACT] if not paper.abstract else []
    if not paper.authors:
        warnings.append(NO_AUTHORS)
    institutions = merge_institutions(i.name for i in extraction.facts.institutions)
    return PaperResult(
        source=source,
        status="ok",
        paper=paper,
        extraction=extraction,
        brief=compose_brief(paper.title, extraction.facts),
        institutions=institutions or merge_institutions(paper.affiliations),
        warnings=warnings,
        usage=extraction.usage,
        seconds=round(time.perf_counter() - started, 3),
    )


def _cause(err: DigestError, source: str) -> str:
    """The error's message without the leading file name (the report line already has it)."""
    message = str(err)
    prefix = f"{source}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def _merge_duplicates(results: list[PaperResult]) -> list[PaperResult]:
    """The same content under two names is one paper: keep the first, note the others."""
    by_hash: dict[str, PaperResult] = {}
    kept = []
    for result in sorted(results, key=lambda r: r.source):
        digest = result.paper.sha256 if result.paper else None
        if digest and digest in by_hash:
            by_hash[digest].warnings.append(f"同一论文的另一份文件: {result.source}")
            continue
        if digest:
            by_hash[digest] = result
        kept.append(result)
    return kept


async def _infer_title(extractor: Extractor, results: list[PaperResult]) -> tuple[str, Usage]:
    titles = [r.title for r in results if r.status == "ok"]
    if not titles:
        return FALLBACK_TITLE, Usage()
    try:
        topic, usage = await extractor.topic(titles)
    except ExtractionError as err:
        log.warning("could not infer the report title (%s); using %r", err, FALLBACK_TITLE)
        return FALLBACK_TITLE, err.usage or Usage()
    return f"{topic}{DEFAULT_TITLE_SUFFIX}", usage
