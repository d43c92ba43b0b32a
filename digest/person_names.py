"""A person's name as a reference writes it: given names, particle, family name, suffix.

Names arrive as the paper prints them ("Martin J. Wainwright", "L.Fernandes dos Santos",
"H Ter Doest", "Martin Luther King Jr.", "Chapman S"); BibTeX ("von Last, Jr, First") and CSL
(given, non-dropping-particle, family, suffix) want the parts. Word by word:

    initials        a capital letter alone ("J", "J.") is an initial, kept as printed (styles
                    add their own periods); initials glued by periods are split, each with its
                    period ("A.H" -> "A. H.", "Yu.A.Pusep" -> "Yu. A. Pusep", "E.-J" ->
                    "E.-J."); a run of 2-3 capitals with no vowel ("DW") is initials glued
                    without them ("D. W."), as PubMed writes them. A word in normal case is a name
                    whatever its length ("Bo", "Xu", "Md", "Ng"; "Dw" too: nothing in the
                    spelling tells a glitch of the text layer from a name, so none is invented)
    suffix          "Jr.", "Sr.", "II", "III", "IV" at the end
    family first    a name whose words after the first are all initials is written family
                    first, as Vancouver lists print it ("Chapman S" -> Chapman, S.): a family
                    name is never an initial
    family          otherwise the last word, with the particles before it: words in lower case
                    (BibTeX's "von" rule: "van der", "dos", "de la"), and capitalised ones that
                    are particles only (Ter, Ten, Von, Vom, Zu, Zur). Van, De, Da, Di, Du, Del,
                    Della, Der, Den, La, Le, Los, Las, Dos, Das count when two or more stand
                    together ("Van Der Berg", "De La Cruz"): alone they are also given names
                    ("Van" in Vietnamese names, "De" in Chinese ones), so "Luc Van Gool" reads
                    as BibTeX reads it
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["PersonName", "person_name"]

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
PARTICLES = frozenset({"ter", "ten", "von", "vom", "zu", "zur"})  # capitalised, still particles
JOINED_PARTICLES = frozenset(
    {"van", "de", "da", "di", "du", "del", "della", "der", "den", "la", "le", "los", "las", "dos",
     "das"}
)  # fmt: skip
NOT_PARTICLE = "and"  # BibTeX reads it braced, so as text: "Tom and Jerry" is Jerry, Tom and

_GLUED = re.compile(r"(?<=\.)(?=[^\W\d_])")  # "A.H" -> "A." "H"
_INITIAL = re.compile(r"[^\W\d_]\.?(?:-[^\W\d_]\.?)?")  # J, J., E.-J
_CAPITALS = re.compile(r"[B-DF-HJ-NP-TV-XZ]{2,3}")  # DW, JWB: no vowel, so no word


@dataclass(frozen=True)
class PersonName:
    given: str = ""
    particle: str = ""
    family: str = ""
    suffix: str = ""


def person_name(name: str) -> PersonName:
    """The parts of a name as printed; a name of one word is a family name alone."""
    words = [_dotted(part, word) for word in name.split() for part in _GLUED.split(word) if part]
    suffix = ""
    if len(words) > 2 and words[-1].rstrip(".").casefold() in SUFFIXES:
        suffix, words = words[-1], words[:-1]
        words[-1] = words[-1].rstrip(",")
    if not words:
        return PersonName()
    start = _initials_at_end(words)
    if 0 < start < len(words):  # "Chapman S", "van der Berg J": family first
        particle, family = _family(words[:start])
        return PersonName(_given(words[start:]), particle, family, suffix)
    start = _family_start(words)
    particle, family = _family(words[start:])
    return PersonName(_given(words[:start]), particle, family, suffix)


def _dotted(part: str, word: str) -> str:
    """A part of a word glued by periods, with the period its group gives it ("A.H": "H.")."""
    glued = part != word and _is_initial(part) and not part.endswith(".")
    return part + "." if glued else part


def _initials_at_end(words: list[str]) -> int:
    """Where a run of initials that ends the name starts, when no word before it is one
    (len(words) when the name does not end on initials; 0 when it is all initials)."""
    start = len(words)
    while start > 0 and _is_initial(words[start - 1]):
        start -= 1
    return start if not any(map(_is_initial, words[:start])) else len(words)


def _is_initial(word: str) -> bool:
    letters = word.replace(".", "").replace("-", "")
    return bool(_INITIAL.fullmatch(word)) and letters.isupper()


def _given(words: list[str]) -> str:
    return " ".join(_initials(word) for word in words)


def _initials(word: str) -> str:
    """A given name's word, its initials written as initials: "E.-J" -> "E.-J.", "DW" ->
    "D. W."; "J" stays as printed."""
    if _is_initial(word):
        return word + "." if "." in word and not word.endswith(".") else word
    if _CAPITALS.fullmatch(word):
        return " ".join(letter + "." for letter in word)
    return word


def _family_start(words: list[str]) -> int:
    """Where the family name starts: the last word, and the particles before it."""
    start = len(words) - 1
    while start > 0 and _is_particle(words[start - 1]):
        start -= 1
    run = words[start : len(words) - 1]
    if len(run) == 1 and run[0].casefold() in JOINED_PARTICLES and not run[0].islower():
        return start + 1  # "Luc Van Gool": a capitalised "Van" alone is a given name
    return start


def _is_particle(word: str) -> bool:
    if word == NOT_PARTICLE:
        return False
    folded = word.casefold()
    return word[:1].islower() or folded in PARTICLES or folded in JOINED_PARTICLES


def _family(words: list[str]) -> tuple[str, str]:
    """(particle, family name) of the words of a family name."""
    particles = 0
    while particles < len(words) - 1 and _is_particle(words[particles]):
        particles += 1
    return " ".join(words[:particles]), " ".join(words[particles:])
