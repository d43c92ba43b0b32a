"""Author names from the name lines of a header block.

Names are split at commas, "and", marks and wide gaps; lines printed in capitals are put in
normal case; a name is two to five capitalised words with no digits, no affiliation or
publication words.
"""

from __future__ import annotations

import re

from digest.pdf.clean import normalize, strip_marks
from digest.pdf.cues import AFFIL_WORDS, EMAIL
from digest.pdf.reader import MARK_SEP, Line

__all__ = ["name_case", "read_authors"]

_NOT_NAME = re.compile(
    r"\b(?:preprint|draft|abstract|proceedings|conference|journal|review|access|copyright|"
    r"email|e-mail|demo|code|paper|vol|volume|page|pages)\b",
    re.IGNORECASE,
)
_FUNCTION_WORD = re.compile(r"\b(?:the|of|for|with|via|on|in|a|an|is|are|to|from|by)\b")
_PARTICLES = {"de", "van", "von", "der", "den", "di", "da", "del", "la", "le", "du", "dos", "bin"}


def read_authors(block: list[Line]) -> tuple[list[str], int]:
    """The names on the name lines at the top of ``block``, and where those lines end."""
    pieces: list[str] = []
    end = 0
    for i, ln in enumerate(block):
        text = normalize(ln.marked)
        bare = text.replace(MARK_SEP, "").strip(" ,*∗†‡")
        if not bare:
            end = i + 1
            continue
        if _all_caps(bare):  # "DOUGLAS R. SMITH AND MARY JONES" -> "Douglas R. Smith and ..."
            text = name_case(text)
        names = _split_names(text)
        # a lone given name whose surname wrapped to the next line ("Andrew" / "D. White")
        single = bool(pieces) and re.fullmatch(r"[A-Z][a-z]+", bare) is not None
        if names and (all(_is_name(n) for n in names) or single):
            joiner = " " if pieces and len(pieces[-1].split()) == 1 else ","
            pieces.append(text) if not pieces else pieces.append(joiner + text)
            end = i + 1
            continue
        if pieces or i > 3:
            break
    if not pieces:
        return [], end
    names = _split_names("".join(pieces))
    return [n for n in names if _is_name(n)], end


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 6 and all(c.isupper() for c in letters) and " " in text.strip()


_LOWER_WORDS = _PARTICLES | {"and", "of", "the", "for", "at", "in", "on", "with", "to", "a", "an"}


def name_case(text: str) -> str:
    """Names printed in capitals, in normal case: "JEAN-LUC O'NEIL AND ANA DE LA CRUZ" ->
    "Jean-Luc O'Neil and Ana de la Cruz". Initials stay ("J."); small words go lower case."""

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        if token.lower() in _LOWER_WORDS:
            return token.lower()
        return re.sub(r"[^\W\d_]+", lambda p: p.group(0).capitalize(), token)

    return re.sub(r"[^\s,;]+", word, text)


def _split_names(text: str) -> list[str]:
    text = EMAIL.sub(" ", text)
    text = re.sub(rf"[\s,{MARK_SEP}]+(?:and|&)\s+|[\s,{MARK_SEP}]+and$|^and\s+", ",", text)
    segments = re.split(rf"[,;{MARK_SEP}]|\s{{2,}}|(?<=[^\W\d])\d+(?:\s|$)", text)
    names: list[str] = []
    for seg in segments:
        seg = strip_marks(seg, names=True).strip(" .")
        seg = re.sub(r"(?:^|\s)\d+(?=\s|$)", " ", seg).strip()
        if not seg:
            continue
        tokens = seg.split()
        if len(tokens) >= 4 and not any(t.lower() in _PARTICLES for t in tokens):
            names.extend(_pair_names(tokens))
        else:
            names.append(" ".join(tokens))
    return names


def _pair_names(tokens: list[str]) -> list[str]:
    """Split 'Jake Poznanski Luca Soldaini' into given-name [initials] surname groups."""
    names, current = [], []
    for tok in tokens:
        current.append(tok)
        is_initial = re.fullmatch(r"[A-Z]\.?(?:-[A-Z]\.?)?", tok) is not None
        if len(current) >= 2 and not is_initial:
            names.append(" ".join(current))
            current = []
    if current:
        if names:
            names[-1] += " " + " ".join(current)
        else:
            names.append(" ".join(current))
    return names


def _is_name(name: str) -> bool:
    tokens = name.split()
    if not 2 <= len(tokens) <= 5 or len(name) > 50:
        return False
    if any(p.search(name) for p in (_NOT_NAME, _FUNCTION_WORD, AFFIL_WORDS)):
        return False
    if any(c.isdigit() for c in name):
        return False
    if name.isupper() and len(name.replace(" ", "")) > 6:
        return False
    for tok in tokens:
        if tok.lower() in _PARTICLES:
            continue
        if not (tok[0].isupper() or tok[0] in "’'") or not re.fullmatch(r"[^\W\d_][\w.’'\-]*", tok):
            return False
    return True
