"""arXiv input: IDs, the legacy query API's Atom feed, and a polite async client.

parse_arxiv_id   text the user typed (ID, ``arXiv:`` ID, abs/pdf URL) -> normalised ID or None
parse_feed       Atom feed -> papers keyed by versionless ID, errors keyed by requested ID
read_feed_file   a saved API response on disk -> its papers (source = ``path#arxiv_id``)
ArxivClient      fetch metadata in batches and PDFs, paced and retried as arXiv's terms ask

Only two URLs are ever requested, both built from an ID that :func:`parse_arxiv_id` accepted::

    https://export.arxiv.org/api/query?id_list=...&max_results=N&start=0
    https://arxiv.org/pdf/<id>

arXiv's Terms of Use for the legacy API: at most one request every three seconds, one connection at
a time, back off when throttled (HTTP 429) or overloaded (503). The client enforces all three for
every request it makes, PDFs included, across concurrent callers.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType

import httpx

from digest.errors import ArxivError, InputError
from digest.models import Paper

__all__ = [
    "API_URL",
    "PDF_URL",
    "ArxivClient",
    "content_sha256",
    "parse_arxiv_id",
    "parse_feed",
    "read_feed_file",
]

log = logging.getLogger(__name__)

API_URL = "https://export.arxiv.org/api/query"
PDF_URL = "https://arxiv.org/pdf/{id}"
NOT_FOUND = "arXiv has no paper with this ID"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
MAX_WAIT = 300.0  # never honour a Retry-After longer than this (seconds)

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"

# --- IDs ----------------------------------------------------------------------------------------

# New style (April 2007 on): YYMM.NNNN until 2014, YYMM.NNNNN from 2015.
# Old style (until March 2007): archive[.SC]/YYMMNNN.
_NEW_ID = r"(?P<yymm>\d{2}(?:0[1-9]|1[0-2]))\.(?P<num>\d{4,5})"
_OLD_ID = r"[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3}"
_ID = rf"(?P<id>{_NEW_ID}|{_OLD_ID})(?P<version>v[1-9]\d*)?"
_BARE = re.compile(rf"(?:arxiv:)?{_ID}", re.IGNORECASE)
_URL = re.compile(
    rf"(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/{_ID}(?:\.pdf)?/?", re.IGNORECASE
)
_VERSION = re.compile(r"v([1-9]\d*)$")


def parse_arxiv_id(text: str) -> str | None:
    """The normalised arXiv ID in `text`, or None when it is not an arXiv reference.

    Accepts ``2510.01234``, ``2510.01234v2``, ``0704.0001``, ``cs/0112017``, ``math.GT/0309136``,
    ``astro-ph/0601001v1``, an ``arXiv:`` prefix, and abs/pdf URLs on arxiv.org, www.arxiv.org
    or export.arxiv.org (``.pdf`` suffix and trailing slash allowed). Anything else (other hosts
    or paths, query strings, fragments) is rejected, so an input never becomes an arbitrary URL.
    """
    text = text.strip()
    match = _BARE.fullmatch(text) or _URL.fullmatch(text)
    if not match:
        return None
    ident = match["id"]
    if match["yymm"] is not None:
        # 4-digit serials run from 0704 to 1412, 5-digit ones from 1501 on.
        if int(match["yymm"][:2]) > 90 or match["yymm"] < "0704":
            return None
        if len(match["num"]) != (4 if match["yymm"] < "1501" else 5):
            return None
    elif not _is_old_style_case(ident):
        return None
    return ident + (match["version"] or "").lower()


def _is_old_style_case(ident: str) -> bool:
    """Old-style archives are lowercase, subject classes uppercase (``math.GT``), as on arXiv."""
    archive = ident.split("/", 1)[0]
    name, _, subject = archive.partition(".")
    return name == name.lower() and subject == subject.upper()


def split_version(arxiv_id: str) -> tuple[str, int | None]:
    """``2510.01234v2`` -> (``2510.01234``, 2); ``cs/0112017`` -> (``cs/0112017``, None)."""
    match = _VERSION.search(arxiv_id)
    if not match:
        return arxiv_id, None
    return arxiv_id[: match.start()], int(match[1])


def content_sha256(*fields: object) -> str:
    """Identity of a record: sha256 hex of the canonical JSON array of `fields`."""
    canonical = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- the Atom feed ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Feed:
    """One parsed answer: entries in feed order, and the summaries of its error entries."""

    papers: list[Paper]
    errors: list[str]


def _parse(xml: bytes | str) -> _Feed:
    try:
        root = ET.fromstring(xml)  # ElementTree never fetches external entities or DTDs
    except ET.ParseError as err:
        line, column = err.position
        raise ArxivError(
            f"arXiv's answer is not valid XML (line {line}, column {column}: {err}); "
            "the response was truncated or is not an Atom feed"
        ) from err
    if root.tag != f"{_ATOM}feed":
        raise ArxivError(f"arXiv's answer is not an Atom feed (its root element is <{root.tag}>)")
    papers: list[Paper] = []
    errors: list[str] = []
    for entry in root.iterfind(f"{_ATOM}entry"):
        entry_id = _text(entry, "id")
        title = _text(entry, "title")
        if "/api/errors" in entry_id or (title == "Error" and "/abs/" not in entry_id):
            errors.append(_text(entry, "summary") or entry_id or "unknown arXiv API error")
            continue
        paper = _entry_to_paper(entry)
        if paper is not None:
            papers.append(paper)
    return _Feed(papers, errors)


def _entry_to_paper(entry: ET.Element) -> Paper | None:
    """One ``<entry>`` -> Paper, or None (logged) for a hollow entry (arXiv: an unknown ID)."""
    url = _text(entry, "id")
    match = re.search(r"arxiv\.org/abs/(.+)$", url)
    arxiv_id = parse_arxiv_id(match[1]) if match else None
    title = _text(entry, "title")
    if arxiv_id is None or not title:
        log.warning("skipping an arXiv feed entry without a usable id or title (id %r)", url)
        return None
    authors: list[str] = []
    affiliations: list[str] = []
    for author in entry.iterfind(f"{_ATOM}author"):
        name = _text(author, "name")
        if name:
            authors.append(name)
        for aff in author.iterfind(f"{_ARXIV}affiliation"):
            value = _collapse(aff.text)
            if value and value not in affiliations:
                affiliations.append(value)
    categories: list[str] = []
    primary = entry.find(f"{_ARXIV}primary_category")
    terms = [primary.get("term", "")] if primary is not None else []
    terms += [c.get("term", "") for c in entry.iterfind(f"{_ATOM}category")]
    for term in terms:
        if term and term not in categories:
            categories.append(term)
    abstract = _text(entry, "summary")
    return Paper(
        source=arxiv_id,
        sha256=content_sha256(arxiv_id, title, authors, abstract),
        origin="arxiv",
        arxiv_id=arxiv_id,
        categories=categories,
        published=_date(_text(entry, "published")),
        title=title,
        authors=authors,
        affiliations=affiliations,
        abstract=abstract,
    )


def _text(element: ET.Element, name: str) -> str:
    child = element.find(f"{_ATOM}{name}")
    return _collapse(child.text if child is not None else None)


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _date(stamp: str) -> str | None:
    try:
        return date.fromisoformat(stamp[:10]).isoformat()
    except ValueError:
        return None


def _match(feed: _Feed, requested: Sequence[str]) -> tuple[dict[str, Paper], dict[str, str]]:
    """Pair requested IDs with entries. Keys of both dicts are the requested IDs as given."""
    by_base = {split_version(p.arxiv_id or "")[0]: p for p in feed.papers}
    found: dict[str, Paper] = {}
    errors: dict[str, str] = {}
    unmatched: list[str] = []
    for req in requested:
        base, version = split_version(parse_arxiv_id(req) or req)
        paper = by_base.get(base)
        if paper is None:
            unmatched.append(req)
        elif version is not None and split_version(paper.arxiv_id or "")[1] != version:
            errors[req] = f"{NOT_FOUND} (arXiv answered with {paper.arxiv_id})"
        else:
            found[req] = paper.model_copy(update={"source": parse_arxiv_id(req) or req})
    for summary in feed.errors:
        named = [r for r in unmatched if _mentions(summary, r)]
        if not named and len(requested) == 1 and unmatched:
            named = unmatched
        for req in named:
            errors[req] = summary
        if not named:
            errors[""] = summary
    for req in unmatched:
        if req in errors:
            continue
        if feed.errors:  # the whole request was refused because of another ID
            errors[req] = f"not looked up: arXiv refused the request ({'; '.join(feed.errors)})"
        else:
            errors[req] = NOT_FOUND
    return found, errors


def _mentions(summary: str, arxiv_id: str) -> bool:
    return re.search(rf"(?<![\w./-]){re.escape(arxiv_id)}(?![\w/-])", summary) is not None


def parse_feed(
    xml: bytes | str, *, requested: Sequence[str] = ()
) -> tuple[dict[str, Paper], dict[str, str]]:
    """Parse an arXiv Atom feed into (papers by versionless ID, errors by requested ID).

    A requested ID matches an entry with the same versionless ID, and, when the request names a
    version, the same version; a matched paper's ``source`` is the requested ID (normalised).
    An error feed's summary goes to each requested ID it names, to the only requested ID, or
    under the key ``""`` when it cannot tell. Requested IDs without an entry get
    ``"arXiv has no paper with this ID"``. Raises ArxivError when the XML is malformed.
    """
    feed = _parse(xml)
    found, errors = _match(feed, requested)
    papers = {split_version(p.arxiv_id or "")[0]: p for p in feed.papers}
    for paper in found.values():
        papers[split_version(paper.arxiv_id or "")[0]] = paper
    return papers, errors


def read_feed_file(path: Path) -> list[Paper]:
    """The papers of a saved arXiv API response (Atom XML), each with ``source = path#arxiv_id``.

    Raises InputError when the file cannot be read, is not an Atom feed, or holds no paper.
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot open it: {err.strerror or err}") from err
    try:
        feed = _parse(data)
    except ArxivError as err:
        raise InputError(path, f"not a saved arXiv API response: {err}") from err
    if not feed.papers:
        if feed.errors:
            raise InputError(path, f"the feed holds only an arXiv error: {feed.errors[0]}")
        raise InputError(path, "the feed holds no paper entries")
    return [p.model_copy(update={"source": f"{path}#{p.arxiv_id}"}) for p in feed.papers]


