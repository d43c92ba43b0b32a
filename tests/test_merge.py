"""digest.merge.merge_papers: which reading of year, venue and DOI wins when a PDF is merged
with an entry of it, and that the record says which."""

from __future__ import annotations

from typing import Any

from digest.merge import merge_papers
from digest.paper import HeaderSources, Paper


def _pdf(**fields: Any) -> Paper:
    sources = fields.pop("sources", {})
    return Paper(
        source="p.pdf", sha256="a" * 64, title="Feature Learning Order",
        header_sources=HeaderSources(**sources), **fields,
    )  # fmt: skip


def _entry(origin: str, **fields: Any) -> Paper:
    return Paper(
        source="e", sha256="b" * 64, origin=origin, title="Feature Learning Order", **fields
    )  # type: ignore[arg-type]


def _merged(pdf: Paper, entry: Paper) -> tuple[Any, ...]:
    paper = merge_papers(pdf, entry, source="p.pdf")
    s = paper.header_sources
    return paper.year, paper.venue, paper.doi, s.year, s.venue, s.doi


def test_crossrefs_record_wins() -> None:
    """The publisher's deposit for the DOI: the issue's year over the copyright's the page read."""
    pdf = _pdf(year=2013, venue="Int Psychogeriatr", doi="10.1017/s1", sources={"year": "pdf"})
    record = _entry("crossref", year=2014, venue="International Psychogeriatrics", doi="10.1017/s1")
    assert _merged(pdf, record) == (
        2014, "International Psychogeriatrics", "10.1017/s1", "crossref", "crossref", "crossref",
    )  # fmt: skip


def test_crossref_fills_only_what_it_has() -> None:
    pdf = _pdf(year=2014, venue="GLIA", doi="10.1002/x")
    record = _entry("crossref", doi="10.1002/x")
    assert _merged(pdf, record)[:5] == (2014, "GLIA", "10.1002/x", "pdf", "pdf")


def test_the_page_in_hand_wins_over_an_arxiv_entry_of_another_version() -> None:
    """The PDF is v1 (stamped 2022); the feed's entry is v3 (2023) with the journal's DOI."""
    pdf = _pdf(year=2022, arxiv_id="2201.00001v1")
    entry = _entry("arxiv", year=2023, venue="Phys. Rev. D 7, 1 (2023)", doi="10.1103/x")
    assert _merged(pdf, entry) == (
        2022, "Phys. Rev. D 7, 1 (2023)", "10.1103/x", "pdf", "arxiv", "arxiv",
    )  # fmt: skip


def test_an_arxiv_entry_wins_over_what_only_the_pdfs_metadata_holds() -> None:
    pdf = _pdf(
        year=2011, doi="10.1000/meta", sources={"year": "pdf_metadata", "doi": "pdf_metadata"}
    )
    entry = _entry("arxiv", year=2012, doi="10.1000/entry")
    assert _merged(pdf, entry)[:5] == (2012, None, "10.1000/entry", "arxiv", None)


def test_an_abstract_file_only_fills_gaps() -> None:
    pdf = _pdf(year=2020, sources={"year": "pdf_metadata"})
    entry = _entry("text", year=2019, venue="ACL 2019")
    assert _merged(pdf, entry)[:5] == (2020, "ACL 2019", None, "pdf_metadata", "text")
