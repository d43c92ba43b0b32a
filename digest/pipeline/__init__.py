"""Pipeline: the only module that knows the order of the stages.

    inputs.resolve -> PDFs: identify (content hash) -> ingest.parse_pdf -+-> select
                   -> arXiv IDs, feeds, abstract files -> Paper ---------+   -> Extractor.facts
                                  (a PDF and its entry are merged: ingest.merge)  or offline_facts
                   -> compose -> Report

With a store (Settings.store), every stage first asks it: a paper already parsed is not parsed
again, an extraction whose request key is done is not requested again, and each new result is
committed as soon as it exists, so an interrupted run resumes where it stopped.

Papers run concurrently (at most `settings.concurrency` LLM calls at once). Parsing is pure-Python
CPU work, so it runs in a pool of worker processes (one per core) and never blocks the calls in
flight. One paper's failure is recorded on its result and never stops the batch. Files with the
same content are one paper, processed once. Papers are reported in a stable order: by title,
case-insensitively, ignoring spaces and punctuation (the seed report's order), then by file name.
"""

from .estimate import EXPECTED_OUTPUT_TOKENS, Estimate, estimate
from .regenerate import find_paper, regenerate
from .run import Progress, run, run_async, sort_key
from .stages import draft_offline

__all__ = [
    "EXPECTED_OUTPUT_TOKENS",
    "Estimate",
    "Progress",
    "draft_offline",
    "estimate",
    "find_paper",
    "regenerate",
    "run",
    "run_async",
    "sort_key",
]
