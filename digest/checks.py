"""Checks of an LLM's facts against the text it was sent: a phrase is printed only where its
own evidence supports it, in the form the brief needs.

:func:`check_facts` returns what is not supported, as data (:class:`~digest.models.Unsupported`);
:func:`complaint` words each for the model when it is re-asked; :func:`mend` makes the changes
that need no question when the meaning check will judge the result (the method's name added,
the sentence that states a figure added to its quotes). Measured against
what real models write (the 25 briefs of ../shared/spec/seed-report.md, scripts/
bench_real_phrasing.py), so faithful phrasing passes:

- quote: each phrase has 1-3 verbatim quotes of the text sent, compared without case,
  spacing, punctuation, hyphenation or unicode form differences; the title or a section
  heading is no evidence (a quote found only there does not count);
- figure: every figure of a phrase is stated by one of its own quotes, in any form ("2.8倍" for
  "2.8x", "三倍" for "three times", "约30%" or "30%" for "29.7%"); digits inside a name
  ("GPT-2", "H100") are no figures (digest.figures);
- term: a name, an acronym or a benchmark in a phrase ("BM25", "GSM8K") is printed in the
  paper, or made of printed terms ("SNN-CNN"), or printed with one letter garbled by the text
  layer (digest.terms): another paper's method names terms this one lacks;
- name: a method phrase carries the name its quotes propose ("we propose InfVSR"), or the
  title does (the brief prints it); with the meaning check, a missing name is added instead;
- filler: a phrase that says nothing of this paper ("某种方法", "取得了良好的效果");
- form: at most 80 汉字, one phrase (no sentence end, no second "达成了…" inside), Chinese (the
  paper's own English terms kept as printed count as terms, not as English), quotes that are
  quotes (at most three, none longer than a long sentence);
- institution: a name the text sent does not print, or (when the parser read affiliations)
  that is none of them; "X and Y University" is not printed even if X is;
- chinese_name: an institution's Chinese name that does not fit its English name (another
  institution's known Chinese name, or a university named as a company).

Whether a phrase says what its quotes say is the meaning check's (digest.llm.verify): lexical
checks cannot compare a Chinese claim with an English quote. Failures are re-asked once
(llm.Extractor); what still fails is left out of the brief and noted under it, never printed as
fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from .facts import MAX_HANZI, MAX_QUOTE_CHARS, MAX_QUOTES, MIN_QUOTE_CHARS, Institution, PaperFacts
from .figures import unsupported as unsupported_figures
from .institutions import compare
from .models import Unsupported
from .offline.institutions import chinese_names, institution_zh
from .strings import match_key
from .terms import Terms, method_names, terms_in

__all__ = [
    "Source",
    "check_facts",
    "complaint",
    "fitting_chinese_name",
    "mend",
    "unsupported_institutions",
]

MIN_QUOTE = 12  # characters of letters and digits: shorter quotes prove nothing
# A quote may run past the schema's 200 characters (a model quotes the whole sentence, and
# OpenAI's strict mode does not enforce the bound): up to a long sentence it is still evidence;
# past this it is a paste of the text, not a quote.
LONGEST_QUOTE = 2 * MAX_QUOTE_CHARS
PHRASES = ("method", "problem", "result")
MIN_HANZI = 2  # a Chinese phrase has some Chinese

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_SENTENCE_END = re.compile(r"[。！？；!?]")
# the brief's frame words: inside a phrase they make a second sentence of the brief
_FRAME_INSIDE = ("发布了", "使用了", "解决了", "达成了")


@dataclass
class Source:
    """What an answer is checked against: the text sent (the title and the excerpt), the
    paper's whole text (the terms a phrase may name), the title and section headings (which
    are never evidence) and the parser's institutions."""

    sent: str
    whole: str = ""
    title: str = ""
    headings: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.key = match_key(self.sent)
        self.heading_keys = [match_key(h) for h in (self.title, *self.headings) if h.strip()]
        body = self.key
        for heading in sorted(self.heading_keys, key=len, reverse=True):
            if len(heading) >= MIN_QUOTE:
                body = body.replace(heading, "\n")
        self.body_key = body  # the text sent without its title and headings
        self.terms = Terms(f"{self.sent}\n{self.whole}")

    def quotes(self, quotes: list[str]) -> list[str]:
        """The quotes that are evidence: the first three (what the schema asks for) that are
        long enough, found in the text sent, and not only in its title or a heading (a quote
        running on from the title into the text counts). A short or stray extra quote is no
        evidence, and no fault of the phrase."""
        return [q for q in quotes[:MAX_QUOTES] if self._evidence(match_key(q))]

    @cached_property
    def sentences(self) -> list[str]:
        """The sentences of the text sent, outside its title and headings (split once, and
        only when a figure is looked for)."""
        from .offline.sentences import split_sentences  # (the offline engine's splitter)

        lines = self.sent.splitlines()[1:]  # the first line is the title
        return [s for line in lines for s in split_sentences(line) if self.quotes([s])]

    def _evidence(self, key: str) -> bool:
        if len(key) < MIN_QUOTE or key not in self.key:
            return False
        return key in self.body_key or not any(key in h for h in self.heading_keys)


