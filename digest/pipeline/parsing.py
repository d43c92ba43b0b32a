"""Where a run's PDFs are parsed: worker processes when they pay for themselves, else a thread.

A spawned worker costs about 0.3 s of CPU before its first paper (an interpreter and
digest.pdf), and parsing a PDF takes from 20 ms (one small page) to a second or two (forty
pages). So the pool is sized from the PDFs the store does not already hold, by an estimate of
their parse time from their size: under :data:`POOL_PAYS_AFTER` seconds of parsing, one thread
of the main process does it; above, one process per core (at most one per PDF).

The workers are started as soon as the run opens, before the LLM client is imported, and are
given every PDF to parse right away (:meth:`ParsePool.prefetch`; :func:`parse_order`), so parsing
overlaps the client's import (~0.5 s) instead of starting after it: when the run sends its
first requests, the papers for them are parsed. Each worker imports digest.pdf in its initializer
(digest.workers), so the first paper is not slower than the rest.
"""

from __future__ import annotations

import asyncio
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from typing import NamedTuple

from ..errors import ParserDiedError
from ..excerpt import Budget
from ..ids import file_sha256
from ..inputs import MAX_PDF_BYTES, too_large
from ..models import Paper, PreparedExcerpt
from ..store import Store
from ..strings import shown_path
from ..workers import LOGGERS, parse_pdf, parse_prepared, parser_version, start_worker

__all__ = [
    "POOL_PAYS_AFTER",
    "ParsePool",
    "Parsed",
    "estimated_seconds",
    "hash_files",
    "open_pool",
    "parse_order",
    "pool_size",
    "usable_cores",
]

log = logging.getLogger(__name__)

# Parse time by file size, fitted from above on the 67 papers of ../shared/corpus{,-wide} and
# one-page synthetic papers: 20 ms per file, 1.2 ms per KB, at most 0.6 s per file (a large file
# is mostly images, which are not read).
SECONDS_PER_FILE = 0.02
SECONDS_PER_KB = 0.0012
MOST_SECONDS_PER_FILE = 0.6
POOL_PAYS_AFTER = 0.7  # estimated seconds of parsing above which processes win on 2 cores
WORKER_EXIT_SECONDS = 2.0  # a terminated worker exits in milliseconds; never hang on one


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
        if too_large(path, MAX_PDF_BYTES) is not None:
            continue
        try:
            hashes[path] = file_sha256(path)
        except OSError:
            continue
    return hashes


class Parsed(NamedTuple):
    """A parsed paper, with its excerpt when a worker prepared it (else None)."""

    paper: Paper
    prepared: PreparedExcerpt | None = None


_Result = tuple[Paper, PreparedExcerpt | None]  # what a parse job returns (parse_prepared)


class ParsePool:
    """Parses PDFs off the event loop: in worker processes, or in one thread (workers=0).

    A worker that dies (the OOM killer, a crash in the PDF library) breaks its whole process
    pool, failing every paper in it. So a paper whose parse meets a broken pool is parsed
    again in a fresh pool (made once per breakage); one that meets a broken pool twice is
    parsed alone (one such paper at a time, in a process of their own), and fails with
    :class:`ParserDiedError` only if that process dies too. Innocent papers are never lost to
    another paper's crash.
    """

    def __init__(
        self,
        workers: int,
        parse: Callable[[Path], Paper] = parse_pdf,
        budget: Budget | None = None,
    ) -> None:
        """`parse` runs in the workers: a module-level function they can import. With the LLM
        engine's `budget`, the workers also prepare each paper's excerpt (digest.workers); a
        pool of no processes (a thread) does not: the thread shares the main process's CPU."""
        self.workers = workers
        self.budget = budget if workers else None
        self._job: Callable[[Path], _Result] = partial(parse_prepared, self.budget, parse)
        self.executor: Executor = (
            self._processes(workers) if workers else ThreadPoolExecutor(max_workers=1)
        )
        self._alone: ProcessPoolExecutor | None = None  # one process for suspects, in turn
        self._one_at_a_time = asyncio.Lock()
        # parses started before they were asked for, with the executor each was given to
        self._ahead: dict[Path, tuple[Executor, Future[_Result]]] = {}

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is not None:  # Ctrl-C, a cancelled run: a parse in progress is not waited for
            self._stop_workers()
        self._shutdown(wait=True)

    def _stop_workers(self) -> None:
        """End the worker processes now: a run stopping mid-way waited for each worker's
        current PDF (up to seconds for a long paper; workers ignore SIGINT, digest.workers)."""
        for executor in (self.executor, self._alone):
            if not isinstance(executor, ProcessPoolExecutor):
                continue
            workers = _worker_processes(executor)  # (shutdown forgets them)
            executor.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                process.terminate()
            for process in workers:
                process.join(WORKER_EXIT_SECONDS)

    def release(self) -> None:
        """Let the workers go now, without waiting for them to exit: the run has every paper
        it will parse, and its LLM calls may take a while yet. Their exit (~0.1 s of joining)
        and their memory are then not held to the end of the run. Nothing parses after this."""
        self._shutdown(wait=False)

    def _shutdown(self, *, wait: bool) -> None:
        for _, ahead in self._ahead.values():  # never asked for (the run stopped): not parsed
            ahead.cancel()
        self._ahead.clear()
        self.executor.shutdown(wait=wait, cancel_futures=True)
        if self._alone is not None:
            self._alone.shutdown(wait=wait, cancel_futures=True)

    def prefetch(self, paths: Iterable[Path]) -> None:
        """Start parsing these PDFs now, in the worker processes, in this order; :meth:`parse`
        then takes each one's result. A pool of no processes (a thread) does not parse ahead:
        it would only slow the main process down while it starts."""
        if not self.workers:
            return
        for path in paths:
            if path not in self._ahead:
                self._ahead[path] = (self.executor, self.executor.submit(self._job, path))

    async def parse(self, path: Path) -> Parsed:
        """The parsed paper (and its prepared excerpt, when the workers have the budget);
        raises InputError (ParserDiedError when it kills the parser)."""
        return Parsed(*await self._run(path))

    async def _run(self, path: Path) -> _Result:
        loop = asyncio.get_running_loop()
        ahead = self._ahead.pop(path, None)
        for _ in range(2):
            executor = self.executor
            try:
                if ahead is not None:  # parsing since the run opened (or its pool broke since)
                    executor, job = ahead
                    ahead = None
                    try:
                        return await asyncio.wrap_future(job)
                    except asyncio.CancelledError:
                        if not job.cancelled() or _being_cancelled():
                            raise
                        continue  # dropped with its broken pool before it started: again
                return await loop.run_in_executor(executor, self._job, path)
            except BrokenProcessPool:
                self._replace(executor)
        log.warning("%s: the parser process died twice with it in the pool; reading it alone",
                    shown_path(path))  # fmt: skip
        async with self._one_at_a_time:  # never a crowd of processes when memory is short
            if self._alone is None:
                self._alone = self._processes(1)
            try:
                return await loop.run_in_executor(self._alone, self._job, path)
            except BrokenProcessPool:
                self._alone.shutdown(wait=False, cancel_futures=True)
                self._alone = None
                raise ParserDiedError(path) from None

    def _replace(self, broken: Executor) -> None:
        """A fresh pool for the broken one, once however many papers saw it break."""
        if self.executor is broken:
            log.warning("a PDF parser process died; starting new ones for the papers left")
            broken.shutdown(wait=False, cancel_futures=True)
            self.executor = self._processes(self.workers)

    def _processes(self, workers: int) -> ProcessPoolExecutor:
        """`workers` spawned processes, each started now (see digest.workers)."""
        levels = {name: logging.getLogger(name).getEffectiveLevel() for name in LOGGERS}
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(levels, self.budget),
        )
        for _ in range(workers):  # a spawn pool starts a worker per job waiting: start all
            pool.submit(math.fsum, ())
        return pool


