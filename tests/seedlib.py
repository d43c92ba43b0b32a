"""The seed report as test data: its papers as Paper models, and the recall score of a brief.

fixtures/seed-report.md is the report the user wants to beat; fixtures/seed-expectations.json
lists, per paper, the method names and headline figures its brief carries. Shared by
tests/test_offline.py and scripts/bench_offline.py (which imports this file by path).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from digest.models import Paper

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_REPORT = FIXTURES / "seed-report.md"
SEED_EXPECTATIONS = FIXTURES / "seed-expectations.json"

_PAPER = re.compile(r"^### (\d+)\. (.+)$", re.M)


@dataclass(frozen=True)
class SeedPaper:
    n: int
    paper: Paper
    method_any: tuple[str, ...]
    numbers: tuple[str, ...]


@dataclass
class Score:
    """Hits and misses of one brief against the seed's expectations."""

    method_hit: bool
    numbers_hit: list[str] = field(default_factory=list)
    numbers_missed: list[str] = field(default_factory=list)


def _field(block: str, label: str) -> str:
    m = re.search(rf"\*\*{label}\*\*:[ \t]*(.*)", block)
    return m.group(1).strip() if m else ""


def load_seed() -> list[SeedPaper]:
    """The 25 seed papers, built as the ingest stage would for a header-only paper."""
    text = SEED_REPORT.read_text(encoding="utf-8").split("## 论文详细信息", 1)[1]
    expected = {p["n"]: p for p in json.loads(SEED_EXPECTATIONS.read_text("utf-8"))["papers"]}
    heads = list(_PAPER.finditer(text))
    seeds = []
    for i, head in enumerate(heads):
        block = text[head.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        n, title = int(head.group(1)), head.group(2).strip()
        institutions = _field(block, "主要机构")
        affiliations = [a.strip() for a in institutions.split(", ") if a.strip()]
        count = re.search(r"(\d+)", _field(block, "作者数量"))
        abstract = block.split("**摘要**:", 1)[1].split("\n## ", 1)[0].strip()
        paper = Paper(
            source=f"seed-{n:02d}",
            sha256=hashlib.sha256(f"{title}\n{abstract}".encode()).hexdigest(),
            title=title,
            authors=[f"Author {k + 1}" for k in range(int(count.group(1)) if count else 0)],
            affiliations=affiliations,
            abstract=abstract,
            first_page="\n".join([title, *affiliations, abstract]),
        )
        exp = expected[n]
        seeds.append(SeedPaper(n, paper, tuple(exp["method_any"]), tuple(exp["numbers"])))
    return seeds


def _variants(number: str) -> list[str]:
    out = [number]
    if "×" in number:
        out.append(number.replace("×", "x"))
    if " ms" in number:
        out.append(number.replace(" ms", "ms"))
    return out


def has_number(brief: str, number: str) -> bool:
    """The figure occurs in the brief as that number, not as part of another one."""
    for variant in _variants(number):
        if re.search(rf"(?<![\d.]){re.escape(variant)}(?!\d|\.\d)", brief):
            return True
    return False


def score(seed: SeedPaper, method: str, brief: str) -> Score:
    hit = any(name.casefold() in method.casefold() for name in seed.method_any)
    result = Score(method_hit=hit)
    for number in seed.numbers:
        (result.numbers_hit if has_number(brief, number) else result.numbers_missed).append(number)
    return result
