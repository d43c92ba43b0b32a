"""What the store saves: LLM calls and wall time of a first run, an unchanged rerun, and a resume.

    python scripts/bench_store.py [--papers 100] [--latency 0.5] [--concurrency 4]

Makes N distinct papers from the fixture PDFs (bytes appended after %%EOF give each a new
content hash, the text stays the same), serves a local fake OpenAI endpoint (127.0.0.1, fixed
latency), and runs `python -m digest run` as a user would:

1. first run on an empty store;  2. the same folder again;  3. a fresh store, killed with
SIGKILL once about half the papers are stored, then started again.
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parents[1]


def make_papers(folder: Path, n: int) -> None:
    sources = sorted((REPO / "fixtures" / "papers").glob("*.pdf"))
    for i in range(n):
        source = sources[i % len(sources)]
        data = source.read_bytes() + f"\n%bench copy {i}\n".encode()
        (folder / f"{i:03d}-{source.name}").write_bytes(data)


def digest(
    folder: Path, store: Path, fake: FakeOpenAI, concurrency: int
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=fake.base_url)
    args = [sys.executable, "-m", "digest", "run", str(folder), "--store", str(store)]
    args += ["-o", str(store.parent / "report.md"), "--concurrency", str(concurrency)]
    return subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def timed(process: subprocess.Popen[bytes]) -> float:
    started = time.perf_counter()
    _, err = process.communicate()
    if process.returncode not in (0, 1):
        raise SystemExit(f"digest failed: {err.decode()}")
    return time.perf_counter() - started


def stored(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(store) as db:
            query = "SELECT count(*) FROM extractions WHERE status='ok'"
            return int(db.execute(query).fetchone()[0])
    except sqlite3.OperationalError:  # the run has not created its tables yet
        return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(latency=args.latency) as fake:
        folder = Path(tmp) / "papers"
        folder.mkdir()
        make_papers(folder, args.papers)
        store = Path(tmp) / "a" / "digest.db"
        store.parent.mkdir()

        def calls() -> int:
            return fake.requests["PaperFacts"] + fake.requests["ReportTopic"]

        rows = []
        for name in ("first run", "unchanged rerun"):
            before = calls()
            seconds = timed(digest(folder, store, fake, args.concurrency))
            rows.append((name, calls() - before, seconds))

        fresh = Path(tmp) / "b" / "digest.db"
        fresh.parent.mkdir()
        before = calls()
        started = time.perf_counter()
        process = digest(folder, fresh, fake, args.concurrency)
        while stored(fresh) < args.papers // 2 and process.poll() is None:
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_at, done = time.perf_counter() - started, stored(fresh)
        rows.append((f"run killed (-9) with {done} stored", calls() - before, killed_at))
        before = calls()
        seconds = timed(digest(folder, fresh, fake, args.concurrency))
        rows.append(("resume after the kill", calls() - before, seconds))

    print(
        f"{args.papers} papers, fake endpoint latency {args.latency}s, "
        f"concurrency {args.concurrency}"
    )
    print(f"{'run':34} {'LLM calls':>9} {'wall s':>7}")
    for name, n, secs in rows:
        print(f"{name:34} {n:>9} {secs:>7.2f}")
    print(
        f"resume sent {rows[3][1]} calls for {args.papers - done} unfinished papers (+1 title call)"
    )


if __name__ == "__main__":
    main()
