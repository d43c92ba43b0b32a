"""Issue 18's benchmark: 1,000 papers through the Batch API, the client killed after the upload.

    python scripts/bench_batch_api.py [--papers 1000] [--kill-at upload|create|none] [--instant]

1. writes N abstracts (one .jsonl file, one paper per line, each with its own text);
2. `digest run papers.jsonl --batch` against scripts/fake_batches.py, killed (SIGKILL) as soon
   as the provider has stored the upload (--kill-at upload: the client never heard the file's
   id) or has made the batch (--kill-at create: the client never recorded it);
3. the same command again: it resumes from the store and returns;
4. `digest batch wait papers.jsonl -o report.md`: polls until the batch completes, stores
   every answer (checked like an online one), writes the report;
and prints the requests sent by kind, files uploaded, request lines (and how many distinct),
answers stored, each client's wall time, the peak memory of any client, and the cost of the
answers at the online and at the batch price (the fake's usage: 1,000 + 80 tokens each).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fake_batches import FakeBatches

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digest.costs import price_for  # noqa: E402
from digest.models import Usage  # noqa: E402

FIELDS = ["graph learning", "protein design", "sparse attention", "soil carbon", "speech",
          "federated learning", "galaxy surveys", "battery ageing"]  # fmt: skip


def write_papers(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            field = FIELDS[i % len(FIELDS)]
            abstract = (
                f"Work on {field} is slow to scale and costly to reproduce. We propose Method{i}, "
                f"which reuses partial results across steps and caches what does not change. "
                f"Across {i % 5 + 2} benchmarks it keeps accuracy while cutting the time per "
                f"step, and it needs no retraining of the models it serves. "
            ) * 3
            paper = {"title": f"Scalable {field.title()}: Study {i}", "abstract": abstract,
                     "authors": [f"Ada Novak{i}", f"Bo Chen{i}"],
                     "affiliations": ["University of Example"]}  # fmt: skip
            out.write(json.dumps(paper) + "\n")


def client(
    args: list[str], env: dict[str, str], kill_when: Callable[[], bool] | None = None
) -> tuple[float, int]:
    """Run `digest ARGS` (killed with SIGKILL once `kill_when()` is true); (wall, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "digest", *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    if kill_when is not None:
        while proc.poll() is None and not kill_when():
            time.sleep(0.01)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
    _out, err = proc.communicate()
    took = time.perf_counter() - start
    if kill_when is None and proc.returncode not in (0, 1):
        raise SystemExit(f"digest {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return took, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=1000)
    parser.add_argument("--kill-at", choices=["upload", "create", "none"], default="upload")
    parser.add_argument(
        "--instant", action="store_true", help="complete a batch at its first look (tests)"
    )
    args = parser.parse_args()
    fake_batches = FakeBatches(hold_upload=2.0, instant=args.instant)
    with tempfile.TemporaryDirectory() as tmp, fake_batches as fake:
        folder = Path(tmp)
        papers = folder / "papers.jsonl"
        write_papers(papers, args.papers)
        store = folder / ".digest" / "digest.db"
        env = dict(os.environ, OPENAI_API_KEY="sk-bench", OPENAI_BASE_URL=fake.base_url,
                   DIGEST_LOOKUP="0")  # fmt: skip
        common = ["--store", str(store), "--title", "Bench"]
        runs = []
        kill = {
            "upload": fake.uploaded.is_set,
            "create": lambda: fake.calls["create"] > 0,
            "none": None,
        }[args.kill_at]
        if args.kill_at == "create":
            fake.hold_upload = 0.0
        took, code = client(["run", str(papers), "--batch", *common], env, kill)
        runs.append(("submit, killed" if kill else "submit", took, code))
        fake.hold_upload = 0.0
        if kill:
            took, code = client(["run", str(papers), "--batch", *common], env)
            runs.append(("submit again (resumes)", took, code))
        report = folder / "report.md"
        took, code = client(["batch", "wait", str(papers), "-o", str(report), *common], env)
        runs.append(("batch wait + report", took, code))
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        db = sqlite3.connect(store)
        stored, prompt, completion = db.execute(
            "SELECT COUNT(*), SUM(prompt_tokens), SUM(completion_tokens) FROM extractions "
            "WHERE status = 'ok'"
        ).fetchone()
        papers_in_report = report.read_text(encoding="utf-8").count("**摘要**")
    price = price_for("gpt-4o-mini")
    assert price is not None
    usage = Usage(prompt_tokens=prompt or 0, completion_tokens=completion or 0)
    print(f"papers: {args.papers}; client killed at: {args.kill_at}")
    for name, took, code in runs:
        print(f"  {name:<24} {took:6.2f} s  exit {code}")
    print(f"client wall time in all: {sum(t for _, t, _ in runs):.2f} s; "
          f"peak memory of a client: {peak_mb:.0f} MB")  # fmt: skip
    print(f"requests by kind: {dict(sorted(fake.calls.items()))}")
    print(f"files uploaded: {fake.calls['upload']}; request lines uploaded: {len(fake.lines)} "
          f"({len(set(fake.lines))} distinct); batches made: {len(fake.batches)}")  # fmt: skip
    print(f"answers stored: {stored}; papers in the report: {papers_in_report}")
    print(f"cost of the answers (gpt-4o-mini, {usage.prompt_tokens:,} + "
          f"{usage.completion_tokens:,} tokens): online ${price.cost(usage):.4f}, "
          f"batch ${price.batch().cost(usage):.4f}")  # fmt: skip
    ok = (stored == args.papers and len(fake.lines) == args.papers
          and len(set(fake.lines)) == args.papers and len(fake.batches) == 1)  # fmt: skip
    print("every paper answered, each request sent once" if ok else "MISMATCH")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
