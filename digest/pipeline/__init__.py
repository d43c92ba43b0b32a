"""Pipeline: the only package that knows the order of the stages.

    gather:  inputs.resolve -> entries (arXiv, feeds, abstract files) -> identify PDFs by content
             -> pdf.parse_pdf (worker processes) -> merge a PDF with its entry      [gather.py]
             -> else with arXiv's entry of its stamp (batched)        [lookup.py, stamps.py]
             -> else with Crossref's record of its DOI                              [lookup.py]
    engine:  select -> llm.Extractor (LlmEngine), or offline.offline_facts (OfflineEngine),
             behind the store                                                      [engines.py]
    results: compose -> PaperResult, notices as codes                              [results.py]

`run` (run.py), `estimate` (estimate.py) and `regenerate` (regenerate.py) are each gather ->
engine -> results; context.py opens what a run shares (engine, store, limits, parse pool) and
history.py reads the last run back from the store.

With a store (Settings.store), every stage first asks it: a paper already parsed is not parsed
again, an extraction whose request key is done is not requested again, and each new result is
committed as soon as it exists, so an interrupted run resumes where it stopped.

Papers run concurrently (at most `settings.concurrency` LLM calls at once). Parsing is pure-Python
CPU work, so it runs in a pool of worker processes (one per core) and never blocks the calls in
flight. One paper's failure is recorded on its result and never stops the batch. Files with the
same content are one paper, processed once. Papers are reported in a stable order: by title,
case-insensitively, ignoring spaces and punctuation (the seed report's order), then by file name.
"""

from .engines import draft_offline
from .estimate import EXPECTED_OUTPUT_TOKENS, Estimate, ModelCost, estimate, estimate_async
from .history import find_paper, last_report, last_settings, rerunnable
from .regenerate import regenerate, regenerate_async
from .run import Progress, run, run_async, sort_key

__all__ = [
    "EXPECTED_OUTPUT_TOKENS",
    "Estimate",
    "ModelCost",
    "Progress",
    "draft_offline",
    "estimate",
    "estimate_async",
    "find_paper",
    "last_report",
    "last_settings",
    "regenerate",
    "regenerate_async",
    "rerunnable",
    "run",
    "run_async",
    "sort_key",
]
