"""Stamps: the arXiv entry of a PDF that arXiv stamped ("arXiv:2004.04906v3 [cs.CL] 30 Sep
2020" down its margin, which the parser reads into Paper.arxiv_id), for lookup.py to merge as an
arXiv ID given as input is merged (digest.merge.merge_papers).

    stamp_entry(arxiv_id, ctx)   arXiv's entry of that ID, the stamp's version (v3 is v3's
                                 title, authors and abstract); None when arXiv has none or
                                 cannot answer now

The entries are asked in batched ``id_list`` queries through the run's one arXiv client (one
connection, a request every 3 s, as arXiv asks): the first stamp at once, and the stamps that
come after it together, once the client may send again and either every PDF of the run is
parsed or the batch's first stamp has waited STAMP_HOLD seconds for the others. So a request
goes every STAMP_HOLD seconds at most while PDFs are being parsed, the last one as soon as the
last PDF is: many PDFs, a few requests, and a stamped paper never waits long for its entry.

Each answer is kept in the store (the entry in arxiv_entries, as an ID input's is; "no such
paper" in lookups), so a rerun asks nothing. A run loses at most STAMP_TIME seconds to an arXiv
that does not answer: without a network, that time spent, or a batch that fails, a warning is
logged once, and every stamp of the run left is read as the PDF prints it (not stored: asked
again next run). `--no-lookup` (DIGEST_LOOKUP=0) turns it off, with Crossref's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ..errors import ArxivError
from ..ids import parse_arxiv_id
from ..models import Paper
from ..sources.arxiv import NOT_FOUND
from .context import RunContext

if TYPE_CHECKING:
    from ..sources.arxiv_client import ArxivClient
    from ..store import Store

__all__ = ["SERVICE", "STAMP_TIME", "StampQueue", "stamp_entry"]

log = logging.getLogger(__name__)

SERVICE = "arxiv"  # the store's lookups: stamps arXiv answered it has no paper for
# Seconds a run may lose to an arXiv that does not answer its stamps: room for a first attempt,
# one 3 s back-off (arXiv's own pace) and a second attempt; a longer wait ends the run's stamps.
# More than Crossref's 6 s (LOOKUP_TIME): arXiv's API is the slower of the two. Not measured on
# the live API (no network where this was written): a first guess to revisit.
STAMP_TIME = 10.0
# Seconds a stamp waits for those of the PDFs still being parsed before it is asked. Measured on
# the 65 PDFs of ../shared/corpus and corpus-wide (2 parse workers, ~41 s of parsing, arXiv
# replayed): their 11 stamps took 11 requests of one ID at arXiv's 3 s pace alone, 5 with this;
# the 11 stamped ones alone (~10 s of parsing), 2. A stamped paper starts its brief at most this
# much later than it could.
STAMP_HOLD = 10.0
HOLD_STEP = 0.5  # how often a waiting batch looks whether the last PDF is parsed


async def stamp_entry(arxiv_id: str, ctx: RunContext) -> Paper | None:
    """arXiv's entry of a stamp's ID, through the run's one StampQueue."""
    if ctx.stamps is None:
        ctx.stamps = StampQueue(ctx.arxiv_client(), ctx.store, more=lambda: ctx.unparsed > 0)
        ctx.stack.push_async_callback(ctx.stamps.aclose)  # before the client closes
    queue: StampQueue = ctx.stamps
    return await queue.entry(arxiv_id)


class StampQueue:
    """A run's stamp lookups: the store first, then arXiv, the stamps waiting together asked
    in one request (at most the client's batch size). After the first request, a batch waits
    while `more()` (stamps may still come: PDFs are being parsed), up to `hold` seconds.
    ``sleep`` is injectable so tests never wait."""

    def __init__(
        self,
        client: ArxivClient,
        store: Store | None,
        *,
        more: Callable[[], bool] = lambda: False,
        within: float = STAMP_TIME,
        hold: float = STAMP_HOLD,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._store = store
        self._more = more
        self._within = within
        self._hold = hold
        self._sleep = sleep
        self._waiting: dict[str, asyncio.Future[Paper | None]] = {}
        self._sender: asyncio.Task[None] | None = None
        self._sent = 0  # requests made
        self.unavailable: str | None = None  # why stamps are no longer asked, once they are not

    async def entry(self, arxiv_id: str) -> Paper | None:
        """The entry of `arxiv_id` (as stamped, version and all), or None."""
        ident = parse_arxiv_id(arxiv_id)
        if ident is None:  # a stamp arXiv would refuse, and the batch with it
            return None
        known, stored = self._stored(ident)
        if known or self.unavailable is not None:
            return stored
        future = self._waiting.get(ident)
        if future is None:
            future = self._waiting[ident] = asyncio.get_running_loop().create_future()
            if self._sender is None or self._sender.done():
                self._sender = asyncio.ensure_future(self._send())
        return await asyncio.shield(future)  # a PDF given up on leaves the others theirs

    async def aclose(self) -> None:
        """Stop asking; a failure of the sender's own shows here."""
        if self._sender is not None:
            self._sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sender

    def _stored(self, ident: str) -> tuple[bool, Paper | None]:
        """(whether the store has arXiv's answer, the entry it holds)."""
        if self._store is None:
            return False, None
        entry = self._store.arxiv_entry(ident)
        if entry is not None:
            return True, entry
        return self._store.lookup(SERVICE, ident) is not None, None

    async def _send(self) -> None:
        """Ask for the waiting stamps, a batch at a time, until none waits; every lookup
        left unanswered (arXiv stopped answering, the run ended) gets None."""
        try:
            while self._waiting and self.unavailable is None:
                await self._gathered()  # the stamps that come meanwhile join this request
                batch = dict(list(self._waiting.items())[: self._client.batch_size])
                for ident in batch:
                    del self._waiting[ident]
                answers = await self._ask(list(batch))
                for ident, future in batch.items():
                    if not future.done():
                        future.set_result(answers.get(ident))
        finally:
            for future in self._waiting.values():
                if not future.done():
                    future.set_result(None)
            self._waiting.clear()

    async def _gathered(self) -> None:
        """Wait for the stamps still to come: the first request at once; a later one while
        PDFs are being parsed, up to `hold` seconds or a full batch; and the client's turn."""
        held = 0.0
        while self._sent and held < self._hold and self._more() and not self._full():
            await self._sleep(HOLD_STEP)
            held += HOLD_STEP
        await self._client.ready()
        self._sent += 1

    def _full(self) -> bool:
        return len(self._waiting) >= self._client.batch_size

    async def _ask(self, batch: list[str]) -> dict[str, Paper]:
        """arXiv's entries of `batch`, each answer stored; {} when arXiv did not answer."""
        try:
            papers, errors = await self._client.fetch(batch, within=self._within)
        except ArxivError as err:
            self.unavailable = str(err)
            log.warning("%s; stamped PDFs are read as printed (--no-lookup skips this)", err)
            return {}
        found: dict[str, Paper] = {}
        for ident in batch:
            entry = papers.get(ident)
            if entry is not None:
                found[ident] = self._keep(ident, entry)
            elif errors.get(ident) == NOT_FOUND and self._store is not None:
                self._store.save_lookup(SERVICE, ident, "not_found", None)
            else:
                log.info("arXiv stamp %s not looked up: %s", ident, errors.get(ident))
        return found

    def _keep(self, ident: str, entry: Paper) -> Paper:
        """The entry as an ID input's is kept: its source the ID, stored under it."""
        entry = entry.model_copy(update={"source": ident})
        if self._store is not None:
            self._store.save_arxiv_entry(ident, entry)
        return entry
