"""The meaning check: does each phrase of a brief say what its own quotes say?

The lexical checks (digest.checks) hold a phrase to its quotes' figures, terms and names; they
cannot compare a Chinese claim with an English quote, so a fluent wrong claim in Chinese passes
them. A reader of both languages can: one small request per paper (its own prompt files,
prompts/verify_*.md, and its own schema, digest.facts.PhraseVerdicts) carrying the three
phrases and their quotes only, no other paper text, asks for a verdict per phrase:

    supported  kept
    partly     kept, with a note naming what the quotes do not say
    not        re-asked once with that reason (llm.Extractor), then left out with a note

    claims(facts)             the request's user message
    judged(verdicts, facts)   the Unsupported records the verdicts make
"""

from __future__ import annotations

from ..facts import PaperFacts, PhraseVerdicts
from ..models import Unsupported

__all__ = ["PARTS", "claims", "judged"]

PARTS = ("method", "problem", "result")
_REASONS = {"not": "meaning", "partly": "partly"}
MOST_WORDS = 60  # characters of the checker's "unsupported" words a note shows


def claims(facts: PaperFacts) -> str:
    """The phrases and their quotes, as the checker reads them (quotes as given: whether they
    are the paper's words is the lexical checks' question)."""
    blocks = []
    for part in PARTS:
        quotes = "\n".join(f"- {_line(q)}" for q in facts.quotes(part)) or "-"
        blocks.append(f"{part}\n短语：{_line(getattr(facts, part))}\n引文：\n{quotes}")
    return "\n\n".join(blocks)


def judged(verdicts: PhraseVerdicts, facts: PaperFacts) -> list[Unsupported]:
    """What the verdicts do not let the brief print as it stands: a phrase judged not
    supported ("meaning") or supported in part ("partly", kept with a note), with the words the
    checker names (cut short: they are the checker's words, shown in a note)."""
    found = []
    for part in PARTS:
        verdict = getattr(verdicts, part)
        if verdict.verdict == "supported":
            continue
        words = _line(verdict.unsupported)[:MOST_WORDS]
        found.append(Unsupported(part=part, reason=_REASONS[verdict.verdict], value=words))
    return found


def _line(text: str) -> str:
    return " ".join(text.split())
