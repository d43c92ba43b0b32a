"""The report's papers as a bibliography: BibTeX (for BibTeX, biblatex, Zotero) and CSL-JSON.

One entry per paper that was read, typed by where it appeared (digest.venues): a journal's paper
is an @article (CSL article-journal) with its journal, a conference's an @inproceedings
(paper-conference) with its proceedings, a preprint or a paper whose venue is unknown a @misc
(article), an arXiv paper's with biblatex's eprint, eprinttype and eprintclass. Every field is
one biblatex's data model knows (`biber --tool --validate-datamodel` finds nothing to say but
the date of a paper whose year no source gives: a year is never invented). An @article or an
@inproceedings needs its authors (biblatex requires them): without them the entry is a @misc with
the venue as howpublished. The year is digest.venues.paper_year; names are in parts
(digest.person_names), written "von Last, Jr, First"; the key is the first author's family name,
the year and the title's first word that is not a function word (vandenberg2020dense).

The header's text is data (an abstract file, an arXiv feed, a Crossref record may hold
"\\input{/etc/passwd}"): titles, venues and names have their control and bidi characters taken
out and every LaTeX special escaped, a backslash first, so LaTeX prints them and runs nothing; a
word "and" or a comma in a name is braced, so it stays one author. An identifier (DOI, arXiv ID
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

from .ids import arxiv_url, doi_url, parse_arxiv_id, versionless
from .models import PaperResult, Report
from .person_names import PersonName, person_name
from .strings import plain
from .venues import VenueKind, paper_year, venue_kind

__all__ = ["Reference", "references", "render_bibtex", "render_csl_json"]

logger = logging.getLogger(__name__)


@dataclass
class Reference:
    """What a bibliography entry says about one paper."""

    key: str
    title: str
    authors: list[PersonName] = field(default_factory=list)
    year: str | None = None
    kind: VenueKind | None = None  # where it appeared, as digest.venues reads it
    venue: str | None = None  # the journal or conference as printed
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
    doi = paper.doi if paper.doi and _DOI.fullmatch(paper.doi) else None
    venue = plain(paper.venue or "") or None
    year = paper_year(paper)
    authors = [name for a in paper.authors if (name := person_name(plain(a))).family]
    category = paper.categories[0] if paper.categories else None
    title = plain(paper.title)
    return Reference(
        key=_key(authors, year, title),
        title=title,
        authors=authors,
        year=str(year) if year else None,
        kind=venue_kind(venue, doi=doi, arxiv_id=arxiv_id),
        venue=venue,
        doi=doi,
        arxiv_id=arxiv_id,
        category=category if category and _CATEGORY.fullmatch(category) else None,
    )


# DOIs as Crossref recommends matching them (and the "<>" of old SICI DOIs): the characters a
# .bib's verbatim doi field holds as they are; another DOI is left out of the bibliography
_DOI = re.compile(r"10\.\d{4,9}/[-._;()/:<>A-Za-z0-9]+")
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?")  # cs.AI, hep-th
# Words a key skips to reach the title's first word that says something ("Did You Notice?")
_FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "on", "in", "at", "to", "for", "from", "with", "without", "by",
     "via", "and", "or", "is", "are", "be", "do", "does", "did", "can", "how", "what", "why",
     "when", "which", "who", "you", "we", "our", "your", "it", "its", "this", "that", "these",
     "those", "towards", "toward", "into", "onto", "over", "under"}
)  # fmt: skip
_TITLE_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")  # "Bi-criteria", "COVID-19" one word


def _key(authors: list[PersonName], year: int | None, title: str) -> str:
    """karpukhin2020dense: the first author's family name (its particle too: vandenberg), the
    year, the title's first word that is not a function word, in ASCII letters and digits."""
    family = _ascii(authors[0].particle + authors[0].family) if authors else ""
    words = (_ascii(w) for w in _TITLE_WORD.findall(title) if w.casefold() not in _FUNCTION_WORDS)
    word = next((w for w in words if w), "paper")
    return (family or "anon") + (str(year) if year else "") + word


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]", "", plain)


# --- BibTeX ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryType:
    """A venue kind as an entry of each format, and the field its venue goes in."""

    bibtex: str
    bibtex_venue: str
    csl: str
    csl_venue: str


