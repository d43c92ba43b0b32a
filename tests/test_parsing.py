"""Where PDFs are parsed: processes only when they pay for their start-up."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import sent_json
from test_pipeline import answer

from digest import Settings, run, tokens
from digest.errors import ParserDiedError
from digest.excerpt import Budget, select
from digest.ids import file_sha256
from digest.models import Paper
from digest.pdf import parse_pdf
from digest.pipeline.parsing import (
    POOL_PAYS_AFTER,
    Parsed,
    ParsePool,
    estimated_seconds,
    hash_files,
    open_pool,
    parse_order,
    pool_size,
    usable_cores,
)
from digest.store import Store
from digest.workers import WORKER_NICENESS, parser_version

PAPERS = Path(__file__).resolve().parents[1] / "fixtures" / "papers"
KB = 1024


def test_a_few_small_pdfs_are_parsed_in_a_thread() -> None:
    assert pool_size([6 * KB] * 3, cores=2) == 0
    assert pool_size([300 * KB], cores=8) == 0  # one file: nothing to share
    assert pool_size([], cores=8) == 0


def test_enough_work_gets_one_process_per_core_at_most_one_per_pdf() -> None:
    assert pool_size([6 * KB] * 64, cores=2) == 2
    assert pool_size([900 * KB] * 3, cores=8) == 3
    assert pool_size([900 * KB] * 30, cores=8, limit=4) == 4
    assert pool_size([900 * KB] * 30, cores=8, limit=1) == 0  # --parse-workers 1: a thread


def test_the_estimate_grows_with_size_and_is_capped() -> None:
    small, paper, huge = (estimated_seconds(n * KB) for n in (6, 300, 30_000))
    assert small < paper < huge
    assert huge <= POOL_PAYS_AFTER  # one file alone never justifies a pool


def test_contents_the_store_has_parsed_do_not_count(tmp_path: Path) -> None:
    files = sorted(PAPERS.glob("*.pdf"))
    copies = []
    for i in range(4):  # 4 x 3 distinct contents: enough parsing for a pool
        for path in files:
            copy = tmp_path / f"{i}-{path.name}"
            copy.write_bytes(path.read_bytes() + b"%" * (i + 1))
            copies.append(copy)
    hashes = hash_files(copies)
    with open_pool(hashes, None, cores=2) as pool:
        assert isinstance(pool.executor, ProcessPoolExecutor)
    with Store(tmp_path / "s.db") as store:
        for path in copies[3:]:  # as if parsed by an earlier run
            parsed = Paper(source=str(path), sha256=file_sha256(path), title="Parsed before")
            store.save_paper(parsed, parser_version())
        with open_pool(hashes, store, cores=2) as pool:
            assert isinstance(pool.executor, ThreadPoolExecutor)  # 3 small papers left: one thread


def test_the_pool_parses_each_content_once_and_ahead_of_being_asked(tmp_path: Path) -> None:
    files = distinct_copies(tmp_path, 4)
    twin = tmp_path / "twin.pdf"  # the same content as the first file: parsed once
    twin.write_bytes(files[0].read_bytes())

    async def go(pool: ParsePool) -> list[str]:
        await asyncio.sleep(0)
        ahead = {path: job for path, (_, job) in pool._ahead.items()}
        assert list(ahead) == parse_order(sizes_of(files))  # the twin left out
        while not all(job.done() for job in ahead.values()):  # parsed without being asked
            await asyncio.sleep(0.05)
        return [(await pool.parse(path)).paper.source for path in files]

    with open_pool(hash_files([*files, twin]), None, cores=2) as pool:
        assert pool.workers == 2
        assert asyncio.run(go(pool)) == [str(path) for path in files]
        assert not pool._ahead  # each result was taken once


def test_a_pool_closed_before_its_papers_are_asked_for_drops_them(tmp_path: Path) -> None:
    files = distinct_copies(tmp_path, 4)
    with open_pool(hash_files(files), None, cores=2) as pool:
        jobs = [job for _, job in pool._ahead.values()]
    assert all(job.done() for job in jobs)  # cancelled or finished: nothing left running
    assert any(job.cancelled() for job in jobs)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_released_workers_exit_while_the_run_goes_on(tmp_path: Path) -> None:
    files = distinct_copies(tmp_path, 4)
    with open_pool(hash_files(files), None, cores=2) as pool:
        assert isinstance(pool.executor, ProcessPoolExecutor)
        parsed = parse_all_open(pool, files)
        workers = list(pool.executor._processes)
        assert len(parsed) == len(files) and len(workers) == 2
        pool.release()  # returns at once; the workers exit on their own
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in workers):
            time.sleep(0.05)
        assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


SLOW_PARSE = 60.0  # seconds: far longer than any stop may take


def parses_slowly(path: Path) -> Paper:
    """A parse that takes a minute (a pathological PDF): what a stopped run must not wait for."""
    time.sleep(SLOW_PARSE)
    return parse_pdf(path)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_stopped_run_does_not_wait_for_a_parse_in_progress(tmp_path: Path) -> None:
    """Issue 24: Ctrl-C exited after the workers finished their current PDFs (seconds; they
    ignore SIGINT). Leaving the pool with an exception (the run's task cancelled) ends them."""
    files = distinct_copies(tmp_path, 1)
    pool = ParsePool(2, parse=parses_slowly)
    assert isinstance(pool.executor, ProcessPoolExecutor)
    workers = list(pool.executor._processes)
    pool.prefetch(files)
    jobs = [job for _, job in pool._ahead.values()]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(job.running() for job in jobs) < 2:
        time.sleep(0.05)  # until both workers are inside parses_slowly
    stopping = time.monotonic()
    with pytest.raises(asyncio.CancelledError), pool:
        raise asyncio.CancelledError  # what a Ctrl-C makes of the run's task
    assert time.monotonic() - stopping < SLOW_PARSE / 2  # not waited for (the old code: 120 s)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]  # ended and reaped


def parse_all_open(pool: ParsePool, files: list[Path]) -> list[Paper]:
    async def go() -> list[Paper]:
        return [parsed.paper for parsed in await asyncio.gather(*map(pool.parse, files))]

    return asyncio.run(go())


def test_workers_prepare_the_excerpts_so_the_run_loads_no_tokenizer(
    tmp_path: Path, llm: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers select and count each excerpt; the main process sends every request
    without loading a tokenizer, and sends what it would have selected itself."""
    files = distinct_copies(tmp_path, 4)
    sent: list[str] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(sent_json(request)["messages"][1]["content"])
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=record)
    load = tokens._load_counter

    def no_tokenizer(model: str, encoding: str | None) -> tokens.TokenCounter:
        raise AssertionError("the main process loaded a tokenizer")

    monkeypatch.setattr(tokens, "_load_counter", no_tokenizer)
    settings = Settings.from_env().model_copy(update={"title": "Given"})  # no topic call
    report = run(files, settings)
    assert [r.status for r in report.papers] == ["ok"] * len(files)
    assert len(sent) == len(files)

    monkeypatch.setattr(tokens, "_load_counter", load)
    counter = tokens.get_counter(settings.model, settings.encoding)
    for result in report.papers:
        assert result.paper is not None and result.extraction is not None
        own = select(result.paper, token_budget=settings.token_budget, counter=counter)
        assert result.extraction.input_tokens == own.tokens
        assert sum(own.text.split("\n\n")[-1][:200] in text for text in sent) >= 1


def test_a_prepared_excerpt_serves_only_its_own_text_and_budget(tmp_path: Path) -> None:
    paper = parse_pdf(sorted(PAPERS.glob("*.pdf"))[0])
    budget = Budget("gpt-4o-mini", None, 3000, ("system prompt", "user $excerpt"))
    prepared = budget.prepare(paper)
    counter = tokens.get_counter("gpt-4o-mini")
    assert prepared.excerpt == select(paper, token_budget=3000, counter=counter)
    assert prepared.prompt_tokens == counter.count("system prompt") + counter.count("user $excerpt")
    assert budget.fits(prepared, paper)
    merged = paper.model_copy(update={"abstract": "An arXiv abstract that replaced the PDF's."})
    assert not budget.fits(prepared, merged)
    assert not Budget("gpt-4o-mini", None, 2000, budget.prompts).fits(prepared, paper)
    assert not Budget("gpt-4o-mini", None, 3000, ("other",)).fits(prepared, paper)
    assert budget.fits(prepared, paper.model_copy(update={"source": "renamed.pdf"}))


def worker_niceness(_: object = None) -> int:
    return os.nice(0)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no nice on this OS")
def test_workers_yield_the_cpu_to_the_run(tmp_path: Path) -> None:
    with ParsePool(1) as pool:
        niceness = pool.executor.submit(worker_niceness).result()
    assert niceness == os.nice(0) + WORKER_NICENESS or niceness == 19  # capped by the OS


def test_the_smallest_pdf_goes_first_then_the_largest(tmp_path: Path) -> None:
    sizes = {"a": 300, "b": 20, "c": 900, "d": 300, "e": 50}
    for name, size in sizes.items():
        (tmp_path / f"{name}.pdf").write_bytes(b"%" * size)
    paths = [tmp_path / f"{name}.pdf" for name in sizes]
    assert [p.stem for p in parse_order(sizes_of(paths))] == ["b", "c", "a", "d", "e"]
    assert parse_order(sizes_of(paths[:2])) == paths[:2]


def sizes_of(paths: list[Path]) -> dict[Path, int]:
    return {path: path.stat().st_size for path in paths}


def test_the_cores_to_use_follow_the_cgroup_quota_not_the_host(tmp_path: Path) -> None:
    here = usable_cores(tmp_path / "none")  # no cgroup files: the CPUs this process may run on
    assert 1 <= here <= (os.cpu_count() or 1)
    v2 = tmp_path / "v2"
    v2.mkdir()
    for text, expected in (("max 100000", here), ("150000 100000", min(here, 2)),
                           ("50000 100000", 1), ("garbage", here)):  # fmt: skip
        (v2 / "cpu.max").write_text(text + "\n")
        assert usable_cores(v2) == expected, text
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    for quota, expected in (("-1", here), ("100000", 1), ("250000", min(here, 3))):
        (v1 / "cpu" / "cpu.cfs_quota_us").write_text(quota + "\n")
        assert usable_cores(v1) == expected, quota


def test_unreadable_files_are_left_for_the_run_to_report(tmp_path: Path) -> None:
    gone = tmp_path / "gone.pdf"
    assert hash_files([gone, *PAPERS.glob("*.pdf")]).keys() == set(PAPERS.glob("*.pdf"))


OPEN_A_POOL = """
import sys, time
from pathlib import Path
from digest.pipeline.parsing import hash_files, open_pool
files = sorted(Path(sys.argv[1]).glob("*.pdf"))
pool = open_pool(hash_files(files), None, cores=2).executor
pool.submit(sum, ()).result()
print(" ".join(str(pid) for pid in pool._processes), flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    for i in range(4):  # 12 distinct contents: enough for a pool
        for path in PAPERS.glob("*.pdf"):
            (tmp_path / f"{i}-{path.name}").write_bytes(path.read_bytes() + b"%" * (i + 1))
    parent = subprocess.Popen(
        [sys.executable, "-c", OPEN_A_POOL, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert parent.stdout is not None
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.05)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]


def dies_on_bombs(path: Path) -> Paper:
    """Parses like the reader, except that a file named *bomb* kills the process reading it
    (as the OOM killer would)."""
    if "bomb" in path.name:
        os.kill(os.getpid(), signal.SIGKILL)
    return parse_pdf(path)


def distinct_copies(folder: Path, n: int) -> list[Path]:
    copies = []
    for i in range(n):
        for path in sorted(PAPERS.glob("*.pdf")):
            copy = folder / f"{i}-{path.name}"
            copy.write_bytes(path.read_bytes() + b"%" * (i + 1))
            copies.append(copy)
    return copies


def parse_all(
    pool: ParsePool, files: list[Path], kill_a_worker: bool = False, ahead: bool = False
) -> list[Any]:
    """Every file through pool.parse; `ahead`: given to the pool to parse first (prefetch)."""

    async def go() -> list[Any]:
        if ahead:
            pool.prefetch(files)
        tasks = [asyncio.ensure_future(pool.parse(path)) for path in files]
        await asyncio.sleep(0.3)  # submitted, workers started
        if kill_a_worker:
            assert isinstance(pool.executor, ProcessPoolExecutor)
            os.kill(next(iter(pool.executor._processes)), signal.SIGKILL)
        results = await asyncio.gather(*tasks, return_exceptions=True)
        return [r.paper if isinstance(r, Parsed) else r for r in results]

    with pool:
        return asyncio.run(go())


@pytest.mark.parametrize("ahead", [False, True], ids=["asked", "parsed-ahead"])
def test_a_killed_worker_costs_no_paper(tmp_path: Path, ahead: bool) -> None:
    files = distinct_copies(tmp_path, 4)
    results = parse_all(ParsePool(2), files, kill_a_worker=True, ahead=ahead)
    assert [type(r).__name__ for r in results] == ["Paper"] * len(files)


@pytest.mark.parametrize("ahead", [False, True], ids=["asked", "parsed-ahead"])
def test_a_paper_that_kills_its_parser_fails_alone(tmp_path: Path, ahead: bool) -> None:
    files = distinct_copies(tmp_path, 1)
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(files[0].read_bytes())
    pool = ParsePool(2, parse=dies_on_bombs)
    results = parse_all(pool, [*files[:2], bomb, *files[2:]], ahead=ahead)
    assert isinstance(results[2], ParserDiedError)
    assert "bomb.pdf: the PDF reader's process died" in str(results[2])
    assert [type(r).__name__ for i, r in enumerate(results) if i != 2] == ["Paper"] * len(files)
