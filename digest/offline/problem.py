"""The problem: the sentence naming the gap the paper addresses, cut to its main clause."""

from __future__ import annotations

import itertools
import re

from .cues import FRAME, LEAD_ARTICLE, LEAD_IN, PROPOSE, SELF
from .sentences import Phrase, Sentence, split_clauses, trim

__all__ = ["PROBLEM_MAX", "problem"]

PROBLEM_MAX = 120

_LIMIT_CUE = re.compile(
    r"\b(?:challeng\w*|suffer\w*|limit(?:ed|ation|ations|s)|struggl\w*|overlook\w*|"
    r"bottleneck\w*|lack\w*|hinder\w*|prohibitive\w*|ineffici\w*|sub-?optimal\w*|costly|"
    r"expensive|degrad\w*|fail\w*|difficult\w*|obstacles?|gaps?|unavailable|inaccessible|"
    r"drawbacks?|insufficient\w*|slow|poor\w*|vulnerab\w*|trade-?off|"
    r"constrain\w*|ignor\w*|unclear|barriers?|impractical|infeasible|remains? (?:open|unknown)|"
    r"unexplored|little work|few (?:solutions|studies|works)|lags? behind|open question|"
    r"manual(?:ly)?|labou?r(?:-intensive)?|time-consuming|hand-(?:tag|craft|label|engineer)\w*|"
    r"scales? (?:linearly|poorly|badly)|requires? (?:the user|humans?|experts?)|"
    r"(?:poorly|not well) understood)\b",
    re.I,
)
_CONTRAST = re.compile(r"\b(?:however|but|yet|although|though|while|despite|unfortunately)\b", re.I)
_PRIOR = re.compile(
    r"\b(?:existing|current|prior|previous|traditional|conventional|recent|most|typical\w*)\b", re.I
)
_CLAUSE_SPLIT = re.compile(r",\s+(?:but|yet|while|whereas)\s+|;\s+|\s+but\s+|:\s+", re.I)
_CONCESSIVE = re.compile(r"^(?:although|though|while|whereas|despite)\s+", re.I)
_ENUMERATOR = re.compile(r"^(?:(?:and|or)\s+)?(?:\(?\d+\)|\(?[ivx]+\))\s*", re.I)
_CLAIM = re.compile(
    r"^(?:we|they|it)\s+(?:show|find|observe|note|argue|demonstrate)s?\s+that\s+", re.I
)
_WE = re.compile(r"\bwe\b", re.I)
_ASIDE = re.compile(r",\s+(?:though|although|while|albeit)\s+[^,]{3,80},", re.I)
_CLAIM_ANY = re.compile(
    r"\bwe (?:(?:will|also|then|first) )?(?:show|prove|present|define|study|analy[sz]e|develop|"
    r"discuss|motivate|describe|report|consider)\b|\bthis (?:paper|work|study|article|review) "
    r"(?:focus|examin|stud|review|explor|describ|discuss|consider|investigat|address)\w*",
    re.I,
)
_POINTS_BACK = re.compile(
    r"\bwe (?:(?:first|here|now) )?(?:study|investigate|address|examine|explain|analy[sz]e|tackle|"
    r"consider|solve|explore) (?:this|these|such) (?:phenomen(?:on|a)|problems?|questions?|"
    r"issues?|challenges?|puzzles?|gaps?|paradox|limitations?|shortcomings?)\b",
    re.I,
)
_SUFFER = re.compile(r"\b(?:suffers?|suffering) from\s+|\bfaces? the challenges? of\s+", re.I)


def _problem_phrase(sentence: str) -> str:
    text = _ASIDE.sub("", LEAD_IN.sub("", sentence.rstrip(".")))
    if _CONCESSIVE.match(text):  # "While X works, Y fails": the main clause names the gap
        pieces = split_clauses(text)
        if len(pieces) > 1 and _LIMIT_CUE.search(", ".join(pieces[1:])):
            text = ", ".join(pieces[1:])
    clauses = [c for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    clause = max(clauses, key=lambda c: len(_LIMIT_CUE.findall(c)) + (c is clauses[0]) * 0.5)
    clause = LEAD_IN.sub("", _CONCESSIVE.sub("", clause))
    clause = _ENUMERATOR.sub("", _CLAIM.sub("", clause))
    m = _SUFFER.search(clause)
    if m and len(clause) - m.end() >= 15:
        clause = clause[m.end() :]
    return trim(LEAD_ARTICLE.sub("", clause.strip()), PROBLEM_MAX)


_MIN_PROBLEM_WORDS = 4  # "eliminates its inefficiencies" says too little to stand alone


def problem(sentences: list[Sentence], title: str) -> Phrase | None:
    """The gap the paper states, cut to its main clause; None when no sentence names one."""
    scored: list[tuple[float, int, str]] = []
    for order, s in enumerate(sentences):
        cues = {c.casefold() for c in _LIMIT_CUE.findall(s.text)}
        if not cues or len(s.text) < 30:
            continue
        score: float = 2 * min(len(cues), 3) + 2 * bool(_CONTRAST.search(s.text))
        own = SELF.search(s.text) or PROPOSE.search(s.text) or _CLAIM_ANY.search(s.text)
        score += bool(_PRIOR.search(s.text)) - 4 * bool(own) - bool(_WE.search(s.text))
        score -= 2 * s.source + 0.05 * s.index
        scored.append((-score, order, s.text))
    for order, (before, s) in enumerate(itertools.pairwise(sentences), start=1):
        said = before.text.rstrip(". ")
        if (
            before.source == s.source
            and _POINTS_BACK.search(s.text)
            and 30 <= len(said) <= PROBLEM_MAX  # whole, or not at all: a cut puzzle misleads
        ):
            # "Networks that fit noise still generalise. We study this phenomenon ...": the
            # sentence before says what "this phenomenon" is
            scored.append((-(3.0 - 2 * s.source - 0.05 * s.index), order - 1, before.text))
    phrases = []
    for score, order, text in scored:
        phrase = _problem_phrase(text)
        if len(phrase.split()) >= _MIN_PROBLEM_WORDS:
            # "it is too expensive ...", "these models ...": the gap of what?
            phrases.append((score + 3 * bool(FRAME.match(phrase)), order, Phrase(phrase, text)))
    if phrases:
        return min(phrases, key=lambda c: (c[0], c[1]))[2]  # best first; ties in reading order
    return None  # the title names a topic, not a problem: the brief says nothing rather than that