# --- the client ---------------------------------------------------------------------------------


def _user_agent() -> str:
    from digest import __version__  # lazily: digest/__init__ may import this module

    return f"paper-digest/{__version__} (research-paper summarisation; python-httpx)"


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
        self._headers = {"User-Agent": _user_agent()}
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

    async def fetch(self, ids: Sequence[str]) -> tuple[dict[str, Paper], dict[str, str]]:
        """Look up `ids`: (papers, errors), both keyed by the requested normalised ID.

        Every ID is validated before any request; invalid ones raise ArxivError listing them.
        Duplicates are asked once; batches hold at most ``batch_size`` IDs. An ID arXiv does not
        know gets an error entry, not an exception; ArxivError means a whole batch failed. An
        error feed that names none of a batch's IDs is kept under the key ``""`` (see parse_feed).
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
        for start in range(0, len(unique), self.batch_size):
            batch = unique[start : start + self.batch_size]
            found, failed = await self._query(batch)
            papers.update(found)
            errors.update(failed)
        return papers, errors

    async def pdf(self, arxiv_id: str) -> bytes:
        """The PDF of `arxiv_id` (validated first); ArxivError if arXiv sends anything else."""
        ident = parse_arxiv_id(arxiv_id)
        if ident is None:
            raise ArxivError(f"{arxiv_id!r} is not an arXiv ID; use e.g. 2510.01234v2")
        response = await self._request(PDF_URL.format(id=ident), None, ident)
        if response.status_code != 200:
            moved = response.headers.get("location")
            detail = f", redirected to {moved}" if moved else ""
            raise ArxivError(f"arXiv sent no PDF for {ident}: HTTP {response.status_code}{detail}")
        if not response.content.startswith(b"%PDF"):
            kind = response.headers.get("content-type", "unknown type")
            raise ArxivError(
                f"arXiv sent no PDF for {ident} ({kind}, starts with {response.content[:20]!r}); "
                f"check {PDF_URL.format(id=ident)} in a browser"
            )
        return response.content

    async def _query(self, batch: list[str]) -> tuple[dict[str, Paper], dict[str, str]]:
        params = {"id_list": ",".join(batch), "max_results": str(self.batch_size), "start": "0"}
        what = _describe(batch)
        response = await self._request(API_URL, params, what)
        if response.status_code not in (200, 400):
            raise ArxivError(f"arXiv API failed for {what}: HTTP {response.status_code}")
        try:
            feed = _parse(response.content)
        except ArxivError as err:
            raise ArxivError(f"arXiv API answer for {what} unusable: {err}") from err
        if response.status_code == 400 and not feed.errors:
            raise ArxivError(f"arXiv API refused the request for {what}: HTTP 400")
        return _match(feed, batch)

    async def _request(self, url: str, params: dict[str, str] | None, what: str) -> httpx.Response:
        """GET once the pacing allows, retrying throttling, 5xx and transport errors."""
        last = ""
        for attempt in range(self.retries + 1):
            async with self._lock:
                await self._pace()
                try:
                    response = await self._http.get(
                        url, params=params, headers=self._headers, follow_redirects=False
                    )
                except _TRANSIENT as err:
                    last = f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
                    retry_after = 0.0
                else:
                    if response.status_code not in RETRY_STATUSES:
                        return response
                    last = f"HTTP {response.status_code}"
                    retry_after = _retry_after(response)
                if attempt == self.retries:
                    break
                wait = min(max(self.delay * 2**attempt, retry_after), MAX_WAIT)
                log.warning(
                    "arXiv request for %s failed (%s); retry %d/%d in %.0f s",
                    what, last, attempt + 1, self.retries, wait,
                )  # fmt: skip
                self._not_before = self._clock() + wait
        raise ArxivError(
            f"arXiv did not answer for {what} after {self.retries + 1} attempts (last: {last}); "
            "arXiv may be overloaded or throttling this address, try again later"
        )

    async def _pace(self) -> None:
        """Wait `delay` after the previous request's start and past any backoff. Call locked."""
        ready = self._not_before
        if self._last_start is not None:
            ready = max(ready, self._last_start + self.delay)
        wait = ready - self._clock()
        if wait > 0:
            await self._sleep(wait)
        self._last_start = self._clock()


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("retry-after", "")
    try:
        seconds = float(value)
    except ValueError:
        return 0.0  # an HTTP date or garbage: fall back to our own backoff
    return min(seconds, MAX_WAIT) if math.isfinite(seconds) and seconds > 0 else 0.0


def _describe(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:5])
    return shown + (f" (+{len(ids) - 5} more)" if len(ids) > 5 else "")
