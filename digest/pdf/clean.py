"""Text normalisation for extracted PDF text: pure functions, testable without PDFs.

- :func:`normalize` expands ligatures (NFKC) and recomposes the spacing accents pypdf emits
  before a letter ("Zolt´an" -> "Zoltán", "O˘guz" -> "Oğuz").
- :class:`Vocabulary` is built from the document itself and decides line-break hyphens
  (:func:`join_hyphen`): "compu-" + "tation" joins, "open-" + "vocabulary" keeps its hyphen.
- :func:`join_lines` turns wrapped lines into one paragraph; :func:`strip_marks` drops footnote
  and affiliation marks; :func:`is_noise_line` spots page numbers and arXiv side stamps.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

# spacing accent (as drawn before the letter) -> combining character
_ACCENTS = {
    "´": "\u0301", "`": "\u0300", "¨": "\u0308", "˘": "\u0306", "ˆ": "\u0302", "˜": "\u0303",
    "ˇ": "\u030c", "˚": "\u030a", "˙": "\u0307", "˝": "\u030b", "¯": "\u0304",
}  # fmt: skip
_ACCENT_BEFORE = re.compile(
    r"(?<=[A-Za-z])([´¨˘ˆ˜ˇ˚˙˝¯])\s?([A-Za-z])|(?<=[A-Za-z])(`)([aeiouAEIOU])"
)
_ACCENT_LEADING = re.compile(r"(?<![\w])([´¨˘ˇ˚˝])([A-Za-z])")
_DOTLESS = re.compile(r"([´`¨ˆ˜¯˘])\s?ı")
_CEDILLA = re.compile(r"([cCsStT])\s?¸|¸\s?([cCsStT])")
_SUPERSCRIPT_MARK = re.compile(r"(?<=[A-Za-z.,])[¹²³⁰⁴-⁹]+")
_KEEP = frozenset("™®©")  # NFKC would spell these out ("TM")
_KEEP_RE = re.compile("([™®©])")
_WS = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")

MARK_CHARS = "*∗†‡§¶⋄□♠♢♡♣♦⋆★☆\u2063"
_MARKS_RE = re.compile("[" + re.escape(MARK_CHARS) + "]")
_MARK_BEFORE_PUNCT = re.compile(r"(?<=[A-Za-z)\]])\s+\d{1,2}\s+(?=[.,;:])")
_MARK_AFTER_PUNCT = re.compile(r"(?<=[a-z)\]]{2}[.,;:])\d{1,2}(?=\s+[A-Z(]|\s*$)")

_ARXIV_STAMP = r"arXiv:\s?\d{4}\.\d{4,5}(?:v\d+)?\s*\[[\w.\-]+\]\s*\d{1,2}\s+\w{3,9}\.?\s+\d{4}"
_ARXIV = re.compile(rf"^\s*{_ARXIV_STAMP}\s*$")
_PAGE_NO = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
_CONJUNCTIONS = frozenset({"and", "or", "to", "vs", "versus", "nor", "as"})
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

# prefixes that form real compounds with a hyphen even when the joined word is unknown
PREFIXES = frozenset(
    {
        "self", "non", "multi", "open", "pre", "post", "co", "semi", "cross", "well", "state",
        "end", "high", "low", "long", "short", "fine", "real", "large", "small", "two", "three",
        "one", "single", "anti", "inter", "intra", "sub", "super", "meta", "data", "task",
        "model", "graph", "human", "zero", "few", "text", "image", "word", "sentence",
        "document", "token",
    }
)  # fmt: skip


def normalize(text: str) -> str:
    """Unicode clean-up: recompose split accents, expand ligatures (NFKC), unify spaces."""
    text = _SUPERSCRIPT_MARK.sub("", text)
    text = _DOTLESS.sub(r"\1i", text)  # TeX sets "í" as an accent over a dotless "ı"
    text = _CEDILLA.sub(lambda m: (m.group(1) or m.group(2)) + "\u0327", text)
    text = _ACCENT_BEFORE.sub(_recompose, text)
    text = _ACCENT_LEADING.sub(lambda m: m.group(2) + _ACCENTS[m.group(1)], text)
    text = "".join(
        part if part in _KEEP else unicodedata.normalize("NFKC", part)
        for part in _KEEP_RE.split(text)
    )
    text = text.replace("\u00ad", "")
    return text


def _recompose(m: re.Match[str]) -> str:
    accent, letter = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    return letter + _ACCENTS[accent]


def collapse_ws(text: str) -> str:
    """Collapse runs of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text.replace("\n", " ")).strip()


def is_noise_line(line: str) -> bool:
    """Page numbers and arXiv side stamps."""
    return bool(_PAGE_NO.match(line) or _ARXIV.match(line))


_STAMP_ID = re.compile(r"arXiv:\s?(\d{4}\.\d{4,5}(?:v\d+)?)\s*\[[\w.\-]+\]")


