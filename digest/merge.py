"""One paper from two readings: a parsed PDF and an entry of it (arXiv, Crossref, an abstract
file).

The entry's metadata is exact (title, authors, abstract, categories, date: what the service
holds); the PDF adds what only the paper has (institutions from its first page when the entry
has none, the first page and the sections the LLM input is selected from). Each header field
records which reading it came from (Paper.header_sources). A PDF and an entry the user gave
are the same paper when they share an arXiv ID, else when their titles match after case and
punctuation are ignored.

Year, venue and DOI (:func:`_citation`): a Crossref record is the publisher's deposit for the
DOI it was looked up by, so its year (the issue's), venue and DOI win where it has them. An
arXiv entry describes one version, maybe not the one in hand: what the PDF's page prints (its
stamp, its venue line, its DOI) wins, and the entry's fills what the page does not print (over
a year or a DOI the PDF's metadata alone holds). An abstract file only fills gaps.

The LLM reads the header too (PaperFacts.title and .authors, in the same call as the brief's
facts): :func:`reconcile_header` takes its reading where every name and the title are printed
on the first page (grounded), never over an authoritative record (arXiv, Crossref, an abstract
file), and keeps each disagreement in words for the JSON record.
"""

from __future__ import annotations

from .facts import MAX_AUTHORS, PaperFacts
from .ids import data_sha256, versionless
from .models import HEADER_FIELDS, HeaderSources, Paper
from .paper import CITATION_FIELDS
from .strings import match_key

__all__ = ["AUTHORITATIVE", "Claims", "merge_papers", "reconcile_header"]

AUTHORITATIVE = frozenset({"arxiv", "crossref", "text"})  # sources the LLM never overrides


def merge_papers(pdf: Paper, entry: Paper, *, source: str) -> Paper:
    """The PDF's record with the entry's exact metadata; identity from both."""
    both = data_sha256(f"{pdf.sha256}+{entry.sha256}".encode())
    sources = pdf.header_sources.model_copy()
    for name in HEADER_FIELDS:
        if getattr(entry, name):
            setattr(sources, name, getattr(entry.header_sources, name) or entry.origin)
    return pdf.model_copy(
        update={
            "source": source,
            "sha256": both,
            "arxiv_id": entry.arxiv_id or pdf.arxiv_id,
            **_citation(pdf, entry, sources),
            "header_sources": sources,
            "categories": entry.categories or pdf.categories,
            "published": entry.published or pdf.published,
            "title": entry.title or pdf.title,
            "authors": entry.authors or pdf.authors,
            "abstract": entry.abstract or pdf.abstract,
            "affiliations": entry.affiliations or pdf.affiliations,
            "warnings": [*pdf.warnings, *entry.warnings, f"merged with {entry.source}"],
        }
    )


def _citation(pdf: Paper, entry: Paper, sources: HeaderSources) -> dict[str, object]:
    """Year, venue and DOI of the merged record, each from the reading that wins (see the
    module's docstring); `sources` records which."""
    chosen: dict[str, object] = {}
    for name in CITATION_FIELDS:
        if _entry_wins(name, pdf, entry):
            chosen[name] = getattr(entry, name)
            setattr(sources, name, getattr(entry.header_sources, name) or entry.origin)
        else:
            chosen[name] = getattr(pdf, name)
    return chosen


def _entry_wins(name: str, pdf: Paper, entry: Paper) -> bool:
    if getattr(entry, name) is None:
        return False
    if getattr(pdf, name) is None or entry.origin == "crossref":
        return True
    return entry.origin == "arxiv" and getattr(pdf.header_sources, name) != "pdf"


class Claims:
    """Entries waiting for a PDF of the same paper; each can be claimed once."""

    def __init__(self, entries: list[Paper]) -> None:
        self._entries = list(entries)
        self._taken: set[int] = set()

    def take(self, pdf: Paper) -> Paper | None:
        """The entry that is the same paper as this PDF, now claimed; None if there is none."""
        for i, entry in enumerate(self._entries):
            if i in self._taken:
                continue
            same_id = (
                pdf.arxiv_id
                and entry.arxiv_id
                and versionless(pdf.arxiv_id) == versionless(entry.arxiv_id)
            )
            if same_id or (entry.title and match_key(entry.title) == match_key(pdf.title)):
                self._taken.add(i)
                return entry
        return None

    def unclaimed(self) -> list[Paper]:
        return [e for i, e in enumerate(self._entries) if i not in self._taken]


def reconcile_header(paper: Paper, facts: PaperFacts) -> tuple[Paper, list[str]]:
    """The paper with the LLM's title and authors where they are grounded in the first page
    and the field did not come from an authoritative record; and the disagreements, worded.

    A list with one name not on the page is not taken at all: the parser's list stands, and so
    does a longer one than a list at the schema's bound (MAX_AUTHORS: maybe cut there). A
    title is taken where the parser found none or where one reading contains the other (a
    title cut short, or run into the line under it); two unrelated lines of the page keep the
    parser's, which chose by layout (size, position, banners) what the model only reads."""
    page = match_key(paper.first_page)
    sources = paper.header_sources.model_copy()
    update: dict[str, object] = {}
    flags: list[str] = []
    said, read = match_key(facts.title), match_key(paper.title)
    if said and said != read:
        if sources.title in AUTHORITATIVE:
            flags.append(f"LLM title {facts.title!r} differs from {sources.title}'s")
        elif said not in page:
            flags.append(f"LLM title not on the first page, parser's kept: {facts.title!r}")
        elif read and read not in said and said not in read:
            flags.append(f"LLM title {facts.title!r} is another line than the parser's; kept")
        else:  # the parser found none, cut the title short or ran it into the next line
            flags.append(f"title: LLM read {facts.title!r}, parser read {paper.title!r}")
            update["title"], sources.title = facts.title, "llm"
    names = [match_key(n) for n in facts.authors]
    if facts.authors and names != [match_key(n) for n in paper.authors]:
        missing = [n for n, key in zip(facts.authors, names, strict=True) if key not in page]
        if sources.authors in AUTHORITATIVE:
            flags.append(f"LLM authors ({len(names)}) differ from {sources.authors}'s")
        elif missing:
            flags.append("LLM authors not on the first page, parser's kept: " + "; ".join(missing))
        elif len(names) >= MAX_AUTHORS and len(paper.authors) > len(names):  # cut at the bound
            flags.append(
                f"LLM authors stop at the schema's bound of {MAX_AUTHORS}; the parser's "
                f"{len(paper.authors)} kept"
            )
        else:
            flags.append(
                f"authors: LLM read {len(names)} ({'; '.join(facts.authors)}), parser read "
                f"{len(paper.authors)} ({'; '.join(paper.authors)})"
            )
            update["authors"], sources.authors = list(facts.authors), "llm"
    if not update:
        return paper, flags
    return paper.model_copy(update={**update, "header_sources": sources}), flags
