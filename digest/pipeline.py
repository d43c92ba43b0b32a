"""Pipeline: the only module that knows the order of the stages.

    inputs.resolve -> PDFs: identify (content hash) -> ingest.parse_pdf -+-> select
                   -> arXiv IDs, feeds, abstract files -> Paper ---------+   -> Extractor.facts
                                  (a PDF and its entry are merged: ingest.merge)  or offline_facts
                   -> compose -> Report

With a store (Settings.store), every stage first asks it: a paper already parsed is not parsed
again, an extraction whose request key is done is not requested again, and each new result is
committed as soon as it exists, so an interrupted run resumes where it stopped.

Papers run concurrently (at most `settings.concurrency` LLM calls at once). Parsing is pure-Python
CPU work, so it runs in a pool of worker processes (one per core) and never blocks the calls in
flight. One paper's failure is recorded on its result and never stops the batch. Files with the
same content are one paper, processed once. Papers are reported in a stable order: by title,
case-insensitively, ignoring spaces and punctuation (the seed report's order), then by file name.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import multiprocessing
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

import httpx
from pydantic import BaseModel, Field, ValidationError

from .compose import compose_brief, institution_disagreements, merge_institutions
from .costs import load_prices, price_for
from .errors import (
    ArxivError,
    ConfigError,
    DigestError,
    ExtractionError,
    InputError,
    NotAPDFError,
)
from .extract import MODES, Extractor, build_client
from .ingest import parse_pdf, parser_version
from .ingest.arxiv import ArxivClient, read_feed_file
from .ingest.merge import Claims, merge_papers, versionless
from .ingest.text import read_abstracts
from .inputs import Inputs, resolve
from .limits import Gate, RateLimiter, hooks
from .models import Extraction, Paper, PaperResult, Report, Usage
from .offline import offline_facts, offline_version
from .select import get_counter, select
from .settings import Settings
from .store import Store, request_key
from .topics import topic_offline

__all__ = [
    "Estimate",
    "draft_offline",
    "estimate",
    "find_paper",
    "regenerate",
    "run",
    "run_async",
    "sort_key",
]

log = logging.getLogger(__name__)

DEFAULT_TITLE_SUFFIX = "技术论文分析报告"
FALLBACK_TITLE = "论文分析报告"
NO_ABSTRACT = "未能从PDF中提取到摘要，请核对原文"
NO_AUTHORS = "未能从PDF中识别出作者，作者数量未知"
FELL_BACK = "LLM未能生成本条简报，以下简报由离线引擎起草"
DUPLICATE = "同一论文的另一份文件"
UNCHECKED = "核对未通过（重问一次后仍然如此，请对照原文）"


class Progress(Protocol):
    """What the caller hears during a run (the CLI draws a bar or prints lines)."""

    def started(self, total: int) -> None:
        """How many results to expect (an upper bound: a PDF may absorb its arXiv entry)."""

    def done(self, result: PaperResult) -> None:
        """One paper is finished, ok or failed."""


def sort_key(result: PaperResult) -> tuple[str, str]:
    title = re.sub(r"[\W_]+", "", result.title.casefold()) if result.paper else "\uffff"
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


@dataclass
class _Run:
    """What every paper of one run shares."""

    settings: Settings
    extractor: Extractor | None  # None: the offline engine
    store: Store | None
    limit: asyncio.Semaphore
    pool: Executor
    gate: Gate
    limiter: RateLimiter
    arxiv: ArxivClient | None = None


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


EXPECTED_OUTPUT_TOKENS = 350  # a PaperFacts answer: ~150-400 tokens of JSON and Chinese
TITLE_OUTPUT_TOKENS = 30


class Estimate(BaseModel):
    """What a run would send, counted locally, before any LLM call."""

    papers: int = Field(description="Readable papers.")
    stored: int = Field(description="Papers the store already has answers for: no call.")
    failed: list[PaperResult] = Field(default_factory=list)
    calls: int = 0
    title_call: bool = False
    prompt_tokens: dict[str, int] = Field(
        default_factory=dict, description="Input tokens per tiktoken encoding."
    )
    output_tokens: int = 0


def estimate(
    inputs: Sequence[Path | str], settings: Settings, *, id_files: Sequence[Path] = ()
) -> Estimate:
    """Parse the inputs and count the tokens a run with these settings would send."""
    return asyncio.run(_estimate(inputs, settings, id_files))


async def _estimate(
    inputs: Sequence[Path | str], settings: Settings, id_files: Sequence[Path]
) -> Estimate:
    resolved = resolve(inputs, id_files)
    if not resolved:
        raise ConfigError(f"no PDF files found in {', '.join(str(p) for p in inputs)}")
    failed: list[PaperResult] = []
    offline = settings.model_copy(update={"engine": "offline"})  # no client, no call
    async with AsyncExitStack() as stack:
        ctx = await _open(stack, offline, None, workers=max(1, len(resolved.pdfs)))
        claims = Claims(await _entries(resolved, ctx, stack, failed.append))
        groups, unreadable = _identify(resolved.pdfs)
        failed += unreadable
        papers: list[Paper] = []
        for sha256, group in groups.items():
            try:
                paper = await _parsed(group[0], sha256, ctx)
            except InputError as err:
                failed.append(_failed(str(group[0]), err, time.perf_counter()))
                continue
            entry = claims.take(paper)
            papers.append(merge_papers(paper, entry, source=paper.source) if entry else paper)
        papers += claims.unclaimed()
        extractor = Extractor(None, settings)
        system = extractor.system.render()
        encodings = {get_counter(m).encoding: get_counter(m) for m in _priced_models(settings)}
        counted = dict.fromkeys(encodings, 0)
        stored = 0
        for paper in papers:
            key = request_key(
                sha256=paper.sha256,
                parser=parser_version(),
                engine="llm",
                model=settings.model,
                prompt_sha256=extractor.prompt_sha256,
                budget=settings.budget,
            )
            if ctx.store is not None and not settings.refresh and ctx.store.extraction(key):
                stored += 1
                continue
            excerpt = select(paper, budget=settings.budget, counter=get_counter(settings.model))
            user = extractor.render_user(paper, excerpt)
            for name, counter in encodings.items():
                counted[name] += counter.count(system) + counter.count(user)
    calls = len(papers) - stored
    title_call = bool(papers) and not settings.title
    output = calls * EXPECTED_OUTPUT_TOKENS + (TITLE_OUTPUT_TOKENS if title_call else 0)
    if title_call:
        titles = "\n".join(f"- {p.title}" for p in papers)
        for name, counter in encodings.items():
            counted[name] += counter.count(titles) + counter.count(extractor.topic_system.text)
    return Estimate(
        papers=len(papers),
        stored=stored,
        failed=failed,
        calls=calls + title_call,
        title_call=title_call,
        prompt_tokens=counted,
        output_tokens=output,
    )


def _priced_models(settings: Settings) -> list[str]:
    return list(dict.fromkeys([settings.model, *load_prices()]))


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


async def _open(
    stack: AsyncExitStack, settings: Settings, http_client: httpx.AsyncClient | None, workers: int
) -> _Run:
    extractor = None
    price = price_for(settings.model)
    limiter = RateLimiter(
        settings.rpm or (price.rpm if price else None),
        settings.tpm or (price.tpm if price else None),
    )
    gate = Gate(settings.max_cost, price, settings.max_output_tokens)
    if settings.max_cost is not None and price is None:
        raise ConfigError(
            f"--budget needs the price of {settings.model}; add it to a price table "
            "(DIGEST_PRICES=prices.toml, see digest/data/prices.toml)"
        )
    if settings.resolved_engine == "llm":
        counter = get_counter(settings.model, settings.encoding)
        client = build_client(
            settings, http_client=http_client, hooks=hooks(limiter, gate, counter.count)
        )
        await stack.enter_async_context(client)
        extractor = Extractor(client, settings)
    else:
        log.info("drafting every brief with the offline engine (engine=%s)", settings.engine)
    store = stack.enter_context(Store(settings.store)) if settings.store else None
    if extractor is not None and store is not None and settings.structured == "auto":
        endpoint = _endpoint(settings)
        learned = store.structured_mode(endpoint, settings.model)
        if learned in MODES:
            extractor.mode = learned
        extractor.on_mode = lambda mode: store.save_structured_mode(endpoint, settings.model, mode)
    workers = min(settings.parse_workers or os.cpu_count() or 1, workers)
    pool = stack.enter_context(_parse_pool(workers))
    limit = asyncio.Semaphore(settings.concurrency)
    return _Run(settings, extractor, store, limit, pool, gate, limiter)


def _endpoint(settings: Settings) -> str:
    """The endpoint's address without credentials a URL might carry (user:pass@)."""
    url = httpx.URL(settings.base_url or "https://api.openai.com/v1")
    return str(url.copy_with(username=None, password=None))


