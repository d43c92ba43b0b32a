"""Fuzzy matching of parsed headers against ground truth (tests, bench_corpus, eval_metadata).

- titles: :func:`title_match` (similarity >= 0.9) and :func:`title_exact` (equal after case,
  Unicode and whitespace normalisation);
- authors: :func:`name_key` (accents, case, dots and hyphens ignored) and :func:`match_counts`
  with :func:`names_equal` for precision/recall/F1;
- institutions: :func:`institution_match` (similar strings, or one's words cover the other's);
- venues: :func:`venue_match` (similarity >= 0.85 after normalisation, both absent agree);
- abstracts: :func:`abstract_ratio` (difflib similarity of the normalised texts);
- output hygiene: :func:`leftover_marks` and :func:`broken_hyphens` count what a careful reader
  would not have written.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Sequence

from digest.pdf.clean import Vocabulary

TITLE_MIN = 0.9
ABSTRACT_MIN = 0.9
ABSTRACT_STRICT = 0.95  # the eval's bar for "abstract correct"
INSTITUTION_MIN = 0.8
# a venue's name as read and as printed: case, Unicode quotes and spacing never count, and a
# superscript ordinal the text layer drops ("30th" -> "30") or a glyph it mis-decodes costs
# under 0.15 on the names of corpus/ and corpus-wide/ (the shortest, "GLIA", is compared whole)
VENUE_MIN = 0.85


def norm(text: str | None) -> str:
    """Case-fold, NFKC, unify quotes/dashes and collapse whitespace for comparison."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[‐‑‒–—]", "-", text)
    return " ".join(text.split())


def ratio(got: str | None, expected: str | None) -> float:
    """difflib similarity of the normalised strings (1.0 = identical)."""
    return difflib.SequenceMatcher(None, norm(got), norm(expected), autojunk=False).ratio()


def title_match(got: str | None, expected: str | None) -> bool:
    return ratio(got, expected) >= TITLE_MIN


def title_exact(got: str | None, expected: str | None) -> bool:
    """Equal after case, Unicode (NFKC, quotes, dashes) and whitespace normalisation."""
    return bool(expected) and norm(got) == norm(expected)


def abstract_ratio(got: str | None, expected: str | None) -> float:
    return ratio(got, expected)


def fold(text: str) -> str:
    """Lower case without accents: 'Zdeborová' -> 'zdeborova', 'Oğuz' -> 'oguz'."""
    decomposed = unicodedata.normalize("NFKD", norm(text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """A person's name for matching: accents, case, dots, hyphens and apostrophes ignored."""
    return " ".join(re.sub(r"[.\-'’,]", " ", fold(name)).split())


def names_equal(got: str, expected: str) -> bool:
    return name_key(got) == name_key(expected)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def institution_similarity(got: str, expected: str) -> float:
    """Similarity of two institution strings (1.0 = same).

    The larger of the difflib ratio of the folded strings and the share of the longer one's
    words that the shorter one has, when the shorter names at least two thirds of the
    longer's words ("University of Illinois" vs "University of Illinois at Chicago" = 0.8).
    """
    a, b = " ".join(_words(got)), " ".join(_words(expected))
    if not a or not b:
        return 0.0
    best = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    wa, wb = a.split(), b.split()
    short, long_ = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    if set(short) <= set(long_):
        best = max(best, len(short) / len(long_))
    return best


def institution_match(got: str, expected: str) -> bool:
    return institution_similarity(got, expected) >= INSTITUTION_MIN


def venue_match(got: str | None, expected: str | None) -> bool:
    """The same venue: difflib similarity of the normalised names >= VENUE_MIN ("Proceedings of
    the 30 VLDB Conference" is "... 30th VLDB ..."); no venue matches only no venue."""
    if not got or not expected:
        return not got and not expected
    return ratio(got, expected) >= VENUE_MIN


def match_counts(
    got: Sequence[str], expected: Sequence[str], same: Callable[[str, str], bool]
) -> int:
    """How many items of ``expected`` are matched one-to-one by items of ``got`` (greedy)."""
    free = list(got)
    hits = 0
    for want in expected:
        k = next((i for i, item in enumerate(free) if same(item, want)), None)
        if k is not None:
            hits += 1
            free.pop(k)
    return hits


def f1(hits: int, n_got: int, n_expected: int) -> float:
    """F1 of ``hits`` true positives among ``n_got`` answers and ``n_expected`` truths."""
    if n_got == 0 and n_expected == 0:
        return 1.0
    return 2 * hits / (n_got + n_expected) if n_got + n_expected else 0.0


# --- output hygiene -----------------------------------------------------------------------

# A footnote or affiliation mark left in the output:
#  - a mark symbol (†‡§¶∗* and the like) or a superscript digit anywhere;
#  - digits glued to the end of a lower-case word before punctuation or the end ("setup1.");
#  - digits after a word's closing punctuation ("benchmarks.1 We");
#  - a lone number between a word and punctuation ("results 1 .").
LEFTOVER_MARK = re.compile(
    r"[†‡§¶∗*⋆★♠♣♦♥¹²³⁴⁵⁶⁷⁸⁹⁰]"
    r"|(?<=[a-z]{3})\d{1,2}(?=[.,;:]?(?:\s|$))"
    r"|(?<=[a-z]{2}[.,;:])\d{1,2}(?=\s|$)"
    r"|(?<=[A-Za-z])\s\d{1,2}\s(?=[.,;:])"
)


def leftover_marks(text: str | None) -> list[str]:
    """The footnote/affiliation marks left in ``text`` (see LEFTOVER_MARK)."""
    return [m.group(0).strip() for m in LEFTOVER_MARK.finditer(text or "")]


_CONJUNCTIONS = frozenset({"and", "or", "to", "nor", "vs", "versus", "as"})


def broken_hyphens(text: str | None, page: Vocabulary) -> list[str]:
    """Words of ``text`` whose line-break hyphenation was resolved wrongly, judged by ``page``
    (a :class:`Vocabulary` of the raw page lines: words and hyphenated compounds seen inside
    lines, never across a line break).

    - "compu- tation": a hyphen followed by a space and a lower-case word (not "token- and").
    - "compu-tation": hyphenated, but the page never prints it so inside a line while it does
      print the joined word "computation".
    - "selfsupervised": joined, but the page prints "self-supervised" inside a line and never
      the joined word.
    """
    found: list[str] = []
    for m in re.finditer(r"\b([^\W\d_]{2,})- ([a-z][^\W\d_]*)", text or ""):
        if m.group(2) not in _CONJUNCTIONS:
            found.append(m.group(0))
    for word in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)+", text or ""):
        low = word.lower()
        if not page.compounds.get(low) and page.known(low.replace("-", "")):
            found.append(word)
    for word in re.findall(r"[^\W\d_]{5,}", text or ""):
        low = word.lower()
        if page.known(low):
            continue
        for i in range(2, len(low) - 1):
            if page.compounds.get(f"{low[:i]}-{low[i:]}"):
                found.append(word)
                break
    return found


__all__ = [
    "ABSTRACT_MIN",
    "ABSTRACT_STRICT",
    "INSTITUTION_MIN",
    "TITLE_MIN",
    "VENUE_MIN",
    "abstract_ratio",
    "broken_hyphens",
    "f1",
    "fold",
    "institution_match",
    "institution_similarity",
    "leftover_marks",
    "match_counts",
    "name_key",
    "names_equal",
    "norm",
    "ratio",
    "title_exact",
    "title_match",
    "venue_match",
]
