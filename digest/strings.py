"""The two ways paper-digest compares text, defined once.

one_line   whitespace of any kind collapsed to single spaces, ends stripped: how a phrase, a
           title or a name is printed on one line
match_key  letters and digits only, Unicode-normalised (NFKC) and case-folded: how two texts are
           told to be "the same" whatever their spacing, punctuation, hyphenation or case
           (quotes against the paper, titles against titles, institutions against candidates)

and how a file name is shown: `shown_path`, its bytes that are not UTF-8 as \\xNN escapes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

__all__ = ["is_utf8_name", "match_key", "one_line", "shown_path"]

_NOT_ALNUM = re.compile(r"[\W_]+")


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def match_key(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def shown_path(path: Path | str) -> str:
    """A file name as it can be printed and stored: bytes of a name that is not UTF-8 (which
    Python carries as lone surrogates) shown as \\xNN escapes."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def is_utf8_name(path: Path | str) -> bool:
    """Whether the name is valid UTF-8, so it can be printed, stored and named again."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
