"""Pipeline: the only module that knows the order of the stages.

    discover -> ingest.parse_pdf -> select -> Extractor.facts  -> compose -> Report
                                    or offline.offline_facts     (no key, or --fallback offline)

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
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path

import httpx
from pydantic import ValidationError

from .compose import compose_brief, merge_institutions
from .errors import ConfigError, DigestError, ExtractionError, InputError
from .extract import Extractor, build_client
from .ingest import parse_pdf
from .models import Extraction, Paper, PaperResult, Report, Usage
from .offline import offline_facts
from .select import get_counter, select
from .settings import Settings
from .topics import topic_offline

__all__ = ["discover", "draft_offline", "run", "run_async", "sort_key"]

log = logging.getLogger(__name__)

DEFAULT_TITLE_SUFFIX = "技术论文分析报告"
FALLBACK_TITLE = "论文分析报告"
NO_ABSTRACT = "未能从PDF中提取到摘要，请核对原文"
NO_AUTHORS = "未能从PDF中识别出作者，作者数量未知"
FELL_BACK = "LLM未能生成本条简报，以下简报由离线引擎起草"

Progress = Callable[[PaperResult], None]


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """PDF files under the given folders (recursively) and the given files, each once, sorted.

    Inside folders, hidden entries are skipped (macOS `._x.pdf` forks, `.git/`, `.digest/`); a
    file named explicitly is always taken.
    """
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            candidates = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() == ".pdf"
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
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
    (no inputs, an LLM run without a key, broken prompts); per-paper problems land on the
    paper's result."""
    files = discover(paths)
    if not files:
        raise ConfigError(f"no PDF files found in {', '.join(str(p) for p in paths)}")
    workers = min(settings.parse_workers or os.cpu_count() or 1, len(files))
    async with AsyncExitStack() as stack:
        extractor = None
        if settings.resolved_engine == "llm":
            client = build_client(settings, http_client=http_client)
            await stack.enter_async_context(client)
            extractor = Extractor(client, settings)
        else:
            log.info("drafting every brief with the offline engine (engine=%s)", settings.engine)
        pool = stack.enter_context(_parse_pool(workers))
        limit = asyncio.Semaphore(settings.concurrency)

        async def one(path: Path) -> PaperResult:
            result = await _digest_one(path, extractor, settings, limit, pool)
            if progress is not None:
                progress(result)
            return result

        results = _merge_duplicates(list(await asyncio.gather(*(one(p) for p in files))))
        results.sort(key=sort_key)
        title, title_usage = await _name_report(settings, extractor, results)
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
    extractor: Extractor | None,
    settings: Settings,
    limit: asyncio.Semaphore,
    pool: Executor,
) -> PaperResult:
    """One file through every stage. `extractor` None means the offline engine."""
    started = time.perf_counter()
    source = str(path)
    try:
        paper = await asyncio.get_running_loop().run_in_executor(pool, parse_pdf, path)
    except InputError as err:
        return _failed(source, err, started)
    # What the reader of the report must know; the parser's diagnostics stay in paper.warnings.
    warnings = [NO_ABSTRACT] if not paper.abstract else []
    if not paper.authors:
        warnings.append(NO_AUTHORS)
    spent = Usage()
    fallback_error = None
    try:
        if extractor is None:
            extraction = draft_offline(paper)
        else:
            try:
                counter = get_counter(settings.model, settings.encoding)
                excerpt = select(paper, budget=settings.budget, counter=counter)
                async with limit:
                    extraction = await extractor.facts(paper, excerpt)
                spent = extraction.usage
            except ExtractionError as err:
                spent = err.usage or Usage()
                if settings.fallback != "offline":
                    raise
                extraction = draft_offline(paper)
                fallback_error = _cause(err, source)
                warnings.append(f"{FELL_BACK}: {fallback_error}")
    except ExtractionError as err:
        return _failed(source, err, started, paper=paper, usage=spent)
    institutions = merge_institutions(i.name for i in extraction.facts.institutions)
    return PaperResult(
        source=source,
        status="ok",
        paper=paper,
        extraction=extraction,
        brief=compose_brief(paper.title, extraction.facts),
        institutions=institutions or merge_institutions(paper.affiliations),
        warnings=warnings,
        fallback_error=fallback_error,
        usage=spent,
        seconds=round(time.perf_counter() - started, 3),
    )


def draft_offline(paper: Paper) -> Extraction:
    """The offline engine's facts as an Extraction record (no model, no tokens)."""
    try:
        facts = offline_facts(paper)
    except ValidationError as err:
        raise ExtractionError(
            f"{paper.source}: the offline engine found no usable facts ({err.error_count()} "
            "problems); configure an LLM to summarise this paper"
        ) from err
    return Extraction(engine="offline", facts=facts)


def _failed(
    source: str,
    err: DigestError,
    started: float,
    *,
    paper: Paper | None = None,
    usage: Usage | None = None,
) -> PaperResult:
    log.debug("%s failed", source, exc_info=True)
    return PaperResult(
        source=source,
        status="failed",
        error=_cause(err, source),
        paper=paper,
        usage=usage or Usage(),
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


async def _name_report(
    settings: Settings, extractor: Extractor | None, results: list[PaperResult]
) -> tuple[str, Usage]:
    """The report's heading: as given, else the LLM's name for the batch's field, else the
    offline keyword vote, else a plain heading."""
    if settings.title:
        return settings.title, Usage()
    papers = [r.paper for r in results if r.status == "ok" and r.paper is not None]
    if not papers:
        return FALLBACK_TITLE, Usage()
    usage = Usage()
    if extractor is not None:
        try:
            named, usage = await extractor.topic([p.title for p in papers])
            return f"{named}{DEFAULT_TITLE_SUFFIX}", usage
        except ExtractionError as err:
            log.warning("could not name the report with the LLM (%s); naming it offline", err)
            usage = err.usage or Usage()
    voted = topic_offline(papers)
    return (f"{voted}{DEFAULT_TITLE_SUFFIX}" if voted else FALLBACK_TITLE), usage
