"""One paper from two readings: a parsed PDF and an entry of it (arXiv, Crossref, an abstract
file).

The entry's metadata is exact (title, authors, abstract, categories, date: what the service
holds); the PDF adds what only the paper has (institutions from its first page when the entry
has none, the first page and the sections the LLM input is selected from). Each header field
records which reading it came from (Paper.header_sources). A PDF and an entry the user gave
are the same paper when they share an arXiv ID, else when their titles match after case and
punctuation are ignored.
"""

from __future__ import annotations

from .ids import data_sha256, versionless
from .models import HEADER_FIELDS, Paper
from .strings import match_key

__all__ = ["Claims", "merge_papers"]


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
            "doi": entry.doi or pdf.doi,
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
