"""The PDF parser as the pipeline sees it, without importing it: what a parsing worker process
runs (digest.pipeline.parsing), the parse call, and the parser's version.

Workers are spawned (a fresh interpreter each) and import what the functions they are given
live in, so this module imports nothing but the standard library at the top: a worker loads
this and digest.pdf, never the pipeline or the LLM client; and the main process of a run whose
PDFs are parsed by workers never loads digest.pdf (pypdf) at all. Given the LLM engine's
budget, a worker also selects and counts each paper's excerpt (:func:`parse_prepared`), so the
main process sends its first requests without loading a tokenizer (~0.2 s): the workers load
it while the main process imports the LLM client.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from functools import cache
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .excerpt import Budget
    from .models import PreparedExcerpt
    from .paper import Paper

__all__ = [
    "LOGGERS",
    "WORKER_NICENESS",
    "exit_with_parent",
    "parse_pdf",
    "parse_prepared",
    "parser_version",
    "start_worker",
    "yield_cpu",
]

LOGGERS = ("", "digest", "pypdf")
WORKER_NICENESS = 10  # how much lower a parsing worker's CPU priority is than its parent's


def start_worker(levels: dict[str, int], budget: Budget | None = None) -> None:
    """In a worker: end with the parent, leave Ctrl-C to it (the parent stops the pool; a
    worker interrupted mid-paper would only print a traceback), yield the CPU to it, log no
    more than it would (e.g. no pypdf noise without -v), and import the PDF reader now, while
    the parent is still opening the run; with a `budget`, load its tokenizer too."""
    exit_with_parent()
    yield_cpu()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=levels[""], format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    importlib.import_module("digest.pdf")
    if budget is not None:
        budget.counter()


def yield_cpu() -> None:
    """Lower this worker's scheduling priority (nice +WORKER_NICENESS). One worker per core
    plus the parent is one process more than there are cores: while the parent starts up
    (the LLM client's import alone is ~0.5 s) or sends requests, parsing ahead is what should
    wait, not the run's first request. Idle cores still go to the workers. Where the OS has
    no nice (Windows) or refuses it, the worker runs at the parent's priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.nice(WORKER_NICENESS)


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


def parse_pdf(path: Path) -> Paper:
    """digest.pdf.parse_pdf, imported where it runs (in a worker, or in the thread that parses
    when there is no pool)."""
    from .pdf import parse_pdf as parse

    return parse(path)


def parse_prepared(
    budget: Budget | None, parse: Callable[[Path], Paper], path: Path
) -> tuple[Paper, PreparedExcerpt | None]:
    """The parsed paper, with its excerpt selected and counted under `budget` when there is
    one (what a pool's worker or thread runs; `parse` is parse_pdf, or a test's stand-in)."""
    paper = parse(path)
    return paper, budget.prepare(paper) if budget is not None else None


@cache
def parser_version() -> str:
    """Hash of the PDF parser's code (every module of digest/pdf): a changed parser re-parses
    what the store holds. Read from the files, so asking does not import the parser."""
    digest = hashlib.sha256()
    for module in sorted((Path(__file__).parent / "pdf").glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:16]
