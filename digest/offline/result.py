"""The result: the sentence with the headline figures, kept in the paper's words."""

from __future__ import annotations

import re

from .cues import FRAME, LEAD_IN, METHOD_NOUNS, PROPOSE, SELF, SELF_NOUN
from .sentences import Phrase, Sentence, finish, split_clauses, trim

__all__ = ["RESULT_HARD_MAX", "RESULT_MAX", "result"]

RESULT_MAX = 160
RESULT_HARD_MAX = 195  # headline figures may push a result past RESULT_MAX, never past this

_HEADLINE = re.compile(
    r"(?:\d[\d.,]*\s?(?:%|×|x\b|X\b|-?fold\b|times\b|ms\b|mIoU\b|BLEU\b|points?\b|pp\b)|"
    r"\bup to (?:an? )?\d|\bby (?:more than |over |about |nearly )?\d)"
)
_MEASURE = re.compile(r"(?<![\w.-])\d+\.\d+(?![\w.-]|\.\d)")  # "precision over 0.90", "85.68"
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
_TABLE = re.compile(r"\b(?:Table|Fig\.?|Figure)\s+\d+\s*[:.]?\s+[A-Z]")


def _prose(text: str) -> bool:
    """More words than numbers and symbols: a sentence, not a row of a table."""
    tokens = text.split()
    words = sum(t.strip(".,;:()[]").isalpha() for t in tokens)
    return words > len(tokens) - words


_FIGURE_REF = re.compile(r"\b(?:Fig(?:ure)?s?\.?|Tables?)\s*\d", re.I)
_BRACKET = re.compile(r"\([^()]{3,}\)")
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
    """(headline figures, bare numbers): a measured value ("an accuracy of 85.68") is a
    headline figure where the sentence reports an outcome, not where it sizes a thing ("1.5
    billion parameters")."""
    headline = len(_HEADLINE.findall(text))
    if _ACHIEVE.search(text):
        headline += len(_MEASURE.findall(text))
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
    whole = finish(", ".join(pieces[i] for i in keep))
    phrase = trim(whole, RESULT_HARD_MAX) if len(whole) > RESULT_HARD_MAX else whole
    if not _figures(phrase)[0] and _figures(whole)[0]:
        # the cut fell before the figures, which a long sentence often gives in brackets at its
        # end ("... showed no association (hazard ratio = 0.97, 95% CI = 0.92-1.02)"): keep the
        # head that fits and the bracket that holds them
        bracket = next((b for b in _BRACKET.finditer(whole) if _figures(b.group(0))[0]), None)
        if bracket is not None and len(bracket.group(0)) <= RESULT_HARD_MAX // 2:
            room = RESULT_HARD_MAX - len(bracket.group(0)) - 1
            phrase = f"{trim(whole[: bracket.start()], room)} {bracket.group(0)}"
    return phrase


def _benefit(sentence: str) -> str:
    """What a proposal sentence says its method achieves ("..., effectively reducing X")."""
    m = PROPOSE.search(sentence)
    tail = sentence[m.end() :] if m else ""
    found = _BENEFIT.search(tail)
    return trim(tail[found.start(1) :], RESULT_MAX) if found else ""


_OUR = re.compile(
    rf"^(?:our|(?:this|these) (?=(?:new |proposed )?(?:{METHOD_NOUNS}|dataset|corpus|benchmark)"
    r"s?\b))\s*",
    re.I,
)
_WE_CAN = re.compile(
    r"^we\s+(?:can|could|are able to|were able to)\s+(?:(?:also|further|effectively)\s+)?", re.I
)
_WE_REACH = re.compile(
    r"^we\s+(?:(?:can|could|also)\s+)?(?:achieve|achieved|reach|reached|obtain|obtained|attain|"
    r"attained)\s+",
    re.I,
)


def _subject(phrase: str, name: str) -> str:
    """The phrase with a subject that stands alone: the method's name for "It" / "Our approach"
    when the method has one; "we can reach X" read as X. A phrase still opening on a pronoun is
    returned as it is (the caller scores it down)."""
    m = SELF_NOUN.match(phrase)
    if m and name:
        return name + phrase[m.end() :]
    m = _OUR.match(phrase)
    if m:  # "Our dense retriever outperforms ..." -> "the dense retriever outperforms ..."
        return "the " + phrase[m.end() :]
    m = _WE_REACH.match(phrase) or _WE_CAN.match(phrase)
    return phrase[m.end() :] if m else phrase


def result(sentences: list[Sentence], title: str, name: str = "") -> Phrase | None:
    """The result phrase: the sentence with the headline figures (abstract first), from its
    subject, "It" resolved to `name` (the method's name); None when the paper states none."""
    proposed = next((s.index for s in sentences if s.source == 0 and PROPOSE.search(s.text)), None)
    best: tuple[float, Phrase] | None = None  # the best candidate so far
    for s in sentences:
        if _TABLE.search(s.text) or not _prose(s.text):
            continue  # a caption or a table row read as text: figures, but no statement
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
            score -= 3 * bool(_FIGURE_REF.search(s.text))  # reads a figure, not the finding
            if headline and s.source in (0, 2):
                score += 6  # the headline figure of the abstract, else of the conclusion
            candidate = (score, s.text)
        else:
            continue
        if not candidate[1]:
            continue
        phrase = candidate[1] if candidate[1] != s.text else _result_phrase(s.text)
        phrase = _subject(_RESULT_VERB.sub("", phrase), name)
        score = candidate[0] - 3 * bool(FRAME.match(phrase))  # "These values ...": whose?
        if phrase and (best is None or score > best[0]):
            best = (score, Phrase(phrase, s.text))
    if best is None:  # say what the paper ends on: its last abstract sentence
        last = [
            s
            for s in sentences
            if s.source == 0 and not _RELEASE.search(s.text) and not PROPOSE.search(s.text)
        ]
        if last:
            said = trim(_BELIEF.sub("", LEAD_IN.sub("", last[-1].text)), RESULT_MAX)
            best = (0.0, Phrase(_subject(said, name), last[-1].text))
    return best[1] if best and best[1].text else None