def open_pool(
    hashes: dict[Path, str],
    store: Store | None,
    limit: int | None = None,
    *,
    cores: int | None = None,
    budget: Budget | None = None,
) -> ParsePool:
    """The parse pool for these PDFs (path -> content hash), its workers already starting and
    given the PDFs to parse (one file per content); the caller closes it. Contents the store
    has parsed with this parser are not parsed again. With the LLM engine's `budget`, the
    workers prepare each paper's excerpt too."""
    parser = parser_version()
    first: dict[str, Path] = {}  # content hash -> the first file with it (the one parsed)
    for path, sha256 in hashes.items():
        if sha256 not in first and (store is None or not store.has_paper(sha256, parser)):
            first[sha256] = path
    cores = cores or usable_cores()
    sizes = {path: _size(path) for path in first.values()}
    workers = pool_size(list(sizes.values()), cores=cores, limit=limit)
    if workers:
        log.info("parsing %d PDF(s) in %d worker processes", len(first), workers)
    pool = ParsePool(workers, budget=budget)
    pool.prefetch(parse_order(sizes))
    return pool


def parse_order(sizes: dict[Path, int]) -> list[Path]:
    """The order PDFs are given to the workers: the smallest first, so the run's first request
    leaves early, then the others largest first (LPT scheduling, size standing in for parse
    time): a 40-page paper given out last is parsed alone while the other workers idle
    (measured on ../shared/corpus in input order: its worker finished 1.1 s after the other);
    given out early, the small ones fill in around it. Equal sizes keep the order given.
    `sizes`: each PDF's size in bytes, in the order given."""
    paths = list(sizes)
    if len(paths) < 3:
        return paths
    smallest = min(paths, key=sizes.__getitem__)
    rest = sorted((p for p in paths if p != smallest), key=sizes.__getitem__, reverse=True)
    return [smallest, *rest]


def usable_cores(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The CPUs this process may use: those it may run on (taskset, a container's cpuset), at
    most its cgroup's CPU quota rounded up (docker --cpus=2, a CI runner's share), not the
    host's count os.cpu_count() gives: on a 64-core host a 2-CPU container would otherwise
    start 64 parse workers, each ~125 MB, to share 2 CPUs."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity API (macOS, Windows)
        cores = os.cpu_count() or 1
    quota = _cpu_quota(cgroup)
    return max(1, min(cores, math.ceil(quota))) if quota is not None else max(1, cores)


def _cpu_quota(cgroup: Path) -> float | None:
    """CPUs' worth of time per period the cgroup allows (cgroup v2 cpu.max, else v1
    cpu.cfs_quota_us / cpu.cfs_period_us); None without a limit or a readable file."""
    try:
        quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
        period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        return None if int(quota) <= 0 else int(quota) / int(period)
    except (OSError, ValueError):
        return None


def _worker_processes(executor: ProcessPoolExecutor) -> list[multiprocessing.Process]:
    """The pool's live worker processes. The executor offers no public way to end them before
    Python 3.14 (terminate_workers); its `_processes` map has held them since 3.2."""
    processes = getattr(executor, "_processes", None) or {}
    return [p for p in list(processes.values()) if p.is_alive()]


def _being_cancelled() -> bool:
    """True when the task running this is being cancelled (not just a future it awaited)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
