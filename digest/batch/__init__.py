"""The provider's Batch API: many papers' requests in one file, answered within 24 h at the batch
price, under limits apart from the online ones.

ledger.py  the store's record of every file and batch (what was planned, uploaded, created,
           collected), so a process that exits at any step resumes without sending twice
files.py   the JSONL request files: one line per paper, split at the provider's limits
api.py     the files and batches endpoints, through the run's OpenAI client

The order of the steps (gather -> submit, poll -> collect -> report) is digest.pipeline.batch's.
"""

from __future__ import annotations

from .files import MAX_FILE_BYTES, MAX_REQUESTS, RequestFile, request_files
from .ledger import TERMINAL, BatchLedger

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_REQUESTS",
    "TERMINAL",
    "BatchLedger",
    "RequestFile",
    "request_files",
]
