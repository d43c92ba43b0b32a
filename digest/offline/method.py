"""The method: what the paper says it built or did, its name first when it has one.

Candidates, each scored (a later source or sentence scores lower, a name scores higher):

    proposal  "we propose / introduce / present X"  the noun phrase X
    employ    "our method uses NAME"                 NAME
    defining  "NAME is a ..." (NAME heads the title) "NAME, a ..."
    design    "A systematic review was completed using PRISMA guidelines ..."
                                                the design and its means
    means     "we ... by analysing X" / "using X"     the means (a weaker claim)
    action    "we derive / train / survey X"         the object X (weaker still)

A noun phrase puts its name first: "FreeDave, a lossless parallel decoding algorithm" also from
"a lossless parallel decoding algorithm, called FreeDave,"; and is cut before what follows the
noun phrase (a relative clause, a purpose clause, a second verb) once it says enough. The title
is the method only when its head is a name ("FreeDave: ...") or the paper says nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..strings import match_key
from .cues import LEAD_ARTICLE, PROPOSE
from .sentences import Phrase, Sentence, trim

__all__ = ["METHOD_MAX", "method", "method_name", "title_name"]

METHOD_MAX = 120
_ENOUGH = 24  # characters a noun phrase needs before it may be cut at a clause

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
    r"report|validate|conduct|provide|apply|discuss|propose|present|introduce|describe|analy[sz]e|"
    r"compare|find|test|examine|explore|highlight|identify|study|investigate|illustrate|argue|"
    r"suggest|use|train|assess)s?\b|,\s*(?:achieving|yielding|resulting in|"
    r"leading to|outperforming|improving|reaching)\b|\.\s|$",
    re.I,
)
# "that" opens a relative clause when a verb follows it ("that is designed", "that learns
# the ..."), not when a subject does ("the likelihood that pages are reputable")
_RELATIVE = (
    r"(?:(?:also|only|then|not|both|first)\s+)?(?:is|are|was|were|can|could|may|might|will|"
    r"would|should|must|has|have|had|does|do|\w+s\s+(?:the|a|an|its|their|each|all|any|"
    r"multiple|both)\b)"
)
# where a noun phrase ends and a clause about it begins
_NP_END = re.compile(
    r",?\s+(?:which|who|whose|where|whereby)\s+"
    r"|,?\s+that\s+(?=" + _RELATIVE + r")"
    r"|;\s+|:\s+|,\s+(?:and|but|while|thus|thereby|so)\s+|,\s+\w+ing\s"
    r"|\s+in order to\s|\s+to\s+(?:address|overcome|tackle|solve|mitigate|alleviate|handle|improve|"
    r"enable|reduce|achieve|bridge|evaluate|assess|investigate|study|explore|examine|determine|"
    r"identify|understand|answer)\b",
    re.I,
)
_SECOND_VERB = re.compile(r"^(?:and|or)\s+[a-z]+\s+(?=(?:an?|the|our|this|these)\s)", re.I)
_PLAIN_VERBS = ("describe", "describes", "described", "present", "presents", "presented")
_WEAK_OBJECT = re.compile(
    r"^(?:(?:the|a|an) (?:problem|question|task|first|results?)|(?:an?|our) (?:analysis|study)|"
    r"results|experiments|evidence|several|two|three)\b",
    re.I,
)
_VAGUE = re.compile(r"^(?:the (?:problem|task|results?)|results|experiments|evidence)\b", re.I)
# a noun phrase that points back ("this phenomenon", "them") says nothing on its own
_ANAPHOR = re.compile(r"^(?:this|these|that|those|it|its|them|they|such|their|both)\b", re.I)
_DETERMINER = re.compile(
    r"^(?:(?:an?|the|our|its|their|this|these)\s+)?(?:(?:novel|new)\s+)?(?=\w)", re.I
)
# a sentence that maps the paper ("In Section 3 we present ...") names no method
_ROADMAP = re.compile(
    r"\bSections?\s+(?:\d|[IVX]+\b)|\b(?:rest|remainder) of (?:this|the) paper", re.I
)
_CALLED = re.compile(
    r"^(?P<np>(?:an?|the)\s[^,;]{6,90}?),?\s+(?:called|named|dubbed|termed|coined)\s+"
    r"(?P<name>[A-Z][\w-]*(?:\s[A-Z0-9][\w-]*)?)"
)
_APPOSED = re.compile(r"^(?P<np>(?:an?|the)\s[^,;()]{6,90}?),\s+(?P<name>[\w-]+)(?=\s*(?:,|\(|$))")
_DESIGN = re.compile(
    r"^(?:(?:an?|the|this)\s+)?(?P<subject>(?:[\w-]+\s+){0,4}?(?:review|meta-analysis|survey|"
    r"study|analysis|trial|experiment|simulation|search|evaluation|investigation|audit|"
    r"questionnaire|interviews?|cohort|assessment|case series)\b(?:\s+(?:of|on|in|with|among)"
    r"\s+[^,.;]{3,60}?)?)\s+(?:was|were|has been|had been)\s+(?:conducted|completed|performed|"
    r"carried out|undertaken|done|designed|made)\b\s*(?P<means>(?:using|with|following|"
    r"according to|in accordance with|by)\s+[^,.;]+)?",
    re.I,
)
_PASSIVE_PROPOSAL = re.compile(
    r"^(?P<subject>(?:an?|the)\s[^,;]{6,90}?)\s+(?:is|are|was|were|has been|have been)\s+"
    r"(?:(?:here|first|also)\s+)?(?:proposed|presented|developed|introduced|designed|"
    r"constructed|implemented|devised)\b",
    re.I,
)
_PASSIVE_USED = re.compile(
    r"^(?P<subject>[^,;]{8,90}?)\s+(?:is|are|was|were|has been|have been)\s+(?:(?:first|then|"
    r"also|here)\s+)?(?:used|employed|applied|adopted)\s+(?:to|for)\b",
    re.I,
)
_PASSIVE_MEANS = re.compile(
    r"\b(?:is|are|was|were|has been|have been)\s+(?:(?:first|then|also|here)\s+)?(?:measured|"
    r"studied|investigated|examined|analy[sz]ed|observed|determined|characteri[sz]ed|obtained|"
    r"performed|carried out|conducted|recorded|estimated|calculated|computed|simulated|"
    r"assessed|evaluated|collected|probed|modell?ed|solved|derived|quantified|detected)\s+"
    r"(?:using|by|with|via|through|by means of)\s+",
    re.I,
)
_OWN = re.compile(r"\b(?:we|our)\b|\bthis (?:paper|work|study|article)\b", re.I)
_MEANS = re.compile(r"\b(?:by|through)\s+(?=\w+ing\b)|\b(?:using|via|based on)\s+", re.I)
_ACTION = re.compile(
    r"\b(?:we|this (?:study|paper|research|work|article)|the (?:present )?study|the (?:researchers?"
    r"|authors?))\s+(?:(?:first|then|also|further|here|now|additionally)\s+)?(?P<verb>sketch|outline|"
    r"identif(?:y|ied)|characteri[sz]e|review|survey|derive|formulate|model|conduct|perform|"
    r"carr(?:y|ied) out|apply|applie|use|employ|adopt|combine|train|fine-tune|collect|curate|"
    r"annotate|compile|release|compare|evaluate|benchmark|analy[sz]e|stud(?:y|ied)|"
    r"investigate|examine|explore|search|measure|simulate|compute|fit|test|assess|quantif(?:y|"
    r"ied)|estimate|extend|adapt|implement|exploit|leverage|augment|integrate|synthesi[sz]e|"
    r"recruit|enrol)(?:s|ed|d)?\s+",
    re.I,
)
_STUDY_VERBS = re.compile(
    r"^(?:stud|investigat|examin|explor|analy|assess|review|compar|characteri|identif)", re.I
)  # their object is what the paper looks at, less often how


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


def _noun_phrase(text: str) -> str:
    """The noun phrase at the start of `text`, its name first, cut before the clause that follows
    it once it says enough (at least :data:`_ENOUGH` characters, or a name and its noun)."""
    text = text.strip()
    called = _CALLED.match(text) or _APPOSED.match(text)
    if called and called.group("name")[:1].isupper():  # "a new encoder, Spiralformer,"
        rest = text[called.end() :].lstrip(" ,")
        text = f"{called.group('name')}, {called.group('np')}"
        text += f" {rest}" if rest[:1] == "(" else ""
    else:
        text = _DETERMINER.sub("", text)
    for m in _NP_END.finditer(text):
        head = text[: m.start()]
        if len(head) >= _ENOUGH or (_NAME.match(head) and "," in head):
            return head
    return text


def _object(rest: str) -> str:
    """The noun phrase a verb takes, up to where the sentence moves on."""
    rest = _SECOND_VERB.sub("", rest.lstrip())  # "we describe [and evaluate] a system"
    stop = _METHOD_STOP.search(rest)
    raw = rest[: stop.start() if stop else len(rest)].strip()
    return _noun_phrase(raw)


def _proposals(sentences: list[Sentence], title: str) -> Iterator[tuple[float, Phrase]]:
    for s in sentences:
        if _ROADMAP.search(s.text):
            continue
        for pattern, base in ((PROPOSE, 6.0), (_EMPLOY, 3.0)):
            m = pattern.search(s.text)
            if not m:
                continue
            obj = _object(s.text[m.end() :])
            phrase = LEAD_ARTICLE.sub("", obj)
            if not _says_enough(phrase):
                continue
            named, in_title = _name_in(phrase, title)
            if pattern is _EMPLOY and not _NAME.match(phrase):
                continue  # "our method uses X" only tells the method when X is a name
            if pattern is PROPOSE and m.group(0).rstrip().casefold().endswith(_PLAIN_VERBS):
                base -= 2  # "we describe/present ..." is a weaker claim than "we propose ..."
            weak = _WEAK_OBJECT.match(s.text[m.end() :].lstrip())  # "the problem of ...": a topic
            score = base + 3 * named + 2 * in_title - 4 * bool(weak)
            yield score - 2 * s.source - 0.05 * s.index, Phrase(phrase, s.text)
    subject = title_name(title)
    if subject:
        defining = re.compile(rf"^{re.escape(subject)}\s+(?:is|are)\s+(an?|the)\s+", re.I)
        for s in sentences:
            m = defining.match(s.text)
            if m:
                said = f"{m.group(1)} {_noun_phrase(s.text[m.end() :])}"  # "Bigtable, a ..."
                yield 7.0 - 2 * s.source, Phrase(f"{subject}, {said}", s.text)


def _other_candidates(sentences: list[Sentence]) -> Iterator[tuple[float, Phrase]]:
    """What the paper did when it proposes nothing: its study design, its means, its acts."""
    for s in sentences:
        if _ROADMAP.search(s.text):
            continue
        penalty = 2 * s.source + 0.05 * s.index
        design = _DESIGN.match(s.text)
        if design:
            means = design.group("means") or ""
            means = means[: m.start()] if (m := _NP_END.search(means)) else means
            said = " ".join(f"{design.group('subject')} {means}".split())
            if len(said.split()) >= 2:  # "The study was conducted in 2014" says nothing
                yield 4.0 - penalty, Phrase(said, s.text)
        for pattern, base in (
            (_PASSIVE_PROPOSAL, 4.0),
            (_PASSIVE_USED, 3.0),
            (_PASSIVE_MEANS, 2.5),
        ):
            m = pattern.search(s.text)
            if m is None:
                continue
            said = _noun_phrase(m.group("subject") if m.re.groupindex else s.text[m.end() :])
            if len(said.split()) >= 2 and not _ANAPHOR.match(said):
                yield base + bool(_NAME.search(said[:40])) - penalty, Phrase(said, s.text)
        if not _OWN.search(s.text):
            continue
        for m in _MEANS.finditer(s.text):
            said = _object(s.text[m.end() :])
            if len(said) >= 12 and _says_enough(said):
                yield 2.5 + bool(_NAME.search(said[:40])) - penalty, Phrase(said, s.text)
                break
        act = _ACTION.search(s.text)
        if act:
            said = LEAD_ARTICLE.sub("", _object(s.text[act.end() :]))
            if len(said) >= 12 and _says_enough(said) and not _VAGUE.match(said):
                base = 1.0 if _STUDY_VERBS.match(act.group("verb")) else 2.0
                yield base + bool(_NAME.search(said[:40])) - penalty, Phrase(said, s.text)


def _says_enough(phrase: str) -> bool:
    """Two words at least, or a name ("Bigtable"); nothing that only points back ("this
    phenomenon", "them")."""
    words = phrase.split()
    return (
        bool(words)
        and not _ANAPHOR.match(phrase)
        and (len(words) >= 2 or bool(_NAME.fullmatch(words[0])) or words[0][:1].isupper())
    )


def title_name(title: str) -> str:
    """The name a title gives its subject: the part before a colon when it is short."""
    head, sep, _ = title.partition(":")
    if sep and len(head.split()) <= 5:
        return head.strip()
    return ""


def _is_name(words: str) -> bool:
    """A title head that names a thing ("FreeDave", "PaSa", "Bigtable", "GPT-2 XL"), not a
    phrase of common words ("Beyond Summarization")."""
    return len(words.split()) == 1 or bool(_NAME.search(words))


def method(sentences: list[Sentence], title: str) -> Phrase | None:
    """The method phrase and the paper's words it stands on; None when the paper's text says
    nothing of it and its title names none."""
    title_key = match_key(title)
    named_title = title_name(title) if _is_name(title_name(title)) else ""

    def score(candidate: tuple[float, Phrase]) -> float:
        value, phrase = candidate
        key = match_key(phrase.text)
        if key and (key in title_key or title_key in key) and not named_title:
            value -= 5  # the title again says nothing the report does not already print
        return value

    candidates = [*_proposals(sentences, title), *_other_candidates(sentences)]
    for _score, phrase in sorted(candidates, key=lambda c: -score(c)):
        text = trim(phrase.text, METHOD_MAX)
        if len(text) >= 4:
            return Phrase(text, phrase.quote)
    return Phrase(named_title, named_title) if named_title else None


_LEADING_NAME = re.compile(r"^([A-Z][\w-]*(?:\s[A-Z0-9][\w-]*)?)(?=,\s|\s\()")


def method_name(phrase: Phrase | None) -> str:
    """The name a method phrase gives ("FreeDave" of "FreeDave, a ... algorithm"; "RAPT" of
    "Retrieval Augmented Prompt Tuning (RAPT) as ..."), or ""."""
    if phrase is None:
        return ""
    text = phrase.text
    acronym = _ACRONYM_DEF.search(text[:80])
    if acronym:
        return acronym.group(1)
    lead = _LEADING_NAME.match(text)  # a name set off by a comma or a bracket, not "SMT-based"
    if lead:
        return lead.group(0)
    return text if len(text.split()) == 1 and text[:1].isupper() else ""
