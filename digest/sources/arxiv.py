"""arXiv's metadata: the legacy query API's Atom feed, as answered or as saved on disk.

An entry is one version of a paper (its ID carries the version): its year is that version's
(``<updated>``, the date it was submitted; else ``<published>``, the first version's; else the
year the ID was given), its venue the journal reference its authors recorded
(``<arxiv:journal_ref>``, as recorded), its DOI the one they recorded (``<arxiv:doi>``).

read_feed        Atom XML -> Feed (papers in feed order, error summaries)
match_requested  pair the requested IDs with the feed's entries, and with its errors
parse_feed       Atom XML -> papers keyed by versionless ID, errors keyed by requested ID
read_feed_file   a saved API response on disk -> its papers (source = ``path#arxiv_id``)

The client that asks the API is digest.sources.arxiv_client.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from digest.errors import ArxivError, InputError, TooLargeError
from digest.ids import arxiv_year, content_sha256, find_doi, parse_arxiv_id, split_version
from digest.inputs import MAX_TEXT_BYTES, too_large
from digest.models import Paper
from digest.strings import one_line

__all__ = ["NOT_FOUND", "Feed", "match_requested", "parse_feed", "read_feed", "read_feed_file"]

log = logging.getLogger(__name__)

NOT_FOUND = "arXiv has no paper with this ID"

_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


@dataclass(frozen=True)
class Feed:
    """One parsed answer: entries in feed order, and the summaries of its error entries."""

    papers: list[Paper]
    errors: list[str]


def read_feed(xml: bytes | str) -> Feed:
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
    return Feed(papers, errors)


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
            value = one_line(aff.text)
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
    published = _date(_text(entry, "published"))
    version = _date(_text(entry, "updated")) or published or arxiv_year(arxiv_id)
    return Paper(
        source=arxiv_id,
        sha256=content_sha256(arxiv_id, title, authors, abstract),
        origin="arxiv",
        arxiv_id=arxiv_id,
        doi=find_doi(_text(entry, "doi", _ARXIV)),
        year=int(version[:4]) if version else None,
        venue=_text(entry, "journal_ref", _ARXIV) or None,
        categories=categories,
        published=published,
        title=title,
        authors=authors,
        affiliations=affiliations,
        abstract=abstract,
    )


def _text(element: ET.Element, name: str, namespace: str = _ATOM) -> str:
    child = element.find(f"{namespace}{name}")
    return one_line(child.text if child is not None else None)


def _date(stamp: str) -> str | None:
    try:
        return date.fromisoformat(stamp[:10]).isoformat()
    except ValueError:
        return None


def match_requested(
    feed: Feed, requested: Sequence[str]
) -> tuple[dict[str, Paper], dict[str, str]]:
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
    feed = read_feed(xml)
    found, errors = match_requested(feed, requested)
    papers = {split_version(p.arxiv_id or "")[0]: p for p in feed.papers}
    for paper in found.values():
        papers[split_version(paper.arxiv_id or "")[0]] = paper
    return papers, errors


def read_feed_file(path: Path) -> list[Paper]:
    """The papers of a saved arXiv API response (Atom XML), each with ``source = path#arxiv_id``.

    Raises InputError when the file cannot be read, is not an Atom feed, or holds no paper.
    """
    if (size := too_large(path, MAX_TEXT_BYTES)) is not None:
        raise TooLargeError(path, size)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot open it: {err.strerror or err}") from err
    try:
        feed = read_feed(data)
    except ArxivError as err:
        raise InputError(path, f"not a saved arXiv API response: {err}") from err
    if not feed.papers:
        if feed.errors:
            raise InputError(path, f"the feed holds only an arXiv error: {feed.errors[0]}")
        raise InputError(path, "the feed holds no paper entries")
    return [p.model_copy(update={"source": f"{path}#{p.arxiv_id}"}) for p in feed.papers]
