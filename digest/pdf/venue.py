"""The year and the venue of a paper, from its first page as a reader finds them.

The first page's lines (zones.py says where each sits) are read one at a time (imprint.py
says what a line states), a line that runs on ("Proceedings of ..., pages 2270–2282" over
"July 5 - 10, 2020. © 2020 ...") joined to the next; a journal banner set in cells ("Mediterranean
Journal of Social Sciences | Vol 4 No 13" over "November 2013") is read across its cells and
rows. Nothing in the references counts, nor a line that must sit aside from the prose and
does not.

The **year** is the first one stated by the most telling kind of statement:

    issue > meeting > published > arXiv stamp > copyright > accepted > dated > PDF metadata

A journal's issue line names the year the issue appeared (where an article was online a year
before, the issue's year: the convention of the ground truth, SOURCES.md), a conference's line
the year it met. The arXiv stamp names the year of the version in hand; it comes before a
copyright line, which in a preprint is often the template's ("© 2018 ACM" unfilled, AAAI's
notice). The PDF's metadata counts only when the page states no year, and only the fields a
publisher sets for the publication (metadata.py), never the file's CreationDate.

The **venue** is the journal or conference as printed: the name an issue line gives, else a
meeting's ("Proceedings of the ..." kept as printed), else a running footer's "Journal | DOI".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from digest.ids import arxiv_year
from digest.paper import HeaderSource
from digest.pdf.imprint import Reading, name_like, read_line, volume_cell, year_of
from digest.pdf.metadata import DocInfo
from digest.pdf.reader import Line
from digest.pdf.zones import Zones

__all__ = ["Imprint", "read_imprint", "stamp_year"]

YEAR_ORDER = ("issue", "meeting", "published", "stamp", "copyright", "accepted", "dated")
VENUE_ORDER = ("issue", "meeting", "published")
_STAMP = re.compile(
    r"arXiv:\s?(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\s*\[[^\]]{1,30}\]"
    r"\s*(?P<date>\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4})?"
)
_OPEN_END = re.compile(r"(?:[,:\-–]|\b(?:copyright|©c?))\s*$", re.I)
_VENUE_WORD = re.compile(
    r"\b(?:Proceedings|Conference|Symposium|Workshop|Meeting|appear|Appearing|Published in)\b"
)
_BANNER_REACH = 2.6  # line heights: a banner's rows lie this close (JSS: name 22 pt above)
_JOINED = 2  # lines a statement runs on to at most (ICML's footnote: 3 lines)


@dataclass(frozen=True)
class Imprint:
    """Year and venue of a paper with where each was read ("pdf": the page)."""

    year: int | None = None
    venue: str | None = None
    year_source: HeaderSource | None = None
    venue_source: HeaderSource | None = None


def read_imprint(zones: Zones, stamp: str, info: DocInfo) -> Imprint:
    """The year and venue the first page states (`zones`: its lines, zones.page_zones;
    `stamp`: its text set sideways, where arXiv prints its stamp), else the year the PDF's
    metadata records."""
    readings = _readings(zones)
    if (year := stamp_year(stamp) or _printed_stamp(zones)) is not None:
        readings.append(("stamp", Reading("issue", year)))
    year = next((r.year for kind in YEAR_ORDER for k, r in readings if k == kind and r.year), None)
    venue = next(
        (r.venue for kind in VENUE_ORDER for k, r in readings if k == kind and r.venue), None
    )
    source: HeaderSource | None = "pdf" if year else None
    if year is None and info.year is not None:
        year, source = info.year, "pdf_metadata"
    return Imprint(year, venue, source, "pdf" if venue else None)


def stamp_year(text: str) -> int | None:
    """The year of an arXiv stamp ("arXiv:2202.00535v1 [cs.CL] 1 Feb 2022"): its date's, else
    the year its ID was given in."""
    if (m := _STAMP.search(text)) is None:
        return None
    year = year_of(m["date"]) if m["date"] else None
    return year or int(arxiv_year(m["id"]) or 0) or None


def _printed_stamp(zones: Zones) -> int | None:
    """A stamp printed upright on the page (some tools set it as the first line)."""
    return next((y for ln in zones.lines if (y := stamp_year(ln.text)) is not None), None)


def _readings(zones: Zones) -> list[tuple[str, Reading]]:
    """Every statement of the page that counts where it sits, with its kind, in page order."""
    found: list[tuple[str, Reading]] = []
    for index, line in enumerate(zones.lines):
        if index in zones.refs:
            continue
        for reading in read_line(_joined(zones, index)):
            if _counts(zones, line, reading):
                found.append((reading.kind, _named(zones, index, reading)))
        if volume_cell(line.text) and zones.margin(line):
            found.append(("issue", _banner(zones, index)))
    return found


def _counts(zones: Zones, line: Line, reading: Reading) -> bool:
    if reading.where == "margin":
        return zones.margin(line)
    return reading.where == "any" or zones.aside(line)


def _joined(zones: Zones, index: int) -> str:
    """The line, with the lines it runs on to: a statement cut at a comma, a hyphen, a colon
    or a lone "Copyright", or a venue's line that has not yet given its year."""
    text = zones.lines[index].text.strip()
    for _ in range(_JOINED):
        if not (_OPEN_END.search(text) or (_VENUE_WORD.search(text) and not year_of(text))):
            break
        after = zones.continuation(index)
        if after is None or after in zones.refs:
            break
        index, more = after, zones.lines[after].text.strip()
        text = text[:-1] + more if re.search(r"[a-z]-$", text) else f"{text} {more}"
    return text


def _named(zones: Zones, index: int, reading: Reading) -> Reading:
    """An issue line that does not name its journal, named by its banner's name cell."""
    if reading.kind != "issue" or reading.venue:
        return reading
    return Reading("issue", reading.year, _banner(zones, index).venue, reading.where)


def _banner(zones: Zones, index: int) -> Reading:
    """A journal banner around line `index`: the name in a cell of its row or of a row just
    above it, the year in a cell of its row or of a row next to it."""
    line = zones.lines[index]
    reach = _BANNER_REACH * line.size
    near = [
        j for j, other in enumerate(zones.lines)
        if -reach / 2 <= other.y - line.y <= reach and zones.margin(other)
    ]  # fmt: skip
    near.sort(key=lambda j: (abs(zones.lines[j].y - line.y) > 0.35 * line.size,
                             abs(zones.lines[j].y - line.y)))  # fmt: skip
    cells = [cell.strip() for j in near for cell in zones.lines[j].text.split("|")]
    name = next((cell for cell in cells if name_like(cell)), None)
    dated = [cell for cell in cells if not re.search(r"(?i)\bissn\b", cell)]
    year = next((y for cell in dated if (y := year_of(cell)) is not None), None)
    return Reading("issue", year, name, "margin")
