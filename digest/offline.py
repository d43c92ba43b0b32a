"""Offline engine: fill PaperFacts from a parsed Paper with rules, no network and no model.

Each fact comes from the paper's own sentences, scored by cue words and trimmed to a phrase:

    institutions  affiliations (or the author block of page 1) reduced to the institution level,
                  named in Chinese from digest/data/institutions_zh.tsv
    method        "we propose/introduce/present X", "X is a ...", a name first when there is one
    problem       the sentence naming a gap ("However, ...", "suffer from", "remains challenging")
    result        the sentence with the headline figures (%, x, ms, "up to N"), kept verbatim

The abstract is read first, then the introduction and conclusion sections; the title is the last
resort. Pure and deterministic: the same Paper always gives the same PaperFacts.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .compose import merge_institutions
from .models import Institution, Paper, PaperFacts

__all__ = [
    "institution_zh",
    "offline_facts",
    "offline_version",
    "reduce_affiliation",
    "split_sentences",
    "trim",
]

log = logging.getLogger(__name__)

METHOD_MAX = 120
PROBLEM_MAX = 120
RESULT_MAX = 160
RESULT_HARD_MAX = 195  # headline figures may push a result past RESULT_MAX, never past this
SECTION_CHARS = 8000  # of each section, enough for the contribution list and the conclusion
_MIN_PHRASE = 12

# --- sentences and phrases -----------------------------------------------------------------

_ABBREV = re.compile(r"\b(?:e\.g|i\.e|et al|vs|cf|Fig|Figs|Eq|Sec|approx|resp|No|etc)\.$", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“(\[]?[A-Z0-9])|(?<=[a-z]{3}\.)(?=[A-Z][a-z])")
_STOP_TAIL = re.compile(
    r"(?:[\s,;:(\[/–—-]|\b(?:and|or|of|the|a|an|to|for|with|by|in|on|at|from|via|that|which|"
    r"while|as|its|their|our|such|into|than|is|are|be|both|using|between|when|whose|where|"
    r"namely|including|due|because|since|making|caused|leading|resulting|whether|how))+$",
    re.I,
)
_STRONG = re.compile(r"[,;:]\s|\s(?:which|that|where|while|whereas|but|thereby|so that)\s|\s[(\[]")
_WEAK = re.compile(
    r"\s(?:by|with|without|using|via|through|and|as|across|over|leading|resulting|based|for|"
    r"in|on|including|due to|because|caused|such as|after|before|under)\s"
)
_LEAD_CONJUNCTION = re.compile(r"^(?:and|or|but|so|then|thus)\s+", re.I)
_LEAD_ARTICLE = re.compile(r"^(?:a|an|the)\s+", re.I)
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


# --- where the text comes from -------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    text: str
    source: int  # 0 abstract, 1 introduction, 2 conclusion, 3 other sections
    index: int  # position within its source


def _sources(paper: Paper) -> list[tuple[int, str]]:
    found = [(0, paper.abstract)]
    for kind, rank in (("introduction", 1), ("conclusion", 2), ("method", 3)):
        section = paper.section(kind)  # type: ignore[arg-type]
        if section is not None:
            found.append((rank, section.text[:SECTION_CHARS]))
    return [(rank, text) for rank, text in found if text.strip()]


def _sentences(paper: Paper) -> list[Sentence]:
    out: list[Sentence] = []
    for rank, text in _sources(paper):
        out.extend(Sentence(s, rank, i) for i, s in enumerate(split_sentences(text)))
    return out


# --- method --------------------------------------------------------------------------------

_PROPOSE = re.compile(
    r"\b(?:we|this (?:paper|work|article|study|letter|survey|report)|the (?:present )?paper|"
    r"our (?:work|paper))\s+(?:(?:first|then|also|further|therefore|thus|here|now|additionally|"
    r"instead|newly)\s+)?(?:propose|introduce|present|design|develop|devise|put forward|"
    r"construct|formulate|create|build|describe)(?:s|d)?\b\s*(?:here\s+)?(?:to\s+(?:develop|"
    r"build|use|design|learn)\s+)?",
    re.I,
)
_EMPLOY = re.compile(
    r"\b(?:our|the) (?:proposed )?(?:approach|method|framework|model|pipeline|system|solution)"
    r" (?:employs|uses|leverages|adopts|builds (?:up)?on|is built (?:up)?on|is based on)\s+",
    re.I,
)
_NAME = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z]+[A-Z][\w-]*|[a-z]+[A-Z]{2,}[\w-]*|[A-Z]{2,}[\w-]*|"
    r"[A-Z][\w]*-[A-Z0-9][\w-]*|[A-Z][A-Za-z]*\d[\w-]*)(?![\w-])"
)
_TITLE_WORDS = re.compile(r"(?:[A-Z][\w-]*\s+){1,4}[A-Z][\w-]*(?=[\s,(]|$)")
_ACRONYM_DEF = re.compile(r"\(([A-Z][\w-]*[A-Z][\w-]*)\)")
_METHOD_STOP = re.compile(
    r",?\s+(?:and|then)\s+(?:we\s+)?(?:develop|show|demonstrate|evaluate|release|outline|"
    r"report|validate|conduct|provide|apply)s?\b|,\s*(?:achieving|yielding|resulting in|"
    r"leading to|outperforming|improving|reaching)\b|\.\s|$",
    re.I,
)
_PLAIN_VERBS = ("describe", "describes", "described", "present", "presents", "presented")
_WEAK_OBJECT = re.compile(
    r"^(?:the (?:problem|task|first|results?)|(?:an?|our) (?:analysis|study)|"
    r"results|experiments|evidence|several|two|three)\b",
    re.I,
)


def _name_in(phrase: str, title: str) -> tuple[bool, bool]:
    """(the phrase opens with or defines a name, that name also occurs in the title)."""
    head = " ".join(phrase.split()[:8])
    names = [m.group(0) for m in _NAME.finditer(head)] + _ACRONYM_DEF.findall(phrase[:140])
    titled = _TITLE_WORDS.match(phrase)
    if titled:
        names.append(titled.group(0))
    in_title = any(
        n.casefold().replace("-", "") in title.casefold().replace("-", "") for n in names
    )
    return bool(names), in_title


def _method_candidates(sentences: list[Sentence], title: str) -> Iterator[tuple[float, str]]:
    for s in sentences:
        for pattern, base in ((_PROPOSE, 6.0), (_EMPLOY, 3.0)):
            m = pattern.search(s.text)
            if not m:
                continue
            rest = s.text[m.end() :]
            stop = _METHOD_STOP.search(rest)
            raw = rest[: stop.start() if stop else len(rest)].strip()
            obj = _LEAD_ARTICLE.sub("", raw)
            if len(obj) < 4:
                continue
            named, in_title = _name_in(obj, title)
            if pattern is _EMPLOY and not _NAME.match(obj):
                continue  # "our method uses X" only tells the method when X is a name
            if pattern is _PROPOSE and m.group(0).rstrip().casefold().endswith(_PLAIN_VERBS):
                base -= 2  # "we describe/present ..." is a weaker claim than "we propose ..."
            score = base + 3 * named + 2 * in_title - 4 * bool(_WEAK_OBJECT.match(raw))
            score -= 2 * s.source + 0.05 * s.index
            yield score, obj
    subject = _title_name(title)
    if subject:
        defining = re.compile(rf"^{re.escape(subject)}\s+(?:is|are)\s+(?:an?|the)\s+", re.I)
        for s in sentences:
            m = defining.match(s.text)
            if m:
                yield 7.0 - 2 * s.source, f"{subject}, {s.text[m.end() - 2 :].strip()}"


def _title_name(title: str) -> str:
    """The name a title gives its subject: the part before a colon when it is short."""
    head, sep, _ = title.partition(":")
    if sep and len(head.split()) <= 5:
        return head.strip()
    return ""


def _method(sentences: list[Sentence], title: str) -> str:
    best = max(_method_candidates(sentences, title), key=lambda c: c[0], default=None)
    if best is not None:
        phrase = trim(best[1], METHOD_MAX)
        if phrase:
            return phrase
    return trim(_title_name(title) or title, METHOD_MAX)


# --- problem -------------------------------------------------------------------------------

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
_LEAD_IN = re.compile(
    r"^(?:(?:however|unfortunately|nevertheless|nonetheless|yet|moreover|furthermore|"
    r"in particular|in addition|in practice|notably|importantly|specifically|crucially|"
    r"empirically|experimentally|overall|finally|additionally|as a result|consequently|"
    r"in contrast|thus|therefore|in general|most importantly|more importantly)\s*,?\s+)+",
    re.I,
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
    r"discuss|motivate|describe|report|consider)\b",
    re.I,
)
_SUFFER = re.compile(r"\b(?:suffers?|suffering) from\s+|\bfaces? the challenges? of\s+", re.I)
_SELF = re.compile(
    r"\b(?:to (?:address|overcome|tackle|solve|bridge|fill|break)|we propose)\b", re.I
)


def _problem_phrase(sentence: str) -> str:
    text = _ASIDE.sub("", _LEAD_IN.sub("", sentence.rstrip(".")))
    if _CONCESSIVE.match(text):  # "While X works, Y fails": the main clause names the gap
        pieces = split_clauses(text)
        if len(pieces) > 1 and _LIMIT_CUE.search(", ".join(pieces[1:])):
            text = ", ".join(pieces[1:])
    clauses = [c for c in _CLAUSE_SPLIT.split(text) if c.strip()]
    clause = max(clauses, key=lambda c: len(_LIMIT_CUE.findall(c)) + (c is clauses[0]) * 0.5)
    clause = _LEAD_IN.sub("", _CONCESSIVE.sub("", clause))
    clause = _ENUMERATOR.sub("", _CLAIM.sub("", clause))
    m = _SUFFER.search(clause)
    if m and len(clause) - m.end() >= 15:
        clause = clause[m.end() :]
    return trim(_LEAD_ARTICLE.sub("", clause.strip()), PROBLEM_MAX)


_MIN_PROBLEM_WORDS = 4  # "eliminates its inefficiencies" says too little to stand alone


def _problem(sentences: list[Sentence], title: str) -> str:
    scored: list[tuple[float, int, str]] = []
    for order, s in enumerate(sentences):
        cues = {c.casefold() for c in _LIMIT_CUE.findall(s.text)}
        if not cues or len(s.text) < 30:
            continue
        score: float = 2 * min(len(cues), 3) + 2 * bool(_CONTRAST.search(s.text))
        own = _SELF.search(s.text) or _PROPOSE.search(s.text) or _CLAIM_ANY.search(s.text)
        score += bool(_PRIOR.search(s.text)) - 4 * bool(own) - bool(_WE.search(s.text))
        score -= 2 * s.source + 0.05 * s.index
        scored.append((-score, order, s.text))
    for _score, _order, text in sorted(scored):  # best first; ties in reading order
        phrase = _problem_phrase(text)
        if len(phrase.split()) >= _MIN_PROBLEM_WORDS:
            return phrase
    head, _, tail = title.partition(":")
    aim = re.split(r"\s+for\s+", tail or head)[-1]  # "X: Y for Z" -> the task Z
    return trim(aim, PROBLEM_MAX)


# --- result --------------------------------------------------------------------------------

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
    text = _LEAD_IN.sub("", sentence.rstrip(". "))
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
    m = _PROPOSE.search(sentence)
    tail = sentence[m.end() :] if m else ""
    found = _BENEFIT.search(tail)
    return trim(tail[found.start(1) :], RESULT_MAX) if found else ""


def _result(sentences: list[Sentence], title: str) -> str:
    proposed = next((s.index for s in sentences if s.source == 0 and _PROPOSE.search(s.text)), None)
    best: tuple[float, str] | None = None  # (score, phrase) of the best candidate so far
    for s in sentences:
        headline, bare = _figures(s.text)
        if (_SELF.search(s.text) or _PROPOSE.search(s.text)) and not headline:
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
            (0.0, trim(_BELIEF.sub("", _LEAD_IN.sub("", last[-1].text)), RESULT_MAX))
            if last
            else None
        )
    phrase = _RESULT_VERB.sub("", best[1]) if best else ""
    if phrase:
        return phrase
    head, _, tail = title.partition(":")
    return trim(tail or head, RESULT_MAX)


# --- institutions --------------------------------------------------------------------------

_HEAD = re.compile(
    r"\b(?:Univ\w*|Universit\w*|College|Institute|Institut\w*|Instituto|Laborator\w*|Labs?|"
    r"Corporation|Corp|Inc|Ltd|LLC|GmbH|Company|Co|Research|Academy|Hospital|Foundation|"
    r"Cent(?:er|re)|Systems|Technologies|Consulting|Polytechnic|Politecnico|[EÉ]cole|"
    r"Scuola|Sorbonne|CNRS|Group)\b",
    re.I,
)
_DEPARTMENT = re.compile(
    r"^(?:Dept\b|Department|School\b|Faculty|Division|Graduate School|College of|Chair|Program|"
    r"Cent(?:er|re) (?:for|of)|Research Cent(?:er|re)|(?:State )?Key Lab|Laborator\w* (?:of|for|de)"
    r"|Lab (?:of|for)|Unit\b|Section\b)|\b(?:Department|Dept\.|School of|Faculty of)\b|"
    r"\bGroup$",
    re.I,
)
_SUBUNIT = re.compile(r"\b(?:Cent(?:er|re)|Lab\w*|Institut\w*|Group)\b", re.I)
_TOP = re.compile(r"\b(?:Univ\w*|Universit\w*|College|[EÉ]cole|Sorbonne|Politecnico)\b", re.I)
_LEGAL = re.compile(r"^(?:Inc|Ltd|LLC|Co|Corp|GmbH|S\.?A|AG)\.?$", re.I)
_TRAILING_PLACE = re.compile(
    r"^(.*\b(?:Univ\w*|Universit\w*|Corporation|Corp|Inc|Ltd|LLC|Laborator\w*|Labs?|Research|"
    r"Institute|College|Consulting|Systems|Technologies|Company))\.?((?:\s+[A-Z][a-z]+){1,2})$"
)


def _clean_affiliation(text: str) -> str:
    text = re.sub(r"\S+@\S+|https?://\S+|[\d*†‡§¶]+(?=\s|$)|^[\d*†‡§¶]+", " ", text)
    text = re.sub(r"(\w)- (?=[a-z])", r"\1", text)  # "Net- working" -> "Networking"
    text = re.sub(r"\s+-\s*(?=[A-Z])|(?<=\w)-\s+(?=[A-Z])", "-", text)  # "Wisconsin -Madison"
    text = re.sub(r"\bUnive?ri?s?i?ty\b", "University", text)  # common misspellings
    return " ".join(text.split()).strip(" ,;.")


def _norm(name: str) -> str:
    name = re.sub(r"^the\s+", "", name.casefold().strip())
    return " ".join(re.sub(r"[^\w]+", " ", name).split())


@cache
def _table() -> dict[str, tuple[str, str]]:
    """The curated table: normalised English name -> (English name, Chinese name)."""
    text = resources.files("digest").joinpath("data/institutions_zh.tsv").read_text("utf-8")
    rows: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            english, chinese = (part.strip() for part in line.split("\t", 1))
            rows.setdefault(_norm(english), (english, chinese))
    return rows


@cache
def _longest_name() -> int:
    return max((len(key.split()) for key in _table()), default=0)


def institution_zh(name: str) -> str | None:
    """The established Chinese name of an institution, or None when the table has none."""
    row = _table().get(_norm(name))
    return row[1] if row else None


def _known(text: str) -> list[str]:
    """Institutions of the table named inside the text, in order, longest match first."""
    rows, words = _table(), _norm(text).split()
    found, i = [], 0
    while i < len(words):
        for size in range(min(_longest_name(), len(words) - i), 0, -1):
            row = rows.get(" ".join(words[i : i + size]))
            if row:
                found.append(row[0])
                i += size
                break
        else:
            i += 1
    return found


def reduce_affiliation(affiliation: str) -> list[str]:
    """One affiliation line reduced to its institution names: no departments, no addresses."""
    parts = [p.strip() for p in re.split(r"[,;]\s*", _clean_affiliation(affiliation)) if p.strip()]
    merged: list[str] = []
    for part in parts:  # "Google, Inc." and "University of California, Berkeley" are one name
        if merged and (_LEGAL.match(part) or _norm(f"{merged[-1]}, {part}") in _table()):
            merged[-1] = f"{merged[-1]}, {part}"
        else:
            merged.append(part)
    has_top = any(_TOP.search(p) or _known(p) for p in merged)
    out: list[str] = []
    for part in merged:
        known = _known(part)
        if known:
            out.extend(known)
        elif _DEPARTMENT.search(part) or (
            has_top and _SUBUNIT.search(part) and not _TOP.search(part)
        ):
            continue
        elif _HEAD.search(part) or len(merged) == 1:
            place = _TRAILING_PLACE.match(part)
            out.append(place.group(1) if place else part)
    return out


def _author_block(first_page: str, title: str) -> list[str]:
    """Affiliation-looking lines of page 1 between the title and the abstract."""
    lines = [ln.strip() for ln in first_page.splitlines() if ln.strip()]
    block = []
    for line in lines[:30]:
        if re.match(r"^(?:abstract|introduction|1\.?\s+introduction)\b", line, re.I):
            break
        if line == title or len(line) > 160 or re.search(r"\b(?:we|our|is|are)\b", line):
            continue
        if _known(line) or (_HEAD.search(line) and not _DEPARTMENT.match(line)):
            block.append(line)
    return block


def _institutions(paper: Paper) -> list[Institution]:
    lines: Iterable[str] = paper.affiliations or _author_block(paper.first_page, paper.title)
    names = merge_institutions(name for line in lines for name in reduce_affiliation(line))
    out: list[Institution] = []
    seen_zh: set[str] = set()
    for name in names:
        zh = institution_zh(name)
        if zh and zh in seen_zh:
            continue
        seen_zh.add(zh or "")
        out.append(Institution(name=name, name_zh=zh))
    return out


# --- the engine ----------------------------------------------------------------------------


@cache
def offline_version() -> str:
    """Hash of this engine's code and table: the offline analogue of a prompt hash."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(resources.files("digest").joinpath("data/institutions_zh.tsv").read_bytes())
    return digest.hexdigest()


def offline_facts(paper: Paper) -> PaperFacts:
    """The facts of a brief, drawn by rules from the paper's own text (no network, no model)."""
    sentences = _sentences(paper)
    title = " ".join(paper.title.split())
    phrases = {
        "method": _method(sentences, title),
        "problem": _problem(sentences, title),
        "result": _result(sentences, title),
    }
    # The phrases are the paper's own words, so each is its own evidence.
    evidence = {f"{field}_evidence": phrase[:200] for field, phrase in phrases.items()}
    values = {"institutions": _institutions(paper), **phrases, **evidence}
    source = "\n".join([title, paper.first_page, *(text for _, text in _sources(paper))])
    log.debug("offline facts for %s: %s", paper.source, values)
    return PaperFacts.model_validate(values, context={"source_text": source})
