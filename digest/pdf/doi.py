"""The paper's own DOI, never another work's: from its metadata and from where a page prints
its own.

A page prints many DOIs: its own in a banner, a running footer, a sidebar, a copyright block
or a "Citation:" line, and others' in the references, in a footnote citing a work, a dataset
or code. Its own is **labelled** ("DOI 10...", "doi:10...", "https://doi.org/10...", "Digital
Object Identifier 10...") at the start of its line or cell, or after a statement of the issue
or of the copyright ("Tobacco Control 2004;13:445–447. doi: ...", "ACM ISBN .../19/08 $15.00
https://doi.org/..."), or it is on the page's citation of itself ("Citation: ...", "Cite this
article as", "How to cite this article", "ACM Reference Format");
and it is set **aside** from the body's prose (zones.py), outside the references, not in a
footnote (a line opening with a mark), not after a word that cites ("see", "data", "code",
"commentary on") nor after a cited work's authors ("Bange EM, ...", "et al."). A data or
software repository's DOI (Zenodo, Dryad, figshare ...) on a page is a dataset's or code's. A
DOI wrapped over two lines ("doi:10." / "1371/journal...") is read whole.

The order: the metadata's DOI (metadata.py: an article DOI field, never an ISSN-DOI) when the
pages read print it; else the page's own; else, at the end of the paper, the DOI by "Cite this
article as" (BMC); else the metadata's unprinted, unless the metadata describes another paper
(its title is not on the page). The source is "pdf" when printed, "pdf_metadata" otherwise.
"""

from __future__ import annotations

import re

from digest.ids import find_dois, journal_doi
from digest.paper import HeaderSource
from digest.pdf.imprint import read_line
from digest.pdf.metadata import DocInfo
from digest.pdf.reader import MARK_SEP, Line
from digest.pdf.zones import Zones
from digest.strings import match_key

__all__ = ["DATA_REGISTRANTS", "paper_doi"]

# registrant codes of data and software repositories: Dryad, Zenodo, figshare, PANGAEA, Harvard
# Dataverse, ICPSR, GBIF, OSF, Mendeley Data, 4TU.ResearchData
DATA_REGISTRANTS = frozenset(
    {"10.5061", "10.5281", "10.6084", "10.1594", "10.7910", "10.3886", "10.15468", "10.17605",
     "10.17632", "10.4121"}
)  # fmt: skip
_LABEL = re.compile(
    r"(?:\bdoi\s*:?|\bdigital object identi(?:fi|ﬁ)er\s*:?|https?://(?:dx\.)?doi\.org/)\s*$", re.I
)
_CELL_START = re.compile(r"(?:^|\|)\s*$")  # the label opens its line or a cell of it
_SELF_CITATION = re.compile(
    r"(?i)\bcitation(?: information)?\s*:|\bcite (?:this (?:article|paper) )?as\b"
    r"|\bcite this (?:article|paper)|\bhow to cite\b|\bto cite this\b"
    r"|\bplease cite\b|\bacm reference format\b"
)
_CITING = re.compile(
    r"(?i)\b(?:see|cf\.|commentary on|comment on|refers? to|response to|reply to|original"
    r"|related|erratum|correction|retraction|dataset|data|code|software|available (?:at|from)"
    r"|deposited|supplementary|supporting)\b"
)
# a line that breaks off inside a DOI: after its label, its "10.", or a separator of its suffix
# a cited work's entry: its authors ("Bange EM, Han NA", "Smith, J.", "et al.")
_ENTRY = re.compile(r"\bet al\b|^[A-Z][\w'’-]+,?\s+(?:[A-Z]{1,3}|[A-Z]\.(?:\s?[A-Z]\.)*),")
_WRAPPED = re.compile(
    r"(?:\bdoi\s*:?\s*|https?://(?:dx\.)?doi\.?(?:org/)?|\b10\.\d{0,9}/?|\b10\.\d{4,9}/\S*[./_-])$",
    re.I,
)
_GO_ON = re.compile(r"^[\w()<>;:\-]*[./][\w./()<>;:\-]*")  # the rest: "pone.0197919"
_CITE_REACH = 2  # lines: "Cite this article as" is this close to the DOI it gives (BMC: next)
_TITLE_SHARE = 0.6  # share of the metadata title's words on the page: it describes this paper


