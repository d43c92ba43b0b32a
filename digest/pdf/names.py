"""Person names in a header's text: how a line of the author block splits into names.

A name line is split at commas, semicolons, "and"/"&", superscript marks and the gaps between
side-by-side cells; what is printed in capitals is put in normal case; honorifics, degrees and
society grades ("Dr.", "PhD", "Member, IEEE") are dropped; a bibliographic "Surname, I.;" list is
turned round. A piece is a name when it is two to six words that read as one: capitalised
given names, initials, particles ("van der", "de la"), a capitalised surname, no digits, no word
of an affiliation or of a publication.
"""

from __future__ import annotations

import re
import unicodedata

from digest.pdf.clean import normalize, strip_marks
from digest.pdf.cues import AFFIL_WORDS, COUNTRY_OR_STATE, EMAIL, URL
from digest.pdf.reader import MARK_SEP

__all__ = ["group_author", "is_name", "name_case", "names_in", "spelled_better", "split_names"]

_NOT_NAME = re.compile(
    r"\b(?:preprint|draft|abstract|proceedings|conference|journal|review|access|copyright|"
    r"email|e-mail|demo|code|paper|vol|volume|page|pages|received|accepted|published|editor|"
    r"article|press|keywords?|correspondence|available|online|issue|chapter|section|figure|"
    r"table|appendix|introduction|contents|supplementary|author|authors|presenting|co-authors?|"
    r"words|abstract|summary|references)\b",
    re.IGNORECASE,
)
_PARTICLES = {
    "de", "van", "von", "der", "den", "di", "da", "del", "della", "la", "le", "du", "dos", "das",
    "do", "bin", "ibn", "al", "el", "ter", "ten", "zu", "af", "y", "e", "st", "op", "het", "vom",
}  # fmt: skip
_TRAILING = _PARTICLES - {"e", "y", "st", "al", "el", "af", "op", "het"}
_HONORIFIC = re.compile(r"^(?:dr|prof|professor|mr|mrs|ms|miss|sir|engr|eng|ing|dipl)\.?\s+", re.I)
# degrees, grades and roles printed after a name: "John Smith, MD, PhD", "Member, IEEE"
_SUFFIX = re.compile(
    r"^(?:(?:student|senior|life|associate)\s+)?(?:member|fellow)(?:,?\s+(?:ieee|acm|siam|aaai))?$"
    r"|^(?:ieee|acm|siam)$|^(?:ph\.?\s?d|m\.?\s?d|m\.?\s?sc|b\.?\s?sc|m\.?\s?a|b\.?\s?a|m\.?\s?s"
    r"|b\.?\s?s|mph|mba|rn|dphil|d\.?\s?sc|frcp|facs|mbbs|bpharm|pharmd|jr|sr|ii|iii|iv"
    r"|esq)\.?$",
    re.IGNORECASE,
)
# post-nominal letters an old journal prints after a name: "F.R.S.", "F.R.S.E.", "D.Phil.";
# three parts or more, or a part in lower case ("J.R." is two initials)
_POST_NOMINAL = re.compile(r"^(?:[A-Z]\.){3,6}$|^(?=.*[a-z])(?:[A-Z][a-z]{0,3}\.){2,5}$")
_INITIAL = re.compile(r"^(?:[A-Z]\.?(?:-?[A-Z]\.?)*|[A-Z][a-z]?\.)$")
_WORD = re.compile(r"^[^\W\d_][\w.’'\-]*$")
_LOWER_WORDS = _PARTICLES | {"and", "of", "the", "for", "at", "in", "on", "with", "to", "a", "an"}


def name_case(text: str) -> str:
    """Names printed in capitals, in normal case: "JEAN-LUC O'NEIL AND ANA DE LA CRUZ" ->
    "Jean-Luc O'Neil and Ana de la Cruz". Initials stay ("J."); small words go lower case,
    but not the first word of a name ("AN ZHU" -> "An Zhu")."""
    out: list[str] = []
    first = True
    for token in re.split(r"(\s+|[,;])", text):
        if not token or token.isspace() or token in ",;":
            first = first or token in ",;"
            out.append(token)
            continue
        if token.lower() == "and" or (token.lower() in _LOWER_WORDS and not first):
            out.append(token.lower())  # "AND" joins names even after a comma: never a name
        else:
            out.append(re.sub(r"[^\W\d_]+", lambda p: p.group(0).capitalize(), token))
        first = token.lower() == "and"
    return "".join(out)


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _upper_surnames(text: str) -> str:
    """ "Chris QUIRK, Chris BROCKETT" -> "Chris Quirk, Chris Brockett" (surnames in capitals)."""
    return re.sub(r"\b([A-Z])([A-Z’'\-]{2,})\b", lambda m: m.group(1) + m.group(2).lower(), text)


