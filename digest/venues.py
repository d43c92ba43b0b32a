"""Where and when a paper appeared: its venue as a kind (a journal, a conference, a preprint
server, or another venue), and its year.

A reference's type follows from the kind (digest.bibliography: @article, @inproceedings, @misc;
CSL article-journal, paper-conference, article), and so will the next format's (RIS JOUR, CPAPER,
...): the rule is here, once, and its words are data (digest/data/venues.tsv).

    venue as printed        the first row of the table whose pattern it matches decides
                            ("Proceedings of ..." conference, "Proc. R. Soc." journal, "arXiv"
                            preprint, "OSDI 2004" conference, "PLOS ONE" journal)
    a venue no row knows    a journal when the paper has a DOI (a proceedings volume calls itself
                            one: "Tobacco Control", "GLIA" are journals), otherwise "other"
    no venue                a preprint when the paper is on arXiv (or has an arXiv DOI), else None

paper_year is the year every output shows (a reference's date, the HTML overview's years).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal, get_args

from .ids import arxiv_year, parse_arxiv_id
from .paper import Paper
from .tables import tsv_rows

__all__ = ["KINDS", "VenueKind", "paper_year", "venue_kind", "venue_table"]

VenueKind = Literal["journal", "conference", "preprint", "other"]
KINDS: tuple[VenueKind, ...] = get_args(VenueKind)
ARXIV_DOI = "10.48550/"  # the DOIs arXiv registers for its papers


@cache
def venue_table() -> tuple[tuple[VenueKind, re.Pattern[str]], ...]:
    rows = tsv_rows("venues.tsv")
    return tuple((_kind(kind), re.compile(pattern, re.IGNORECASE)) for kind, pattern in rows)


def _kind(name: str) -> VenueKind:
    for kind in KINDS:
        if kind == name:
            return kind
    raise ValueError(f"venues.tsv: unknown kind {name!r} (known: {', '.join(KINDS)})")


def venue_kind(
    venue: str | None, *, doi: str | None = None, arxiv_id: str | None = None
) -> VenueKind | None:
    """The kind of the paper's venue; None when nothing tells where it appeared."""
    if venue and venue.strip():
        kind = next((k for k, pattern in venue_table() if pattern.search(venue)), None)
        return kind or ("journal" if doi and not doi.startswith(ARXIV_DOI) else "other")
    if arxiv_id or (doi and doi.startswith(ARXIV_DOI)):
        return "preprint"
    return None


def paper_year(paper: Paper) -> int | None:
    """The year the paper appeared: its record's (the document, arXiv, Crossref), else the date
    of its first arXiv version, else the year its arXiv ID (when it is one) was given; None when
    none tells."""
    if paper.year is not None and 1000 <= paper.year <= 9999:
        return paper.year
    published = (paper.published or "")[:4]
    arxiv_id = parse_arxiv_id(paper.arxiv_id) if paper.arxiv_id else None
    year = published if published.isdigit() else arxiv_year(arxiv_id)
    return int(year) if year and len(year) == 4 else None
