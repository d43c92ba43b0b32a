"""The words and marks a paper's header is read by, shared by the header's readers.

Each pattern names a convention of scholarly typesetting, not of one paper: the ways an abstract
is headed, what ends it, what a journal banner or an article-type label says, the labels of a
structured abstract, the boilerplate publishers print between the names and the abstract.
"""

from __future__ import annotations

import re

from digest.pdf.reader import Line

__all__ = [
    "ABSTRACT_HEAD",
    "ABSTRACT_STOP",
    "AFFIL_WORDS",
    "ARTICLE_LABEL",
    "BANNER",
    "BOILERPLATE",
    "COUNTRY_OR_STATE",
    "EDITOR_ROLE",
    "EMAIL",
    "INTRO_HEAD",
    "SECTION_HEAD",
    "STRUCTURED_LABEL",
    "URL",
    "abstract_stop",
    "find_line",
    "lowercase_share",
    "section_heading",
]

ABSTRACT_HEAD = re.compile(
    r"^(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary|r[ée]sum[ée]|zusammenfassung|resumen)"
    r"\s*(?:[.:—–-]\s*|\s+(?=[A-Z])|$)(.*)$",
    re.IGNORECASE,
)
INTRO_HEAD = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})\.?\s*)?(?:introduction|background|motivation)\b\s*\S{0,20}$",
    re.I,
)
# a numbered top-level section heading: "1 Introduction", "2. Related Work", "II. METHODS"
SECTION_HEAD = re.compile(r"^(?:\d{1,2}|[IVX]{1,5})\.?\s+[A-Z][A-Za-z][^.]{0,60}$")
ABSTRACT_STOP = re.compile(
    r"^(?:(?:keywords?|key\s?words|index terms|ccs concepts|general terms|subjects?|acm reference"
    r"|(?:\d{4}\s+)?mathematics subject|jel classification|categories and subject descriptors"
    r"|additional key words|mots[- ]cl[ée]s|schl[üu]sselw[öo]rter|palabras clave|\d+\.?\s*$"
    r"|ams subject)\b|(?:highlights|graphical abstract|significance(?: statement)?|author summary"
    r"|(?:lay|plain language) summary|key points)\s*(?:[:.]|$)"
    r"|(?:pacs(?:\s+(?:numbers?|codes?))?|msc(?:\s*\d{4})?|abbreviations)\s*[:.])",
    re.IGNORECASE,
)
AFFIL_WORDS = re.compile(
    r"\b(?:universit\w*|univ|institut\w*|college|school|department|dept|laborato\w*|labs?"
    r"|cent(?:er|re)|inc|corp\w*|research|ai|academy|faculty|group|hospital|clinic|technolog\w*"
    r"|company|ltd|llc|gmbh|cnrs|inria|foundation|google|microsoft|facebook|meta|nvidia|amazon"
    r"|ibm|bytedance|deepmind|openai|alibaba|tencent|baidu|huawei|ecole|école|polytechnic\w*"
    r"|politecnico|sciences?|assistant|ministry|agency|council|division|unit|programme|program"
    r"|consortium|universidade|universidad|università|universität|universite|université"
    r"|hochschule|instituto|istituto|escuela|escola|facultad|faculdade|facoltà|fakultät"
    r"|centro|laboratorio|departamento|dipartimento|département|departement|hôpital|klinik\w*"
    r"|systems|solutions|services|industries|enterprises|pharmaceuticals?|therapeutics"
    r"|biosciences|observatory|museum|library|agency|authority|bureau|office|council"
    r"|commission|ministry|government|national|federal|directorate|secretariat|eth|epfl|inria|csic|cnr|csiro"
    r"|a\*star|kaist|postech|riken|max planck|fraunhofer|helmholtz|nasa|noaa|nih|cdc|who)\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\S+@\S+|\{[^}]*\}\s*\S*|\([^)]*\|[^)]*\)\S*|\be-?mail\s*:?\s*\S*", re.I)
URL = re.compile(r"https?://\S+|www\.\S+")
# a journal's or a venue's banner, a running head, publication data: never the title
BANNER = re.compile(
    r"\b(?:journal|proceedings|transactions|letters|magazine|symposium|workshop|conference"
    r"|vol\.?|volume|issue|no\.\s*\d|issn|e-issn|isbn|doi|copyright|©|arxiv|preprint|published"
    r"|accepted|received|available online|downloaded|www\.|https?:|pp\.\s*\d|page \d+"
    r"|article id|manuscript|in press|to appear)\b|\d{4}\s*[;,)]|©",
    re.IGNORECASE,
)
# an article-type label set above a title ("Research Article", "EDITORIAL", "Original Paper")
ARTICLE_LABEL = re.compile(
    r"^(?:(?:original|research|review|short|brief|case|technical|special|invited|regular|full"
    r"|position|clinical|systematic|mini)\s+)*(?:article|paper|report|communication|note|review"
    r"|editorial|commentary|perspective|opinion|letter|research|study|contribution|survey"
    r"|tutorial|correspondence|viewpoint|essay)s?(?:\s+(?:article|paper|report))?\s*$",
    re.IGNORECASE,
)
# the label that opens a part of a structured abstract: "Background:", "Methods.", "Results —"
STRUCTURED_LABEL = re.compile(
    r"^(?:background|objectives?|aims?(?: and objectives?)?|purpose|introduction|context"
    r"|methods?|methodology(?:/principal findings)?|materials and methods|design|setting"
    r"|participants|patients|interventions?|measurements?|main outcome measures?|results?"
    r"|findings|conclusions?(?:/significance)?|interpretation|significance|discussion"
    r"|limitations|implications|importance|rationale|study design)\s*(?::|\.|—|–)\s*",
    re.IGNORECASE,
)
# what publishers print between the names and the abstract; never the abstract itself
BOILERPLATE = re.compile(
    r"^(?:correspondence|address for correspondence|received|accepted|revised|published"
    r"|academic editor|edited by|citation|copyright|©|this is an open access|open access"
    r"|licensed under|funding|competing interests|data availability|doi|\*\s*corresponding"
    r"|corresponding author|to cite|how to cite|article history|keywords?)\b",
    re.IGNORECASE,
)


