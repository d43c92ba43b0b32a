"""Batch scale: wall time against the ideal, under faults and rate limits, and peak memory.

    python scripts/bench_batch.py [--quick]

Runs `python -m digest run` (as a user would, in a subprocess) on N synthetic papers, an
abstract file in JSONL so PDF parsing is not what is measured, against scripts/fake_openai.py
on 127.0.0.1, and prints one table per target of issue 7:

1. N=200, latency 1 s ± 0.3 s, concurrency 16: wall time vs the ideal N x latency / concurrency.
2. The same with 10% 429s, 5% 500s and 2% malformed bodies: every paper done, time vs (1).
3. Under an RPM limit the client is told about: achieved rate vs the allowed rate, and 429s.
4. The same batch as (1), one paper at a time.
5. Peak memory (max RSS of the digest process) for 1,000 papers.

Wall time is the run's own, as printed in its summary line (process start-up excluded).
`--quick` scales every N down by 4 for a fast look.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fake_openai import FakeOpenAI

REPO = Path(__file__).resolve().parents[1]
UNLIMITED = ["--rpm", "1000000", "--tpm", "1000000000"]


def papers_file(folder: Path, n: int) -> Path:
    path = folder / f"papers-{n}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            row = {
                "title": f"Synthetic paper {i}: efficient inference for model family {i % 17}",
                "authors": [f"Author {i} A", f"Author {i} B"],
                "affiliations": ["Example University"],
                "abstract": (
                    f"Large models are slow to serve. We propose Method{i}, which prunes "
                    f"redundant computation. It achieves a {1 + i % 9}.{i % 10}x speed-up "
                    f"with {i % 5}.{i % 7}% accuracy loss on benchmark {i % 11}."
                ),
            }
            out.write(json.dumps(row) + "\n")
    return path


def digest(papers: Path, fake: FakeOpenAI, folder: Path, *args: str) -> tuple[float, str, int]:
    """(the run's wall seconds from its summary, stderr, peak RSS in MB of the process)."""
    env = dict(os.environ, OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=fake.base_url)
    store = folder / f"store-{time.monotonic_ns()}.db"
    command = [sys.executable, "-m", "digest", "run", str(papers), "--title", "Bench"]
    command += ["--store", str(store), "-o", str(folder / "report.md"), *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if done.returncode not in (0, 1):
        raise SystemExit(f"digest failed ({done.returncode}): {done.stderr[-2000:]}")
    summary = done.stderr.strip().splitlines()[-1]
    seconds = float(re.search(r"; ([\d.]+) s$", summary).group(1))  # type: ignore[union-attr]
    return seconds, done.stderr, max(peak, before) // 1024


def ok_count(stderr: str) -> int:
    return sum(1 for line in stderr.splitlines() if re.match(r"\[\d+\] ok ", line))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="1,2,3,4,5", help="Scenarios to run, e.g. 1,2.")
    args = parser.parse_args()
    only = {int(x) for x in args.only.split(",")}
    scale = 4 if args.quick else 1
    n, latency, jitter, conc = 200 // scale, 1.0, 0.3, 16
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        batch = papers_file(folder, n)
        ideal = n * latency / conc
        rows: list[tuple[str, str, str, str]] = []

        with FakeOpenAI(latency=latency, jitter=jitter) as fake:  # also the base of 2 and 4
            clean, err, _ = digest(batch, fake, folder, "--concurrency", str(conc), *UNLIMITED)
            calls = sum(fake.requests.values()) / n
        rows.append((f"1. N={n}, {latency} s ± {jitter}, c={conc}", f"{clean:.1f} s",
                     f"ideal {ideal:.1f} s, ratio {clean / ideal:.2f} (target <= 1.15)",
                     f"{ok_count(err)}/{n} done, {calls:.2f} calls/paper"))  # fmt: skip

        if 2 in only:
            faults = {"p429": 0.10, "p500": 0.05, "pmalformed": 0.02}
            with FakeOpenAI(latency=latency, jitter=jitter, **faults) as fake:
                faulty, err, _ = digest(batch, fake, folder, "--concurrency", str(conc), *UNLIMITED)
                calls = sum(fake.requests.values()) / n
                injected = dict(fake.faults)
            detail = f"{ok_count(err)}/{n} done, {calls:.2f} calls/paper, injected {injected}"
            verdict = f"vs fault-free {faulty / clean:.2f}x (target <= 1.3)"
            rows.append(("2. + 10% 429, 5% 500, 2% malformed", f"{faulty:.1f} s", verdict, detail))

        if 3 in only:
            rpm, n_rpm = 120 // scale, 300 // scale
            limited = papers_file(folder, n_rpm)
            with FakeOpenAI(latency=0.2, rpm=rpm) as fake:
                args_rpm = ["--concurrency", str(conc), "--rpm", str(rpm), "--tpm", "1000000000"]
                took, err, _ = digest(limited, fake, folder, *args_rpm)
                throttled = fake.faults["rpm-429"]
            # a sliding window lets `rpm` requests start at 0 s, the next `rpm` at 60 s, and so on
            allowed = (n_rpm - 1) // rpm * 60 + 0.2
            verdict = (
                f"allowed-rate time {allowed:.1f} s, achieved {allowed / took:.0%} of the "
                "allowed rate (target >= 90%)"
            )
            detail = f"{ok_count(err)}/{n_rpm} done, {throttled} 429s from the server"
            rows.append(
                (f"3. N={n_rpm}, server and client at {rpm} RPM", f"{took:.1f} s", verdict, detail)
            )

        if 4 in only:
            with FakeOpenAI(latency=latency, jitter=jitter) as fake:
                serial, err, _ = digest(batch, fake, folder, "--concurrency", "1", *UNLIMITED)
            verdict, detail = (
                f"{serial / clean:.1f}x the concurrent run",
                f"{ok_count(err)}/{n} done",
            )
            rows.append((f"4. N={n}, one paper at a time", f"{serial:.1f} s", verdict, detail))

        if 5 in only:
            n_mem = 1000 // scale
            big = papers_file(folder, n_mem)
            with FakeOpenAI(latency=0.02) as fake:
                took, err, peak = digest(big, fake, folder, "--concurrency", "64", *UNLIMITED)
            verdict, detail = (
                f"peak RSS {peak} MB (target < 400 MB)",
                f"{ok_count(err)}/{n_mem} done",
            )
            rows.append((f"5. N={n_mem}, latency 0.02 s, c=64", f"{took:.1f} s", verdict, detail))

    width = max(len(r[0]) for r in rows)
    for name, wall, verdict, detail in rows:
        print(f"{name:<{width}}  {wall:>8}  {verdict}  [{detail}]")


if __name__ == "__main__":
    main()
