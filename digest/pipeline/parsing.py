"""Where a run's PDFs are parsed: worker processes when they pay for themselves, else a thread.

A spawned worker costs about 0.3 s of CPU before its first paper (an interpreter and
digest.pdf), and parsing a PDF takes from 20 ms (one small page) to a second or two (forty
pages). So the pool is sized from the PDFs the store does not already hold, by an estimate of
their parse time from their size: under :data:`POOL_PAYS_AFTER` seconds of parsing, one thread
of the main process does it; above, one process per core (at most one per PDF).

The workers are started as soon as the run opens, before the LLM client is imported, so the
two overlap; each worker imports digest.pdf in its initializer (digest.workers), so the first
paper is not slower than the rest.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from ..ids import file_sha256
from ..pdf import parser_version
from ..store import Store
from ..workers import LOGGERS, start_worker

__all__ = ["POOL_PAYS_AFTER", "estimated_seconds", "hash_files", "open_pool", "pool_size"]

log = logging.getLogger(__name__)

# Parse time by file size, fitted from above on the 67 papers of ../shared/corpus{,-wide} and
# one-page synthetic papers: 20 ms per file, 1.2 ms per KB, at most 0.6 s per file (a large file
# is mostly images, which are not read).
SECONDS_PER_FILE = 0.02
SECONDS_PER_KB = 0.0012
MOST_SECONDS_PER_FILE = 0.6
POOL_PAYS_AFTER = 0.7  # estimated seconds of parsing above which processes win on 2 cores


def estimated_seconds(size: int) -> float:
    """The rough time to parse a PDF of `size` bytes in one process."""
    return min(SECONDS_PER_FILE + SECONDS_PER_KB * size / 1024, MOST_SECONDS_PER_FILE)


def pool_size(sizes: Sequence[int], *, cores: int, limit: int | None = None) -> int:
    """Worker processes for PDFs of these sizes: 0 (parse in a thread) when processes would
    not pay for their start-up, else one per core, at most one per PDF and `limit`."""
    most = min(limit or cores, cores, len(sizes))
    if most <= 1 or sum(map(estimated_seconds, sizes)) < POOL_PAYS_AFTER:
        return 0
    return most


def hash_files(pdfs: Sequence[Path]) -> dict[Path, str]:
    """The content hash of each PDF that can be read (the run reports the others)."""
    hashes = {}
    for path in pdfs:
        try:
            hashes[path] = file_sha256(path)
        except OSError:
            continue
    return hashes


def open_pool(
    hashes: dict[Path, str],
    store: Store | None,
    limit: int | None = None,
    *,
    cores: int | None = None,
) -> Executor:
    """The parse pool for these PDFs (path -> content hash), its workers already starting;
    the caller shuts it down. Contents the store has parsed with this parser do not count."""
    parser = parser_version()
    sizes = {
        sha256: _size(path)
        for path, sha256 in hashes.items()
        if store is None or not store.has_paper(sha256, parser)
    }
    cores = cores or os.cpu_count() or 1
    workers = pool_size(list(sizes.values()), cores=cores, limit=limit)
    if workers == 0:
        return ThreadPoolExecutor(max_workers=1)
    log.info("parsing %d PDF(s) in %d worker processes", len(sizes), workers)
    levels = {name: logging.getLogger(name).getEffectiveLevel() for name in LOGGERS}
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(levels,),
    )
    for _ in range(workers):  # a spawn pool starts a worker per job waiting for one: start all
        pool.submit(math.fsum, ())
    return pool


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
