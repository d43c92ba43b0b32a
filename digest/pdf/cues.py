"""The words and marks a paper's header is read by, shared by the header's readers.

ABSTRACT_HEAD  an abstract heading, also letter-spaced or run in ("Abstract—We ...")
INTRO_HEAD     the introduction's heading
ABSTRACT_STOP  what ends an abstract (keywords, index terms, CCS concepts, ...)
AFFIL_WORDS    words that mark a line as an affiliation rather than a name
EMAIL, URL     e-mail and web addresses, dropped from names and affiliations
"""

from __future__ import annotations

import re

from digest.pdf.reader import Line

__all__ = [
    "ABSTRACT_HEAD",
    "ABSTRACT_STOP",
    "AFFIL_WORDS",
    "EMAIL",
    "INTRO_HEAD",
    "URL",
    "find_line",
]

ABSTRACT_HEAD = re.compile(
    r"^(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t|summary)\s*(?:[.:—–-]\s*|\s+(?=[A-Z])|$)(.*)$",
    re.IGNORECASE,
)
INTRO_HEAD = re.compile(r"^(?:(?:\d{1,2}|[IVX]{1,4})\.?\s*)?introduction\b\s*\S{0,20}$", re.I)
ABSTRACT_STOP = re.compile(
    r"^(?:keywords?|key\s?words|index terms|ccs concepts|general terms|subjects|acm reference"
    r"|mathematics subject|jel classification)\b",
    re.IGNORECASE,
)
AFFIL_WORDS = re.compile(
    r"\b(?:universit\w*|institut\w*|college|school|department|dept|laborator\w*|labs?|cent(?:er|re)"
    r"|inc|corp\w*|research|ai|academy|faculty|group|hospital|technolog\w*|company|ltd|gmbh"
    r"|cnrs|foundation|google|microsoft|facebook|meta|nvidia|amazon|ibm|bytedance|deepmind"
    r"|openai|alibaba|tencent|baidu|huawei|ecole|école|polytechnic\w*|sciences?|assistant)\b",
    re.IGNORECASE,
)
EMAIL = re.compile(r"\S+@\S+|\{[^}]*\}\s*\S*|\([^)]*\|[^)]*\)\S*")
URL = re.compile(r"https?://\S+|www\.\S+")


def find_line(lines: list[Line], pattern: re.Pattern[str]) -> int | None:
    """Index of the first line whose text matches `pattern`."""
    return next((i for i, ln in enumerate(lines) if pattern.match(ln.text.strip())), None)
