"""digest.merge: which reading wins when two readings of a paper differ.

merge_papers: year, venue and DOI when a PDF is merged with an entry of it, and that the record
says which. No source that reads less wins: the LLM's list (reconcile_header) and an entry's
(merge_papers) replace the parser's only when every person the parser read and the first page
prints as an author is in them; a shorter list stands only with a reason, worded in the flags.
"""

from __future__ import annotations

from typing import Any

import pytest

from digest.facts import PaperFacts
from digest.merge import merge_papers, reconcile_header
from digest.models import Paper
from digest.paper import HeaderSources


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


TITLE = "Feature Learning Order in Two-Layer Networks"
PAGE = (
    "Journal of Things 12 (2021) 1-19\n"
    f"{TITLE}\n"
    "Ada Lovelace1, Alan Turing2, Grace Hopper1, Lenka Zdeborová3, Jean-Luc Picard2 and the "
    "GTEx Consortium\n"
    "1 Department of Physics, University of Turin 2 Bletchley Park 3 IPhT Saclay\n"
    "Academic Editor: Jane Roe, University of Oslo\n"
    "Received: 3 May 2021; Accepted: 1 June 2021\n"
    "Abstract We study how gradient descent trains two-layer networks."
)
FIVE = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Lenka Zdeborová", "Jean-Luc Picard"]
SIX = [*FIVE, "GTEx Consortium"]
HOPPERLESS = [n for n in SIX if n != "Grace Hopper"]


def paper(authors: list[str], source: str = "pdf") -> Paper:
    return Paper(
        source="x.pdf",
        sha256="0" * 64,
        title=TITLE,
        authors=authors,
        first_page=PAGE,
        header_sources={"title": source, "authors": source},
    )


def llm_says(authors: list[str]) -> PaperFacts:
    return PaperFacts.model_validate(
        {
            "title": "",
            "authors": authors,
            "institutions": [],
            "method": "梯度下降",
            "problem": "特征学习顺序",
            "result": "理论得到验证",
            "method_evidence": "gradient descent",
            "problem_evidence": "two-layer networks",
            "result_evidence": "We study",
        }
    )


# (parser read, LLM said) -> (the list that stands, its source, what a flag says)
MATRIX = {
    "agreement": (SIX, SIX, SIX, "pdf", None),
    "LLM drops one": (
        SIX,
        HOPPERLESS,
        SIX,
        "pdf",
        "LLM authors (5) leave out 1 the parser read on the first page (Grace Hopper); "
        "the parser's 6 kept",
    ),
    "LLM drops the consortium": (
        SIX,
        FIVE,
        SIX,
        "pdf",
        "leave out 1 the parser read on the first page (GTEx Consortium)",
    ),
    "LLM reorders": (
        SIX,
        [FIVE[1], FIVE[0], *SIX[2:]],
        [FIVE[1], FIVE[0], *SIX[2:]],
        "llm",
        "authors: LLM read the parser's 6 names in another order",
    ),
    "LLM adds the editor": (
        SIX,
        [*SIX, "Jane Roe"],
        SIX,
        "pdf",
        "LLM authors include 'Jane Roe', printed as an editor; left out",
    ),
    "LLM spells differently": (
        SIX,
        ["A. Lovelace", "Alan Turing", "Grace Hopper", "Lenka Zdeborova", "J.-L. Picard", SIX[5]],
        SIX,  # the page's spellings, each person once
        "pdf",
        "authors: LLM 'Lenka Zdeborova' and parser 'Lenka Zdeborová' are one person; "
        "'Lenka Zdeborová' kept",
    ),
    "LLM spells differently and drops one": (
        SIX,
        ["A. Lovelace", "Alan Turing", "Lenka Zdeborova", "Jean-Luc Picard", SIX[5]],
        SIX,
        "pdf",
        "leave out 1 the parser read on the first page (Grace Hopper)",
    ),
    "LLM adds a name not on the page": (
        FIVE,
        [*FIVE, "Charles Babbage"],
        FIVE,
        "pdf",
        "LLM authors not on the first page, parser's kept: Charles Babbage",
    ),
    "parser read a non-name": (
        [*SIX, "Department of Physics"],
        SIX,
        SIX,
        "llm",
        "authors: the parser's 'Department of Physics' left out: not a person's name",
    ),
    "parser read the editor": (
        [*SIX, "Jane Roe"],
        SIX,
        SIX,
        "llm",
        "authors: the parser's 'Jane Roe' left out: printed as an editor",
    ),
    "parser ran two names together": (
        ["Ada Lovelace", "Alan Turing Grace Hopper", *SIX[3:]],
        SIX,
        SIX,
        "llm",
        "authors: the parser's 'Alan Turing Grace Hopper' left out: two names run together: "
        "Alan Turing and Grace Hopper",
    ),
    "parser read too few": (
        FIVE[:3],
        SIX,
        SIX,
        "llm",
        "authors: LLM read 6 (Ada Lovelace; Alan Turing; Grace Hopper; Lenka Zdeborová; "
        "Jean-Luc Picard; GTEx Consortium), parser read 3",
    ),
    "parser read none": ([], FIVE, FIVE, "llm", "authors: LLM read 5"),
}


