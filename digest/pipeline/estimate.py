"""What a run would send, counted and priced locally, before any LLM call."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

from pydantic import BaseModel, Field

from ..costs import Price, load_prices
from ..llm.extractor import Extractor
from ..models import Paper, PaperResult, Usage
from ..settings import Settings
from ..tokens import get_counter
from .context import no_running_loop, open_run
from .engines import LlmEngine
from .gather import Ready, gather, resolve_inputs

__all__ = ["EXPECTED_OUTPUT_TOKENS", "Estimate", "ModelCost", "estimate"]

EXPECTED_OUTPUT_TOKENS = 350  # a PaperFacts answer: ~150-400 tokens of JSON and Chinese
# The meaning check (--verify): its claims (three phrases and their quotes) and its verdicts,
# measured on the 25 seed papers (scripts/bench_real_phrasing.py, careful quotes, o200k): the
# claims ~230 tokens, the verdicts ~55.
EXPECTED_CLAIMS_TOKENS = 230
EXPECTED_VERDICT_TOKENS = 60

TITLE_OUTPUT_TOKENS = 30


class ModelCost(BaseModel):
    """What the counted run would cost with one model of the price table."""

    model: str
    chosen: bool = Field(description="The model the run would use.")
    input_tokens: int
    output_tokens: int
    cost_usd: float | None = Field(description="None when the model has no known price.")


class Estimate(BaseModel):
    """What a run would send, counted locally, before any LLM call."""

    papers: int = Field(description="Readable papers.")
    stored: int = Field(description="Papers the store already has answers for: no call.")
    failed: list[PaperResult] = Field(default_factory=list)
    calls: int = 0
    verify_calls: int = Field(0, description="Of the calls, the meaning checks (--verify).")
    title_call: bool = False
    prompt_tokens: dict[str, int] = Field(
        default_factory=dict, description="Input tokens per tiktoken encoding."
    )
    output_tokens: int = 0

    def costs(
        self, model: str, prices: dict[str, Price] | None = None, *, batch: bool = False
    ) -> list[ModelCost]:
        """The run priced with every model of the price table, `model` (the run's) first;
        with `batch`, at each model's Batch API rate (its online rate where the table gives
        none)."""
        prices = load_prices() if prices is None else prices
        rows = []
        for name in dict.fromkeys([model, *prices]):
            tokens = self.prompt_tokens.get(get_counter(name).encoding, 0)
            price = prices.get(name)
            if price is not None and batch:
                price = price.batch()
            usage = Usage(prompt_tokens=tokens, completion_tokens=self.output_tokens)
            rows.append(
                ModelCost(
                    model=name,
                    chosen=name == model,
                    input_tokens=tokens,
                    output_tokens=self.output_tokens,
                    cost_usd=price.cost(usage) if price else None,
                )
            )
        return rows


def estimate(
    inputs: Sequence[Path | str], settings: Settings, *, id_files: Sequence[Path] = ()
) -> Estimate:
    """Parse the inputs and count the tokens a run with these settings would send."""
    no_running_loop("estimate")
    return asyncio.run(estimate_async(inputs, settings, id_files=id_files))


async def estimate_async(
    inputs: Sequence[Path | str], settings: Settings, *, id_files: Sequence[Path] = ()
) -> Estimate:
    """See :func:`estimate`."""
    resolved = resolve_inputs(inputs, id_files)
    offline = settings.model_copy(update={"engine": "offline"})  # no client, no call
    async with AsyncExitStack() as stack:
        ctx = await open_run(stack, offline, pdfs=resolved.pdfs)
        batch = await gather(resolved, ctx)
        unreadable: list[PaperResult] = []
        papers: list[Paper] = []
        async for item in batch.papers():
            if isinstance(item, Ready):
                papers.append(item.paper)
            else:
                unreadable.append(item)
        papers.sort(key=lambda p: p.source)  # in the order of the inputs, however parsed
        engine = LlmEngine(Extractor(None, settings), settings, ctx.gate)
        store = None if settings.refresh else ctx.store
        answered = [
            store is not None and store.extraction(engine.key(p)) is not None for p in papers
        ]
        title_stored = store is not None and (
            store.title(engine.topic_key([p.title for p in papers])) is not None
        )
    failed = batch.failures + sorted(unreadable, key=lambda r: r.source)
    extractor = engine.extractor
    system = extractor.system.render()
    encodings = {get_counter(m).encoding: get_counter(m) for m in _priced_models(settings)}
    counted = dict.fromkeys(encodings, 0)
    for paper, done in zip(papers, answered, strict=True):
        if done:
            continue
        excerpt, _ = engine.excerpt(paper)
        user = extractor.render_user(paper, excerpt)
        for name, counter in encodings.items():
            counted[name] += counter.count(system) + counter.count(user)
    stored = sum(answered)
    calls = len(papers) - stored
    title_call = bool(papers) and not settings.title and not title_stored
    output = calls * EXPECTED_OUTPUT_TOKENS + (TITLE_OUTPUT_TOKENS if title_call else 0)
    checks = calls if settings.verifies else 0  # one meaning check per answer asked for
    if checks:
        for name, counter in encodings.items():
            each = counter.count(extractor.verify_system.render()) + EXPECTED_CLAIMS_TOKENS
            counted[name] += checks * each
        output += checks * EXPECTED_VERDICT_TOKENS
    if title_call:
        titles = "\n".join(f"- {p.title}" for p in papers)
        for name, counter in encodings.items():
            counted[name] += counter.count(titles) + counter.count(extractor.topic_system.text)
    return Estimate(
        papers=len(papers),
        stored=stored,
        failed=failed,
        calls=calls + checks + title_call,
        verify_calls=checks,
        title_call=title_call,
        prompt_tokens=counted,
        output_tokens=output,
    )


def _priced_models(settings: Settings) -> list[str]:
    return list(dict.fromkeys([settings.model, *load_prices()]))