def _identify(files: list[Path]) -> tuple[dict[str, list[Path]], list[PaperResult]]:
    """Group files by content hash (one paper per content); unreadable files fail here."""
    groups: dict[str, list[Path]] = {}
    unreadable = []
    for path in files:
        try:
            sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as err:
            error = NotAPDFError(path, f"cannot read file: {err.strerror or err}")
            unreadable.append(_failed(str(path), error, time.perf_counter()))
            continue
        groups.setdefault(sha256, []).append(path)
    return groups, unreadable


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


async def _digest_one(path: Path, sha256: str, ctx: _Run, claims: Claims) -> PaperResult:
    """One PDF: parsed (or from the store), merged with its arXiv entry if one was named."""
    started = time.perf_counter()
    try:
        paper = await _parsed(path, sha256, ctx)
    except InputError as err:
        return _failed(str(path), err, started)
    entry = claims.take(paper)
    if entry is not None:
        paper = merge_papers(paper, entry, source=str(path))
    return await _digest_paper(paper, ctx, started)


async def _digest_paper(paper: Paper, ctx: _Run, started: float) -> PaperResult:
    """One paper, whatever its origin, through extraction and composition."""
    source = paper.source
    warnings = _reader_warnings(paper)
    spent, cached, fallback_error = Usage(), False, None
    try:
        if ctx.extractor is None:
            extraction, cached = _offline_cached(paper, ctx)
        else:
            try:
                extraction, cached = await _llm_cached(paper, ctx, refresh=ctx.settings.refresh)
                spent = Usage() if cached else extraction.usage
            except ExtractionError as err:
                spent = err.usage or Usage()
                if ctx.settings.fallback != "offline":
                    raise
                extraction, _ = _offline_cached(paper, ctx)
                fallback_error = _cause(err, source)
                warnings.append(f"{FELL_BACK}: {fallback_error}")
    except ExtractionError as err:
        return _failed(source, err, started, paper=paper, usage=spent)
    return _succeeded(paper, extraction, warnings, spent, started, cached, fallback_error)


