"""The two ways paper-digest compares text, defined once.

one_line   whitespace of any kind collapsed to single spaces, ends stripped: how a phrase, a
           title or a name is printed on one line
match_key  letters and digits only, Unicode-normalised (NFKC) and case-folded: how two texts are
           told to be "the same" whatever their spacing, punctuation, hyphenation or case
           (quotes against the paper, titles against titles, institutions against candidates)
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["match_key", "one_line"]

_NOT_ALNUM = re.compile(r"[\W_]+")


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def match_key(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())
