"""Crossref: the metadata a publisher deposited for a DOI (exact title, ordered authors, and
affiliations and an abstract when deposited), read from the REST API's ``/works/{doi}``.

read_work       a ``/works/{doi}`` answer (JSON) -> Paper (origin "crossref"), or None; its year
                is the issue's (``published-print``, else ``issued``: the earliest of print
                and online, so an article online a year before its issue reads the issue's
                year, the convention a page's issue line follows), its venue the journal's,
                book's or proceedings' name (``container-title``, the last of its names: a
                chapter lists the series first), or a preprint server's (``institution``)
same_work       whether a Crossref record is the paper a PDF shows (its title is on the page)
CrossrefClient  polite async lookups: a contact address in the User-Agent, a few requests in
                flight, exponential back-off on 429/5xx (Retry-After honoured), a 404 final,
                no retry at all when the network is not there, and a few seconds in all that
                a run may lose to a Crossref that does not answer

Crossref's own guidance (../shared/crossref/SOURCES.md): identify yourself for the polite pool,
back off on 429 and 5xx, do not ask again for a DOI it does not know, cache what it answers
(the pipeline keeps every answer in the store), and URL-encode the DOI.
"""

from __future__ import annotations

import asyncio
import difflib
import html
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from types import TracebackType
from typing import Any, Literal
from urllib.parse import quote

import httpx

from digest.errors import LookupFailedError, LookupUnavailableError
from digest.ids import content_sha256
from digest.models import Paper
from digest.net import LostTime, read_body, retry_after, user_agent
from digest.strings import match_key, one_line
from digest.untrusted import loads

__all__ = ["WORKS_URL", "CrossrefClient", "Lookup", "read_work", "same_work"]

FIRST_YEAR = 1665  # the first scholarly journals; an earlier "year" is a deposit's error

log = logging.getLogger(__name__)