def _reader_warnings(paper: Paper) -> list[str]:
    """What the reader of the report must know; the parser's diagnostics stay in paper.warnings."""
    warnings = [NO_ABSTRACT] if not paper.abstract else []
    if not paper.authors:
        warnings.append(NO_AUTHORS)
    return warnings


def _succeeded(
    paper: Paper,
    extraction: Extraction,
    warnings: list[str],
    spent: Usage,
    started: float,
    cached: bool = False,
    fallback_error: str | None = None,
) -> PaperResult:
    warnings = warnings + [f"{UNCHECKED}: {w}" for w in extraction.warnings]
    institutions = merge_institutions(i.name for i in extraction.facts.institutions)
    flags = (
        institution_disagreements(institutions, paper.affiliations)
        if extraction.engine == "llm"
        else []
    )
    return PaperResult(
        source=paper.source,
        status="ok",
        paper=paper,
        extraction=extraction,
        brief=compose_brief(paper.title, extraction.facts),
        institutions=institutions or merge_institutions(paper.affiliations),
        warnings=warnings,
        fallback_error=fallback_error,
        institution_flags=flags,
        usage=spent,
        seconds=round(time.perf_counter() - started, 3),
        cached=cached,
    )


async def _parsed(path: Path, sha256: str, ctx: _Run) -> Paper:
    """The parsed paper: from the store when this content was parsed by this parser before."""
    if ctx.store is not None:
        stored = ctx.store.paper(sha256, parser_version())
        if stored is not None:
            return stored.model_copy(update={"source": str(path)})  # renamed files keep it
    paper = await asyncio.get_running_loop().run_in_executor(ctx.pool, parse_pdf, path)
    if ctx.store is not None:
        ctx.store.save_paper(paper, parser_version())
    return paper


