"""The paper's own terms in a phrase: names, acronyms, benchmarks, and the method's name.

    Terms(text).has(term)   whether the paper prints the term (or what a model may make of it)
    terms_in(phrase)        the terms a Chinese phrase carries in the paper's language
    method_names(quotes)    the method's names its quotes give, with the forms a phrase may use

A term is supported when the paper prints it, and also when a careful writer could have made it
from what the paper prints: the initials of a run of capitalised words ("DPR" for "Dense
Passage Retrieval"), a compound of printed terms ("SNN-CNN" for "Spiking Neural Network (SNN)
and Convolutional Neural Network (CNN)"), or the word the text layer garbled by one letter
("LLM-as-judge" where the PDF reads "LLM-as-ajudge").
"""

from __future__ import annotations

import re

from .strings import match_key

__all__ = ["COMMON_ACRONYMS", "Terms", "method_names", "terms_in"]

# Common field acronyms: no paper's own term, never the method's name
COMMON_ACRONYMS = frozenset([
    "AI", "ML", "NLP", "LLM", "LLMs", "DL", "RL", "CV", "GPU", "GPUs", "CPU", "API", "SOTA", "QA",
    "IR", "CNN", "RNN", "LSTM", "GNN", "MLP", "F1", "top-1", "top-5",
])  # fmt: skip
# a term of the paper's own language inside a Chinese phrase: a name, an acronym, a benchmark
# ("FreeDave", "BM25", "TF-IDF", "GSM8K": a capital or a digit in it); it must be the paper's
_TERM = re.compile(
    r"[A-Za-z0-9]*(?:[A-Z][A-Za-z0-9]*|[A-Za-z]\d[A-Za-z0-9]*)(?:[-_.][A-Za-z0-9]+)*"
)
_WORD = re.compile(r"\w+(?:[-_.]\w+)*")
_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:of|for|and|the|[A-Z][\w'-]*))+")
_COMPOUND = re.compile(r"[-/+]")
# An acronym a quote defines ("... (FreeDave)", "(DPR)") or a coined name: capitals inside a
# word ("TextRunner"), or capitals with digits ("GPT-4", "T5").
_DEFINED = re.compile(r"\(([A-Z][\w-]{1,24})\)")
_COINED = re.compile(r"\b(?:[A-Z][a-z]+[A-Z]\w*|[a-z]+[A-Z]\w*|[A-Z]{2,}[\w-]*\d[\w-]*)\b")
# words by which a paper names what it proposes, shortly before the name
_PROPOSED = re.compile(
    r"(?i)\b(?:propos|introduc|present|develop|design|call|nam|dub|termed|coin)\w*\b"
)
PROPOSAL_REACH = 80  # characters before a name in which a proposal word makes it the method's
GLITCH_MIN = 6  # letters a term needs before one garbled letter is forgiven (shorter: any word)


def terms_in(phrase: str) -> list[str]:
    """The terms of the paper's language a phrase carries (names, acronyms, benchmarks)."""
    return _TERM.findall(phrase)


class Terms:
    """The terms a paper's text supports."""

    def __init__(self, text: str) -> None:
        self.words = {match_key(w) for w in _WORD.findall(text)}
        self.key = match_key(text)
        self.initials: set[str] = set()
        for run in _CAPITALISED_RUN.findall(text):  # "Dense Passage Retrieval" -> DPR
            firsts = [w[0] for w in run.split()]
            for n in range(2, len(firsts) + 1):
                self.initials |= {"".join(firsts[i : i + n]) for i in range(len(firsts) - n + 1)}

    def has(self, term: str) -> bool:
        """Printed, or made of printed terms (a compound), or printed with one letter garbled."""
        if self._printed(term):
            return True
        parts = [p for p in _COMPOUND.split(term) if p]
        if len(parts) > 1 and all(self._printed(p) for p in parts):
            return True
        return self._garbled(match_key(term))

    def words_printed(self, words: list[str]) -> bool:
        """Whether the paper prints each of these English words (a phrase's kept terms)."""
        return all(match_key(w) in self.words or self._printed(w) for w in words)

    def _printed(self, term: str) -> bool:
        key = match_key(term)
        if term in COMMON_ACRONYMS or key in self.words or f"{key}s" in self.words:
            return True  # "DLLM", "DLLMs"
        if len(key) >= GLITCH_MIN and key in self.key:  # "BERT-base" for "BERT base"
            return True  # (a short one, "DPR", could be read across any two words)
        bare = re.sub(r"s$", "", term)  # "LLMs"
        return bare.isupper() and bare in self.initials

    def _garbled(self, key: str) -> bool:
        """A printed word one letter away (a letter added, dropped or changed by the text
        layer): only for terms long enough that one letter does not make another word."""
        if len(key) < GLITCH_MIN:
            return False
        return any(abs(len(w) - len(key)) <= 1 and _one_edit(key, w) for w in self.words)


def method_names(quotes: list[str], *, proposed: bool = False) -> dict[str, list[str]]:
    """The method's names its quotes give, each with the forms a phrase may use: an acronym a
    quote defines in parentheses (or the words it stands for: "Open IE (OIE)"), a coined name.
    With `proposed`, only the names a quote gives as what the paper proposes ("we propose
    InfVSR", "We introduce Free Draft-and-Verification (FreeDave)"), not a baseline or a tool
    it mentions ("LoRA", "BPE")."""
    names: dict[str, list[str]] = {}
    for quote in quotes:
        for match in _DEFINED.finditer(quote):
            acronym = match.group(1)
            if _taken(acronym, names) or (proposed and not _proposes(quote, match.start())):
                continue
            before = quote[: match.start()].split()
            spelled = [" ".join(before[-n:]) for n in range(1, min(5, len(before)) + 1)]
            names[acronym] = [acronym, *(w for w in spelled if len(match_key(w)) >= 4)]
    for quote in quotes:
        for match in _COINED.finditer(quote):
            coined = match.group(0)
            if not _taken(coined, names) and (not proposed or _proposes(quote, match.start())):
                names[coined] = [coined]
    return names


def _taken(name: str, names: dict[str, list[str]]) -> bool:
    """A common acronym (no method's name), or a name found already."""
    return name in COMMON_ACRONYMS or name in names


def _proposes(quote: str, at: int) -> bool:
    """Whether the quote names what the paper proposes at `at` (a proposal word just before)."""
    return bool(_PROPOSED.search(quote[:at][-PROPOSAL_REACH:]))


def _one_edit(a: str, b: str) -> bool:
    """Whether b is a with at most one letter added, dropped or changed."""
    if a == b:
        return True
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]