WORKS_URL = "https://api.crossref.org/works/{doi}"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Seconds a run may lose, in all, to a Crossref that does not answer (failed attempts and the
# waits between them; an answer costs nothing of it). Room for a hiccup: a 429's Retry-After of
# a second or three and a retry or two (1 s, 2 s); a longer wait, or an outage, ends the run's
# lookups and the PDFs' headers stand.
LOOKUP_TIME = 6.0
REQUEST_TIMEOUT = 5.0  # one attempt, body included (an answer takes well under a second)
CONNECT_TIMEOUT = 3.0  # a connection that can be made at all is made in well under this
# Largest answer read: a work record is a few KB (the recordings: 5-90 KB) to a few hundred KB
# (thousands of references); past this it is not a record, and is not read further.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
_OFFLINE = (httpx.ConnectError, httpx.ConnectTimeout)  # DNS failure, refused, unreachable
# timeouts, a connection reset or cut mid-answer, a protocol error; and the attempt's own
# deadline (asyncio.timeout). _OFFLINE is caught first.
_TRANSIENT = (httpx.TransportError, TimeoutError)

_TAG = re.compile(r"<[^>]+>")
# inline markup joins what it wraps to the word around it ("CO<sub>2</sub>" -> "CO2"); any
# other tag (a paragraph, a section) stands between words
_INLINE = re.compile(
    r"</?(?:jats:|mml:)?(?:i|b|u|em|strong|sub|sup|sc|scp|italic|bold|underline|mi|mn|mo|msub"
    r"|msup|mrow|math|inline-formula)(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)
_LEADING_TITLE = re.compile(
    r"^\s*<jats:title>\s*(?:abstract|summary)\s*</jats:title>", re.IGNORECASE
)
_SECTION_TITLE = re.compile(r"<jats:title>(.*?)</jats:title>", re.IGNORECASE | re.DOTALL)
SAME_TITLE = 0.85  # title similarity (case, spacing and punctuation ignored) of one paper


@dataclass(frozen=True)
class Lookup:
    """One DOI's answer: the record when Crossref has it; "not_found" (a 404: final); or
    "skipped" when an earlier lookup of this client found the network gone (not an answer:
    never stored)."""

    status: Literal["found", "not_found", "skipped"]
    paper: Paper | None = None


def read_work(body: str | bytes, doi: str) -> Paper | None:
    """The work in a ``/works/{doi}`` answer as a Paper, or None when it has no title.
    Affiliations are kept only when every author was deposited with one (else the PDF's
    stand). Raises ValueError when the body is not such an answer (nested too deep too)."""
    data = loads(body)
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise ValueError("not a Crossref /works answer: no message object")
    title = _plain(" ".join(message.get("title") or []))
    subtitle = _plain(" ".join(message.get("subtitle") or []))
    if subtitle and match_key(subtitle) not in match_key(title):
        title = f"{title}: {subtitle}"
    if not title:
        return None
    authors: list[str] = []
    affiliations: list[str] = []
    complete = True  # every person deposited with an affiliation
    for person in message.get("author") or []:
        name = _name(person)
        if name:
            authors.append(name)
        places = [
            text
            for place in person.get("affiliation") or []
            if isinstance(place, dict) and (text := _plain(str(place.get("name", ""))))
        ]
        complete = complete and (bool(places) or not person.get("family"))
        affiliations += [text for text in places if text not in affiliations]
    if not complete:  # a partial list would hide the institutions the PDF prints
        affiliations = []
    abstract = _abstract(message.get("abstract") or "")
    issued = _date_parts(message, "issued")
    published = "-".join(f"{part:02d}" for part in issued[:3]) or None
    return Paper(
        source=f"https://doi.org/{doi}",
        sha256=content_sha256("crossref", doi, title, authors, affiliations, abstract),
        origin="crossref",
        doi=doi,
        year=_year(message),
        venue=_venue(message),
        published=published if published and len(published) == 10 else None,
        title=title,
        authors=authors,
        affiliations=affiliations,
        abstract=abstract,
    )


def _date_parts(message: dict[str, Any], name: str) -> list[int]:
    """A date's parts ([2017, 5, 31]) as deposited; [] when there is none."""
    value = message.get(name)
    parts = value.get("date-parts") if isinstance(value, dict) else None
    first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
    return [part for part in first if isinstance(part, int) and not isinstance(part, bool)]


def _year(message: dict[str, Any]) -> int | None:
    """The year of the issue the work is in, else the earliest of print and online."""
    for name in ("published-print", "issued", "posted"):
        parts = _date_parts(message, name)
        if parts and FIRST_YEAR <= parts[0] <= date.today().year + 1:
            return parts[0]
    return None


def _venue(message: dict[str, Any]) -> str | None:
    """The journal's, book's or proceedings' name; a preprint server's for a posted preprint."""
    names = [_plain(str(n)) for n in message.get("container-title") or [] if n]
    if not names and message.get("type") == "posted-content":
        names = [
            _plain(str(place.get("name", "")))
            for place in message.get("institution") or []
            if isinstance(place, dict)
        ]
    names = [name for name in names if name]
    return names[-1] if names else None


def same_work(record: Paper, pdf: Paper) -> bool:
    """Whether the Crossref record is the paper the PDF shows: its title matches the title the
    PDF reader found, or is printed on the first page. A DOI on page 1 may be another work's
    (a cited article, the journal's own DOI), so a record is never taken on the DOI alone."""
    wanted = match_key(record.title)
    if not wanted:
        return False
    if wanted in match_key(pdf.first_page):
        return True
    ratio = difflib.SequenceMatcher(None, wanted, match_key(pdf.title), autojunk=False).ratio()
    return ratio >= SAME_TITLE


def _plain(text: str) -> str:
    """Markup (``<i>``, ``<sub>``, MathML, JATS) out, entities decoded, one line."""
    return one_line(html.unescape(_TAG.sub(" ", _INLINE.sub("", text))))


def _name(person: dict[str, Any]) -> str:
    """ "Given Family" as deposited (a consortium's name as it is); a family name deposited in
    capitals ("KUSUMOTO") in normal case."""
    if person.get("name") and not person.get("family"):
        return _plain(str(person["name"]))
    family = _plain(str(person.get("family") or ""))
    if family.isupper() and len(family) > 2:
        family = family.title()
    return one_line(f"{_plain(str(person.get('given') or ''))} {family}")


def _abstract(jats: str) -> str:
    """A JATS abstract as plain text: a leading "Abstract" heading dropped, section headings
    of a structured abstract kept as "Background:" run-ins."""
    text = _LEADING_TITLE.sub("", jats)
    text = _SECTION_TITLE.sub(lambda m: f" {one_line(m.group(1)).rstrip(':')}: ", text)
    return _plain(text)


class CrossrefClient:
    """Async ``/works/{doi}`` lookups, polite and never holding a run up for long.

    At most ``in_flight`` requests at a time. On 429/5xx and timeouts it retries up to
    ``retries`` more times, waiting ``delay * 2**n`` seconds or a longer Retry-After, and every
    request waits out a back-off one of them was told. All of it is paid from ``lookup_time``
    seconds per client (one client per run): an attempt may take what is left of it (at most
    ``timeout``), and a wait that would leave none of it is not begun. A connection that cannot
    be made (no network, DNS failure), that time spent, or a wait asked for longer than is left
    raises LookupUnavailableError, exactly once per client: every other lookup, in flight or
    later, is "skipped", so the caller notes it once and reads the PDFs alone. An answer is
    read up to ``MAX_ANSWER_BYTES``. ``sleep`` and ``clock`` are injectable so tests never wait.
    """

    def __init__(
        self,
        *,
        contact: str | None = None,
        http: httpx.AsyncClient | None = None,
        in_flight: int = 3,
        retries: int = 3,
        delay: float = 1.0,
        timeout: float = REQUEST_TIMEOUT,
        lookup_time: float = LOOKUP_TIME,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._owns_http = http is None
        self._headers = {"User-Agent": user_agent(contact), "Accept": "application/json"}
        self._http = http or httpx.AsyncClient()
        self.retries = retries
        self.delay = delay
        self.timeout = timeout
        self.lost = LostTime(lookup_time)
        self._sleep = sleep
        self._clock = clock or time.monotonic
        self._slots = asyncio.Semaphore(in_flight)
        self._not_before = 0.0
        self.unavailable: str | None = None  # why lookups stopped, once they have
        self.requests = 0

    async def __aenter__(self) -> CrossrefClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def work(self, doi: str) -> Lookup:
        """Crossref's record of `doi`. Raises LookupUnavailableError (no network, or no answer
        within the run's lookup time: raised once, later lookups are skipped) or
        LookupFailedError (the API kept failing, or answered nonsense)."""
        url = WORKS_URL.format(doi=quote(doi, safe="/"))
        last = ""
        for attempt in range(self.retries + 1):
            async with self._slots:
                wait = self._not_before - self._clock()
                if wait > 0 and self.unavailable is None:
                    await self._sleep(wait)  # counted by the lookup that was told to wait
                if self.unavailable is not None:
                    return Lookup("skipped")
                if self.lost.left() <= 0:
                    return self._stop(self._too_long(last, 0.0, 0.0))
                started = self._clock()
                try:
                    self.requests += 1
                    status, asked, body = await self._get(url, doi)
                except _OFFLINE as err:
                    return self._stop(f"Crossref not reachable ({_describe(err)})", err)
                except _TRANSIENT as err:
                    status, asked, body = 0, 0.0, None
                    last = _describe(err)
                if status == 200:
                    return _found(body, doi)
                if status in (404, 400):  # not a Crossref DOI: final
                    return Lookup("not_found")
                if status and status not in RETRY_STATUSES:
                    raise LookupFailedError(f"Crossref refused {doi}: HTTP {status}")
                last = f"HTTP {status}" if status else last
                self.lost.count(started, self._clock())
                if attempt == self.retries:
                    break
                backoff = max(self.delay * 2**attempt, asked)
                now = self._clock()  # a wait that would leave no time to ask again is not begun
                if self.lost.cost(now, now + backoff) >= self.lost.left():
                    return self._stop(self._too_long(last, asked, backoff))
                self._back_off(doi, last, attempt, backoff)
        raise LookupFailedError(
            f"Crossref did not answer for {doi} after {self.retries + 1} attempts (last: {last})"
        )

    async def _get(self, url: str, doi: str) -> tuple[int, float, bytes | None]:
        """One attempt, within what is left of the lookup time: (status, the Retry-After it
        asks, a 200's body up to MAX_ANSWER_BYTES or None past it; None for any other)."""
        limit = min(self.timeout, self.lost.left())
        timeout = httpx.Timeout(limit, connect=min(limit, CONNECT_TIMEOUT))
        async with asyncio.timeout(limit):  # a body trickled a byte at a time stops too
            async with self._http.stream("GET", url, headers=self._headers, timeout=timeout) as r:
                try:
                    body = await read_body(r, MAX_ANSWER_BYTES) if r.status_code == 200 else None
                except httpx.DecodingError as err:  # e.g. "gzip" that is not
                    raise LookupFailedError(f"Crossref's answer for {doi} cannot be decoded "
                                            f"({err})") from err  # fmt: skip
                return r.status_code, retry_after(r.headers) or 0.0, body

    def _back_off(self, doi: str, last: str, attempt: int, backoff: float) -> None:
        """Hold every lookup for `backoff` seconds, counted as time lost."""
        log.info(
            "Crossref lookup of %s failed (%s); retry %d/%d in %.1f s",
            doi, last, attempt + 1, self.retries, backoff,
        )  # fmt: skip
        now = self._clock()
        self.lost.count(now, now + backoff)
        self._not_before = max(self._not_before, now + backoff)

    def _too_long(self, last: str, asked: float, backoff: float) -> str:
        """Why lookups stop: the wait asked for, or the time they may lose, is too long."""
        budget = f"a run's {self.lost.budget:.0f} s for lookups"
        if asked and asked >= backoff:
            left = f"{self.lost.left():.0f} s left of {budget}"
            return f"Crossref asks to wait {asked:.0f} s ({last}), more than the {left}"
        return f"Crossref did not answer within {budget}" + (f" (last: {last})" if last else "")

    def _stop(self, why: str, cause: Exception | None = None) -> Lookup:
        """End every lookup of this client: raise once, skip the rest."""
        if self.unavailable is not None:  # a lookup in flight with it found out first
            return Lookup("skipped")
        self.unavailable = why
        raise LookupUnavailableError(why) from cause


def _found(body: bytes | None, doi: str) -> Lookup:
    if body is None:
        raise LookupFailedError(
            f"Crossref's answer for {doi} is larger than {MAX_ANSWER_BYTES // 2**20} MB "
            "(a work record is a few hundred KB at most); not read"
        )
    try:
        paper = read_work(body, doi)
    except (ValueError, TypeError, AttributeError) as err:
        raise LookupFailedError(f"Crossref's answer for {doi} is unusable: {err}") from err
    return Lookup("found", paper) if paper is not None else Lookup("not_found")


def _describe(err: Exception) -> str:
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__
