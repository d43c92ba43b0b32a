"""The paper as read: the record every stage after the readers works on.

Its own module, so a PDF-parsing worker process builds this one pydantic model (and its parts)
and none of the records of the later stages (digest.models re-exports it with them).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

__all__ = [
    "CITATION_FIELDS",
    "HEADER_FIELDS",
    "HeaderSource",
    "HeaderSources",
    "Origin",
    "Paper",
    "Section",
    "SectionKind",
    "Text",
]

SectionKind = Literal["introduction", "method", "experiments", "conclusion", "other"]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    """PDF text layers can decode to lone surrogates, which no UTF-8 file can hold."""
    return _SURROGATE.sub("", text)


Text = Annotated[str, AfterValidator(_no_surrogates)]


class Section(BaseModel):
    """One top-level section of the body, cleaned."""

    kind: SectionKind
    heading: Text
    text: Text


Origin = Literal["pdf", "arxiv", "text", "crossref"]

# Where a header field came from: the PDF's layout reader, the PDF's own metadata (checked
# against the page), the arXiv API, an abstract file, the Crossref API, or the LLM (grounded in
# the page text).
HeaderSource = Literal["pdf", "pdf_metadata", "arxiv", "text", "crossref", "llm"]
HEADER_FIELDS = ("title", "authors", "affiliations", "abstract")
# What a reference needs beyond the header: where and when the paper was published
CITATION_FIELDS = ("year", "venue", "doi")


class HeaderSources(BaseModel):
    """Which source each header field of the record came from; None when no source had it."""

    title: HeaderSource | None = None
    authors: HeaderSource | None = None
    affiliations: HeaderSource | None = None
    abstract: HeaderSource | None = None
    year: HeaderSource | None = None
    venue: HeaderSource | None = None
    doi: HeaderSource | None = None


class Paper(BaseModel):
    """A paper as read: from a PDF (parsed, cleaned as a careful reader would), an arXiv entry,
    or an abstract file. Every later stage works on this record, whatever its origin."""

    source: str = Field(description="The input as given: a path, an arXiv ID, or path#n.")
    sha256: str = Field(
        description="The paper's identity: hash of the PDF's bytes, or of an entry's content."
    )
    origin: Origin = "pdf"
    arxiv_id: str | None = Field(None, description="With version when known, e.g. 2510.01234v2.")
    doi: str | None = Field(None, description="Lower-cased, from the PDF's metadata or page 1.")
    categories: list[str] = Field(default_factory=list, description="arXiv categories.")
    published: str | None = Field(None, description="ISO date of the first version (arXiv).")
    year: int | None = Field(
        None,
        description="The year the paper was published or released, as the document or its "
        "record shows it (a journal issue, a conference, the arXiv version read); None when "
        "no source tells.",
    )
    venue: str | None = Field(
        None, description="The journal or conference as printed or recorded; None when none."
    )
    title: Text
    authors: list[Text] = Field(default_factory=list)
    affiliations: list[Text] = Field(default_factory=list)
    abstract: Text = ""
    first_page: Text = Field("", description="Cleaned text of page 1 (header, start of body).")
    sections: list[Section] = Field(default_factory=list)
    pages_total: int = 0
    pages_read: list[int] = Field(default_factory=list, description="1-based pages extracted.")
    warnings: list[Text] = Field(
        default_factory=list, description="The parser's diagnostics (JSON output only)."
    )
    header_sources: HeaderSources = Field(
        default_factory=HeaderSources,
        description="Where title, authors, affiliations and abstract came from.",
    )

    @model_validator(mode="after")
    def _sourced(self) -> Paper:
        """A field with a value and no recorded source came from the paper's origin (records
        stored before sources were recorded, entries read from one source)."""
        sources = self.header_sources
        for name in (*HEADER_FIELDS, *CITATION_FIELDS):
            if getattr(sources, name) is None and getattr(self, name):
                setattr(sources, name, self.origin)
        return self

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)