_AFFIL_ASIDE = re.compile(r"\(([^()]*[^\W\d_]{3}[^()]*)\)")  # a word of 3+ letters: not "(B)"
_ORCID = re.compile(r"\[?\s*\d{4}[-−–]\d{4}[-−–]\d{4}[-−–]\d{3}[\dX]\s*\]?")


def _prepare(text: str) -> str:
    text = _ORCID.sub(" ", normalize(text))
    text = EMAIL.sub(" ", URL.sub(" ", text))
    text = re.sub(r"\(\s*\)|\[\s*\]|\([A-Za-z\d]{1,2}\)", " ", text)  # "(B)": LNCS's envelope
    # an affiliation set in parentheses or after a spaced dash, between the names it follows:
    # "Ada Lovelace (University of Turin), Alan Turing (...)", "Ada Lovelace — Turin, ..."
    text = _AFFIL_ASIDE.sub(r", (\1),", text)  # a piece of its own, never a name ("(Turin)")
    text = re.sub(r"\s+[—–]\s+", ", ", text)
    bare = text.replace(MARK_SEP, "")
    if _capitals(bare):
        text = name_case(text)
    elif re.search(r"\b[A-Z][a-z]+\s+[A-Z]{3,}\b", bare):
        text = _upper_surnames(text)
    return re.sub(r"^\s*(?:by|and)\s+", "", text, flags=re.I)


def split_names(text: str) -> list[str]:
    """The pieces of a name line: split at separators, marks, "and"; long runs of words paired
    into names ("Jake Poznanski Luca Soldaini" -> two names)."""
    text = _prepare(text)
    if ";" in text and re.search(r"[A-Z][\w’'\-]+,\s*(?:[A-Z]\.\s?)+", text):
        return _surname_first(text)
    text = re.sub(rf"[\s,{MARK_SEP}]+(?:and|&|und|et|e|y)\s+|[\s,{MARK_SEP}]+and$", ",", text)
    segments = re.split(rf"[,;{MARK_SEP}]|\s{{2,}}|(?<=[^\W\d])\d+(?:\s|$)", text)
    names: list[str] = []
    for seg in segments:
        if _POST_NOMINAL.match(strip_marks(seg, names=True).strip(" *")):
            continue
        seg = _HONORIFIC.sub("", strip_marks(seg, names=True).strip(" .*"))
        if _capitals(seg):  # "JING LIU, University of Cambridge": the name piece in capitals
            seg = name_case(seg)
        if re.search(r"\d{3}|\b\d+[A-Z]|[A-Z]+\d", seg):
            names.append(seg)  # a postcode, a street number: an address, kept whole
            continue
        seg = re.sub(r"(?:^|\s)\d+(?=\s|$)", " ", seg).strip()
        if not seg or _SUFFIX.match(seg):
            continue
        tokens = seg.split()
        pairable = all(t[0].isupper() for t in tokens) and not AFFIL_WORDS.search(seg)
        # names run together with nothing between them ("Ruifang Ge Raymond J. Mooney") are
        # paired up; in a list that has separators, a long piece is one name with several
        # given names ("Josephine Nana Afrakoma Agyeman-Duah")
        alone = len([s for s in segments if s.strip(" .*")]) == 1
        if (
            alone
            and len(tokens) >= 4
            and pairable
            and not any(t.lower() in _PARTICLES for t in tokens)
        ):
            names.extend(_pair_names(tokens))
        else:
            names.append(" ".join(tokens))
    return names


def _surname_first(text: str) -> list[str]:
    """ "Salden, A.H.; Goedvolk, E.-J.; Ter Doest, H." -> ["A.H. Salden", "E.-J. Goedvolk", ...]"""
    names = []
    for part in text.split(";"):
        part = strip_marks(part, names=True).strip(" .")
        surname, _, given = part.partition(",")
        names.append(f"{given.strip()} {surname.strip()}".strip() if given else surname.strip())
    return [n for n in names if n]


def _pair_names(tokens: list[str]) -> list[str]:
    """Split 'Jake Poznanski Luca Soldaini' into given-name [initials] surname groups."""
    names, current = [], []
    for tok in tokens:
        current.append(tok)
        if len(current) >= 2 and not _INITIAL.match(tok):
            names.append(" ".join(current))
            current = []
    if current:
        if names:
            names[-1] += " " + " ".join(current)
        else:
            names.append(" ".join(current))
    return names


