"""The figures a text states, as a claim and its quotes carry them.

    figures_in(text)          the figures of a Chinese phrase or an English quote
    unsupported(phrase, quotes)  the phrase's figures none of its quotes states

A figure is a number that measures something: "2.8×", "38.9%", "9 ms", "161x", "三倍",
"百分之十", "twice", "three-fold". Digits inside a name are not figures ("GPT-2", "Llama-3",
"H100", "BGE-M3", "Instant4D"). A phrase may round what its quote prints, and say so or not
("约30%" or "30%" for "29.7%"; "近3倍" for "2.8x"): a figure with fewer decimals than a quote's
is supported by the quote's figure rounded to its places.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Figure", "figures_in", "unsupported"]

# Arabic numerals: not inside a word or a name ("H100", "GPT-2", "ResNet-50"), "1,024" whole
_ARABIC = re.compile(r"(?<![A-Za-z0-9.])(?<![A-Za-z]-)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMERAL = "[零〇一二两三四五六七八九十百千万]+"
# Chinese numerals as figures: only where they measure ("三倍", "百分之十", "十个百分点");
# elsewhere they are words ("一种方法", "统一", "第一").
_CHINESE = re.compile(rf"百分之({_NUMERAL})|({_NUMERAL})(?=倍|个百分点)")
# English number words in a quote ("twice", "three times", "ten-fold"); "one" is rarely a figure
_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "hundred": 100,
          "twice": 2, "double": 2, "doubles": 2, "doubled": 2, "triple": 3, "triples": 3,
          "tripled": 3, "quadruple": 4, "half": 0.5, "halves": 0.5, "halved": 0.5}  # fmt: skip
_ENGLISH = re.compile(r"\b(" + "|".join(_WORDS) + r")(?:[- ]?fold)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Figure:
    value: float
    decimals: int  # places printed after the point (what a rounding keeps)


def figures_in(text: str) -> list[Figure]:
    """The figures a text states, in order."""
    found = [
        Figure(float(whole.replace(",", "") + (f".{frac}" if frac else "")), len(frac or ""))
        for whole, frac in _ARABIC.findall(text)
    ]
    for match in _CHINESE.finditer(text):
        counted = _chinese_value(match.group(1) or match.group(2))
        if counted is not None:
            found.append(Figure(float(counted), 0))
    for match in _ENGLISH.finditer(text):
        said = float(_WORDS[match.group(1).lower()])
        found.append(Figure(said, 0 if said.is_integer() else 1))
    return found


def unsupported(phrase: str, quotes: list[str]) -> list[float]:
    """The figures of `phrase` that none of `quotes` states (exactly, or as their rounding)."""
    stated = [f for quote in quotes for f in figures_in(quote)]
    return sorted({f.value for f in figures_in(phrase) if not any(_same(f, q) for q in stated)})


def _same(claimed: Figure, stated: Figure) -> bool:
    """Whether a phrase's figure is the quote's, or the quote's rounded to its places."""
    if claimed.value == stated.value:
        return True
    if claimed.decimals >= stated.decimals and stated.decimals > 0:
        return False
    return round(stated.value, claimed.decimals) == claimed.value


def _chinese_value(numeral: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十 -> 20, 三百五十 -> 350; None when it is no number."""
    total, digit = 0, None
    for char in numeral:
        if char in _DIGITS:
            if digit is not None:  # "二三": no number
                return None
            digit = _DIGITS[char]
        else:
            unit = _UNITS[char]
            total += (1 if digit is None else digit) * unit
            digit = None
    return total + (digit or 0)
