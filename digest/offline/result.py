"""The result: the sentence with the headline figures, kept in the paper's words."""

from __future__ import annotations

import re

from .cues import LEAD_IN, PROPOSE, SELF
from .sentences import Sentence, finish, split_clauses, trim

__all__ = ["RESULT_HARD_MAX", "RESULT_MAX", "result"]

RESULT_MAX = 160
RESULT_HARD_MAX = 195  # headline figures may push a result past RESULT_MAX, never past this

_HEADLINE = re.compile(
    r"(?:\d[\d.,]*\s?(?:%|×|x\b|X\b|-?fold\b|times\b|ms\b|mIoU\b|BLEU\b|points?\b|pp\b)|"
    r"\bup to (?:an? )?\d|\bby (?:more than |over |about |nearly )?\d)"
)
_BARE = re.compile(r"(?<![\w.\[-])\d+(?:\.\d+)?(?:[KMB]\b)?(?![\w\]-])")
_ACHIEVE = re.compile(
    r"\b(?:outperform\w*|achiev\w*|improv\w*|reduc\w*|speed\w*|boost\w*|accelerat\w*|surpass\w*|"
    r"exceed\w*|gain\w*|state-of-the-art|superior|deliver\w*|retain\w*|match\w*|effective\w*|"
    r"demonstrat\w*|show\w*|reveal\w*|highlight\w*|better|higher|lower|faster)\b",
    re.I,
)
_REPORT = re.compile(
    r"^.*?\b(?:show|shows|showed|shown|demonstrate|demonstrates|demonstrated|indicate|indicates|"
    r"reveal|reveals|observed|observe|find|found|confirm|confirms|suggest|suggests|showing|"
    r"demonstrating|indicating|revealing|confirming)\s+that\s+",
    re.I,
)
_SUBORDINATE = re.compile(
    r"^(?:when|by|with|while|whereas|if|although|in|on|at|for|under|as)\b", re.I
)
_BENEFIT = re.compile(
    r"(?:,\s+|\s(?:that|which)\s+(?:can\s+|could\s+)?|\sto\s+)(?:effectively\s+|thereby\s+)?"
    r"((?:achiev|reduc|improv|ensur|boost|accelerat|outperform|mitigat|preserv|speed)\w*\s)",
    re.I,
)
_CITATION = re.compile(r"\[\d+(?:[,–-]\s?\d+)*\]|\bet al\.")
_RELEASE = re.compile(
    r"\b(?:we (?:also )?release|code (?:is|will be) available|github|Sections? \d)\b", re.I
)
_BELIEF = re.compile(r"^we (?:believe|hope|expect)(?: that)?\s+", re.I)
_RESULT_VERB = re.compile(
    r"^(?:achieving|achieves|achieved|achieve|reaching|reaches|yielding|yields|showing|delivering|"
    r"delivers|obtaining|obtains|attaining|attains|resulting in|leading to)\s+",
    re.I,
)


def _figures(text: str) -> tuple[int, int]:
    headline = len(_HEADLINE.findall(text))
    bare = len([n for n in _BARE.findall(text) if not re.fullmatch(r"(?:19|20)\d\d", n)])
    return headline, bare


def _result_phrase(sentence: str) -> str:
    text = LEAD_IN.sub("", sentence.rstrip(". "))
    text = _BELIEF.sub("", text)
    report = _REPORT.match(text)
    if report and _figures(report.group(0))[0] == 0:
        text = text[report.end() :]
    pieces = split_clauses(text)
    headline = [i for i, p in enumerate(pieces) if _figures(p)[0]]
    marked = headline or [i for i, p in enumerate(pieces) if _figures(p)[1]]
    if not marked:
        return trim(text, RESULT_MAX)
    first, last = marked[0], marked[-1]
    keep = list(range(first, last + 1))
    if len(", ".join(pieces[i] for i in keep)) > RESULT_MAX:  # drop asides between figures
        keep = [i for i in keep if i in marked or not _SUBORDINATE.match(pieces[i])]
    while first > 0 and not _SUBORDINATE.match(pieces[first - 1]):
        wider = [first - 1, *keep]
        if len(", ".join(pieces[i] for i in wider)) > RESULT_MAX:
            break
        keep, first = wider, first - 1
    phrase = finish(", ".join(pieces[i] for i in keep))
    if len(phrase) > RESULT_HARD_MAX:
        phrase = trim(phrase, RESULT_HARD_MAX)
    return phrase


def _benefit(sentence: str) -> str:
    """What a proposal sentence says its method achieves ("..., effectively reducing X")."""
    m = PROPOSE.search(sentence)
    tail = sentence[m.end() :] if m else ""
    found = _BENEFIT.search(tail)
    return trim(tail[found.start(1) :], RESULT_MAX) if found else ""


def result(sentences: list[Sentence], title: str) -> str:
    proposed = next((s.index for s in sentences if s.source == 0 and PROPOSE.search(s.text)), None)
    best: tuple[float, str] | None = None  # (score, phrase) of the best candidate so far
    for s in sentences:
        headline, bare = _figures(s.text)
        if (SELF.search(s.text) or PROPOSE.search(s.text)) and not headline:
            candidate = (1.0 - 4 * s.source, _benefit(s.text))
        elif (headline or _ACHIEVE.search(s.text)) and not _RELEASE.search(s.text):
            achieve = len(_ACHIEVE.findall(s.text))
            score: float = 3 * min(headline, 5) + (min(bare, 2) if achieve else 0) + min(achieve, 2)
            score -= 4 * s.source - 0.05 * s.index  # later in the abstract is likelier a result
            if s.source == 0 and proposed is not None and s.index < proposed:
                score -= 3  # background, before the paper says what it does
            score -= 3 * bool(_CITATION.search(s.text))  # someone else's result
            candidate = (score, s.text)
        else:
            continue
        if candidate[1] and (best is None or candidate[0] > best[0]):
            best = candidate if candidate[1] != s.text else (candidate[0], _result_phrase(s.text))
    if best is None:  # say what the paper ends on: its last abstract sentence
        last = [s for s in sentences if s.source == 0 and not _RELEASE.search(s.text)]
        best = (
            (0.0, trim(_BELIEF.sub("", LEAD_IN.sub("", last[-1].text)), RESULT_MAX))
            if last
            else None
        )
    phrase = _RESULT_VERB.sub("", best[1]) if best else ""
    if phrase:
        return phrase
    head, _, tail = title.partition(":")
    return trim(tail or head, RESULT_MAX)
