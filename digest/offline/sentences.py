"""Sentences and phrases: where the offline engine's text comes from, and how it is cut.

split_sentences  a paragraph's sentences (not split after "e.g.", "et al." or decimals)
trim, finish     a phrase cut at a clause boundary, its ends tidied, brackets balanced
split_clauses    a sentence's pieces between commas and semicolons outside brackets
paper_sentences  the abstract's, introduction's, conclusion's and method's sentences, ranked
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Paper

__all__ = [
    "SECTION_CHARS",
    "Phrase",
    "Sentence",
    "finish",
    "paper_sentences",
    "paper_texts",
    "split_clauses",
    "split_sentences",
    "trim",
]

SECTION_CHARS = 8000  # of each section, enough for the contribution list and the conclusion
_MIN_PHRASE = 12

_ABBREV = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Figs|Eq|Sec|approx|resp|No|etc)\.$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])|(?<=[a-z]{3}\.)(?=[A-Z][a-z])")
_STOP_TAIL = re.compile(
    r"(?:[\s,;:(\[/–—-]|\b(?:and|or|of|the|a|an|to|for|with|by|in|on|at|from|via|that|which|"
    r"while|as|its|their|our|such|into|than|is|are|be|both|using|between|when|whose|where|"
    r"namely|including|due|because|since|making|caused|leading|resulting|whether|how|"
    r"i\.e|e\.g|etc|viz))+\.?$",
    re.I,
)
_STRONG = re.compile(r"[,;:]\s|\s(?:which|that|where|while|whereas|but|thereby|so that)\s|\s[(\[]")
_WEAK = re.compile(
    r"\s(?:by|with|without|using|via|through|and|as|across|over|leading|resulting|based|for|"
    r"in|on|including|due to|because|caused|such as|after|before|under)\s"
)
_LEAD_CONJUNCTION = re.compile(r"^(?:and|or|but|so|then|thus)\s+", re.I)
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"))


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not split after abbreviations ("e.g.", "et al.") or decimals."""
    text = " ".join(text.split())
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[start : m.start()]
        if _ABBREV.search(piece):
            continue
        out.append(piece.strip())
        start = m.end()
    out.append(text[start:].strip())
    return [s for s in out if sum(c.isalpha() for c in s) >= 8]


def _balance(text: str) -> str:
    """Drop stray closing brackets and cut before the first bracket left open."""
    for left, right in _PAIRS:
        opened: list[int] = []
        kept: list[str] = []
        for ch in text:
            if ch == left:
                opened.append(len(kept))
            elif ch == right:
                if not opened:
                    continue  # a stray closing bracket
                opened.pop()
            kept.append(ch)
        text = "".join(kept[: opened[0]] if opened else kept)
    return text


def finish(text: str) -> str:
    """Tidy a phrase's ends: no dangling punctuation, stop words or unbalanced brackets."""
    previous = None
    while previous != text:
        previous = text
        text = _balance(" ".join(text.split()))
        text = _STOP_TAIL.sub("", text).strip(" ,;:.–—-\"'“”")
        text = _LEAD_CONJUNCTION.sub("", text.lstrip(" ,;:.)]–—-"))
    return text


def trim(text: str, limit: int) -> str:
    """The text cut to at most ``limit`` characters at the last clause boundary that fits.

    Falls back to the last word boundary; never cuts inside a word or leaves a bracket open.
    """
    text = finish(text)
    if len(text) <= limit:
        return text
    tiers = (
        (_STRONG, limit // 2),
        (_WEAK, limit // 2),
        (_STRONG, limit // 4),
        (_WEAK, _MIN_PHRASE),
    )
    for boundary, shortest in tiers:
        cuts = [m.start() for m in boundary.finditer(text) if shortest <= m.start() <= limit]
        for cut in reversed(cuts):
            phrase = _drop_stub(finish(text[:cut]))
            if shortest <= len(phrase) <= limit:
                return phrase
    cut = text.rfind(" ", 0, limit + 1)
    return finish(text[: cut if cut > 0 else limit])


def _drop_stub(phrase: str) -> str:
    """Drop a last comma piece of one or two words left by a cut ("X, a weight-only")."""
    head, sep, tail = phrase.rpartition(", ")
    if sep and len(tail.split()) <= 2 and len(head) >= _MIN_PHRASE and _balance(head) == head:
        return finish(head)
    return phrase


def split_clauses(sentence: str) -> list[str]:
    """Pieces of a sentence between commas and semicolons outside brackets."""
    pieces, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        elif ch in ",;" and depth == 0 and sentence[i + 1 : i + 2] == " ":
            pieces.append(sentence[start:i].strip())
            start = i + 1
    pieces.append(sentence[start:].strip())
    return [p for p in pieces if p]


@dataclass(frozen=True)
class Phrase:
    """A phrase of the brief and the paper's own words it stands on (its evidence): the same
    words, or the sentence they were taken from when the phrase reorders them ("FreeDave, a
    ... algorithm" from "a ... algorithm, called FreeDave") or names what a pronoun stood for."""

    text: str
    quote: str


@dataclass(frozen=True)
class Sentence:
    text: str
    source: int  # 0 abstract, 1 introduction, 2 conclusion, 3 other sections
    index: int  # position within its source


def paper_texts(paper: Paper) -> list[tuple[int, str]]:
    """(rank, text) of the parts the offline engine reads: the abstract, the introduction, the
    conclusion and the method section, each cut to SECTION_CHARS. Not the first page of a
    paper without them: its header lines (names, affiliations) would read as sentences."""
    found = [(0, paper.abstract)]
    for kind, rank in (("introduction", 1), ("conclusion", 2), ("method", 3)):
        section = paper.section(kind)  # type: ignore[arg-type]
        if section is not None:
            found.append((rank, section.text[:SECTION_CHARS]))
    return [(rank, text) for rank, text in found if text.strip()]


def paper_sentences(paper: Paper) -> list[Sentence]:
    out: list[Sentence] = []
    for rank, text in paper_texts(paper):
        out.extend(Sentence(s, rank, i) for i, s in enumerate(split_sentences(text)))
    return out