def is_name(name: str) -> bool:
    """Whether a piece of a name line reads as one person's name."""
    tokens = name.split()
    if not 1 <= len(tokens) <= 6 or len(name) > 60:
        return False
    if len(tokens) == 1 and not re.fullmatch(r"(?:[A-Z][a-z]?\.-?){1,3}[A-Z][\w’'\-]+", name):
        return False  # a lone word is not a name, unless "Yu.A.Pusep"-style initials + surname
    if any(p.search(name) for p in (_NOT_NAME, AFFIL_WORDS)) or COUNTRY_OR_STATE.match(name):
        return False  # "United Kingdom" after "University of Edinburgh, ... and"
    if any(c.isdigit() for c in name):
        return False
    if tokens[-1].lower() in _TRAILING:
        return False  # "Lucas van" / "María de la": a name cut at the end of a line
    if any(len(t) >= 3 and t.isupper() and t.isalpha() for t in tokens):
        return False  # an acronym: "ETH Zürich", "IBM Research"
    if name.isupper() and len(name.replace(" ", "").replace(".", "")) > 6:
        return False
    capitals = 0
    for tok in tokens:
        if tok.lower() in _PARTICLES:
            continue
        if not (tok[0].isupper() or tok[0] in "’'") or not _WORD.match(tok):
            return False
        capitals += 1
    return capitals >= 1 and not all(
        _INITIAL.match(t) for t in tokens if t.lower() not in _PARTICLES
    )


_GROUP = re.compile(
    r"^(?:the\s+)?((?:[A-Z][\w&’'\-]*\s+){1,6}(?:Consortium|Collaboration|Collaborative"
    r"|Investigators|Study Group|Working Group|Research Group|Group|Network|Team|Initiative"
    r"|Society))$"
)


def group_author(piece: str) -> str | None:
    """A group that signs as an author ("the Viral Hemorrhagic Fever Consortium"), or None."""
    m = _GROUP.match(piece.strip())
    return m.group(1).strip() if m else None


def names_in(text: str) -> tuple[list[str], list[str]]:
    """(the names on a line, the pieces that are not names). A line that opens with something
    other than a name ("Center for ..., Oregon Health & ...") holds no names: names come first
    on a name line, an affiliation may follow them ("Tom Hammel, Teledyne Energy Systems")."""
    pieces = split_names(text)
    if not pieces or not is_name(pieces[0]):
        return [], pieces
    names, rest = [], []
    for k, piece in enumerate(pieces):
        group = group_author(piece) if len(pieces) > 2 else None
        if is_name(piece) or group or _mononym(pieces, k):
            names.append(group or piece)
        else:
            rest.append(piece[1:-1] if piece[:1] == "(" and piece[-1:] == ")" else piece)
    return names, rest


def _mononym(pieces: list[str], k: int) -> bool:
    """A one-word name in a list of names ("..., Shi Xu, Mausam, and Oren Etzioni"): set
    between two names, never last (it could be a given name cut off at the line's end)."""
    if not 0 < k < len(pieces) - 1 or not re.fullmatch(r"[A-Z][a-zà-ÿ]{2,}", pieces[k]):
        return False
    return is_name(pieces[k - 1]) and is_name(pieces[k + 1]) and not AFFIL_WORDS.search(pieces[k])


def _name_words(name: str) -> list[str]:
    """A name's words folded for comparison: no accents, no case, no dots or hyphens."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[.\-‐'’]", " ", plain).split()


def spelled_better(printed: str, other: str) -> bool:
    """Whether `other` (the PDF's metadata) is the person the page printed as `printed`, with
    what the text layer garbled restored: the same words in the same order, where the page has
    the name cut after an initial ("Martin J" for "Martin J. Wainwright"), an initial read with
    a stray letter ("Brian Dw Ziebart" for "Brian D. Ziebart"), or no accents. A form that drops a
    word the page prints ("A. Shokrollahi" for "Arman Shokrollahi") is never better; that the
    page prints the words it adds is the caller's to check."""
    page, meta = _name_words(printed), _name_words(other)
    if not page or len(page) > len(meta) or not is_name(other):
        return False
    if page == meta:
        return _accents(other) > _accents(printed)
    for word, form in zip(page, meta, strict=False):
        stray = len(form) == 1 and len(word) == 2 and word[0] == form
        if word != form and not stray:
            return False
    return len(page) == len(meta) or len(page[-1]) <= 2  # a name never ends with an initial


def _accents(text: str) -> int:
    return sum(1 for c in text if c.isalpha() and not c.isascii())
