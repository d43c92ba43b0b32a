"""Two readings of one author list, compared person by person against the first page.

fold          a name or a page as compared: accents, case and apostrophes ignored
same_person   whether two spellings name one person ("J. Smith" and "John Smith", "Zdeborová" and
              "Zdeborova", "Jia-Wei Han" and "Jiawei Han", "Li Wei" and "Wei Li")
pair          each name of one list with the same person in another, one to one
FirstPage     where the first page prints a name: at all (initials may stand for given names),
              or only in an editor's place ("Edited by", "Academic Editor:")
why_left_out  the reason a reading may leave out a name another read, or None: then the name is
              a person the page prints as one, and a list without it reads less

Used by digest.merge to decide which of two author lists stands. What a parse worker imports
stays apart: this module reads no PDF (digest.pdf is loaded by whoever parses).

Checked on the 65 header papers of ../shared/corpus and corpus-wide (their first pages as the
parser cleans them): why_left_out finds a reason for none of their 314 authors, so a list that
lacks one of them never replaces one that has it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from .strings import match_key

__all__ = ["FirstPage", "fold", "pair", "same_person", "why_left_out"]

# letters NFKD does not take apart ("ø" is no "o" with a mark)
_LETTERS = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae",
                          "œ": "oe", "ı": "i", "’": "", "'": "", "ʼ": ""})  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
# Where a name printed after it is an editor's, not an author's: a journal's front matter
# ("Academic Editor: ...", "Edited by ...", "Communicated by ...", "Reviewed by ...").
_EDITOR_BEFORE = re.compile(
    r"\b(?:(?:edited|communicated|reviewed|handled|recommended)\s+by|editors?(?:\s+in\s+chief)?"
    r"|editor-in-chief|reviewers?)\b"
)
# ... or after it: "J. Smith (Editor)", "J. Smith, editors", "J. Smith (ed.)"
_EDITOR_AFTER = re.compile(r"^\W{0,3}(?:editors?|eds?)\b")
EDITOR_REACH = 100  # characters after an editor cue a name may start (three names and commas)
# the list an editor cue opens: names of a few words, joined by commas or "and"
_LIST_JOIN = re.compile(r",|\band\b|&")
LISTED_NAME_WORDS = 4  # a longer piece is no name of that list (a title, a sentence)
# Words of an institution or a heading, never of a person's name: a parser that took a line of
# the affiliations ("Department of Physics") for an author read no person there.
_NOT_PERSON = re.compile(
    r"\b(?:universit\w*|univ|institut\w*|department|dept|laborator\w*|labs?|school|college"
    r"|faculty|cent(?:er|re)|hospital|clinic|academy|inc|ltd|llc|gmbh|corp\w*|company"
    r"|ministry|division|abstract|keywords|introduction|email|correspondence)\b"
)


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: "Barlas Oğuz" -> "barlas oguz"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_LETTERS)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(name: str) -> list[str]:
    """A name's words in reading order; "Smith, John" is read "John Smith"."""
    family, comma, given = name.partition(",")
    ordered = f"{given} {family}" if comma and given.strip() else name
    return _WORD.findall(fold(ordered))


def same_person(a: str, b: str) -> bool:
    """Whether `a` and `b` name one person: the same words in any order, or the same family
    name with given names that agree (equal, one an initial of the other, or the same letters
    split differently: "Jia-Wei" / "Jiawei"), or a family name alone."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if sorted(wa) == sorted(wb):
        return True
    if wa[-1] != wb[-1]:
        return False
    given_a, given_b = wa[:-1], wb[:-1]
    if not given_a or not given_b or "".join(given_a) == "".join(given_b):
        return True
    first_a, first_b = given_a[0], given_b[0]
    if len(first_a) == 1 or len(first_b) == 1:
        return first_a[0] == first_b[0]
    return first_a == first_b


def pair(names: Sequence[str], others: Sequence[str]) -> list[int | None]:
    """For each of `names`, the index of the same person in `others` (each taken once), or
    None. Same spellings are paired first, so "Y. Zhang" never takes "Yu Zhang" from himself."""
    taken: set[int] = set()
    paired: list[int | None] = [None] * len(names)
    for close in (True, False):
        for i, name in enumerate(names):
            if paired[i] is not None:
                continue
            for j, other in enumerate(others):
                alike = _words(name) == _words(other) if close else same_person(name, other)
                if j not in taken and alike:
                    paired[i] = j
                    taken.add(j)
                    break
    return paired


class FirstPage:
    """The first page's text as names are looked for in it."""

    def __init__(self, text: str) -> None:
        self.text = fold(text)
        self.key = match_key(text)  # letters and digits only, as titles are looked for

    def _spans(self, name: str) -> list[tuple[int, int]]:
        """Where the page prints `name`: its words in order, or its family name first ("Ter
        Doest, H."), accents and case aside, an initial of the name standing for any given name
        the page prints, and marks, dots or a line break between its words."""
        words = _words(name)
        spans: list[tuple[int, int]] = []
        for order in (words[k:] + words[:k] for k in range(len(words))):
            parts = [re.escape(w) + r"[^\W\d_]*\.?" if len(w) == 1 else re.escape(w) for w in order]
            pattern = r"(?<![^\W\d_])" + r"[\W\d_]*".join(parts) + r"(?![^\W\d_])"
            spans += [m.span() for m in re.finditer(pattern, self.text)]
        return spans

    def prints(self, name: str) -> bool:
        """Whether the page prints `name` (spelled as on the page, or as `_spans` allows)."""
        key = match_key(name)
        return bool(key and key in self.key) or bool(self._spans(name))

    def as_editor(self, name: str) -> bool:
        """Whether every place the page prints `name` is an editor's ("Edited by ...")."""
        spans = self._spans(name)
        return bool(spans) and all(self._editor_at(start, end) for start, end in spans)

    def _editor_at(self, start: int, end: int) -> bool:
        """Whether the name at [start, end) follows an editor cue, in the list it opens, or is
        followed by one ("(Editor)")."""
        before = self.text[max(0, start - EDITOR_REACH) : start]
        cues = list(_EDITOR_BEFORE.finditer(before))
        if cues and _a_list_of_names(before[cues[-1].end() :].lstrip(" :")):
            return True
        return bool(_EDITOR_AFTER.match(self.text[end : end + 12]))


def _a_list_of_names(text: str) -> bool:
    """Whether `text` (what stands between an editor cue and a name) is names of that list:
    pieces of a few words, no number, no field ("Received:"), no institution."""
    if re.search(r"[:;\d]", text) or _NOT_PERSON.search(text):
        return False
    return all(len(piece.split()) <= LISTED_NAME_WORDS for piece in _LIST_JOIN.split(text))


def why_left_out(name: str, page: FirstPage, kept: Sequence[str]) -> str | None:
    """Why a list may leave out `name`, which another reading has; None when nothing does (a
    person, printed on the first page as an author: a list without it reads less)."""
    if _NOT_PERSON.search(" ".join(_words(name))) or re.search(r"[\d@]", name):
        return "not a person's name"
    inside = [k for k in kept if _within(_words(k), _words(name))]
    if len(inside) >= 2:
        return "two names run together: " + " and ".join(inside)
    if not page.prints(name):
        return "not printed on the first page"
    if page.as_editor(name):
        return "printed as an editor"
    return None


def _within(part: list[str], whole: list[str]) -> bool:
    """Whether the words `part` stand together, in order, inside the longer `whole`."""
    n = len(part)
    return 0 < n < len(whole) and any(whole[i : i + n] == part for i in range(len(whole) - n + 1))
