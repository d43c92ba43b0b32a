"""The report's papers as a bibliography: BibTeX (for BibTeX, biblatex, Zotero) and CSL-JSON.

One entry per paper that was read, from its resolved header: title, authors, year, DOI and
arXiv ID (with its category), and a URL to the paper. pybtex writes the BibTeX (names as
"Last, First", braces checked); CSL-JSON is the citeproc format that Zotero and pandoc read.
Nothing is invented: a field the header does not have is left out.

The header's text is data (an abstract file, an arXiv feed, a Crossref record may hold
"\\input{/etc/passwd}"): titles and names have their control and bidi characters taken out and
every LaTeX special escaped, a backslash first, so LaTeX prints them and runs nothing; a word
"and" or a comma in a name is braced, so it stays one author. An identifier (DOI, arXiv ID
and category) is written only when it is one, so it needs no escape; a key is letters and
digits. An entry pybtex still refuses is left out with a warning, never the whole file.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .ids import arxiv_url, arxiv_year, doi_url, parse_arxiv_id, versionless
from .models import PaperResult, Report
from .strings import plain

__all__ = ["Reference", "references", "render_bibtex", "render_csl_json"]

logger = logging.getLogger(__name__)


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
        return doi_url(self.doi) or arxiv_url(self.arxiv_id)


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
    arxiv_id = parse_arxiv_id(paper.arxiv_id) if paper.arxiv_id else None
    arxiv_id = versionless(arxiv_id) if arxiv_id else None
    year = (paper.published or "")[:4] or arxiv_year(arxiv_id)
    authors = [plain(a) for a in paper.authors if plain(a)]
    category = paper.categories[0] if paper.categories else None
    title = plain(paper.title)
    return Reference(
        key=_key(authors, year, title),
        title=title,
        authors=authors,
        year=year if year and _YEAR.fullmatch(year) else None,
        doi=paper.doi if paper.doi and _DOI.fullmatch(paper.doi) else None,
        arxiv_id=arxiv_id,
        category=category if category and _CATEGORY.fullmatch(category) else None,
    )


_YEAR = re.compile(r"[0-9]{4}")
# DOIs as Crossref recommends matching them (and the "<>" of old SICI DOIs): the characters a
# .bib's verbatim doi field holds as they are; another DOI is left out of the bibliography
_DOI = re.compile(r"10\.\d{4,9}/[-._;()/:<>A-Za-z0-9]+")
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?")  # cs.AI, hep-th


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
    entries = [entry for ref in references(report) if (entry := _bibtex_entry(ref))]
    return "\n".join(entries)


def _bibtex_entry(ref: Reference) -> str | None:
    """One entry's text; None (and a warning) when pybtex refuses it."""
    from pybtex.database import BibliographyData, Entry, Person
    from pybtex.exceptions import PybtexError

    fields = {"title": _latex(ref.title)}
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
    try:
        persons = {"author": [Person(_name(a)) for a in ref.authors]} if ref.authors else {}
        entry = Entry("article" if ref.doi else "misc", fields=fields, persons=persons)
        data = BibliographyData(entries={ref.key: entry})
        return str(_writer().to_string(data))
    except PybtexError as err:
        logger.warning("%s: left out of the bibliography: %s", ref.key, err)
        return None


@cache
def _writer() -> Any:
    """pybtex's BibTeX writer, given text already escaped (its own LaTeX encoding would escape
    our escapes again: "\\%" is a line break and a comment to LaTeX)."""
    from pybtex.database.output.bibtex import Writer

    class Escaped(Writer):
        def _encode(self, text: str) -> str:
            return text

    return Escaped()


# What LaTeX acts on in running text, each as the command that prints it
_LATEX = {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    **{char: "\\" + char for char in "{}$%&#_"},
}
_LATEX_SPECIAL = re.compile(r"[\\{}$%&#_~^]")
_NAME_SEPARATOR = re.compile(r"(?<!\S)and(?!\S)|,", re.IGNORECASE)


def _latex(text: str) -> str:
    """The text as LaTeX prints it: its specials escaped (unpaired braces made parentheses
    first, since BibTeX counts even escaped braces)."""
    return _LATEX_SPECIAL.sub(lambda m: _LATEX[m.group()], _balanced(text))


def _name(name: str) -> str:
    """A name as BibTeX reads one name: the word "and" (which separates names) and a comma
    (which orders a name's parts) braced, and a name "others" (et al.) too."""
    escaped = _NAME_SEPARATOR.sub(lambda m: "{" + m.group() + "}", _latex(name))
    return "{" + escaped + "}" if escaped.casefold() == "others" else escaped


def _balanced(text: str) -> str:
    """The text with each brace that has no partner made a parenthesis (BibTeX counts every
    brace, escaped or not: an unpaired one would end the field)."""
    chars, opened = list(text), []
    for at, char in enumerate(chars):
        if char == "{":
            opened.append(at)
        elif char == "}" and opened:
            opened.pop()
        elif char == "}":
            chars[at] = ")"
    for at in opened:
        chars[at] = "("
    return "".join(chars)


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