# The one table both writers read. "journal", not biblatex's "journaltitle": BibTeX styles read
# it and biber maps it to journaltitle (given both, biber calls journal invalid). A preprint is a
# @misc, as arXiv exports one: every BibTeX style knows @misc, @online is biblatex's only.
ENTRY_TYPES: dict[VenueKind | None, EntryType] = {
    "journal": EntryType("article", "journal", "article-journal", "container-title"),
    "conference": EntryType("inproceedings", "booktitle", "paper-conference", "container-title"),
    "preprint": EntryType("misc", "howpublished", "article", "publisher"),
    "other": EntryType("misc", "howpublished", "article", "publisher"),
    None: EntryType("misc", "howpublished", "article", "publisher"),
}
AUTHORS_REQUIRED = frozenset({"article", "inproceedings"})  # biblatex's data model


def render_bibtex(report: Report) -> str:
    """One entry per paper read, typed by its venue (ENTRY_TYPES)."""
    entries = [entry for ref in references(report) if (entry := _bibtex_entry(ref))]
    return "\n".join(entries)


def _bibtex_entry(ref: Reference) -> str | None:
    """One entry's text; None (and a warning) when pybtex refuses it."""
    from pybtex.database import BibliographyData, Entry, Person
    from pybtex.exceptions import PybtexError

    kind = ENTRY_TYPES[ref.kind]
    if kind.bibtex in AUTHORS_REQUIRED and not ref.authors:
        kind = ENTRY_TYPES["other"]
    try:
        persons = {"author": [Person(_bibtex_name(a)) for a in ref.authors]} if ref.authors else {}
        entry = Entry(kind.bibtex, fields=_bibtex_fields(ref, kind), persons=persons)
        data = BibliographyData(entries={ref.key: entry})
        return str(_writer().to_string(data))
    except PybtexError as err:
        logger.warning("%s: left out of the bibliography: %s", ref.key, err)
        return None


def _bibtex_fields(ref: Reference, kind: EntryType) -> dict[str, str]:
    fields = {"title": _latex(ref.title)}
    if ref.venue:
        fields[kind.bibtex_venue] = _latex(ref.venue)
    if ref.year:
        fields["year"] = ref.year
    if ref.doi:
        fields["doi"] = ref.doi
    if ref.arxiv_id:
        fields |= {"eprint": ref.arxiv_id, "eprinttype": "arxiv"}
        if ref.category:
            fields["eprintclass"] = ref.category
    if ref.url and not ref.doi:  # a DOI makes its own link; its URL may hold a "%" (%3C of a
        fields["url"] = ref.url  # SICI DOI's "<"), which pandoc's reader takes for a comment
    return fields


def _bibtex_name(name: PersonName) -> str:
    """One name as BibTeX orders it, "von Last, Jr, First", each part escaped."""
    von_last = " ".join(part for part in (name.particle, name.family) if part)
    parts = [von_last, name.suffix, name.given] if name.suffix else [von_last, name.given]
    return ", ".join(_name(part) for part in parts if part)


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
    """The citeproc JSON list (Zotero: File > Import; pandoc --citeproc), typed as the BibTeX is
    (CSL asks no authors of a type, so a paper without them keeps its venue's type)."""
    items = [_csl_item(ref) for ref in references(report)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def _csl_item(ref: Reference) -> dict[str, Any]:
    kind = ENTRY_TYPES[ref.kind]
    item: dict[str, Any] = {"id": ref.key, "type": kind.csl, "title": ref.title}
    if ref.authors:
        item["author"] = [_csl_name(a) for a in ref.authors]
    if ref.year:
        item["issued"] = {"date-parts": [[int(ref.year)]]}
    if ref.venue:
        item[kind.csl_venue] = ref.venue
    if ref.doi:
        item["DOI"] = ref.doi
    if ref.arxiv_id and ref.kind == "preprint":
        item["number"] = f"arXiv:{ref.arxiv_id}"
        item.setdefault("publisher", "arXiv")
    if ref.url:
        item["URL"] = ref.url
    return item


def _csl_name(name: PersonName) -> dict[str, str]:
    """CSL's name parts; a name of one word (a mononym, a name written without spaces) literal."""
    if not (name.given or name.particle or name.suffix):
        return {"literal": name.family}
    parts = {
        "family": name.family,
        "given": name.given,
        "non-dropping-particle": name.particle,
        "suffix": name.suffix,
    }
    return {part: text for part, text in parts.items() if text}
