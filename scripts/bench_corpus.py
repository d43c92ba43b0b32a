"""Parse every PDF of the shared corpus, score the headers, measure the LLM input per paper.

python scripts/bench_corpus.py [--corpus DIR] [--token-budget TOKENS] [--model NAME]

Columns: title match, authors got/expected, abstract similarity, affiliations got/expected,
pages read/total, parse seconds, then the LLM input: tokens of the selected paper text
("excerpt", under --token-budget), tokens of the whole prompt as sent (system + user messages), and
which parts were found (H header, A abstract, C contributions, K conclusion, F first page).
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from score import ABSTRACT_MIN, abstract_ratio, title_match

from digest.errors import InputError
from digest.excerpt import select
from digest.models import Paper
from digest.pdf import parse_pdf
from digest.prompts import load_prompt
from digest.settings import DEFAULT_MODEL, DEFAULT_TOKEN_BUDGET
from digest.tokens import TokenCounter, get_counter

PART_CODES = {"header": "H", "abstract": "A", "contributions": "C", "conclusion": "K"}

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--token-budget", type=int, default=DEFAULT_TOKEN_BUDGET)
    ap.add_argument("--model", default=DEFAULT_MODEL)
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    counter = get_counter(args.model)
    excerpt_tokens: list[int] = []
    prompt_tokens: list[int] = []
    records = json.loads((args.corpus / "metadata.json").read_text(encoding="utf-8"))
    totals = {"title": 0, "authors": 0, "abstract": 0, "affil": 0, "header": 0, "errors_ok": 0}
    errors_expected = 0
    times: list[float] = []
    crashes = 0
    print(
        f"{'file':42} {'title':5} {'authors':7} {'abstr':5} {'affil':5} {'pages':7} {'sec':>5} "
        f"{'excerpt':>7} {'prompt':>6} parts"
    )
    for rec in records:
        path = args.corpus / rec["file"]
        start = time.perf_counter()
        try:
            paper = parse_pdf(path)
            error = None
        except InputError as err:
            paper, error = None, type(err).__name__
        except Exception as err:  # a crash is a bug: count it, keep going
            paper, error = None, f"CRASH {type(err).__name__}: {err}"
            crashes += 1
        took = time.perf_counter() - start
        times.append(took)
        outcome = rec["expected_outcome"]
        if outcome != "header":
            errors_expected += 1
            expected_error = {
                "error:password-required": "EncryptedPDFError",
                "error:malformed-pdf": "CorruptPDFError",
            }.get(outcome, "NoTextError")
            ok = error == expected_error
            totals["errors_ok"] += ok
            verdict = "ok" if ok else "WRONG"
            print(f"{rec['file'][:42]:42} {outcome} -> {error or 'parsed'} {verdict}")
            continue
        totals["header"] += 1
        if paper is None:
            print(f"{rec['file'][:42]:42} FAILED {error}")
            continue
        t_ok = title_match(paper.title, rec["title"])
        a_ok = len(paper.authors) == len(rec["authors"])
        r = abstract_ratio(paper.abstract, rec["abstract"])
        f_ok = len(paper.affiliations) == len(rec["affiliations"])
        totals["title"] += t_ok
        totals["authors"] += a_ok
        totals["abstract"] += r >= ABSTRACT_MIN
        totals["affil"] += f_ok
        excerpt, prompt, parts = _llm_input(paper, args.token_budget, counter)
        excerpt_tokens.append(excerpt)
        prompt_tokens.append(prompt)
        print(
            f"{rec['file'][:42]:42} {'ok' if t_ok else 'NO':5} "
            f"{len(paper.authors):>3}/{len(rec['authors']):<3} {r:5.2f} "
            f"{len(paper.affiliations):>2}/{len(rec['affiliations']):<2} "
            f"{len(paper.pages_read):>3}/{paper.pages_total:<3} {took:5.2f} "
            f"{excerpt:>7} {prompt:>6} {parts}"
        )
    n = totals["header"]
    print()
    print(
        f"titles {totals['title']}/{n}, author counts {totals['authors']}/{n}, "
        f"abstracts {totals['abstract']}/{n} (ratio >= {ABSTRACT_MIN}), "
        f"affiliation counts {totals['affil']}/{n}, "
        f"expected errors {totals['errors_ok']}/{errors_expected}, crashes {crashes}"
    )
    print(f"parse time: median {statistics.median(times):.2f} s, max {max(times):.2f} s")
    exact = "approximate" if counter.approximate else "tiktoken"
    print(
        f"input tokens per paper ({counter.encoding}, {exact}, budget {args.token_budget}): "
        f"excerpt median {statistics.median(excerpt_tokens):.0f}, max {max(excerpt_tokens)}; "
        f"whole prompt median {statistics.median(prompt_tokens):.0f}, max {max(prompt_tokens)}"
    )
    return 1 if crashes else 0


def _llm_input(paper: Paper, budget: int, counter: TokenCounter) -> tuple[int, int, str]:
    """Tokens of the selected text, of the prompt as sent, and the parts that were found."""
    excerpt = select(paper, token_budget=budget, counter=counter)
    system = load_prompt("extract_system").render()
    candidates = "\n".join(f"- {a}" for a in paper.affiliations)
    user = load_prompt("extract_user").render(
        title=paper.title, institutions=candidates, excerpt=excerpt.text
    )
    parts = "".join(
        PART_CODES.get(p.name, "F") + ("'" if p.truncated else "") for p in excerpt.parts
    )
    return excerpt.tokens, counter.count(system) + counter.count(user), parts


if __name__ == "__main__":
    sys.exit(main())