async def _llm_cached(paper: Paper, ctx: _Run, *, refresh: bool) -> tuple[Extraction, bool]:
    """The LLM's facts: the stored answer for this request key, or a new call, stored at once."""
    assert ctx.extractor is not None
    settings = ctx.settings
    key = request_key(
        sha256=paper.sha256,
        parser=parser_version(),
        engine="llm",
        model=settings.model,
        prompt_sha256=ctx.extractor.prompt_sha256,
        budget=settings.budget,
    )
    if ctx.store is not None and not refresh:
        stored = ctx.store.extraction(key)
        if stored is not None:
            return stored, True
    started = time.perf_counter()
    counter = get_counter(settings.model, settings.encoding)
    excerpt = select(paper, budget=settings.budget, counter=counter)
    async with ctx.limit:
        ticket = ctx.gate.reserve(paper.source, excerpt.tokens + ctx.extractor.overhead_tokens)
        try:
            extraction = await ctx.extractor.facts(paper, excerpt)
        except ExtractionError as err:
            ctx.gate.settle(ticket, err.usage)
            _save(ctx, key, paper, None, "llm", err.usage or Usage(), str(err), started)
            raise
    ctx.gate.settle(ticket, extraction.usage)
    _save(ctx, key, paper, extraction, "llm", extraction.usage, None, started)
    return extraction, False


def _offline_cached(paper: Paper, ctx: _Run) -> tuple[Extraction, bool]:
    key = request_key(
        sha256=paper.sha256,
        parser=parser_version(),
        engine="offline",
        model=None,
        prompt_sha256=offline_version(),
        budget=None,
    )
    if ctx.store is not None:
        stored = ctx.store.extraction(key)
        if stored is not None:
            return stored, True
    started = time.perf_counter()
    try:
        extraction = draft_offline(paper)
    except ExtractionError as err:
        _save(ctx, key, paper, None, "offline", Usage(), str(err), started)
        raise
    _save(ctx, key, paper, extraction, "offline", Usage(), None, started)
    return extraction, False


def _save(
    ctx: _Run,
    key: str,
    paper: Paper,
    extraction: Extraction | None,
    engine: str,
    usage: Usage,
    error: str | None,
    started: float,
) -> None:
    if ctx.store is None:
        return
    ctx.store.save_extraction(
        key,
        sha256=paper.sha256,
        budget=ctx.settings.budget if engine == "llm" else None,
        extraction=extraction,
        engine=engine,
        model=extraction.model if extraction else (ctx.settings.model if engine == "llm" else None),
        prompt_sha256=extraction.prompt_sha256 if extraction else None,
        usage=usage,
        error=error,
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
    return Extraction(engine="offline", facts=facts, prompt_sha256=offline_version())


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