# Words that say nothing of a particular paper: a phrase made only of them is filler.
_GENERIC = re.compile(
    r"某种|某些|一种|一个|一些|新的|新型|全新|该|此|本文|本研究|论文|文中|作者|所?提出的?|相关|"
    r"现有|已有|有效的?|高效的?|改进的?|先进的?|创新的?|通用的?|基于|方法|技术|框架|模型|算法|"
    r"方案|系统|策略|问题|挑战|任务|研究|领域|中的?|的|了|和|与|及|在|等|效果|结果|性能|表现|"
    r"良好|较好|更好|优异|出色|显著|明显|大幅|提升|提高|改善|改进|取得|获得|实现|达到|较大|"
    r"一定|进展|突破|优势|能力|水平|效率|准确率|精度|\s"
)


def mend(facts: PaperFacts, source: Source, *, meaning_checked: bool = False) -> PaperFacts:
    """The facts with what needs no question mended, when a reader will check their meaning
    (`meaning_checked`: digest.llm.verify judges the mended phrases): a figure the text sent
    states but the phrase's quotes do not gets the sentence that states it as a quote (a model
    quoted the wrong sentence); a method phrase that leaves out the name its quotes propose
    (and the title does not carry) gets the name, so the brief names the method instead of
    losing the clause. Without that reader, nothing is mended: the checks flag both."""
    if not meaning_checked:
        return facts
    facts = facts.model_copy(update=_stated_figures(facts, source))
    missing = _missing_name(facts, source)
    if missing is None:
        return facts
    method = facts.method
    joined = f"{missing} {method}" if method[:1].isascii() else f"{missing}{method}"
    return facts.model_copy(update={"method": joined})


def check_facts(
    facts: PaperFacts, source: Source, *, meaning_checked: bool = False
) -> list[Unsupported]:
    """What in `facts` the paper does not support (see the module's docstring). Without the
    meaning check, a method phrase must also carry the name its quotes propose (another
    paper's method, quoted with this paper's sentences, lacks it)."""
    found: list[Unsupported] = []
    missing = None if meaning_checked else _missing_name(facts, source)
    if missing is not None:
        found.append(Unsupported(part="method", reason="name", value=missing))
    for part in PHRASES:
        phrase, given = getattr(facts, part), facts.quotes(part)
        form = _form(phrase, given, source.terms)
        if form:
            found.append(Unsupported(part=part, reason="form", value=form))
        quotes = source.quotes(given)
        if not quotes:
            said = given[0][:80] if given else ""
            found.append(Unsupported(part=part, reason="quote", value=said))
            continue
        foreign = [t for t in terms_in(phrase) if not source.terms.has(t)]
        if foreign:
            found.append(Unsupported(part=part, reason="term", value=", ".join(foreign)))
        extra = unsupported_figures(phrase, quotes)
        if extra:
            found.append(Unsupported(part=part, reason="figure", value=_figures(extra)))
        if _is_filler(phrase):
            found.append(Unsupported(part=part, reason="filler", value=phrase))
    names_sent = [i.name for i in facts.institutions]
    for name in unsupported_institutions(names_sent, source.affiliations, source.key):
        found.append(Unsupported(part="institutions", reason="institution", value=name))
    for institution in facts.institutions:
        if institution.name_zh and fitting_chinese_name(institution) is None:
            value = f"{institution.name} = {institution.name_zh}"
            found.append(Unsupported(part="institutions", reason="chinese_name", value=value))
    return found


def complaint(problem: Unsupported) -> str:
    """What to tell the model about one problem when it is re-asked (English, like the rest of
    the conversation's instructions). A complaint never invites a broader claim: what a quote
    does not support goes, with the claim it carries."""
    part, value = problem.part, problem.value
    if problem.reason == "quote":
        return (
            f"{part}_evidence {value!r} does not occur in the paper text outside its title and "
            f"headings (or is too short to show where {part} comes from); quote 1-3 passages of "
            "10-200 characters of the paper word for word"
        )
    if problem.reason == "figure":
        return (
            f"{part} cites {value}, which none of its quotes states; remove the figure together "
            f"with the claim it carries (do not keep that claim without its figure), or quote "
            "the sentence that states it"
        )
    if problem.reason == "name":
        return f"method must name the method as the quote does ({value})"
    if problem.reason == "term":
        return f"{part} names {value}, which the paper text does not contain; use its own terms"
    if problem.reason == "form":
        return (
            f"{part} breaks the form: {value}; write one Chinese phrase of at most 80 Chinese "
            "characters (the paper's terms may stay as printed) with no sentence end inside, "
            "and 1-3 quotes of 10-200 characters"
        )
    if problem.reason == "filler":
        return f"{part} {value!r} says nothing specific to this paper; state it concretely"
    if problem.reason in ("meaning", "partly"):
        return (
            f"{part} says what its quotes do not: {value}; say only what the quotes state "
            "(leave that out), or quote the passage that states it"
        )
    if problem.reason == "institution":
        return (
            f"institution {value!r} is not printed in the paper or is not among its "
            "affiliations; name only institutions the paper lists, one per entry"
        )
    return (
        f"the Chinese name in {value!r} is not this institution's; give its established "
        "Chinese name or null"
    )


