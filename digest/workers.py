"""What a parsing worker process runs before its first paper (digest.pipeline.parsing).

Workers are spawned (a fresh interpreter each) and import what the functions they are given
live in, so this module imports nothing but logging at the top: a worker loads this and
digest.pdf, never the pipeline, the LLM client or tiktoken.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait

__all__ = ["LOGGERS", "exit_with_parent", "start_worker"]

LOGGERS = ("", "digest", "pypdf")


def start_worker(levels: dict[str, int]) -> None:
    """In a worker: end with the parent, leave Ctrl-C to it (the parent stops the pool; a
    worker interrupted mid-paper would only print a traceback), log no more than it would (e.g.
    no pypdf noise without -v), and import the PDF reader now, while the parent is still
    opening the run."""
    exit_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=levels[""], format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    importlib.import_module("digest.pdf")


def exit_with_parent() -> None:
    """End this worker as soon as its parent process is gone, however it went (kill -9, the
    OOM killer): an orphaned worker would otherwise wait for work forever."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