def paper_doi(
    info: DocInfo, zones: Zones, back: list[list[Line]]
) -> tuple[str | None, HeaderSource | None]:
    """The paper's DOI and where it was read: `zones` the first page's (zones.page_zones),
    `back` the pages at the paper's end the header reader read (their "Cite this article
    as")."""
    page1 = zones.lines
    printed = "".join("".join(ln.text.split()) for p in (page1, *back) for ln in p).lower()
    meta = info.doi if info.doi and _describes(info, page1) else None
    if meta and meta in printed:
        return meta, "pdf"
    own = _labelled(zones, meta) or next((d for p in back if (d := _cited_as(p))), None)
    if own:
        return own, "pdf"
    return (meta, "pdf_metadata") if meta else (None, None)


def _describes(info: DocInfo, page1: list[Line]) -> bool:
    """Whether the metadata is about the paper on the page (no title, or its title printed)."""
    if not info.title:
        return True
    page = match_key(" ".join(ln.text for ln in page1))
    words = [match_key(w) for w in info.title.split() if len(match_key(w)) >= 4]
    return not words or sum(w in page for w in words) >= _TITLE_SHARE * len(words)


def _labelled(zones: Zones, meta: str | None) -> str | None:
    """The first DOI the page prints as its own (see the module's docstring)."""
    for index, line in enumerate(zones.lines):
        if index in zones.refs or line.marked.startswith(MARK_SEP) or not zones.aside(line):
            continue
        text = _unwrapped(zones, index)
        for match in re.finditer(r"\b10\.\d{4,9}/", text):
            doi = next(iter(find_dois(text[match.start() :])), None)
            if doi and _eligible(doi, meta) and _own(zones, index, text[: match.start()]):
                return doi
    return None


def _eligible(doi: str, meta: str | None) -> bool:
    return not journal_doi(doi) and (doi == meta or doi.split("/")[0] not in DATA_REGISTRANTS)


def _own(zones: Zones, index: int, before: str) -> bool:
    """Whether the DOI after `before` on line `index` is printed as the page's own."""
    label = _LABEL.search(before)
    lead = before[: label.start()] if label else before
    if _CITING.search(lead):
        return False
    if _self_citation(zones, index):
        return True
    if label is None or _ENTRY.search(lead):
        return False
    if _CELL_START.search(lead):
        return True
    return any(r.kind in ("issue", "copyright") for r in read_line(lead))


def _self_citation(zones: Zones, index: int) -> bool:
    """Whether line `index` ends the page's citation of itself, begun on it or just above."""
    for _ in range(4):
        if _SELF_CITATION.search(zones.lines[index].text):
            return True
        above = [j for j in range(index) if zones.continuation(j) == index]
        if not above:
            return False
        index = above[-1]
    return False


def _unwrapped(zones: Zones, index: int) -> str:
    """The line, with the rest of a DOI it breaks off at its end taken from the next line."""
    text = zones.lines[index].text.rstrip()
    if not _WRAPPED.search(text) or (after := zones.continuation(index)) is None:
        return text
    more = _GO_ON.match(zones.lines[after].text.strip())
    return text + more.group(0) if more else text


def _cited_as(page: list[Line]) -> str | None:
    """The DOI printed by a "Cite this article as" at the paper's end."""
    texts = [ln.text for ln in page]
    for index, text in enumerate(texts):
        if not _SELF_CITATION.search(text):
            continue
        for near in texts[max(0, index - _CITE_REACH) : index + _CITE_REACH + 1]:
            dois = [d for d in find_dois(near) if _eligible(d, None)]
            if dois:
                return dois[0]
    return None