def unsupported_institutions(names: list[str], candidates: list[str], text_key: str) -> list[str]:
    """The names the paper does not support: printed neither in the text sent (`text_key`,
    through match_key) nor inside one of the affiliations the parser read from the page; or,
    when the parser read any, matching none of them."""
    added = set(compare(names, candidates).added) if candidates else set()
    read = [match_key(c) for c in candidates]
    return [
        name
        for name in names
        if name in added
        or not (match_key(name) in text_key or any(match_key(name) in c for c in read))
    ]


# The kind of institution a name says it is, in English and in Chinese: a Chinese name must say
# the same kinds its English name does (a company is not "…大学").
_KINDS = {
    "university": (
        re.compile(r"(?i)\buniv|universit|universidad|universidade|hochschule"),
        re.compile(r"大学"),
    ),
    "hospital": (re.compile(r"(?i)hospital|klinik|clinic"), re.compile(r"医院|诊所")),
    "laboratory": (re.compile(r"(?i)laborator|\blabs?\b"), re.compile(r"实验室")),
}


def fitting_chinese_name(institution: Institution) -> str | None:
    """The Chinese name to print: the known-names table's; else the model's when it fits the
    English name (not another institution's known Chinese name, the same kind of institution);
    else None (the English name is printed)."""
    known = institution_zh(institution.name)
    if known:
        return known
    zh = (institution.name_zh or "").strip()
    if not zh or zh in chinese_names():
        return None  # unknown here, or the known name of another institution
    for english, chinese in _KINDS.values():
        if bool(english.search(institution.name)) != bool(chinese.search(zh)):
            return None
    return zh


def _form(phrase: str, quotes: list[str], terms: Terms) -> str:
    """What breaks the form the brief needs, in words; "" when nothing does."""
    hanzi = len(_CJK.findall(phrase))
    if hanzi > MAX_HANZI or len(phrase) > 2 * MAX_HANZI + 40:
        return f"{hanzi} Chinese characters, {len(phrase)} in all (at most {MAX_HANZI} 汉字)"
    if _SENTENCE_END.search(phrase) or any(w in phrase for w in _FRAME_INSIDE):
        return "a sentence end or a second frame inside the phrase"
    foreign = [w for w in _LATIN_WORD.findall(phrase) if not terms.has(w)]
    if hanzi < MIN_HANZI or sum(map(len, foreign)) > hanzi:  # kept terms are no English
        return "not a Chinese phrase" + (f" ({' '.join(foreign[:6])})" if foreign else "")
    longest = max(map(len, quotes), default=0)
    if longest > LONGEST_QUOTE:
        return f"a quote of {longest} characters ({MIN_QUOTE_CHARS}-{MAX_QUOTE_CHARS})"
    return ""


def _stated_figures(facts: PaperFacts, source: Source) -> dict[str, list[str]]:
    """Quotes for the figures a phrase's own quotes leave out: the sentences of the text sent
    that state them, when together they state them all (else the quotes stay as they are)."""
    update = {}
    for part in PHRASES:
        phrase, quotes = getattr(facts, part), source.quotes(facts.quotes(part))
        missing = set(unsupported_figures(phrase, quotes))
        if not missing:
            continue
        added: list[str] = []
        for sentence in source.sentences:
            if not missing or len(quotes) + len(added) >= MAX_QUOTES:
                break
            stated = missing - set(unsupported_figures(phrase, [*quotes, *added, sentence]))
            if stated and len(sentence) <= LONGEST_QUOTE:
                added.append(sentence)
                missing -= stated
        if added and not missing:
            update[f"{part}_evidence"] = [*quotes, *added]
    return update


def _missing_name(facts: PaperFacts, source: Source) -> str | None:
    """The method's name its quotes give that neither its phrase nor the title carries."""
    names = method_names(source.quotes(facts.quotes("method")), proposed=True)
    said = match_key(f"{facts.method} {source.title}")
    if not names or any(match_key(form) in said for forms in names.values() for form in forms):
        return None
    return next(iter(names))


def _figures(values: list[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _is_filler(phrase: str) -> bool:
    """Whether nothing is left of the phrase once generic words are removed (a name, a figure
    or a content word would be)."""
    return not _GENERIC.sub("", phrase).strip(" ，、,.;:：（）()")
