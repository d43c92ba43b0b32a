"""What a parsing worker process runs before its first paper (digest.pipeline.parsing).

Workers are spawned (a fresh interpreter each) and import what the functions they are given
live in, so this module imports nothing but logging at the top: a worker loads this and
digest.pdf, never the pipeline, the LLM client or tiktoken.
"""

from __future__ import annotations

import importlib
import logging

__all__ = ["LOGGERS", "start_worker"]

LOGGERS = ("", "digest", "pypdf")


def start_worker(levels: dict[str, int]) -> None:
    """In a worker: log no more than the parent process would (e.g. no pypdf noise without
    -v), and import the PDF reader now, while the parent is still opening the run."""
    logging.basicConfig(level=levels[""], format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    importlib.import_module("digest.pdf")
