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

No source that reads less wins: an author list that leaves out a person another reading has
and the first page prints as an author replaces nothing, an entry's list no more than the
LLM's (an LLM that drops one name of a long list, a record deposited short). A list may lack
what is no such person, and then says why: a piece that is no person's name ("Department of
Physics"), a name printed only as an editor's ("Academic Editor: ..."), one not on the first
page, two names run together. The same person spelled two ways ("J. Smith", "John Smith";
accents; initials) is one person, and keeps the spelling the page prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from .facts import MAX_AUTHORS, PaperFacts
from .ids import data_sha256, versionless
from .models import HEADER_FIELDS, HeaderSources, Paper
from .paper import CITATION_FIELDS
from .persons import FirstPage, pair, why_left_out
from .strings import match_key

__all__ = ["AUTHORITATIVE", "Claims", "merge_papers", "reconcile_header"]

AUTHORITATIVE = frozenset({"arxiv", "crossref", "text"})  # sources the LLM never overrides


def merge_papers(pdf: Paper, entry: Paper, *, source: str) -> Paper:
    """The PDF's record with the entry's exact metadata; identity from both. The entry's
    authors stand unless they leave out a person the PDF read and its first page prints: then
    the PDF's do, and its warnings say so (as they say why an entry's list may be shorter).
    Two lists with no person in common are no two readings of one list (names in another
    script; a PDF that is not the entry's paper): the entry's stand, noted."""
    both = data_sha256(f"{pdf.sha256}+{entry.sha256}".encode())
    authors, notes = _entry_authors(pdf, entry)
    sources = pdf.header_sources.model_copy()
    for name in HEADER_FIELDS:
        if getattr(entry, name) and (name != "authors" or authors is entry.authors):
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
            "authors": authors,
            "abstract": entry.abstract or pdf.abstract,
            "affiliations": entry.affiliations or pdf.affiliations,
            "warnings": [*pdf.warnings, *entry.warnings, f"merged with {entry.source}", *notes],
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


def _entry_authors(pdf: Paper, entry: Paper) -> tuple[list[str], list[str]]:
    """The entry's authors (the very list) unless they read less than the PDF's; and notes."""
    if not entry.authors or not pdf.authors:
        return entry.authors or pdf.authors, []
    whose = entry.header_sources.authors or entry.origin
    left_out = _left_out(pdf.authors, entry.authors, FirstPage(pdf.first_page))
    if len(left_out) == len(pdf.authors):  # not two readings of one list
        return entry.authors, [
            f"authors: none of {whose}'s {len(entry.authors)} is among the PDF's "
            f"{len(pdf.authors)} (another script, or another paper's PDF); {whose}'s kept"
        ]
    lost = [name for name, why in left_out if why is None]
    if lost:
        return pdf.authors, [
            f"{whose}'s authors ({len(entry.authors)}) leave out {len(lost)} the PDF's first "
            f"page prints ({'; '.join(lost)}); the PDF's {len(pdf.authors)} kept"
        ]
    return entry.authors, [
        f"authors: {whose} leaves out the PDF's {n!r}: {why}" for n, why in left_out
    ]


