"""Institutions without a model: affiliation lines reduced to institution names, in Chinese
where the curated table (digest/data/institutions_zh.tsv) knows the usual name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from ..facts import Institution
from ..institutions import merge_institutions
from ..models import Paper
from ..tables import tsv_rows

__all__ = ["chinese_names", "institution_zh", "paper_institutions", "reduce_affiliation"]

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
# What holds centers, labs and institutes: a university, or a company ("Digital Equipment
# Corporation, Cambridge Research Lab" is the company)
_TOP = re.compile(
    r"\b(?:Univ\w*|Universit\w*|College|[EÉ]cole|Sorbonne|Politecnico|Corporation|Corp|Inc|"
    r"Ltd|LLC|GmbH|Company)\b",
    re.I,
)
_LEGAL = re.compile(r"^(?:Inc|Ltd|LLC|Co|Corp|GmbH|S\.?A|AG)\.?$", re.I)
# A company's legal form, which the report leaves out ("Corgenix, Inc." is Corgenix)
_LEGAL_FORM = re.compile(r",?\s+(?:Inc|Ltd|LLC|L\.L\.C|Co|Corp|GmbH|S\.?A|AG|plc)\.?$", re.I)
# An institution written as its acronym ("Department of Computer Sciences, NUST"); the
# acronyms of countries are places, not institutions
_ACRONYM = re.compile(r"[A-Z][A-Z&-]{2,9}")
_COUNTRIES = frozenset({"USA", "UAE", "PRC", "ROC", "KSA"})
_FUNCTION = re.compile(r"\b(?:of|and|for|the|de|&)\b", re.I)
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
    rows: dict[str, tuple[str, str]] = {}
    for english, chinese in tsv_rows("institutions_zh.tsv"):
        rows.setdefault(_norm(english.strip()), (english.strip(), chinese.strip()))
    return rows


@cache
def _longest_name() -> int:
    return max((len(key.split()) for key in _table()), default=0)


@cache
def chinese_names() -> frozenset[str]:
    """Every Chinese name of the table (a model's name_zh that is one of these must be the one
    its English name has in the table)."""
    return frozenset(chinese for _, chinese in _table().values())


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
        elif _DEPARTMENT.search(part) or (has_top and _is_subunit(part)):
            continue
        elif (_HEAD.search(part) or len(merged) == 1) and (name := _name(part)):
            out.append(name)
    acronym = next((p for p in reversed(merged) if _is_acronym(p)), None)
    if acronym and len(merged) > 1 and all(_is_subunit(name) for name in out):
        return [acronym]  # "LT-Lab, DFKI": the lab's institution; "Dept. of X, NUST"
    return out


def _is_subunit(name: str) -> bool:
    return bool(_SUBUNIT.search(name)) and not _TOP.search(name)


def _is_acronym(part: str) -> bool:
    return bool(_ACRONYM.fullmatch(part)) and part not in _COUNTRIES


def _name(part: str) -> str | None:
    """An institution's name as the report gives it: no trailing place ("MITRE Corporation
    Bedford"), no legal form ("Corgenix, Inc."); None when only generic words are left
    ("Technologies LLC", where the page's "IROA" was lost)."""
    place = _TRAILING_PLACE.match(part)
    if place and not _HEAD.search(place.group(2)):  # "The Scripps Research Institute" stays
        part = place.group(1)
    name = _LEGAL_FORM.sub("", part).strip(" ,")
    generic = _FUNCTION.sub(" ", _HEAD.sub(" ", name)).strip(" ,.&-")
    return name if generic else None


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


def paper_institutions(paper: Paper) -> list[Institution]:
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
