"""The stages of one paper: parse (or the store), extract (LLM or offline), compose.

Each stage asks the store first when there is one, and commits what it makes at once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import os
import time
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import ValidationError

from ..compose import compose_brief, institution_disagreements, merge_institutions
from ..costs import price_for
from ..errors import (
    ConfigError,
    DigestError,
    ExtractionError,
    InputError,
    NotAPDFError,
)
from ..extract import MODES, Extractor, build_client
from ..ingest import parse_pdf, parser_version
from ..ingest.arxiv import ArxivClient
from ..ingest.merge import Claims, merge_papers
from ..limits import Gate, RateLimiter, hooks
from ..models import Extraction, Paper, PaperResult, Usage
from ..offline import offline_facts, offline_version
from ..select import get_counter, select
from ..settings import Settings
from ..store import Store, request_key

log = logging.getLogger(__name__)

DEFAULT_TITLE_SUFFIX = "技术论文分析报告"

FALLBACK_TITLE = "论文分析报告"

NO_ABSTRACT = "未能从PDF中提取到摘要，请核对原文"

NO_AUTHORS = "未能从PDF中识别出作者，作者数量未知"

FELL_BACK = "LLM未能生成本条简报，以下简报由离线引擎起草"

DUPLICATE = "同一论文的另一份文件"

UNCHECKED = "核对未通过（重问一次后仍然如此，请对照原文）"


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
