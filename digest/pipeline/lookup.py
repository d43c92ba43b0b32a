"""Lookup: a parsed PDF's header replaced by the authoritative record of its arXiv stamp
(arXiv's entry, stamps.py) or of its DOI (Crossref).

    look_up(paper, ctx)   the paper merged with arXiv's entry of its stamp, else with
                          Crossref's record of its DOI, when the service has one and it is this
                          paper (its title is the PDF's); else the paper as the PDF reads

Every answer is kept in the store (a record, or "not found": Crossref asks that a 404 is never
polled again), so a rerun, `digest brief`, `digest estimate` and `digest report` ask nothing.
A run never waits on Crossref for long and never fails because of it: it may lose a few
seconds in all to a Crossref that does not answer (sources.crossref.LOOKUP_TIME); no network,
that time spent, or a Retry-After longer than what is left of it is noted once (a warning) and
every later lookup of the run is skipped. A lookup not answered (skipped, failing, or an answer
that cannot be read) leaves that PDF's header as read, is not stored, and is asked again on the
next run. `--no-lookup` (or DIGEST_LOOKUP=0) turns lookups off. A stamp's lookup is arXiv's
(stamps.py: batched, paced, bounded in time the same way); a PDF with both asks Crossref only
when arXiv's entry was not merged.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..errors import LookupFailedError, LookupUnavailableError
from ..merge import merge_papers
from ..models import Paper
from .context import RunContext
from .stamps import stamp_entry

if TYPE_CHECKING:
    from ..sources.crossref import CrossrefClient

__all__ = ["SERVICE", "look_up"]

log = logging.getLogger(__name__)

SERVICE = "crossref"


async def look_up(paper: Paper, ctx: RunContext) -> Paper:
    """The paper with arXiv's (or Crossref's) title, authors (and affiliations and abstract
    when the record has them) when its stamp (or DOI) leads to this paper; otherwise unchanged,
    with the reason in its warnings."""
    if not ctx.settings.lookup or paper.origin != "pdf":
        return paper
    if paper.arxiv_id:
        entry = await stamp_entry(paper.arxiv_id, ctx)
        paper, merged = _taken(paper, entry, f"arXiv stamp {paper.arxiv_id}", "arXiv's entry")
        if merged:
            return paper
    if paper.doi:
        record = await _record(paper.doi, ctx)
        paper, _ = _taken(paper, record, f"DOI {paper.doi}", "Crossref's record")
    return paper


def _taken(paper: Paper, record: Paper | None, what: str, whose: str) -> tuple[Paper, bool]:
    """The paper merged with `record` when it is this paper (True), else as it was, with a
    note when the record is another work's (False)."""
    from ..sources.crossref import same_work

    if record is None:
        return paper, False
    if not same_work(record, paper):
        note = f"{what}: {whose} is another work ({record.title[:80]!r}); the PDF's header stands"
        log.info("%s: %s", paper.source, note)
        return paper.model_copy(update={"warnings": [*paper.warnings, note]}), False
    return merge_papers(paper, record, source=paper.source), True


async def _record(doi: str, ctx: RunContext) -> Paper | None:
    """Crossref's record of `doi`: the store's answer, else the API's (stored at once)."""
    if ctx.store is not None:
        stored = ctx.store.lookup(SERVICE, doi)
        if stored is not None:
            return stored[1]
    client = await _client(ctx)
    try:
        answer = await client.work(doi)
    except LookupUnavailableError as err:
        log.warning("%s; headers are read from the PDFs alone (--no-lookup skips this)", err)
        return None
    except LookupFailedError as err:
        log.warning("%s; that PDF's header is read from the PDF alone", err)
        return None
    if ctx.store is not None and answer.status != "skipped":
        ctx.store.save_lookup(SERVICE, doi, answer.status, answer.paper)
    return answer.paper


async def _client(ctx: RunContext) -> CrossrefClient:
    """The run's one Crossref client, opened on first use."""
    if ctx.crossref is None:
        from ..sources.crossref import CrossrefClient

        ctx.crossref = await ctx.stack.enter_async_context(
            CrossrefClient(contact=ctx.settings.contact)
        )
    client: CrossrefClient = ctx.crossref
    return client
