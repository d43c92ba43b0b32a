"""Checks of an LLM's facts against the text it was sent: nothing may be invented.

Each check returns complaints, sentences the model can act on when re-asked:

- evidence: every phrase carries a short verbatim quote; the quote must occur in the text sent,
  compared without case, spacing, punctuation, hyphenation or unicode form differences;
- numbers: every figure in method, problem and result must be a figure of that text ("2.8倍"
  matches "2.8×", "38.9%" matches "38.9 %", "30%" matches "30.0%");
- institutions: a name must be one of the institutions the parser read from the paper, or,
  when it read none, be printed in the text sent, so the brief never credits an institution
  the paper does not name.

Failures are re-asked once with the complaints (extract.Extractor); what still fails is kept
as a warning on the paper's record and in the report, never silently.
"""

from __future__ import annotations

from .facts import PaperFacts, numbers_in
from .institutions import compare
from .strings import match_key

__all__ = ["check_facts", "unsupported_institutions"]

MIN_QUOTE = 12  # characters of letters and digits: shorter quotes prove nothing


def check_facts(facts: PaperFacts, source: str, candidates: list[str]) -> list[str]:
    """Complaints about `facts` given the text sent (`source`) and the parser's institutions."""
    complaints = []
    text = match_key(source)
    for field in ("method", "problem", "result"):
        quote = getattr(facts, f"{field}_evidence")
        key = match_key(quote)
        if len(key) < MIN_QUOTE:
            complaints.append(
                f"{field}_evidence {quote!r} is too short to show where {field} comes from; "
                "quote a phrase of the paper text word for word"
            )
        elif key not in text:
            complaints.append(
                f"{field}_evidence {quote!r} does not occur in the paper text; "
                "quote the paper word for word"
            )
    figures = numbers_in(source)
    for field in ("method", "problem", "result"):
        missing = sorted(n for n in numbers_in(getattr(facts, field)) if n not in figures)
        if missing:
            shown = ", ".join(f"{n:g}" for n in missing)
            complaints.append(
                f"{field} cites {shown}, which the paper text does not contain; "
                "use only figures that appear in the paper"
            )
    invented = unsupported_institutions([i.name for i in facts.institutions], candidates, text)
    if invented:
        complaints.append(
            f"institutions {'; '.join(invented)} are not among the paper's affiliations; "
            "name only institutions the paper lists"
        )
    return complaints


def unsupported_institutions(names: list[str], candidates: list[str], text_key: str) -> list[str]:
    """The names the paper does not support: not among the parser's candidates when there are
    any, else not printed in the text (`text_key`: the text sent, through match_key)."""
    if candidates:
        return list(compare(names, candidates).added)
    return [name for name in names if match_key(name) not in text_key]
