"""Identities: arXiv IDs as users type them, and the content hashes that name a paper.

parse_arxiv_id   text the user typed (ID, ``arXiv:`` ID, abs/pdf URL) -> normalised ID or None
split_version    ``2510.01234v2`` -> (``2510.01234``, 2)
versionless      ``2510.01234v2`` -> ``2510.01234``
find_doi         the first DOI in a text ("doi:10.1371/...", "https://doi.org/10...") or None
find_dois        every DOI in a text; journal_doi: whether a DOI is a journal's (ISSN-DOI)
arxiv_url        an arXiv ID's abstract page on arxiv.org, or None when it is no arXiv ID
doi_url          a DOI's https://doi.org/ URL (percent-encoded), or None when it is no DOI
data_sha256      a file's identity: the hash of its bytes, whatever its name (file_sha256)
content_sha256   a record's identity: the hash of its fields' canonical JSON
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import quote

__all__ = [
    "arxiv_url",
    "arxiv_year",
    "content_sha256",
    "data_sha256",
    "doi_url",
    "file_sha256",
    "find_doi",
    "find_dois",
    "journal_doi",
    "parse_arxiv_id",
    "split_version",
    "versionless",
]

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


def versionless(arxiv_id: str) -> str:
    return split_version(arxiv_id)[0]


_NEW_ARXIV = re.compile(r"^(\d{2})(\d{2})\.\d{4,5}")
_OLD_ARXIV = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}")


def arxiv_year(arxiv_id: str | None) -> str | None:
    """The year an arXiv ID was given (2005.11401 -> 2020, cs/0112017 -> 2001)."""
    if not arxiv_id:
        return None
    match = _NEW_ARXIV.match(arxiv_id) or _OLD_ARXIV.match(split_version(arxiv_id)[0])
    if match is None:
        return None
    yy = int(match.group(1))
    return str(1900 + yy if yy >= 91 else 2000 + yy)


def data_sha256(data: bytes) -> str:
    """The identity of a file's content: sha256 hex of its bytes."""
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    """The identity of a file: the hash of its bytes (read in chunks, not held whole). Raises
    OSError when it cannot be read."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def content_sha256(*fields: object) -> str:
    """Identity of a record: sha256 hex of the canonical JSON array of `fields`."""
    canonical = json.dumps(list(fields), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# A DOI is "10." + a registrant code + "/" + a suffix of any printable characters. In running
# text it ends at a space or a quote, and at a closing bracket it did not open: a SICI
# ("10.1002/(sici)1098-1136(199809)24:1<39::aid-glia5>3.0.co;2-w") holds brackets and angle
# brackets, "<doi:10.1000/x>" and "(doi:10.1000/x)" do not. Closing punctuation is the text's.
_DOI_START = re.compile(r"\b10\.\d{4,9}/")
_DOI_ENDS = frozenset("\"'\u201c\u201d\u2018\u2019\u00ab\u00bb")
_BRACKETS = {"(": ")", "[": "]", "<": ">", "{": "}"}
_DOI_TAIL = ".,;:"
# a journal's own DOI, never an article's: "10.1002/(ISSN)1098-1136", "10.1111/issn.1365-2567"
_JOURNAL_DOI = re.compile(r"10\.\d{4,9}/(?:\(issn\)|issn[.\-]?\d{4}-?\d{3}[\dx]$)", re.IGNORECASE)


def find_dois(text: str) -> list[str]:
    """Every DOI in `text`, in order, lower-cased (DOIs ignore case), without a URL or "doi:"
    prefix and without the sentence's closing punctuation; brackets stay when the DOI opened
    them ("10.1016/S0140-6736(20)30183-5")."""
    found: list[str] = []
    end = 0
    for match in _DOI_START.finditer(text):
        if match.start() < end:
            continue
        end = _doi_end(text, match.end())
        doi = text[match.start() : end].rstrip(_DOI_TAIL)
        if not doi.endswith("/"):
            found.append(doi.lower())
    return found


def _doi_end(text: str, start: int) -> int:
    """Where the DOI whose suffix begins at `start` ends."""
    closing: list[str] = []
    for at in range(start, len(text)):
        char = text[at]
        if char.isspace() or char in _DOI_ENDS:
            return at
        if char in _BRACKETS:
            closing.append(_BRACKETS[char])
        elif char in _BRACKETS.values():
            if not closing or closing[-1] != char:
                return at
            closing.pop()
    return len(text)


def find_doi(text: str) -> str | None:
    """The first DOI in `text` (see :func:`find_dois`), or None."""
    return next(iter(find_dois(text)), None)


def journal_doi(doi: str) -> bool:
    """Whether `doi` names a journal (its ISSN-DOI), not an article of it."""
    return _JOURNAL_DOI.match(doi) is not None


# A DOI as a record holds it: "10." + a registrant code + "/" + a suffix of printable characters
_WHOLE_DOI = re.compile(r"10\.\d{4,9}/[^\s\x00-\x1f\x7f-\x9f]+")


def doi_url(doi: str | None) -> str | None:
    """``https://doi.org/`` + the DOI, its suffix percent-encoded ("?", "#", "<", '"' as
    %3F...), so a link is always that URL; None when the text is not a DOI."""
    if not doi or not _WHOLE_DOI.fullmatch(doi):
        return None
    return "https://doi.org/" + quote(doi, safe="/:;()")


def arxiv_url(arxiv_id: str | None) -> str | None:
    """The ID's abstract page on arxiv.org (with its version when it has one); None when the
    text is not an arXiv ID."""
    ident = parse_arxiv_id(arxiv_id) if arxiv_id else None
    return "https://arxiv.org/abs/" + quote(ident, safe="/") if ident else None
