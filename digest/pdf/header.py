"""Title, authors, affiliations and abstract from the laid-out lines of the first page(s).

The page is read as a reader reads it, from its layout (layout.py), not from the order the text
happens to be stored in:

- the **title** is the block of the largest type above the abstract that is not a banner (a
  journal's name, a volume line, a running head also printed on page 2, an article-type label
  such as "Research Article"); a block that names follow, or that the PDF's own metadata title
  matches, is preferred among blocks of about the same size;
- the **author block** runs from the title down to the abstract (or to the first prose, a
  publisher's notice, or a section heading): its lines are name lines (names.py), e-mail lines,
  and affiliation lines, read in columns when authors are set side by side (affiliations.py);
  names printed above the title, or after labels ("Authors:"), are read too, and so is an
  editorial's signature at the end of its text (flush right: the name, the affiliation);
- the **abstract** is read by abstract.py and labelled.py, from page 2 when page 1 has none but
  page 2 does, or on page 2 when page 1 cuts it mid-sentence.

A cover page (no names, no abstract on page 1, a header on page 2) is skipped.

The PDF's own metadata (metadata.py) is one more vote, counted only where the page agrees with
it (:func:`vote_metadata`): it names the title when the layout found none, cut one short, or
read it with its words glued together, or when the page's title stops short (ends open, or the
line under it reads empty) and the metadata's starts with it; its authors stand in when the
page shows no name line and every one of them is printed on the page, and spell the page's
names where the text layer garbled them ("Brian Dw Ziebart" is "Brian D. Ziebart"), never
adding a name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from digest.pdf.abstract import unlabelled_abstract
from digest.pdf.affiliations import affiliations_elsewhere
from digest.pdf.authors import (
    author_region,
    beside_block,
    labelled_authors,
    read_region,
    signed_authors,
)
from digest.pdf.clean import Vocabulary, is_noise_line
from digest.pdf.cues import ABSTRACT_HEAD, lowercase_share
from digest.pdf.labelled import labelled_abstract
from digest.pdf.metadata import DocInfo
from digest.pdf.names import spelled_better
from digest.pdf.reader import Line
from digest.pdf.title import find_title, left_open, title_text
from digest.pdf.venue import Imprint
from digest.strings import match_key

__all__ = ["Header", "abstract_heading_on", "parse_header", "vote_metadata"]

log = logging.getLogger(__name__)


@dataclass
class Header:
    title: str = ""
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    abstract: str = ""
    warnings: list[str] = field(default_factory=list)
    affiliations_elsewhere: bool = False  # not in the author block: page 2 may list them
    from_metadata: set[str] = field(default_factory=set)  # fields the PDF's metadata named
    doi: str | None = None
    imprint: Imprint = field(default_factory=Imprint)  # year and venue (venue.py)
    title_open: bool = False  # the title as read stops short (title.left_open)
    abstract_open: bool = False  # the abstract runs off page 1 unfinished


def vote_metadata(head: Header, info: DocInfo, page_text: str) -> None:
    """Let the PDF's metadata correct the header where the page bears it out: `page_text` is
    the text of the pages the header was read from."""
    page = match_key(page_text)
    meta = match_key(info.title or "")
    read = match_key(head.title)
    if meta and meta in page:
        glued = bool(head.title) and " " not in head.title.strip() and read == meta
        cut_short = bool(read) and read != meta and read in meta
        if not read or glued or cut_short:
            head.title = info.title or ""
            head.from_metadata.add("title")
    elif meta and head.title_open and len(head.title.split()) >= 3 and meta.startswith(read):
        head.title = info.title or ""  # the rest of a title the page leaves open or unreadable
        head.from_metadata.add("title")
    if not head.authors and info.authors:
        keys = [match_key(name) for name in info.authors]
        if all(len(k) >= 4 and k in page for k in keys):
            head.authors = list(info.authors)
            head.from_metadata.add("authors")
    elif info.authors:
        head.authors = [_respelled(name, info.authors, head.authors, page) for name in head.authors]


def _respelled(name: str, listed: list[str], read: list[str], page: str) -> str:
    """The page's name, or the metadata's spelling of it where that is better (names.py), every
    word it has is printed on the page, and none is another name the page has ("Jonathan Bragg
    Jeff Hammerbacher" is two people glued): a vote on the form, never on who is named."""
    others = {match_key(w) for n in read if n != name for w in n.split()}
    better = [
        other for other in listed
        if spelled_better(name, other)
        and all(match_key(w) in page for w in other.split())
        and not any(match_key(w) in others for w in other.split()[len(name.split()):])
    ]  # fmt: skip
    return better[0] if len(better) == 1 else name


def parse_header(
    page1: list[Line],
    page2: list[Line],
    vocab: Vocabulary,
    *,
    pdf_title: str | None = None,
    running: frozenset[str] = frozenset(),
) -> Header:
    """Read the header fields from the laid-out lines of the first two pages. `pdf_title` is the
    PDF's own metadata title (one vote, checked against the page); `running` holds the masked
    texts of lines repeated at the top of later pages (running heads, never a title)."""
    head = Header()
    lines = [ln for ln in page1 if ln.text.strip() and not is_noise_line(ln.text)]
    if not lines:
        head.warnings.append("no text on page 1")
        return head
    body = _body_size(lines)
    anchor = _abstract_anchor(lines)
    limit_y = lines[anchor].y if anchor is not None else None
    title = find_title(lines, body, limit_y, pdf_title, running)
    if title is None:
        head.warnings.append("no title found on page 1")
        top = lines[0].y + 1
    else:
        head.title = title_text(title, vocab)
        head.title_open = left_open(title, lines)
        top = title.bottom
    region = author_region(lines, top, anchor, body)
    head.authors, head.affiliations = read_region(region)
    if not head.authors and anchor is not None:  # set beside the abstract, not above it
        beside = beside_block(lines, anchor, top, body)
        if beside:
            region = region + beside
            head.authors, head.affiliations = read_region(region)
    if not head.authors and title is not None:  # names printed above the title
        above = [ln for ln in lines if title.top < ln.y <= title.top + 6 * body][-4:]
        head.authors = read_region(above)[0]
    if not head.authors:
        head.authors, labelled = labelled_authors(lines)
        head.affiliations = head.affiliations or labelled
    if not head.affiliations:  # printed at the page end or in an "Author details" section
        head.affiliations = affiliations_elsewhere(lines, page2)
        head.affiliations_elsewhere = True
    if not head.authors and anchor is None and page2 and _abstract_anchor(page2[:40]) is not None:
        second = parse_header(page2, [], vocab, pdf_title=pdf_title, running=running)
        if second.title and second.authors:  # page 1 is a cover page
            second.warnings.append("header read from page 2 (page 1 looks like a cover page)")
            return second
    for page in (lines, page2) if not head.authors else ():  # signed at the end of the text
        head.authors, signed = signed_authors(page)
        if head.authors:
            head.affiliations = head.affiliations or signed
            break
    head.abstract, head.abstract_open = _abstract(lines, page2, anchor, region, top, body, vocab)
    if not head.abstract:
        head.warnings.append("no abstract found on pages 1-2")
    if not head.authors:
        head.warnings.append("no author names found on page 1")
    return head


def abstract_heading_on(page: list[Line]) -> bool:
    """Whether an "Abstract" heading is on this page (else the header reader also needs page 2)."""
    return _abstract_anchor(page) is not None


def _body_size(lines: list[Line]) -> float:
    weights: dict[float, int] = {}
    for ln in lines:
        weights[ln.size] = weights.get(ln.size, 0) + len(ln.text)
    return max(weights, key=lambda s: weights[s]) if weights else 10.0


def _abstract_anchor(lines: list[Line]) -> int | None:
    """The abstract's heading: a short line, or one that runs the abstract in after a mark of
    punctuation or in a bolder type."""
    for i, ln in enumerate(lines):
        text = ln.text.strip()
        m = ABSTRACT_HEAD.match(text)
        if not m:
            continue
        rest = m.group(1).strip()
        if not rest or len(text.split()) <= 2 or re.match(r"^\S+\s*[.:—–-]", text) or ln.bold > 0.5:
            return i
        if re.match(r"^(?:abstract|summary)\s+(?=[A-Z])", text, re.I) and ln.size <= 14:
            return i
    return None


# --- abstract -----------------------------------------------------------------------------


def _abstract(
    lines: list[Line],
    page2: list[Line],
    anchor: int | None,
    region: list[Line],
    top: float,
    body: float,
    vocab: Vocabulary,
) -> tuple[str, bool]:
    """The abstract, and whether it runs off page 1 unfinished (page 2 may carry it on)."""
    page2 = [ln for ln in page2 if ln.text.strip() and not is_noise_line(ln.text)]
    if anchor is not None:
        return labelled_abstract(lines, anchor, vocab, page2)
    at2 = _abstract_anchor(page2[:40])
    if at2 is not None:
        return labelled_abstract(page2, at2, vocab)[0], False
    after = min((ln.y for ln in region), default=top)
    words = [ln for ln in region if sum(c.isalpha() for c in ln.text) >= 0.5 * len(ln.text)]
    span = (min(ln.x for ln in words), max(ln.x1 for ln in words)) if words else None
    found = unlabelled_abstract(lines, after, body, vocab, span)
    if found or not page2 or _has_body(lines, after, region):
        return found, False
    # a title page with only notes under the names: the abstract opens page 2
    return unlabelled_abstract(page2, page2[0].y + 1, _body_size(page2), vocab), False


def _has_body(lines: list[Line], after: float, region: list[Line]) -> bool:
    """Whether prose is set under the author block in the names' type or larger (not only
    notes at the page's foot)."""
    names = max((ln.size for ln in region), default=0.0)
    prose = [
        ln for ln in lines
        if ln.y < after and ln.size >= 0.9 * names and len(ln.text) >= 40
        and lowercase_share(ln.text) >= 0.3
    ]  # fmt: skip
    return len(prose) >= 5
