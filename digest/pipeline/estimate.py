"""What a run would send, counted and priced locally, before any LLM call."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

from pydantic import BaseModel, Field

from ..costs import load_prices
from ..errors import (
    ConfigError,
    InputError,
)
from ..extract import Extractor
from ..ingest import parser_version
from ..ingest.merge import Claims, merge_papers
from ..inputs import resolve
from ..models import Paper, PaperResult
from ..select import get_counter, select
from ..settings import Settings
from ..store import request_key
from .sources import _entries
from .stages import _failed, _identify, _open, _parsed

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
