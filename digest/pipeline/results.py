"""From a paper and its engine to a PaperResult: the facts, the brief, and what the reader
must know (notices, kept as codes; the report's language words them)."""

from __future__ import annotations

import logging
import time

from ..compose import compose_brief
from ..errors import DigestError, EndpointError, ExtractionError, NotStartedError
from ..institutions import compare, merge_institutions
from ..merge import reconcile_header
from ..models import KEPT, Extraction, Notice, Paper, PaperResult, PreparedExcerpt, Usage
from ..offline.institutions import paper_institutions
from .context import RunContext
from .engines import OfflineEngine, cached

__all__ = ["digest_paper", "failed", "reader_notices", "succeeded"]

log = logging.getLogger(__name__)


async def digest_paper(
    paper: Paper,
    ctx: RunContext,
    started: float,
    prepared: PreparedExcerpt | None = None,
) -> PaperResult:
    """One paper, whatever its origin, through its engine (the store first) and the composer
    (`prepared`: its excerpt, when a parse worker prepared it). With --fallback offline a
    paper whose LLM call fails gets an offline brief, noted."""
    notices = reader_notices(paper)
    refresh = ctx.settings.refresh
    spent, fallback_error, refresh_error = Usage(), None, None
    try:
        try:
            extraction, was_cached = await cached(
                ctx.engine, ctx.store, paper, refresh=refresh, prepared=prepared
            )
            spent = Usage() if was_cached else extraction.usage
        except ExtractionError as err:
            spent = err.usage or Usage()
            kept = _answered_before(ctx, paper) if refresh else None
            if kept is not None:  # a failed --refresh: the answer paid for before stands
                extraction, was_cached, refresh_error = kept, True, cause(err, paper.source)
            elif ctx.engine.name == "offline" or ctx.settings.fallback != "offline":
                raise
            else:
                extraction, _ = await cached(OfflineEngine(), ctx.store, paper)
                was_cached = False
                fallback_error = cause(err, paper.source)
                notices.append(Notice(code="fell_back", detail=fallback_error))
    except ExtractionError as err:
        return failed(paper.source, err, started, paper=paper, usage=spent)
    result = succeeded(paper, extraction, notices, spent, started, was_cached, fallback_error)
    result.refresh_error = refresh_error
    return result


def _answered_before(ctx: RunContext, paper: Paper) -> Extraction | None:
    """The stored answer to this paper's question, if the store has one."""
    return ctx.store.extraction(ctx.engine.key(paper)) if ctx.store is not None else None


def reader_notices(paper: Paper) -> list[Notice]:
    """What the reader of the report must know; the parser's diagnostics stay in paper.warnings."""
    notices = [Notice(code="no_abstract")] if not paper.abstract else []
    if not paper.authors:
        notices.append(Notice(code="no_authors"))
    return notices


def succeeded(
    paper: Paper,
    extraction: Extraction,
    notices: list[Notice],
    spent: Usage,
    started: float,
    cached: bool = False,
    fallback_error: str | None = None,
) -> PaperResult:
    if extraction.unsupported:  # what the brief leaves out, and why (under the brief)
        notices = notices + [
            Notice(code="unsupported", detail=f"{u.part}|{u.reason}|{u.value}")
            for u in extraction.unsupported
        ]
    else:  # answers stored before the checks kept their findings as data
        notices = notices + [Notice(code="unchecked", detail=w) for w in extraction.warnings]
    if extraction.verify_error:  # the meaning check could not be done: the reader checks
        notices = [*notices, Notice(code="unverified")]
    left_out = {u.part for u in extraction.unsupported if u.reason not in KEPT}
    named = extraction.facts.institutions
    institutions = merge_institutions(i.name for i in named)
    flags: list[str] = []
    header_flags: list[str] = []
    if extraction.engine == "llm":
        flags = compare(institutions, paper.affiliations).flags()
        paper, header_flags = reconcile_header(paper, extraction.facts)
        if paper.authors:  # the LLM read the names the parser could not
            notices = [n for n in notices if n.code != "no_authors"]
    return PaperResult(
        source=paper.source,
        status="ok",
        paper=paper,
        extraction=extraction,
        brief=compose_brief(
            paper.title,
            extraction.facts,
            left_out=left_out,
            institutions=named or paper_institutions(paper),  # the parser's when none named
        ),
        # the parser's, reduced as the brief's are, when none were named: an affiliation line
        # as it stands is a department ("Department of computer Sciences, NUST")
        institutions=institutions or [i.name for i in paper_institutions(paper)],
        warnings=notices,
        fallback_error=fallback_error,
        institution_flags=flags,
        header_flags=header_flags,
        usage=spent,
        seconds=round(time.perf_counter() - started, 3),
        cached=cached,
    )


def failed(
    source: str,
    err: DigestError,
    started: float,
    *,
    paper: Paper | None = None,
    usage: Usage | None = None,
) -> PaperResult:
    log.debug("%s failed", source, exc_info=True)
    stopped_by = err.reason if isinstance(err, EndpointError | NotStartedError) else None
    return PaperResult(
        source=source,
        status="failed",
        error=cause(err, source),
        stopped_by=stopped_by or None,
        paper=paper,
        usage=usage or Usage(),
        seconds=round(time.perf_counter() - started, 3),
    )


def cause(err: DigestError, source: str) -> str:
    """The error's message without the leading file name (the report line already has it)."""
    message = str(err)
    prefix = f"{source}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
