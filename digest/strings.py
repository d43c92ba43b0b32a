"""How paper-digest compares and prints text, defined once.

one_line       whitespace of any kind collapsed to single spaces, ends stripped: how a phrase, a
               title or a name is printed on one line
match_key      letters and digits only, Unicode-normalised (NFKC) and case-folded: how two texts
               are told to be "the same" whatever their spacing, punctuation, hyphenation or case
               (quotes against the paper, titles against titles, institutions against candidates)

Text from outside the code (a paper, the LLM, an endpoint, a file name) is data wherever it is
printed. Control characters (ESC starts a terminal sequence) and the Unicode bidi controls
(which reorder the text around them, U+202E, U+2066...) are taken out, and each output escapes
what would act in it:

printable      the text without control and bidi characters, its lines and tabs kept (a log)
plain          printable, on one line (a terminal's line, an HTML page, a bibliography)
markdown_text  plain, with the characters CommonMark would act on escaped (the Markdown report)

and how a file name is shown: `shown_path`, its bytes that are not UTF-8 as \\xNN escapes.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

__all__ = [
    "is_utf8_name",
    "markdown_text",
    "match_key",
    "one_line",
    "plain",
    "printable",
    "shown_path",
]

_NOT_ALNUM = re.compile(r"[\W_]+")
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"  # Unicode's Bidi_Control characters
# C0 and C1 controls and DEL, but the whitespace among them, which one_line makes spaces
_UNPRINTABLE = re.compile(f"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f{_BIDI}]")
# every control character but the newline and the tab (a log's lines and indents stay)
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")


def one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def match_key(text: str) -> str:
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())


def printable(text: str) -> str:
    return _CONTROL.sub("", text)


def plain(text: str | None) -> str:
    return one_line(_UNPRINTABLE.sub("", text or ""))


# What CommonMark (and GitHub's tables and strikethrough) would act on inside a line. Each is
# escaped with a backslash only where it acts, so ordinary text ("p<0.05", "R&D", "a_b",
# "Mamba [11]", "C#") prints as it is:
_INLINE = re.compile(
    r"""\\(?=[!-/:-@\[-`{-~]|$)       # a backslash that would escape what follows it
    | [`*~]                           # code spans, emphasis, strikethrough
    | <(?=[A-Za-z/!?])                # an HTML tag, a comment, an autolink <http://...>
    | \](?=[(\[])                     # the end of a link's or image's text: [text](url)
    | &(?=\#\d{1,7};|\#[xX][\dA-Fa-f]{1,6};|[A-Za-z][A-Za-z\d]{1,31};)  # &#x202e; &lt; ...
    | (?<=\s)\#+$                     # the closing sequence of a heading ("Title #")
    | (?<!_)_+(?!_)                   # emphasis, unless inside a word (snake_case)
    """,
    re.VERBOSE,
)
# ...and what would open a block where the text starts a line (or a list item): a heading, a
# quote, a list, a thematic break or setext underline, a table's delimiter row, a code fence,
# a link reference definition or footnote ("[1]: http://..."), a task box ("- [ ]").
_BLOCK = re.compile(r"^(?:\#(?=[\#\s]|$)|>|[+-](?=\s|$)|-(?=-)|=(?==*$)|[|:](?=[|:\s-]*$)|\[)")
_ORDINAL = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")  # "1. " opens an ordered list


def markdown_text(text: str | None) -> str:
    """The text as Markdown that shows exactly its characters, on one line: never emphasis, a
    link, an image, code, HTML, an entity, a heading, a quote or a list."""
    escaped = _INLINE.sub(_escape, plain(text))
    escaped = _ORDINAL.sub(r"\1\\\2", escaped)
    return _BLOCK.sub(r"\\\g<0>", escaped, count=1)


def _escape(match: re.Match[str]) -> str:
    found, text = match.group(), match.string
    if found[0] == "_" and _in_word(text, match.start() - 1) and _in_word(text, match.end()):
        return found  # snake_case: an underscore inside a word is no emphasis
    return "".join("\\" + char for char in found)


def _in_word(text: str, at: int) -> bool:
    return 0 <= at < len(text) and text[at].isalnum()


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
