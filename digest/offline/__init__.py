"""Offline engine: fill PaperFacts from a parsed Paper with rules, no network and no model.

Each fact comes from the paper's own sentences, scored by cue words and trimmed to a phrase:

    institutions  affiliations (or the author block of page 1) reduced to the institution level,
                  named in Chinese from digest/data/institutions_zh.tsv
    method        "we propose/introduce/present X", "X is a ...", a name first when there is one
    problem       the sentence naming a gap ("However, ...", "suffer from", "remains challenging")
    result        the sentence with the headline figures (%, x, ms, "up to N"), kept verbatim

The abstract is read first, then the introduction and conclusion sections; the title is the last
resort. Pure and deterministic: the same Paper always gives the same PaperFacts.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..facts import PaperFacts
from ..models import Paper, Unsupported
from .institutions import institution_zh, paper_institutions, reduce_affiliation

if TYPE_CHECKING:
    from .sentences import Phrase, split_sentences, trim

__all__ = [
    "institution_zh",
    "offline_draft",
    "offline_facts",
    "offline_version",
    "reduce_affiliation",
    "split_sentences",
    "trim",
]

log = logging.getLogger(__name__)


@cache
def offline_version() -> str:
    """Hash of this engine's code (every module of this package) and its table: the offline
    analogue of a prompt hash."""
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    digest.update(resources.files("digest").joinpath("data/institutions_zh.tsv").read_bytes())
    return digest.hexdigest()


def offline_facts(paper: Paper) -> PaperFacts:
    """The facts of a brief, drawn by rules from the paper's own text (no network, no model)."""
    return offline_draft(paper)[0]


def __getattr__(name: str) -> Any:
    """The sentence helpers, imported on first use like the rules below (PEP 562)."""
    if name in ("split_sentences", "trim"):
        return getattr(importlib.import_module(".sentences", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def offline_draft(paper: Paper) -> tuple[PaperFacts, list[Unsupported]]:
    """The facts of a brief and the phrases the brief must leave out because the paper's text
    gave the rules nothing to say for them (their place in the facts holds the title, which
    is no method, problem or result: it only keeps the record complete).

    The rules (some 150 regular expressions, ~25 ms to compile) are imported here, on the
    first draft: an LLM run needs this package only for the institutions."""
    from .method import method, method_name
    from .problem import problem
    from .result import result
    from .sentences import Phrase, paper_sentences, trim

    sentences = paper_sentences(paper)
    title = " ".join(paper.title.split())
    how = method(sentences, title)
    found = {
        "method": how,
        "problem": problem(sentences, title),
        "result": result(sentences, title, method_name(how)),
    }
    stand_in = Phrase(trim(title, 120) or "?", title)
    chosen = {part: phrase or stand_in for part, phrase in found.items()}
    values = {
        "institutions": paper_institutions(paper),
        **{part: phrase.text for part, phrase in chosen.items()},
        # the phrases are the paper's own words; the evidence is the words they come from
        **{f"{part}_evidence": _quote(phrase) for part, phrase in chosen.items()},
    }
    log.debug("offline facts for %s: %s", paper.source, values)
    missing = [
        Unsupported(part=part, reason="not_found")
        for part, phrase in found.items()
        if phrase is None
    ]
    return PaperFacts.model_validate(values, context={"answer": True}), missing


def _quote(phrase: Phrase) -> str:
    """The evidence of a phrase: its quote, cut to what a quote may hold (200 characters), kept
    around the phrase's own words when the quote is a longer sentence."""
    quote = " ".join(phrase.quote.split())
    if len(quote) <= 200:
        return quote
    start = quote.find(phrase.text[:40])
    return quote[max(start, 0) : max(start, 0) + 200]
