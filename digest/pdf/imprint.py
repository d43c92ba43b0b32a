"""Where and when a paper was published, as one line of its pages prints it.

:func:`read_line` finds what a line says, as :class:`Reading` s of a kind:

  issue      a journal's issue line: "IEEE TRANSACTIONS ON ..., VOL. 7, NO. 5, OCTOBER 1997",
             "GLIA 24:39–49 (1998)", "Immunology. 2022;165:141–142", "Proc. R. Soc. Lond. B
             (2004) 271, 147–152", "BMC Health Services Research 2014, 14:1", "Volume 2010,
             Article ID 157939", "January 2007, Volume 18, Issue 3", "FALL 2010 93"
  meeting    a conference's line: "Proceedings of the 45th Annual Meeting of the ACL, pages …",
             "33rd Conference on ... (NeurIPS 2019), Vancouver", "STOC’07, June 11–13, 2007",
             "CHI 2013 Extended Abstracts, April 27–May 2", "To appear in OSDI 2006", and in a
             margin alone "IJCAI-07"
  published  "Published 5 June 2017", "Date of publication August 11, 2020", "Journal | DOI"
  copyright  "© 2010", "Copyright 2004 ACM", "©C International Psychogeriatric Association 2013",
             a price code "978-1-59593-631-8/07/0006 ...$5.00" (its "/07" is the year)
  accepted   "Accepted 9 May 2017", "Published online 27 November 2003" (before the issue)
  dated      a date alone on a line: "January 20, 2022", "Date: March 28, 2015"

Each reading says where on the page its line must sit to count (``where``): anywhere but the
references, aside from the body's prose (a margin or smaller type), or in a margin; venue.py
decides. A year is a plausible one (1800 to next year: never "3025" or "0012"); a two-digit
one ("’07") is read in the century that makes it no later than next year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from digest.pdf.clean import collapse_ws
from digest.pdf.cues import lowercase_share

__all__ = [
    "KINDS",
    "Reading",
    "name_like",
    "read_line",
    "volume_cell",
    "year_of",
]

Kind = Literal["issue", "meeting", "published", "copyright", "accepted", "dated"]
KINDS: tuple[Kind, ...] = ("issue", "meeting", "published", "copyright", "accepted", "dated")
Where = Literal["any", "aside", "margin"]
FIRST_YEAR = 1800  # no printed scholarly paper is older; "0012" is a page number or a code


@dataclass(frozen=True)
class Reading:
    """What one line says: the kind of statement, its year and the venue it names."""

    kind: Kind
    year: int | None
    venue: str | None = None
    where: Where = "any"


_DIGIT = re.compile(r"\d")
_Y = r"(?:1[89]\d\d|20\d\d)"
_YEAR = re.compile(rf"(?<![\d/])({_Y})(?!\d)")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_FULL_DATE = rf"(?:{_DAY}\s+{_MONTH},?\s+{_Y}|{_MONTH}\s+{_DAY},?\s+{_Y}|{_MONTH},?\s+{_Y})"
_DATE = rf"(?:{_FULL_DATE}|{_Y}-\d{{2}}-\d{{2}}|{_DAY}[./]\d{{1,2}}[./]{_Y})"
_SHORT = r"[’'‘`´]\s?(\d{2})\b"  # "’07"
_ACRONYM = r"[A-Z][A-Za-z]*[A-Z][\w-]*"  # two capitals at least: ACL, NeurIPS, NAACL-HLT

_NAME = r"(?P<venue>[^\d|]{2,120}?)"  # a journal's name: no digits, no cell's bar
_ISSUES = [  # journal issue lines with the journal's name first; (venue, rest: the year's text)
    # "IEEE TRANSACTIONS ON ..., VOL. 7, NO. 5, OCTOBER 1997", "ACM Trans. Graph., Vol. 37"
    re.compile(r"^(?P<venue>[^,|]{3,120}?),\s*vol(?:ume)?\.?\s*\d+\b(?P<rest>.*)$", re.I),
    re.compile(r"^(?P<venue>[^,|]{3,120}?)\s+(?:Vol\.?|VOL\.?|Volume|VOLUME)\s*\d+\b(?P<rest>.*)$"),
    # "GLIA 24:39–49 (1998)", "PHYSICAL REVIEW LETTERS 120, 117701 (2018)"
    re.compile(rf"^{_NAME}\s+\d+(?:\(\d+\))?[:,]\s?e?\d+(?:\s?[–-]\s?\d+)?,?\s*\((?P<rest>{_Y})\)"),
    # "Immunology. 2022;165:141–142", "Tobacco Control 2004;13:445–447"
    re.compile(rf"^{_NAME}[.,]?\s+(?P<rest>{_Y})\s*;\s*\d+(?:\(\d+\))?\s*:"),
    # "Proc. R. Soc. Lond. B (2004) 271, 147–152", "International Psychogeriatrics (2014), 26:1,
    # 147–154", "Mach Learn (2019) 108:1–20"
    re.compile(rf"^{_NAME}\s+\((?P<rest>{_Y})\),?\s+\d+(?:\(\d+\))?(?::\s?\d+|,\s*e?\d+)"),
    # "Neurocomputing 338 (2019) 34–45", "Journal of Machine Learning Research 21 (2020) 1-67",
    # "Pattern Recognition 100 (2020) 107123"
    re.compile(rf"^{_NAME}\s+\d+\s*\((?P<rest>{_Y})\)\s*e?\d+"),
    # BMC: "Datta et al. Journal of Trauma Management & Outcomes 2010, 4:1"; MDPI: "Sensors
    # 2020, 20, 1234;"; Taylor & Francis: "JOURNAL OF X 2019, VOL. 12, NO. 3"
    re.compile(
        rf"^(?:.*?\bet al\.?\s+)?{_NAME}\s+(?P<rest>{_Y}),\s*(?:\d+(?:\(\d+\))?:\s?e?\d+"
        r"|\d+,\s*\d+\s*;|(?i:vol)\.?\s*\d+)"
    ),
    # Oxford: "Bioinformatics, 36(1), 2020, 10–17"; Cell: "Cell 180, 1–14, March 19, 2020"
    re.compile(rf"^(?P<venue>[^\d|,]{{2,120}}?),\s*\d+\(\d+\),\s*(?P<rest>{_Y}),\s*\d+"),
    re.compile(
        rf"^(?P<venue>[^\d|,]{{2,80}}?)\s+\d+,\s*\d+\s*[–-]\s*\d+,\s*(?P<rest>{_FULL_DATE})", re.I
    ),
    # Nature: "Nature Communications | (2020) 11:1234", "Nature | Vol 577 | 2 January 2020",
    # PNAS: "PNAS | March 3, 2020 | vol. 117 | no. 9"
    re.compile(rf"^(?P<venue>[^|]{{2,80}}?)\s*\|\s*\((?P<rest>{_Y})\)\s*\d+:\s?\d+"),
    re.compile(
        rf"^(?P<venue>[^|]{{2,80}}?)\s*\|\s*vol(?:ume)?\.?\s*\d+\s*\|\s*(?P<rest>{_FULL_DATE})",
        re.I,
    ),
    re.compile(rf"^(?P<venue>[^|]{{2,80}}?)\s*\|\s*(?P<rest>{_FULL_DATE})\s*\|\s*vol", re.I),
]
_UNNAMED_ISSUES = [  # the journal's name is in a neighbouring banner cell
    re.compile(rf"^vol(?:ume)?\.?\s*(?P<rest>{_Y}),\s*article\s+(?:id|no)\b", re.I),
    re.compile(rf"^{_MONTH},?\s+(?P<rest>{_Y})\s*[,|]\s*vol(?:ume)?\.?\s*\d+", re.I),
    re.compile(rf"^(?:spring|summer|fall|autumn|winter)\s+(?P<rest>{_Y})(?:\s+\d{{1,4}})?$", re.I),
]
_VOLUME_CELL = re.compile(r"^vol(?:ume)?\.?\s*\d+\s*[,;]?\s*(?:no|issue|nr)\.?\s*\d+$", re.I)
_CITE_LABEL = re.compile(r"(?i)^(?:cite (?:this article )?as|citation|how to cite[\w ]*)\s*:\s*")
_FOOTER = re.compile(r"^(?P<venue>[^|]{3,80}?)\s*\|\s*(?:https?://(?:dx\.)?doi\.org/|doi:?\s*)10\.")

_CONF_WORD = re.compile(
    r"\b[CSWMF](?i:onference|ymposium|orkshop|eeting|ongress|olloquium|ummit|orum)\b"
)
_PROCEEDINGS = re.compile(  # and ACL's "Findings of the Association for ...: EMNLP 2021"
    r"\b(?P<venue>(?:Proceedings|Proc\.(?=\s+(?:of|the|\d))|Findings(?=\s+of))\s+(?:of\s+)?\S.*)$"
)
_LABEL = re.compile(
    r"^(?:.*?\b(?:to appear (?:in|at)|appearing in|presented at"
    r"|accepted (?:for publication )?(?:at|to|in|for|by)|published (?:in|at)"
    r"|published as an? [\w\s]{0,30}?paper (?:in|at))\b\s*:?\s*)"
    r"(?P<venue>.+)$",
    re.I,
)
_EDITED = re.compile(r"^.*?\(eds?\.\)\s*:\s*(?P<venue>.+)$", re.I)  # "A. Editor (Eds.): Venue"
_SHORT_VENUE = re.compile(rf"^(?P<venue>{_ACRONYM}\s?{_SHORT})(?=\s*[,:.;]|\s*$)")
_DATED_VENUE = re.compile(
    rf"^(?P<venue>{_ACRONYM}\s+{_Y}\b[^,]{{0,60}}),\s*(?:(?i:{_MONTH})|\d{{1,2}}\s*[–-])"
)
_MARK = re.compile(rf"^(?P<venue>{_ACRONYM})(?:\s*[-–’']\s*(?P<yy>\d{{2}})|\s+(?P<rest>{_Y}))$")
_EVENT = re.compile(rf"^(?P<venue>.{{3,120}}\({_ACRONYM}\)\s+(?P<rest>{_Y}))$")
# acmart's and other templates' unfilled defaults: "Conference’17", "Woodstock ’18", "20YY"
_PLACEHOLDER = re.compile(r"(?i)^(?:conference|woodstock)\b|\b20YY\b|’YY|'YY|\bXXXX?\b")

_OTHER_VERSION = re.compile(
    r"(?i)\b(?:preliminary|earlier|previous|prior|shorter|short|extended|conference|initial"
    r"|abridged|journal|first) version\b|\bpart of this (?:work|paper)\b"
    r"|\bsubmitted to\b|\bunder review\b|\bin submission\b|\bdo not distribute\b"
)
# a cited work: an editor or translator ("ed. Carlo Natali", "Trans. and annot. by"), a
# publisher's city and name before the year ("Paris: Gallimard, 2005"), a kind mark ("[C]")
_CITED_WORK = re.compile(
    rf"\b(?i:eds?|trans|annot|repr|ibid)\.\s|\b[A-Z][a-z]+:\s*[A-Z][^\W\d_][^\d,:;]{{1,60}},\s*{_Y}\b"
    r"|\[(?:C|J|M|D|R|A|S|P|N|Z|EB/OL)\]"  # GB/T 7714's marks of a cited work's kind
)
# a date of publication or acceptance is stated, not told of: its label opens the line or a
# clause ("; accepted July 20, 2020", "| Published: ...") or is capitalised ("Published 5 June
# 2017"), never inside a sentence or brackets ("The Big Sleep (published 1939)"); a bare year
# only after a colon ("Publication date: 2002")
_STATED = r"(?:^|[;,.|]\s*|(?=[A-Z]))"
_PUBLISHED = re.compile(
    rf"{_STATED}\b(?P<label>(?i:published(?:\s+online)?|date of publication|publication date"
    r"|first published(?:\s+online)?|available online|e?pub(?:lished)? ahead of print))"
    rf"(?:\s*:?\s*(?:on\s+)?(?P<date>(?i:{_DATE}))|\s*:\s*(?P<year>{_Y})\b)",
)
_ACCEPTED = re.compile(
    rf"{_STATED}\b(?i:accepted)\s*(?i:for publication)?\s*:?\s*(?:on\s+)?(?P<date>(?i:{_DATE}))"
)
_COPYRIGHT = [
    # "© 2010", "©c 2020" (LaTeX's ©), "Copyright © 2022,", "Copyright: /C223 2014" (a glyph lost)
    re.compile(
        rf"(?:©|\(c\)|\bcopyright\b)\s*(?:©|\(c\))?\s*:?\s*(?:[^\sA-Za-z\d]\S{{0,4}}\s+|[A-Za-z]\s+)?"
        rf"(?P<rest>{_Y})(?!\d)",
        re.I,
    ),
    # "©C International Psychogeriatric Association 2013", "© The Author(s) 2020"
    re.compile(rf"©\s*\w?\s+(?:(?:The|[A-Z][\w&.()'’-]*)\s+){{1,6}}(?P<rest>{_Y})\b"),
]
# an ISBN or ISSN with the year and the price of a copy: "978-1-4577-9538-2/11/$26.00",
# "1051–8215/97$10.00", "1-58113-840-7/04/0006 ...$5.00"
_PRICE_CODE = re.compile(r"\b[\dX]{1,7}(?:[-–][\dX]{1,7}){1,4}/(?P<yy>\d{2})(?:/\d{2,4})?\W{0,8}\$")
_DATED = re.compile(
    r"^(?:date\s*:\s*|(?:this\s+)?version\s*:?\s*|draft\s*:?\s*|a preprint\s*[,:]?\s*)?"
    rf"(?P<date>{_FULL_DATE})\.?$",
    re.I,
)
_PAGES = re.compile(r",?\s*\b(?:pages|pp\.)\s*\d|\.\s+pp\.|,\s*\d+\s*[–-]\s*\d+\s*\.?$")
_LEADING = re.compile(r"^(?:in:?\s+|appearing in\s+|to appear in\s+|the\s+(?=\d))", re.I)
# a part of a venue's line that is its date, not its name: "June 11–13", "14-15 February", "2021."
_DATE_START = re.compile(
    rf"^\s*(?:{_MONTH}\s+\d|\d{{1,2}}\s*[–-]\s*\d{{1,2}}\s+{_MONTH}|{_Y}\W*$)", re.I
)
_NOT_NAME = re.compile(
    r"(?i)https?:|www\.|@|\bissn\b|\bisbn\b|\bdoi\b|\b(?:publishing|publishers?|corporation|inc"
    r"|ltd|gmbh|llc)\b|^articles?$|^(?:research|original|review)\s+article$|^editorial$"
)


def read_line(text: str) -> list[Reading]:
    """Every statement of a year or a venue the line makes, in the order of KINDS; none from a
    line that cites a work (a note's "ed. ...", "Oxford: Oxford University Press, 2009")."""
    text = collapse_ws(text)
    if len(text) < 4 or not _DIGIT.search(text) or _CITED_WORK.search(text):
        return []
    found = _issues(text) + _meetings(text) + _dates(text) + _copyrights(text)
    return [r for r in found if r.year is not None or r.venue]


def year_of(text: str) -> int | None:
    """The first plausible year in `text` ("2011", "2017-05-31", "D:20110516...")."""
    stamp = re.match(r"D:(\d{4})", text)
    for match in [stamp] if stamp else _YEAR.finditer(text):
        if (year := _plausible(int(match.group(1)))) is not None:
            return year
    return None


def volume_cell(text: str) -> bool:
    """Whether the text is a journal's volume statement alone ("Vol 4 No 13")."""
    return _VOLUME_CELL.match(collapse_ws(text)) is not None


def name_like(text: str) -> bool:
    """Whether a banner cell reads as a journal's name: words, no digits, no address, no
    publisher and no article-type label."""
    text = collapse_ws(text)
    words = re.findall(r"[^\W\d_]{2,}", text)
    if len(words) < 2 or len(text) > 120 or any(c.isdigit() for c in text):
        return False
    return _NOT_NAME.search(text) is None and text[0].isupper() and lowercase_share(text) < 0.5


def _issues(text: str) -> list[Reading]:
    found = []
    for pattern in _ISSUES:
        if (m := pattern.match(text)) and (venue := _journal(m["venue"])):
            found.append(Reading("issue", year_of(m["rest"]), venue, "margin"))
    for pattern in _UNNAMED_ISSUES:
        if m := pattern.match(text):
            found.append(Reading("issue", year_of(m["rest"]), None, "margin"))
    footer = _FOOTER.match(text)
    if footer and (venue := _journal(footer["venue"])) and name_like(venue):
        found.append(Reading("published", _date_year(text), venue, "margin"))
    return found


def _journal(name: str) -> str | None:
    """A journal's name as a banner prints it, or None when the text is something else: a
    cited work ("P. Fallahi et al., Phys. Rev. Lett."), a date, a template's placeholder."""
    name = _CITE_LABEL.sub("", collapse_ws(name)).strip(" .,;:|")
    if not re.search(r"[^\W\d_]{3,}", name) or _PLACEHOLDER.search(name) or _YEAR.search(name):
        return None
    if re.search(r"\bet al\b|, ", name) or len(name.split()) > 14:
        return None
    return name if name[0].isupper() or re.match(r"[a-z]+[A-Z]", name) else None  # "eLife"


def _meetings(text: str) -> list[Reading]:
    if _OTHER_VERSION.search(text):  # "a preliminary version was presented at SODA (2000)",
        return []  # "Submitted to ... (NeurIPS 2023)": not where this version appeared
    found = []
    if m := _PROCEEDINGS.search(text):
        found.append(Reading("meeting", _meeting_year(m["venue"]), _venue(m["venue"]), "aside"))
    labelled = _LABEL.match(text) or _EDITED.match(text)
    if labelled and _venue_like(labelled["venue"]) and (year := _meeting_year(labelled["venue"])):
        found.append(Reading("meeting", year, _venue(labelled["venue"])))
    elif not found and _CONF_WORD.search(text) and _opens(text) and (year := _meeting_year(text)):
        found.append(Reading("meeting", year, _venue(text), "aside"))
    forms: list[tuple[re.Pattern[str], Where]] = [
        (_SHORT_VENUE, "any"), (_DATED_VENUE, "any"), (_EVENT, "margin")
    ]  # fmt: skip
    for pattern, where in forms:
        if m := pattern.match(text):
            found.append(Reading("meeting", _meeting_year(m["venue"]), _venue(m["venue"]), where))
    if m := _MARK.match(text):
        year = _plausible(int(m["rest"])) if m["rest"] else _century(int(m["yy"]))
        found.append(Reading("meeting", year, text if year else None, "margin"))
    return [r for r in found if not (r.venue and _PLACEHOLDER.search(r.venue))]


def _opens(text: str) -> bool:
    """Whether a line opens a statement (a line that opens mid-sentence continues another's)."""
    return text[:1].isupper() or text[:1].isdigit()


def _meeting_year(text: str) -> int | None:
    """A meeting's year: the first four-digit year ("(05/2023)" too: TMLR's), else a two-digit
    one ("STOC’07")."""
    if (year := year_of(text)) is not None:
        return year
    if month := re.search(rf"\b\d{{1,2}}/({_Y})\b", text):
        return _plausible(int(month.group(1)))
    short = re.search(rf"{_ACRONYM}\s?{_SHORT}", text)
    return _century(int(short.group(1))) if short else None


def _venue(text: str) -> str | None:
    """A venue's name as printed: from the sentence that names it, without what follows it
    (pages, place, dates); a "Proceedings of ..." up to its first comma."""
    text = _PAGES.split(collapse_ws(text))[0]
    if m := _EDITED.match(text):
        text = m["venue"]
    if not re.match(r"(?:In:?\s+)?(?:Proc|Findings)", text):
        sentences = re.split(r"\.\s+(?=[A-Z©])", text)
        text = next((t for t in sentences if _names_meeting(t)), sentences[0])
    text = _LEADING.sub("", text)
    if text.startswith(("Proceedings", "Proc.", "Findings")):
        text = text.split(",")[0]
    else:
        kept: list[str] = []
        for part in text.split(","):
            if kept and _DATE_START.match(part):
                break
            kept.append(part)
            if _YEAR.search(part) or re.search(_SHORT, part):
                break
        text = ",".join(kept)
    text = _balanced(text).strip(" .,;:")
    return text if 2 <= len(text) <= 200 and re.search(r"[^\W\d_]{2,}", text) else None


def _balanced(text: str) -> str:
    """The text up to a "(" never closed: a venue's brackets close ("(NeurIPS 2019)"); an open
    one starts something else (or is a comma the text layer mis-decoded)."""
    opened: list[int] = []
    for at, char in enumerate(text):
        if char == "(":
            opened.append(at)
        elif char == ")" and opened:
            opened.pop()
    return text[: opened[0]] if opened else text


def _venue_like(text: str) -> bool:
    """Whether a labelled text ("To appear in ...") opens with a venue's name."""
    return bool(re.match(r"[A-Z]|\d+(?:st|nd|rd|th)\b", text.strip())) and (
        _names_meeting(text)
        or re.search(r"\b(?:Journal|Proceedings|Transactions)\b", text) is not None
    )


def _names_meeting(text: str) -> bool:
    return bool(_CONF_WORD.search(text) or re.search(rf"{_ACRONYM}\s?(?:{_SHORT}|-?{_Y})", text))


def _dates(text: str) -> list[Reading]:
    found = []
    for m in _PUBLISHED.finditer(text):
        late = re.search(r"(?i)online|available|first|ahead", m["label"])
        found.append(Reading("accepted" if late else "published", year_of(m["date"] or m["year"])))
    if accepted := _ACCEPTED.search(text):
        found.append(Reading("accepted", year_of(accepted["date"])))
    if dated := _DATED.match(text):
        found.append(Reading("dated", year_of(dated["date"]), None, "margin"))
    return found


def _date_year(text: str) -> int | None:
    m = re.search(_DATE, text, re.I)
    return year_of(m.group(0)) if m else None


def _copyrights(text: str) -> list[Reading]:
    years = [year_of(m["rest"]) for pattern in _COPYRIGHT for m in pattern.finditer(text)]
    years += [_century(int(m["yy"])) for m in _PRICE_CODE.finditer(text)]
    return [Reading("copyright", year) for year in years if year is not None][:1]


def _plausible(year: int) -> int | None:
    return year if FIRST_YEAR <= year <= _latest() else None


def _century(yy: int) -> int | None:
    """A two-digit year in the latest century that keeps it no later than next year."""
    return 2000 + yy if 2000 + yy <= _latest() else _plausible(1900 + yy)


def _latest() -> int:
    """No paper is published after next year (a "to appear" line may name it)."""
    return date.today().year + 1
