"""Score the offline engine on the seed report, then run it on every parsable PDF of the corpus.

python scripts/bench_offline.py [--corpus DIR]

For each seed paper (fixtures/seed-report.md) prints the composed brief and its hits and misses
against fixtures/seed-expectations.json, then "methods N/25, numbers N/20"; then one brief per PDF
of the corpus (skipped when the folder is absent) and the median/max milliseconds of
offline_facts per paper (parsing excluded).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from seedlib import load_seed, score  # noqa: E402  (tests/seedlib.py, shared with the tests)

from digest.compose import compose_brief  # noqa: E402
from digest.errors import InputError  # noqa: E402
from digest.offline import institution_zh, offline_draft  # noqa: E402
from digest.pdf import parse_pdf  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def _timed(paper):  # type: ignore[no-untyped-def]
    """(facts, the phrases the brief leaves out, milliseconds)."""
    start = time.perf_counter()
    facts, missing = offline_draft(paper)
    return facts, {u.part for u in missing}, (time.perf_counter() - start) * 1000


def bench_seed(times: list[float]) -> None:
    methods = numbers = total = 0
    for seed in load_seed():
        facts, left_out, ms = _timed(seed.paper)
        times.append(ms)
        brief = compose_brief(seed.paper.title, facts, left_out=left_out)
        result = score(seed, facts.method, brief)
        methods += result.method_hit
        numbers += len(result.numbers_hit)
        total += len(seed.numbers)
        marks = ["method ok" if result.method_hit else f"METHOD MISS {list(seed.method_any)}"]
        if seed.numbers:
            marks.append(f"numbers {len(result.numbers_hit)}/{len(seed.numbers)}")
        if result.numbers_missed:
            marks.append(f"MISSED {result.numbers_missed}")
        print(f"[{seed.n:2d}] {brief}\n     {'; '.join(marks)}")
    print(f"\nmethods {methods}/25, numbers {numbers}/{total}\n")


def bench_corpus(corpus: Path, times: list[float]) -> None:
    if not corpus.is_dir():
        print(f"corpus {corpus} not found: skipped")
        return
    for path in sorted(corpus.glob("*.pdf")):
        try:
            paper = parse_pdf(path)
        except InputError as err:
            print(f"[{path.name}] not parsable: {type(err).__name__}")
            continue
        facts, left_out, ms = _timed(paper)
        times.append(ms)
        brief = compose_brief(paper.title, facts, left_out=left_out)
        print(f"[{path.name}] ({ms:.1f} ms)\n     {brief}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    start = time.perf_counter()
    institution_zh("")  # load the institutions table once, outside the per-paper timings
    print(f"institutions table loaded in {(time.perf_counter() - start) * 1000:.1f} ms\n")
    times: list[float] = []
    bench_seed(times)
    bench_corpus(args.corpus, times)
    if times:
        print(
            f"\noffline_facts: median {statistics.median(times):.1f} ms, "
            f"max {max(times):.1f} ms over {len(times)} papers"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