@pytest.mark.parametrize(("read", "said", "stands", "source", "flag"), MATRIX.values(), ids=MATRIX)
def test_the_llms_list_against_the_parsers(
    read: list[str], said: list[str], stands: list[str], source: str, flag: str | None
) -> None:
    reconciled, flags = reconcile_header(paper(read), llm_says(said))
    assert reconciled.authors == stands
    assert reconciled.header_sources.authors == (source if stands else None)
    if flag is None:
        assert flags == []
    else:
        assert any(flag in f for f in flags), flags
    if len(stands) < len(read):  # the count drops only with a reason the flags state
        assert any("left out:" in f for f in flags)


def test_the_llm_never_overrides_an_authoritative_record() -> None:
    reconciled, flags = reconcile_header(paper(FIVE, source="arxiv"), llm_says(SIX))
    assert reconciled.authors == FIVE and reconciled.header_sources.authors == "arxiv"
    assert flags == ["LLM authors (6) differ from arxiv's"]


def test_a_long_list_with_one_name_dropped_keeps_the_parsers() -> None:
    """The hidden set's failure: a small model leaves one name out of a long list, every name
    it gives printed; its list replaced the parser's and the count went wrong."""
    names = [f"Author{chr(65 + i)} Surname{chr(65 + i)}" for i in range(24)]
    page = f"{TITLE}\n" + ", ".join(names) + "\nAbstract We study things."
    record = paper(names).model_copy(update={"first_page": page})
    reconciled, flags = reconcile_header(record, llm_says(names[:11] + names[12:]))
    assert len(reconciled.authors) == 24 and reconciled.header_sources.authors == "pdf"
    assert flags == [
        "LLM authors (23) leave out 1 the parser read on the first page (AuthorL SurnameL); "
        "the parser's 24 kept"
    ]


# --- an entry (arXiv, Crossref, an abstract file) merged with its PDF --------------------------


def entry(authors: list[str], origin: str = "arxiv") -> Paper:
    return Paper(
        source="2106.00001v2", sha256="1" * 64, origin=origin, title=TITLE, authors=authors
    )


ENTRIES = {
    "same persons, the record's spelling": (
        SIX,
        ["A. Lovelace", *SIX[1:3], "Lenka Zdeborova", *SIX[4:]],
        ["A. Lovelace", *SIX[1:3], "Lenka Zdeborova", *SIX[4:]],
        "arxiv",
        None,
    ),
    "record drops one": (
        SIX,
        HOPPERLESS,
        SIX,
        "pdf",
        "arxiv's authors (5) leave out 1 the PDF's first page prints (Grace Hopper); "
        "the PDF's 6 kept",
    ),
    "PDF read a non-name": (
        [*SIX, "Department of Physics"],
        SIX,
        SIX,
        "arxiv",
        "authors: arxiv leaves out the PDF's 'Department of Physics': not a person's name",
    ),
    "PDF read the editor": (
        [*SIX, "Jane Roe"],
        SIX,
        SIX,
        "arxiv",
        "authors: arxiv leaves out the PDF's 'Jane Roe': printed as an editor",
    ),
    "PDF read too few": (FIVE[:2], SIX, SIX, "arxiv", None),
    "no person in common": (
        SIX,
        ["Ashish Vaswani", "Noam Shazeer"],
        ["Ashish Vaswani", "Noam Shazeer"],
        "arxiv",
        "authors: none of arxiv's 2 is among the PDF's 6 (another script, or another paper's "
        "PDF); arxiv's kept",
    ),
}


@pytest.mark.parametrize(
    ("read", "listed", "stands", "source", "note"), ENTRIES.values(), ids=ENTRIES
)
def test_an_entrys_list_against_the_pdfs(
    read: list[str], listed: list[str], stands: list[str], source: str, note: str | None
) -> None:
    merged = merge_papers(paper(read), entry(listed), source="x.pdf")
    assert merged.authors == stands and merged.header_sources.authors == source
    assert merged.header_sources.title == "arxiv"  # the other fields are the entry's still
    notes = [w for w in merged.warnings if "author" in w]
    assert notes == ([note] if note else [])


def test_an_entry_without_authors_leaves_the_pdfs() -> None:
    merged = merge_papers(paper(FIVE), entry([], origin="text"), source="x.pdf")
    assert merged.authors == FIVE and merged.header_sources.authors == "pdf"
