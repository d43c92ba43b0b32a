"""Checks of an LLM's facts against the text it was sent: a phrase is printed only where its
own evidence supports it.

:func:`check_facts` returns what is not supported, as data (:class:`~digest.models.Unsupported`);
:func:`complaint` words each for the model when it is re-asked:

- quote: every phrase carries a verbatim quote of 10-200 characters that occurs in the text sent,
  compared without case, spacing, punctuation, hyphenation or unicode form differences;
- figure: every figure of a phrase occurs in that phrase's own quote ("2.8倍" matches "2.8x",
  "38.9%" matches "38.9 %"), not merely somewhere in the text;
- name: when the method's quote names the method (an acronym it defines, a coined name such
  as "FreeDave"), the method phrase carries that name;
- term: a name, an acronym or a benchmark in a phrase ("BM25", "GSM8K") must be printed in
  the text sent (another paper's method, with quotes from this one, names terms this one lacks);
- filler: a phrase that says nothing of this paper ("某种方法", "取得了良好的效果");
- form: at most 80 汉字, one phrase (no sentence end, no second "达成了…" inside), a quote of
  10-200 characters;
- institution: a name the text sent does not print, or (when the parser read affiliations)
  that is none of them; "X and Y University" is not printed even if X is;
- chinese_name: an institution's Chinese name that does not fit its English name (another
  institution's known Chinese name, or a university named as a company).

That a phrase is Chinese is the schema's, checked when the answer is validated (digest.facts).
Failures are re-asked once (llm.Extractor); what still fails is left
out of the brief and noted under it, never printed as fact.
"""

from __future__ import annotations

import re

from .facts import (
    MAX_HANZI,
    MAX_QUOTE_CHARS,
    MIN_QUOTE_CHARS,
    Institution,
    PaperFacts,
    numbers_in,
)
from .institutions import compare
from .models import Unsupported
from .offline.institutions import chinese_names, institution_zh
from .strings import match_key

__all__ = ["check_facts", "complaint", "fitting_chinese_name", "unsupported_institutions"]

MIN_QUOTE = 12  # characters of letters and digits: shorter quotes prove nothing
PHRASES = ("method", "problem", "result")

# An acronym a quote defines ("... (FreeDave)", "(DPR)") or a coined name: capitals inside a
# word ("TextRunner"), or capitals with digits ("GPT-4", "T5"). Common field acronyms are not
# the method's name.
_DEFINED = re.compile(r"\(([A-Z][\w-]{1,24})\)")
_COINED = re.compile(r"\b(?:[A-Z][a-z]+[A-Z]\w*|[a-z]+[A-Z]\w*|[A-Z]{2,}[\w-]*\d[\w-]*)\b")
_COMMON = frozenset([
    "AI", "ML", "NLP", "LLM", "LLMs", "DL", "RL", "CV", "GPU", "GPUs", "CPU", "API", "SOTA", "QA",
    "IR", "CNN", "RNN", "LSTM", "GNN", "MLP", "F1", "top-1", "top-5",
])  # fmt: skip

_CJK = re.compile(r"[\u4e00-\u9fff]")
_SENTENCE_END = re.compile(r"[。！？；!?]")
# the brief's frame words: inside a phrase they make a second sentence of the brief
_FRAME_INSIDE = ("发布了", "使用了", "解决了", "达成了")
# a term of the paper's own language inside a Chinese phrase: a name, an acronym, a benchmark
# ("FreeDave", "BM25", "TF-IDF", "GSM8K": a capital or a digit in it); it must be the paper's
_TERM = re.compile(
    r"[A-Za-z0-9]*(?:[A-Z][A-Za-z0-9]*|[A-Za-z]\d[A-Za-z0-9]*)(?:[-_.][A-Za-z0-9]+)*"
)


_CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:of|for|and|the|[A-Z][\w'-]*))+")


class _Terms:
    """The terms a paper's text supports: what it prints, and the initials of its runs of
    capitalised words (a model may write "DPR" for "Dense Passage Retrieval")."""

    def __init__(self, text: str) -> None:
        self.words = {match_key(w) for w in re.findall(r"\w+(?:[-_.]\w+)*", text)}
        self.key = match_key(text)
        self.initials: set[str] = set()
        for run in _CAPITALISED_RUN.findall(text):  # "Dense Passage Retrieval" -> DPR
            firsts = [w[0] for w in run.split()]
            for n in range(2, len(firsts) + 1):
                self.initials |= {"".join(firsts[i : i + n]) for i in range(len(firsts) - n + 1)}

    def has(self, term: str) -> bool:
        key = match_key(term)
        if term in _COMMON or key in self.words or f"{key}s" in self.words:  # "DLLM", "DLLMs"
            return True
        if len(key) >= 6 and key in self.key:  # "BERT-base" for "BERT base": specific enough
            return True  # (a short one, "DPR", could be read across any two words)
        bare = re.sub(r"s$", "", term)  # "LLMs"
        return bare.isupper() and bare in self.initials


# Words that say nothing of a particular paper: a phrase made only of them is filler.
_GENERIC = re.compile(
    r"某种|某些|一种|一个|一些|新的|新型|全新|该|此|本文|本研究|论文|文中|作者|所?提出的?|相关|"
    r"现有|已有|有效的?|高效的?|改进的?|先进的?|创新的?|通用的?|基于|方法|技术|框架|模型|算法|"
    r"方案|系统|策略|问题|挑战|任务|研究|领域|中的?|的|了|和|与|及|在|等|效果|结果|性能|表现|"
    r"良好|较好|更好|优异|出色|显著|明显|大幅|提升|提高|改善|改进|取得|获得|实现|达到|较大|"
    r"一定|进展|突破|优势|能力|水平|效率|准确率|精度|\s"
)


def check_facts(
    facts: PaperFacts, source: str, candidates: list[str], paper_text: str = ""
) -> list[Unsupported]:
    """What in `facts` the text sent (`source`), the paper's whole text (`paper_text`: for the
    terms a phrase names) and the parser's institutions do not support."""
    found: list[Unsupported] = []
    text = match_key(source)
    terms = _Terms(f"{source}\n{paper_text}")
    for part in PHRASES:
        phrase, quote = getattr(facts, part), getattr(facts, f"{part}_evidence")
        form = _form(phrase, quote)
        if form:
            found.append(Unsupported(part=part, reason="form", value=form))
        key = match_key(quote)
        if len(key) < MIN_QUOTE or key not in text:
            found.append(Unsupported(part=part, reason="quote", value=quote[:80]))
            continue
        foreign = [t for t in _TERM.findall(phrase) if not terms.has(t)]
        if foreign:
            found.append(Unsupported(part=part, reason="term", value=", ".join(foreign)))
        extra = sorted(n for n in numbers_in(phrase) if n not in numbers_in(quote))
        if extra:
            found.append(Unsupported(part=part, reason="figure", value=_figures(extra)))
        if _is_filler(phrase):
            found.append(Unsupported(part=part, reason="filler", value=phrase))
    names = method_names(facts.method_evidence)
    said = match_key(facts.method)
    if names and not any(match_key(form) in said for forms in names.values() for form in forms):
        found.append(Unsupported(part="method", reason="name", value=", ".join(names)))
    names_sent = [i.name for i in facts.institutions]
    for name in unsupported_institutions(names_sent, candidates, text):
        found.append(Unsupported(part="institutions", reason="institution", value=name))
    for institution in facts.institutions:
        if institution.name_zh and fitting_chinese_name(institution) is None:
            value = f"{institution.name} = {institution.name_zh}"
            found.append(Unsupported(part="institutions", reason="chinese_name", value=value))
    return found


def complaint(problem: Unsupported) -> str:
    """What to tell the model about one problem when it is re-asked (English, like the rest of
    the conversation's instructions)."""
    part, value = problem.part, problem.value
    if problem.reason == "quote":
        return (
            f"{part}_evidence {value!r} does not occur in the paper text (or is too short to "
            f"show where {part} comes from); quote 10-200 characters of the paper word for word"
        )
    if problem.reason == "figure":
        return (
            f"{part} cites {value}, which its own quote {part}_evidence does not contain; use "
            f"only figures that occur in the quote, or quote the sentence that has them"
        )
    if problem.reason == "name":
        return f"method must name the method as the quote does ({value})"
    if problem.reason == "term":
        return f"{part} names {value}, which the paper text does not contain; use its own terms"
    if problem.reason == "form":
        return (
            f"{part} breaks the form: {value}; write one phrase of at most 80 Chinese characters "
            "with no sentence end inside, and a quote of 10-200 characters"
        )
    if problem.reason == "filler":
        return f"{part} {value!r} says nothing specific to this paper; state it concretely"
    if problem.reason == "institution":
        return (
            f"institution {value!r} is not printed in the paper or is not among its "
            "affiliations; name only institutions the paper lists, one per entry"
        )
    return (
        f"the Chinese name in {value!r} is not this institution's; give its established "
        "Chinese name or null"
    )


def method_names(quote: str) -> dict[str, list[str]]:
    """The method's names a quote gives, each with the forms a phrase may use: an acronym it
    defines in parentheses (or the words it stands for: "Open IE (OIE)"), a coined name."""
    names: dict[str, list[str]] = {}
    for match in _DEFINED.finditer(quote):
        acronym = match.group(1)
        if acronym in _COMMON:
            continue
        before = quote[: match.start()].split()
        spelled = [" ".join(before[-n:]) for n in range(1, min(5, len(before)) + 1)]
        names[acronym] = [acronym, *(w for w in spelled if len(match_key(w)) >= 4)]
    for coined in _COINED.findall(quote):
        if coined not in _COMMON and coined not in names:
            names[coined] = [coined]
    return names


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


def _form(phrase: str, quote: str) -> str:
    """What breaks the form the schema asks for, in words; "" when nothing does."""
    hanzi = len(_CJK.findall(phrase))
    if hanzi > MAX_HANZI or len(phrase) > 2 * MAX_HANZI + 40:
        return f"{hanzi} Chinese characters, {len(phrase)} in all (at most {MAX_HANZI} 汉字)"
    if _SENTENCE_END.search(phrase) or any(w in phrase for w in _FRAME_INSIDE):
        return "a sentence end or a second frame inside the phrase"
    if not MIN_QUOTE_CHARS <= len(quote) <= MAX_QUOTE_CHARS:
        return f"a quote of {len(quote)} characters ({MIN_QUOTE_CHARS}-{MAX_QUOTE_CHARS})"
    return ""


def _figures(values: list[float]) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _is_filler(phrase: str) -> bool:
    """Whether nothing is left of the phrase once generic words are removed (a name, a figure
    or a content word would be)."""
    return not _GENERIC.sub("", phrase).strip(" ，、,.;:：（）()")
