"""The meaning check: does each phrase of a brief say what its own quotes say?

The lexical checks (digest.checks) hold a phrase to its quotes' figures, terms and names; they
cannot compare a Chinese claim with an English quote, so a fluent wrong claim in Chinese passes
them. A reader of both languages can: one small request per paper (its own prompt files,
prompts/verify_*.md, and its own schema, digest.facts.PhraseVerdicts) carrying the three
phrases and their quotes only, no other paper text, asks for a verdict per phrase:

    supported  kept
    partly     kept, with a note naming what the quotes do not say
    not        re-asked once with that reason (llm.Extractor), then left out with a note

    Verifier.check(extraction)            online: the extraction with the verdicts applied
    Verifier.body(facts)                  the request, as a Batch API line carries it
    Verifier.from_batch(extraction, ...)  a Batch API answer's verdicts applied
    claims(facts)                         the phrases and quotes prompts/verify_user.md lays out
    judged(verdicts)                      the Unsupported records the verdicts make

A check that cannot be done (refused, cut, invalid, no room under the run's limits) leaves the
paid answer standing, unchecked, its `verify_error` said in a note.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..checks import complaint
from ..costs import Price
from ..errors import ExtractionError
from ..facts import PaperFacts, PhraseVerdicts
from ..models import KEPT, Extraction, Unsupported, Usage
from ..prompts import Prompt
from ..strings import one_line
from .answer import Completion, InvalidAnswer, read_answer, usage_of
from .asking import Admit, Asker

if TYPE_CHECKING:
    from .client import Transport

__all__ = ["PARTS", "Verifier", "claims", "judged"]

log = logging.getLogger(__name__)
LABEL = "meaning check"

PARTS = ("method", "problem", "result")
_REASONS = {"not": "meaning", "partly": "partly"}
MOST_WORDS = 60  # characters of the checker's "unsupported" words a note shows


class Verifier:
    """Asks the meaning check of the run's extractions (its prompts, its schema)."""

    def __init__(
        self, asker: Asker, system: Prompt, user: Prompt, transport: Transport | None
    ) -> None:
        self.asker, self.system, self.user, self.transport = asker, system, user, transport

    def messages(self, facts: PaperFacts) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system.render()},
            {"role": "user", "content": self.user.render(**claims(facts))},
        ]

    def body(self, facts: PaperFacts) -> dict[str, Any]:
        """The check's request body in the transport's mode (a Batch API line carries it)."""
        assert self.transport is not None, "an Extractor without a client has no transport"
        return self.transport.body(self.transport.mode, self.messages(facts), PhraseVerdicts)

    async def check(self, extraction: Extraction, admit: Admit | None) -> Extraction:
        """The extraction with the verdicts on its phrases applied (online)."""
        try:
            verdicts, spent, _ = await self.asker.structured(
                self.messages(extraction.facts), PhraseVerdicts, {}, LABEL, admit
            )
        except ExtractionError as err:
            return _unchecked(extraction, err, err.usage or Usage())
        return _with(extraction, verdicts, spent)

    def from_batch(
        self, extraction: Extraction, completion: Completion, price: Price | None, limit: int
    ) -> Extraction:
        """The extraction with a Batch API answer's verdicts applied (priced at `price`)."""
        spent = usage_of(completion, price)
        try:
            verdicts = read_answer(completion, PhraseVerdicts, {}, LABEL, limit)
        except (InvalidAnswer, ExtractionError) as err:
            return _unchecked(extraction, err, spent)
        return _with(extraction, verdicts, spent)


def _with(extraction: Extraction, verdicts: PhraseVerdicts, spent: Usage) -> Extraction:
    """What the verdicts do not support joins the extraction's unsupported parts (a part
    the brief leaves out already is not judged again), with the check's cost."""
    left = {u.part for u in extraction.unsupported if u.reason not in KEPT}
    found = [u for u in judged(verdicts) if u.part not in left]
    return extraction.model_copy(
        update={
            "usage": extraction.usage + spent,
            "verify_usage": extraction.verify_usage + spent,
            "verdicts": verdicts,
            "unsupported": [*extraction.unsupported, *found],
            "warnings": [*extraction.warnings, *(complaint(u) for u in found)],
        }
    )


def _unchecked(extraction: Extraction, err: Exception, spent: Usage) -> Extraction:
    """The paid answer stands, unchecked; the note says so."""
    log.warning("the meaning check could not be done: %s", one_line(str(err)))
    return extraction.model_copy(
        update={
            "usage": extraction.usage + spent,
            "verify_usage": extraction.verify_usage + spent,
            "verify_error": one_line(str(err)),
        }
    )


def claims(facts: PaperFacts) -> dict[str, str]:
    """The phrases and their quotes, as prompts/verify_user.md lays them out for the checker
    (quotes as given: whether they are the paper's words is the lexical checks' question)."""
    shown = {}
    for part in PARTS:
        shown[part] = one_line(getattr(facts, part))
        shown[f"{part}_quotes"] = "\n".join(f"- {one_line(q)}" for q in facts.quotes(part)) or "-"
    return shown


def judged(verdicts: PhraseVerdicts) -> list[Unsupported]:
    """What the verdicts do not let the brief print as it stands: a phrase judged not
    supported ("meaning") or supported in part ("partly", kept with a note), with the words the
    checker names (cut short: they are the checker's words, shown in a note)."""
    found = []
    for part in PARTS:
        verdict = getattr(verdicts, part)
        if verdict.verdict == "supported":
            continue
        words = one_line(verdict.unsupported)[:MOST_WORDS]
        found.append(Unsupported(part=part, reason=_REASONS[verdict.verdict], value=words))
    return found