def arxiv_stamp_id(text: str) -> str | None:
    """The arXiv ID of a side stamp ("arXiv:2202.00535v1 [cs.CL] 1 Feb 2022"), if there is one."""
    m = _STAMP_ID.search(text)
    return m.group(1) if m else None


def strip_arxiv_stamp(text: str) -> str:
    """Remove an arXiv identifier stamp wherever it sits in ``text``."""
    return re.sub(_ARXIV_STAMP, " ", text)


def strip_marks(text: str, names: bool = False) -> str:
    """Drop footnote/affiliation marks: symbols always, stray digits before/after punctuation.

    With ``names=True`` (author lists) digits glued to words are dropped too ("Goldt1").
    """
    text = _MARKS_RE.sub(" ", text)
    text = _MARK_BEFORE_PUNCT.sub("", text)
    text = _MARK_AFTER_PUNCT.sub("", text)
    if names:
        text = re.sub(r"(?<=[^\W\d_])\d+(?:\s*,\s*\d+)*", "", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    return collapse_ws(text)


class Vocabulary:
    """Words seen in one document: plain words and hyphenated compounds seen inside lines."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self.words: Counter[str] = Counter()
        self.compounds: Counter[str] = Counter()
        after_hyphen = False
        for line in lines:
            self.add(line, after_hyphen)
            after_hyphen = line.rstrip().endswith("-")

    def add(self, line: str, after_hyphen: bool = False) -> None:
        """Count the words of one line; fragments around a line-break hyphen are not words."""
        tokens = line.split()
        if not tokens:
            return
        if after_hyphen:
            tokens = tokens[1:]
        if tokens and tokens[-1].endswith("-"):
            tokens = tokens[:-1]
        body = " ".join(tokens)
        for token in _WORD.findall(body):
            low = token.lower()
            if "-" in low:
                self.compounds[low] += 1
                for part in low.split("-"):
                    self.words[part] += 1
            else:
                self.words[low] += 1

    def known(self, word: str) -> bool:
        return self.words.get(word.lower(), 0) > 0


def join_hyphen(left: str, right: str, vocab: Vocabulary) -> bool:
    """Decide whether ``left-`` + ``right`` (split at a line break) is one word: True = join.

    Keep the hyphen when the hyphenated form occurs elsewhere, when the second part is
    capitalised or a number, or when the joined word is unknown while both parts are words (or
    the first is a common compound prefix). Join when the joined form occurs elsewhere or
    when a part is not a word.
    """
    if not left or not right or not left[-1].isalpha():
        return False
    if not right[0].isalpha() or right[0].isupper():
        return False
    low_left, low_right = left.lower(), right.lower()
    last = low_left.split("-")[-1]
    if vocab.compounds.get(f"{last}-{low_right}", 0):
        return False
    if vocab.known(last + low_right):
        return True
    left_word = (len(last) >= 3 and vocab.known(last)) or last in PREFIXES
    right_word = len(low_right) >= 3 and vocab.known(low_right)
    return not (left_word and right_word)


def join_lines(lines: Iterable[str], vocab: Vocabulary | None = None) -> str:
    """Join wrapped lines into one paragraph, resolving line-break hyphens with ``vocab``."""
    vocab = vocab or Vocabulary()
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha():
            left = out.split()[-1][:-1] if out.split() else ""
            right = re.match(r"[^\W\d_]*", line)
            right_word = right.group(0) if right else ""
            if right_word.lower() in _CONJUNCTIONS:  # "token- and sentence-level"
                out = f"{out} {line}"
            elif join_hyphen(left, right_word, vocab):
                out = out[:-1] + line
            else:
                out += line
        else:
            out = f"{out} {line}" if out else line
    return collapse_ws(out)


def fix_inline_hyphens(text: str, vocab: Vocabulary) -> str:
    """Repair "Sci- ence" (a line-break hyphen already joined with a space) where safe."""

    def repl(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if right.lower() in _CONJUNCTIONS:
            return m.group(0)
        if vocab.known(left + right) or not (vocab.known(left) and vocab.known(right)):
            return left + right
        return m.group(0)

    return re.sub(r"\b([^\W\d_]{2,})- ([a-z][^\W\d_]*)", repl, text)


def clean_paragraph(lines: Iterable[str], vocab: Vocabulary | None = None) -> str:
    """normalize + join + mark removal: the text of one paragraph as a careful reader writes it."""
    vocab = vocab or Vocabulary()
    joined = join_lines((normalize(ln) for ln in lines), vocab)
    joined = fix_inline_hyphens(joined, vocab)
    joined = split_run_together(joined, vocab)
    return strip_marks(strip_arxiv_stamp(joined))


_RUN_TOGETHER = re.compile(r"[^\W\d_]{20,}")
_SHORT_WORDS = frozenset(
    {"a", "an", "as", "at", "be", "by", "in", "is", "it", "of", "on", "or", "to", "we"}
)


def split_run_together(text: str, vocab: Vocabulary) -> str:
    """Put back the spaces of words run together ("wereidentifiedusingPubMed").

    Only a letter run of 20+ characters is a candidate (English words that long are rare), and it
    is split only when it cuts into three or more words that the document uses elsewhere
    (pieces of one or two letters only if they are common short words); the fewest pieces win.
    Left alone: parts of URLs, paths and e-mails, CamelCase names ("SetReturnAllVersions"), and
    long words the document uses more than once.
    """

    def repl(m: re.Match[str]) -> str:
        before, after = text[m.start() - 1 : m.start()] or " ", text[m.end() : m.end() + 1] or " "
        wrapped_url = text[max(0, m.start() - 2) : m.start()].rstrip().endswith("/")
        if wrapped_url or before in "/.:@_" or after in "/@_":
            return m.group(0)  # part of a URL, path, e-mail or identifier
        if vocab.words.get(m.group(0).lower(), 0) >= 2:  # a long word the paper keeps using
            return m.group(0)
        pieces = _segment(m.group(0), vocab)
        if not pieces or len(pieces) < 3 or all(p[0].isupper() for p in pieces):
            return m.group(0)  # too few words, or a CamelCase name ("SetReturnAllVersions")
        return " ".join(pieces)

    return _RUN_TOGETHER.sub(repl, text)


def _segment(token: str, vocab: Vocabulary) -> list[str] | None:
    low = token.lower()
    n = len(low)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(max(0, end - 24), end):
            prev = best[start]
            word = low[start:end]
            if prev is None or (len(word) <= 2 and word not in _SHORT_WORDS):
                continue
            if not vocab.known(word) or word == low:
                continue
            current = best[end]
            if current is None or len(prev) + 1 < len(current):
                best[end] = [*prev, token[start:end]]
    return best[n]


def repeated_lines(pages: list[list[str]], min_pages: int = 3) -> set[str]:
    """Lines (digits masked) that recur at the top or bottom of several pages: headers/footers."""
    if len(pages) < min_pages:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = set(lines[:3] + lines[-3:])
        counts.update({_mask(ln) for ln in edge if ln.strip()})
    return {key for key, n in counts.items() if n >= min_pages and len(key) > 3}


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", collapse_ws(line)).lower()


def is_repeated(line: str, repeated: set[str]) -> bool:
    return _mask(line) in repeated


# --- garbled text layers ------------------------------------------------------------------

# The most frequent letter pairs of English prose (they are frequent in French, German, Spanish
# too). Real pages have about half their in-word letter pairs among them (0.49-0.60 on the shared
# corpus); a font encoding that shifts every letter drops that to 0.15-0.23 for any shift.
_COMMON_PAIRS = frozenset(
    {
        "th", "he", "in", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te", "of",
        "ed", "is", "it", "al", "ar", "st", "to", "nt", "ng", "se", "ha", "as", "ou", "io", "le",
        "ve", "co", "me", "de", "hi", "ri", "ro", "ic", "ne", "ea", "ra", "ce", "li", "ch", "ll",
        "be", "ma", "si", "om", "ur",
    }
)  # fmt: skip
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
GARBLED_PAIRS = 0.33  # below this share of common letter pairs the text is not language
GARBLED_LETTERS = 0.4  # below this share of letters among visible glyphs it is not text
_MIN_PAIRS = 200  # too little Latin text (or another script) to judge: never garbled
_MIN_GLYPHS = 200
_SAMPLE = 4000  # characters judged: enough for both tests, cheap on dense pages


def garbled_reason(text: str) -> str | None:
    """Why ``text`` (one page) is not language, or None when it reads as text or is too short.

    Two cheap tests: the share of letters among the visible glyphs (a broken encoding often
    yields symbols, private-use or control characters) and the share of in-word letter pairs that
    are among the most common pairs of Latin-script prose (a shifted or scrambled encoding keeps
    letters but loses them). Words run together keep their letter pairs, so they pass.
    """
    text = text[:_SAMPLE]
    glyphs = len(text) - sum(map(str.isspace, text))
    if glyphs >= _MIN_GLYPHS:
        letters = sum(map(str.isalpha, text)) / glyphs
        if letters < GARBLED_LETTERS:
            return f"only {letters:.0%} of {glyphs} glyphs on page 1 are letters"
    pairs = common = 0
    for word in _LATIN_WORD.findall(text):
        low = word.lower()
        pairs += len(low) - 1
        common += sum(low[i : i + 2] in _COMMON_PAIRS for i in range(len(low) - 1))
    if pairs >= _MIN_PAIRS and common / pairs < GARBLED_PAIRS:
        return f"page 1 letters do not form words ({common / pairs:.0%} common letter pairs)"
    return None
