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
import logging
from functools import cache
from importlib import resources
from pathlib import Path

from ..facts import PaperFacts
from ..models import Paper
from .institutions import institution_zh, paper_institutions, reduce_affiliation
from .method import method
from .problem import problem
from .result import result
from .sentences import paper_sentences, paper_texts, split_sentences, trim

__all__ = [
    "institution_zh",
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
    sentences = paper_sentences(paper)
    title = " ".join(paper.title.split())
    phrases = {
        "method": method(sentences, title),
        "problem": problem(sentences, title),
        "result": result(sentences, title),
    }
    # The phrases are the paper's own words, so each is its own evidence.
    evidence = {f"{field}_evidence": phrase[:200] for field, phrase in phrases.items()}
    values = {"institutions": paper_institutions(paper), **phrases, **evidence}
    source = "\n".join([title, paper.first_page, *(text for _, text in paper_texts(paper))])
    log.debug("offline facts for %s: %s", paper.source, values)
    return PaperFacts.model_validate(values, context={"source_text": source})
