"""The report's papers as a bibliography: BibTeX (for BibTeX, biblatex, Zotero) and CSL-JSON.

One entry per paper that was read, from its resolved header: title, authors, year, DOI and
arXiv ID (with its category), and a URL to the paper. pybtex writes the BibTeX (names as
"Last, First", LaTeX specials escaped, braces checked); CSL-JSON is the citeproc format that
Zotero and pandoc read. Nothing is invented: a field the header does not have is left out.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .ids import arxiv_year, versionless
from .models import PaperResult, Report
from .strings import one_line

__all__ = ["Reference", "references", "render_bibtex", "render_csl_json"]


@dataclass
class Reference:
    """What a bibliography entry says about one paper."""

    key: str
    title: str
    authors: list[str] = field(default_factory=list)
    year: str | None = None
    doi: str | None = None
    arxiv_id: str | None = None  # without version
    category: str | None = None  # the arXiv primary category

    @property
    def url(self) -> str | None:
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.arxiv_id:
            return f"https://arxiv.org/abs/{self.arxiv_id}"
        return None


def references(report: Report) -> list[Reference]:
    """The papers of the report that were read, in the report's order, each with a unique key."""
    found: list[Reference] = []
    keys: set[str] = set()
    for result in report.succeeded:
        reference = _reference(result)
        if reference is None:
            continue
        base, suffix = reference.key, 0
        while reference.key in keys:  # smith2020dense, smith2020densea, ...
            suffix += 1
            reference.key = base + "abcdefghijklmnopqrstuvwxyz"[(suffix - 1) % 26] * (
                1 + (suffix - 1) // 26
            )
        keys.add(reference.key)
        found.append(reference)
    return found


def _reference(result: PaperResult) -> Reference | None:
    paper = result.paper
    if paper is None or not paper.title:
        return None
    arxiv_id = versionless(paper.arxiv_id) if paper.arxiv_id else None
    year = (paper.published or "")[:4] or arxiv_year(arxiv_id)
    authors = [one_line(a) for a in paper.authors if one_line(a)]
    category = paper.categories[0] if paper.categories else None
    title = one_line(paper.title)
    return Reference(
        key=_key(authors, year, title),
        title=title,
        authors=authors,
        year=year if year and year.isdigit() else None,
        doi=paper.doi,
        arxiv_id=arxiv_id,
        category=category,
    )


def _key(authors: list[str], year: str | None, title: str) -> str:
    """karpukhin2020dense: the first author's family name, the year, the title's first word."""
    family = authors[0].split()[-1] if authors else "anon"
    words = [w for w in re.findall(r"[^\W_]+", title) if len(w) > 3] or ["paper"]
    return _ascii(family) + (year or "") + _ascii(words[0])


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", plain) or "x"


# --- BibTeX ----------------------------------------------------------------------------------


def render_bibtex(report: Report) -> str:
    """One @article (with a DOI) or @misc entry per paper read; arXiv papers carry biblatex's
    eprint, eprinttype and eprintclass (and archivePrefix/primaryClass, which BibTeX styles
    read)."""
    from pybtex.database import BibliographyData, Entry, Person

    entries = {}
    for ref in references(report):
        fields = {"title": _balanced(ref.title)}
        if ref.year:
            fields["year"] = ref.year
        if ref.doi:
            fields["doi"] = ref.doi
        if ref.arxiv_id:
            fields |= {"eprint": ref.arxiv_id, "eprinttype": "arxiv", "archivePrefix": "arXiv"}
            if ref.category:
                fields |= {"eprintclass": ref.category, "primaryClass": ref.category}
        if ref.url:
            fields["url"] = ref.url
        persons = {"author": [Person(_balanced(a)) for a in ref.authors]} if ref.authors else {}
        entries[ref.key] = Entry("article" if ref.doi else "misc", fields=fields, persons=persons)
    if not entries:
        return ""
    text: str = BibliographyData(entries=entries).to_string("bibtex")
    return text


def _balanced(text: str) -> str:
    """The text with its braces kept when they pair up, else made parentheses (an unpaired
    brace would end the BibTeX field)."""
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            break
    if depth == 0:
        return text
    return text.replace("{", "(").replace("}", ")")


# --- CSL-JSON --------------------------------------------------------------------------------


def render_csl_json(report: Report) -> str:
    """The citeproc JSON list (Zotero: File > Import; pandoc --citeproc)."""
    items: list[dict[str, Any]] = []
    for ref in references(report):
        item: dict[str, Any] = {
            "id": ref.key,
            "type": "article-journal" if ref.doi else "article",
            "title": ref.title,
        }
        if ref.authors:
            item["author"] = [_csl_name(a) for a in ref.authors]
        if ref.year:
            item["issued"] = {"date-parts": [[int(ref.year)]]}
        if ref.doi:
            item["DOI"] = ref.doi
        if ref.arxiv_id:
            item["number"] = f"arXiv:{ref.arxiv_id}"
            item["publisher"] = "arXiv"
        if ref.url:
            item["URL"] = ref.url
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _csl_name(name: str) -> dict[str, str]:
    parts = name.split()
    if len(parts) == 1:
        return {"literal": name}
    return {"family": parts[-1], "given": " ".join(parts[:-1])}