# who handled the paper, not who wrote it: "Edited by", "Communicated by", "Academic Editor:",
# "Reviewed by:" (a journal's sidebar), "Recommended for acceptance by" (an IEEE note)
EDITOR_ROLE = re.compile(
    r"^(?:(?:academic|associate|guest|handling|section|managing|senior|area|consulting|review"
    r"|reviewing|responsible|subject)\s+)?editors?\b|^reviewers?\b|^(?:edited|communicated"
    r"|contributed|reviewed|recommended|handled|approved|sponsored)\s+(?:for\s+\w+\s+)?by\b",
    re.IGNORECASE,
)


_LITTLE = frozenset(
    ["of", "and", "the", "for", "at", "in", "on", "de", "di", "du", "des", "der", "und", "la",
     "le", "el", "y", "e", "da", "do", "das", "dos", "van", "von"]
)  # fmt: skip


def lowercase_share(text: str) -> float:
    """The share of a text's words that are lower-case words other than the little words of
    names and affiliations ("of", "and", "de"): high in prose, low in a name or an address."""
    words = re.findall(r"[^\W\d_][\w’'\-]*", text)
    lower = [w for w in words if w[0].islower() and w not in _LITTLE]
    return len(lower) / len(words) if words else 0.0


def abstract_stop(text: str) -> bool:
    """What ends an abstract ("Keywords:", "Index Terms—", "CCS Concepts"): capitalised, as
    a label is, so that "... of 20 subjects." inside the abstract is not one."""
    capital = text[:1].isupper() or re.match(r"\d{4} [A-Z]", text) is not None  # "2010 Math..."
    return capital and ABSTRACT_STOP.match(text) is not None


# a numbered heading run in to its section's first sentence: "1. Motivation. Networks ...",
# "2 RELATED WORK The ...": a few capitalised words, a stop or a colon (or capitals), more text
RUN_IN_HEAD = re.compile(
    r"^(?:\d{1,2}|[IVX]{1,5})\.?\s+(?:(?:[A-Z][a-z]+|[A-Z]{2,})(?:\s+(?:[A-Z][a-z]+|[A-Z]{2,}|of"
    r"|and|the|for|in|on|to|a|with))*[.:]\s+\S|[A-Z]{3,}(?:\s+[A-Z]{2,})*\s+[A-Z][a-z])"
)


def section_heading(text: str) -> bool:
    """A numbered section heading ("2. Related Work", "III. METHODS", or run in: "1 Introduction.
    The web ..."), not a line of prose that happens to open with a drop cap or a numeral ("I
    Information extraction can ...")."""
    if RUN_IN_HEAD.match(text):
        return True
    if not SECTION_HEAD.match(text):
        return False
    return len(text.split()) <= 8 and lowercase_share(text) <= 0.4


def find_line(lines: list[Line], pattern: re.Pattern[str]) -> int | None:
    """Index of the first line whose text matches `pattern`."""
    return next((i for i, ln in enumerate(lines) if pattern.match(ln.text.strip())), None)


# A country, or a state or province given by its two-letter code, as the last part of an
# address: the end of an affiliation, never a name.
COUNTRY_OR_STATE = re.compile(
    r"^(?:usa|u\.s\.a\.?|u\.s\.|united states(?: of america)?|united kingdom|uk|england"
    r"|scotland|wales|china|p\.?\s?r\.?\s?china|people's republic of china|france|germany"
    r"|italy|canada|japan|korea|(?:south|republic of) korea|india|israel|switzerland"
    r"|(?:the )?netherlands|spain|ireland|australia|singapore|belgium|austria|sweden|norway"
    r"|denmark|finland|iceland|portugal|brazil|argentina|chile|colombia|peru|venezuela|uruguay"
    r"|mexico|cuba|russia|russian federation|ukraine|poland|czech republic|czechia|slovakia"
    r"|hungary|romania|bulgaria|serbia|croatia|slovenia|greece|cyprus|turkey|t[üu]rkiye|iran"
    r"|iraq|saudi arabia|united arab emirates|uae|qatar|kuwait|jordan|lebanon|egypt|morocco"
    r"|tunisia|algeria|nigeria|ghana|kenya|ethiopia|uganda|tanzania|rwanda|south africa"
    r"|pakistan|bangladesh|sri lanka|nepal|thailand|vietnam|viet nam|malaysia|indonesia"
    r"|philippines|taiwan|hong kong|macau|new zealand|estonia|latvia|lithuania|luxembourg"
    r"|malta|[A-Z]{2})$",
    re.IGNORECASE,
)