def _left_out(
    names: Sequence[str], others: Sequence[str], page: FirstPage
) -> list[tuple[str, str | None]]:
    """The names `others` lacks (no spelling of the same person), each with the reason a list
    may lack it; None: no reason, a list without it reads less."""
    paired = pair(names, others)
    return [
        (n, why_left_out(n, page, others)) for n, j in zip(names, paired, strict=True) if j is None
    ]


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
    does a longer one than a list at the schema's bound (MAX_AUTHORS: maybe cut there), and
    one with a person the LLM's list leaves out (see the module's docstring). A name the page
    prints only as an editor's is no author. A title is taken where the parser found none or
    where one reading contains the other (a title cut short, or run into the line under it);
    two unrelated lines of the page keep the parser's, which chose by layout (size, position,
    banners) what the model only reads."""
    page = FirstPage(paper.first_page)
    sources = paper.header_sources.model_copy()
    update: dict[str, object] = {}
    flags = _title(paper, facts, page.key, sources, update)
    authors, said = _authors(paper, facts.authors, page, sources)
    flags += said
    if authors is not None:
        update["authors"], sources.authors = authors, "llm"
    if not update:
        return paper, flags
    return paper.model_copy(update={**update, "header_sources": sources}), flags


def _title(
    paper: Paper, facts: PaperFacts, page: str, sources: HeaderSources, update: dict[str, object]
) -> list[str]:
    """The LLM's title into `update` where it stands; the flags."""
    said, read = match_key(facts.title), match_key(paper.title)
    if not said or said == read:
        return []
    if sources.title in AUTHORITATIVE:
        return [f"LLM title {facts.title!r} differs from {sources.title}'s"]
    if said not in page:
        return [f"LLM title not on the first page, parser's kept: {facts.title!r}"]
    if read and read not in said and said not in read:
        return [f"LLM title {facts.title!r} is another line than the parser's; kept"]
    # the parser found none, cut the title short or ran it into the next line
    update["title"], sources.title = facts.title, "llm"
    return [f"title: LLM read {facts.title!r}, parser read {paper.title!r}"]


def _authors(
    paper: Paper, told: list[str], page: FirstPage, sources: HeaderSources
) -> tuple[list[str] | None, list[str]]:
    """The author list that replaces the record's (None: the record's stands); the flags."""
    read = list(paper.authors)
    if not told or _keys(told) == _keys(read):
        return None, []
    if sources.authors in AUTHORITATIVE:
        return None, [f"LLM authors ({len(told)}) differ from {sources.authors}'s"]
    editors = [name for name in told if page.as_editor(name)]
    said = [name for name in told if name not in editors]
    flags = [f"LLM authors include {name!r}, printed as an editor; left out" for name in editors]
    refused = _refused(len(told), said, read, page)
    if refused:
        return None, [*flags, refused]
    chosen, spelled = _spelled(said, read, page)
    flags += spelled
    flags += [
        f"authors: the parser's {n!r} left out: {why}" for n, why in _left_out(read, said, page)
    ]
    if not chosen or _keys(chosen) == _keys(read):
        return None, flags
    if sorted(_keys(chosen)) == sorted(_keys(read)):
        return chosen, [
            *flags,
            f"authors: LLM read the parser's {len(read)} names in another order",
        ]
    listed = f"LLM read {len(chosen)} ({'; '.join(chosen)}), parser read {len(read)}"
    return chosen, [*flags, f"authors: {listed} ({'; '.join(read)})"]


def _refused(told: int, said: list[str], read: list[str], page: FirstPage) -> str | None:
    """Why the LLM's list (`told` names, `said` of them not editors) replaces nothing: a name
    not on the page, a list cut at the schema's bound, or a person of the parser's it lacks."""
    missing = [name for name in said if not page.prints(name)]
    if missing:
        return "LLM authors not on the first page, parser's kept: " + "; ".join(missing)
    if told >= MAX_AUTHORS and len(read) > told:
        return (
            f"LLM authors stop at the schema's bound of {MAX_AUTHORS}; the parser's "
            f"{len(read)} kept"
        )
    lost = [name for name, why in _left_out(read, said, page) if why is None]
    if lost:
        return (
            f"LLM authors ({len(said)}) leave out {len(lost)} the parser read on the first page "
            f"({'; '.join(lost)}); the parser's {len(read)} kept"
        )
    return None


def _spelled(said: list[str], read: list[str], page: FirstPage) -> tuple[list[str], list[str]]:
    """The LLM's list, each person the parser read too spelled as the page prints it (the
    fuller spelling when it prints both, the LLM's when neither); the flags of the persons
    spelled two ways."""
    chosen, flags = [], []
    for name, j in zip(said, pair(said, read), strict=True):
        other = read[j] if j is not None else name
        kept = max((name, other), key=lambda n: (match_key(n) in page.key, len(match_key(n))))
        if match_key(other) != match_key(name):
            flags.append(
                f"authors: LLM {name!r} and parser {other!r} are one person; {kept!r} kept"
            )
        chosen.append(kept)
    return chosen, flags


def _keys(names: Sequence[str]) -> list[str]:
    return [match_key(name) for name in names]
