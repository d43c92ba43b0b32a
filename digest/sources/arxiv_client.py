"""A polite async client for arXiv: batched metadata lookups and PDF downloads.

Only two URLs are ever requested, both built from an ID that
:func:`digest.ids.parse_arxiv_id` accepted::

    https://export.arxiv.org/api/query?id_list=...&max_results=N&start=0
    https://arxiv.org/pdf/<id>

arXiv's Terms of Use for the legacy API: at most one request every three seconds, one connection at
a time, back off when throttled (HTTP 429) or overloaded (503). The client enforces all three for
every request it makes, PDFs included, across concurrent callers. An answer is read as it
arrives, up to the size of the largest feed (MAX_TEXT_BYTES) or PDF (MAX_PDF_BYTES) a run reads.

A lookup the run can do without (a PDF's stamp, digest.pipeline.stamps) is given a few seconds
(`fetch(..., within=...)`): no attempt and no back-off past them. Its caller waits its turn
first (`ready`), so the IDs that come meanwhile go in the same request.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType

import httpx

from digest.errors import ArxivError
from digest.ids import parse_arxiv_id
from digest.inputs import MAX_PDF_BYTES, MAX_TEXT_BYTES, MB
from digest.models import Paper
from digest.net import read_body, retry_after, user_agent
from digest.sources.arxiv import match_requested, read_feed

__all__ = ["API_URL", "PDF_URL", "ArxivClient"]

log = logging.getLogger(__name__)

API_URL = "https://export.arxiv.org/api/query"
PDF_URL = "https://arxiv.org/pdf/{id}"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# and the attempt's own deadline (asyncio.timeout) when a lookup is given a few seconds
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, TimeoutError)
MAX_WAIT = 300.0  # never honour a Retry-After longer than this (seconds)


class ArxivClient:
    """Async arXiv client: batched metadata lookups and PDF downloads, paced and retried.

    ``delay`` seconds at least between request starts, one request at a time (also across
    concurrent tasks sharing this client). On 429/5xx, timeouts and connection errors it retries up
    to ``retries`` more times, waiting ``delay * 2**n`` (3, 6, 12, 24 s) or a longer numeric
    Retry-After (capped at 300 s). ``clock`` and ``sleep`` are injectable so tests never wait.
    """

    def __init__(
        self,
        *,
        http: httpx.AsyncClient | None = None,
        delay: float = 3.0,
        retries: int = 4,
        batch_size: int = 100,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._owns_http = http is None
        self._headers = {"User-Agent": user_agent()}
        self._reached = False  # whether a connection to arXiv was ever made
        self._http = http or httpx.AsyncClient(
            headers=self._headers,
            timeout=timeout,
            limits=httpx.Limits(max_connections=1),
        )
        self.delay = delay
        self.retries = retries
        self.batch_size = batch_size
        self._clock = clock
        self._sleep = sleep
        self._lock = asyncio.Lock()
        self._last_start: float | None = None
        self._not_before = 0.0

    async def __aenter__(self) -> ArxivClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it."""
        if self._owns_http:
            await self._http.aclose()

    async def ready(self) -> None:
        """Wait until a request may start (arXiv's pace, a back-off asked for), sending none."""
        wait = self._ready_at() - self._clock()
        if wait > 0:
            await self._sleep(wait)

    async def fetch(
        self, ids: Sequence[str], *, within: float | None = None
    ) -> tuple[dict[str, Paper], dict[str, str]]:
        """Look up `ids`: (papers, errors), both keyed by the requested normalised ID.

        Every ID is validated before any request; invalid ones raise ArxivError listing them.
        Duplicates are asked once; batches hold at most ``batch_size`` IDs. An ID arXiv does not
        know gets an error entry, not an exception; ArxivError means a whole batch failed. An
        error feed that names none of a batch's IDs is kept under the key ``""`` (see parse_feed).
        With `within` (seconds, the client's clock), no attempt runs and no back-off is begun
        past that time from now: ArxivError then.
        """
        normalised = {raw: parse_arxiv_id(raw) for raw in ids}
        invalid = [raw for raw, norm in normalised.items() if norm is None]
        if invalid:
            shown = ", ".join(repr(raw) for raw in invalid)
            raise ArxivError(
                f"not arXiv IDs: {shown}; use e.g. 2510.01234, 2510.01234v2, astro-ph/0601001 "
                "or https://arxiv.org/abs/2510.01234"
            )
        unique = list(dict.fromkeys(n for n in normalised.values() if n))
        papers: dict[str, Paper] = {}
        errors: dict[str, str] = {}
        deadline = None if within is None else self._clock() + within
        for start in range(0, len(unique), self.batch_size):
            batch = unique[start : start + self.batch_size]
            found, failed = await self._query(batch, deadline)
            papers.update(found)
            errors.update(failed)
        return papers, errors

    async def pdf(self, arxiv_id: str) -> bytes:
        """The PDF of `arxiv_id` (validated first); ArxivError if arXiv sends anything else."""
        ident = parse_arxiv_id(arxiv_id)
        if ident is None:
            raise ArxivError(f"{arxiv_id!r} is not an arXiv ID; use e.g. 2510.01234v2")
        response, body = await self._request(PDF_URL.format(id=ident), None, ident, MAX_PDF_BYTES)
        if response.status_code != 200:
            moved = response.headers.get("location")
            detail = f", redirected to {moved}" if moved else ""
            raise ArxivError(f"arXiv sent no PDF for {ident}: HTTP {response.status_code}{detail}")
        if not body.startswith(b"%PDF"):
            kind = response.headers.get("content-type", "unknown type")
            raise ArxivError(
                f"arXiv sent no PDF for {ident} ({kind}, starts with {body[:20]!r}); "
                f"check {PDF_URL.format(id=ident)} in a browser"
            )
        return body

    async def _query(
        self, batch: list[str], deadline: float | None
    ) -> tuple[dict[str, Paper], dict[str, str]]:
        params = {"id_list": ",".join(batch), "max_results": str(self.batch_size), "start": "0"}
        what = _describe(batch)
        response, body = await self._request(API_URL, params, what, MAX_TEXT_BYTES, deadline)
        if response.status_code not in (200, 400):
            raise ArxivError(f"arXiv API failed for {what}: HTTP {response.status_code}")
        try:
            feed = read_feed(body)
        except ArxivError as err:
            raise ArxivError(f"arXiv API answer for {what} unusable: {err}") from err
        if response.status_code == 400 and not feed.errors:
            raise ArxivError(f"arXiv API refused the request for {what}: HTTP 400")
        return match_requested(feed, batch)

    async def _request(
        self,
        url: str,
        params: dict[str, str] | None,
        what: str,
        cap: int,
        deadline: float | None = None,
    ) -> tuple[httpx.Response, bytes]:
        """GET once the pacing allows, retrying throttling, 5xx and transport errors: the
        response (closed, so its body is the second item) and its body, at most `cap` bytes.
        Past `deadline` (the client's clock) no attempt starts and no back-off is begun."""
        last = ""
        for attempt in range(self.retries + 1):
            async with self._lock:
                await self._pace()
                limit = self._left(deadline, what, last)
                try:
                    response, body = await self._get(url, params, what, cap, limit)
                except _TRANSIENT as err:
                    last = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
                    if isinstance(err, httpx.ConnectError) and not self._reached:
                        # no DNS, refused, no route: waiting would not help; say so at once
                        raise ArxivError(
                            f"cannot reach arXiv for {what} ({last}); check the network "
                            "(saved feeds, abstract files and PDFs need none)"
                        ) from None
                    self._reached |= not isinstance(err, httpx.ConnectError | httpx.ConnectTimeout)
                    asked = 0.0
                else:
                    self._reached = True
                    if response.status_code not in RETRY_STATUSES:
                        if body is None:
                            raise ArxivError(
                                f"arXiv's answer for {what} is larger than {cap // MB} MB, more "
                                "than any feed or paper; not read"
                            )
                        return response, body
                    last = f"HTTP {response.status_code}"
                    asked = retry_after(response.headers) or 0.0
                if attempt == self.retries:
                    break
                wait = min(max(self.delay * 2**attempt, asked), MAX_WAIT)
                self._left(deadline, what, last, wait)
                log.warning(
                    "arXiv request for %s failed (%s); retry %d/%d in %.0f s",
                    what, last, attempt + 1, self.retries, wait,
                )  # fmt: skip
                self._not_before = self._clock() + wait
        raise ArxivError(
            f"arXiv did not answer for {what} after {self.retries + 1} attempts (last: {last}); "
            "arXiv may be overloaded or throttling this address, try again later"
        )

    async def _get(
        self, url: str, params: dict[str, str] | None, what: str, cap: int, limit: float | None
    ) -> tuple[httpx.Response, bytes | None]:
        """One GET, streamed, in at most `limit` seconds (None: the client's timeouts): the
        response, and its body up to `cap` bytes (None past it; empty for a status that is
        retried, whose body is not read)."""
        timeout = httpx.USE_CLIENT_DEFAULT if limit is None else httpx.Timeout(limit)
        async with (
            asyncio.timeout(limit),  # a body trickled a byte at a time stops too
            self._http.stream(
                "GET", url, params=params, headers=self._headers, follow_redirects=False,
                timeout=timeout,
            ) as response,
        ):  # fmt: skip
            if response.status_code in RETRY_STATUSES:
                return response, b""
            try:
                return response, await read_body(response, cap)
            except httpx.DecodingError as err:  # e.g. "gzip" that is not
                raise ArxivError(f"arXiv's answer for {what} cannot be decoded ({err})") from err

    def _left(
        self, deadline: float | None, what: str, last: str, wait: float = 0.0
    ) -> float | None:
        """Seconds an attempt may take after waiting `wait` (None: no deadline); ArxivError
        when none would be left."""
        if deadline is None:
            return None
        left = deadline - self._clock() - wait
        if left <= 0:
            raise ArxivError(
                f"arXiv did not answer for {what} in the time a lookup is given"
                + (f" (last: {last})" if last else "")
            )
        return left

    def _ready_at(self) -> float:
        """When the next request may start: `delay` after the previous one's start, and past
        any back-off."""
        if self._last_start is None:
            return self._not_before
        return max(self._not_before, self._last_start + self.delay)

    async def _pace(self) -> None:
        """Wait until the next request may start. Call locked."""
        wait = self._ready_at() - self._clock()
        if wait > 0:
            await self._sleep(wait)
        self._last_start = self._clock()


def _describe(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:5])
    return shown + (f" (+{len(ids) - 5} more)" if len(ids) > 5 else "")
