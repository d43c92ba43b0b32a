"""Defective LLM answers against the checks: is each defect re-asked, left out (or corrected, or
marked), or printed silently? And what does a faithful answer cost?

    python scripts/bench_defects.py [--corpus ../shared/corpus] [--only NAME,...]
        [--verify on|off]

A local OpenAI-compatible server (scripts/fake_openai.py, json_schema mode) answers every
request of a run with one kind of defect, the same again when re-asked, as a stubborn model
does; the papers are the corpus's PDFs plus an abstract file whose paper names no affiliation
(for the invented-institution defect). Per defect it prints how many papers were re-asked,
how many had the defect left out, corrected or marked with a note under the brief, and how many
printed it silently (the defect's text in the brief with no note), and how many inputs could not
be read at all (the corpus's scanned and password-protected files); first the calls per paper
for the faithful answer. With --verify on (the default, as for LLM runs) the fake answers the
meaning check as a careful reader would: the phrases each defect broke are not supported.
Needs TIKTOKEN_CACHE_DIR for exact counts (approximate otherwise).
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_openai import FakeOpenAI, _facts_for

from digest import Settings, run
from digest.models import PaperResult

ABSTRACT = """Title: Attention Is All You Need
Authors: Ashish Vaswani, Noam Shazeer and Niki Parmar

The dominant sequence transduction models are based on complex recurrent or convolutional
neural networks in an encoder-decoder configuration. We propose a new simple network
architecture, the Transformer, based solely on attention mechanisms. Experiments on two
machine translation tasks show these models to be superior in quality while being more
parallelizable, achieving 28.4 BLEU on the WMT 2014 English-to-German translation task.
"""


def _paper_text(body: dict[str, Any]) -> str:
    users = [m.get("content") or "" for m in body["messages"] if m.get("role") == "user"]
    return str(users[0]).split("<paper>", 1)[-1].split("</paper>", 1)[0] if users else ""


def _candidates(body: dict[str, Any]) -> list[str]:
    users = [m.get("content") or "" for m in body["messages"] if m.get("role") == "user"]
    block = str(users[0]).split("<paper>", 1)[0] if users else ""
    return [ln[2:].strip() for ln in block.splitlines() if ln.startswith("- ")]


def _number_elsewhere(body: dict[str, Any], quote: str) -> str:
    """A small figure printed in the excerpt but not in `quote`."""
    for match in re.finditer(r"(?<![\w.])([2-9])(?![\w.%])", _paper_text(body)):
        if match.group(1) not in quote:
            return match.group(1)
    return "3"


@dataclass
class Defect:
    name: str
    answer: Callable[[dict[str, Any]], dict[str, Any]]
    marker: Callable[[PaperResult], bool]  # the defect's text is in this paper's brief
    only_abstracts: bool = False
    true_of: str = ""  # a paper of which the "defect" is the truth: left out of its row
    # the phrases a careful reader finds unsupported by their quotes (the meaning check's
    # answer, scripted: the fake knows what it broke; the lexical checks do not)
    unsupported: tuple[str, ...] = ()


def _reader(parts: tuple[str, ...]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The meaning check's answer of a careful reader: `parts` are not supported."""

    def verdicts(body: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for part in ("method", "problem", "result"):
            bad = part in parts
            out[part] = {"unsupported": "", "verdict": "not" if bad else "supported"}
        return out

    return verdicts


def _with(**changes: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def answer(body: dict[str, Any]) -> dict[str, Any]:
        facts = _facts_for(body)
        for key, value in changes.items():
            facts[key] = value(body, facts) if callable(value) else value
        return facts

    return answer


def _in_brief(text: str) -> Callable[[PaperResult], bool]:
    return lambda r: text in (r.brief or "")


DEFECTS = [
    Defect(
        "wrong name_zh (清华大学 for a real institution)",
        _with(
            institutions=lambda b, f: [
                {"name": c, "name_zh": "清华大学"} for c in _candidates(b)[:1]
            ]
        ),
        _in_brief("清华大学"),
    ),
    Defect(
        '"{real} and Tsinghua University"',
        _with(
            institutions=lambda b, f: [
                {"name": f"{c} and Tsinghua University", "name_zh": None}
                for c in _candidates(b)[:1]
            ]
        ),
        _in_brief("Tsinghua"),
    ),
    Defect(
        "invented institution, parser found none",
        _with(institutions=[{"name": "Stanford University", "name_zh": "斯坦福大学"}]),
        _in_brief("斯坦福"),
        only_abstracts=True,
    ),
    Defect(
        "institutions empty (brief says 相关研究机构)",
        _with(institutions=[]),
        lambda r: (r.brief or "").startswith("相关研究机构") and bool(r.institutions),
    ),
    Defect(
        "method/problem of another paper, real quotes",
        _with(
            method="DPR稠密段落检索（双编码器框架）",
            problem="开放域问答依赖TF-IDF、BM25等稀疏检索的问题",
        ),
        _in_brief("DPR稠密段落检索"),
        true_of="Dense Passage Retrieval",
        unsupported=("method", "problem"),
    ),
    Defect(
        "filler phrases",
        _with(method="论文提出的方法", problem="某种问题", result="取得了良好的效果"),
        _in_brief("论文提出的方法"),
        unsupported=("method", "problem", "result"),
    ),
    Defect(
        "small invented figure found elsewhere in the excerpt",
        _with(result=lambda b, f: f"检索速度提升{_number_elsewhere(b, f['result_evidence'])}倍"),
        lambda r: "检索速度提升" in (r.brief or ""),
        unsupported=("result",),
    ),
    Defect(
        "phrase of ~195 characters, quote of any length",
        _with(
            result="在多个基准上" * 32 + "优于基线",
            result_evidence=lambda b, f: _paper_text(b).replace("\n", " ")[:600],
        ),
        _in_brief("在多个基准上在多个基准上"),
        unsupported=("result",),
    ),
    Defect(
        '"。" and a second "达成了…的效果" inside',
        _with(result="在检索任务上优于基线。达成了检索更快的效果"),
        _in_brief("检索更快"),
        unsupported=("result",),
    ),
]


def _outcome(result: PaperResult, defect: Defect) -> tuple[bool, bool, bool]:
    """(re-asked, left out / corrected / marked, printed silently)."""
    extraction = result.extraction
    asked = extraction.usage.attempts - extraction.verify_usage.attempts if extraction else 0
    reasked = asked >= 2  # (the meaning check's calls are no re-ask)
    noted = any(n.code == "unsupported" for n in result.warnings)
    shown = defect.marker(result)
    return reasked, (noted or not shown), shown and not noted


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    ap.add_argument("--only", default="", help="comma-separated defect name prefixes")
    ap.add_argument("--verify", default="on", choices=("on", "off"), help="the meaning check")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    work = Path(tempfile.mkdtemp(prefix="bench-defects-"))
    abstracts = work / "abstract.txt"
    abstracts.write_text(ABSTRACT, encoding="utf-8")
    pdfs = sorted(args.corpus.glob("*.pdf"))
    store = work / "store.db"
    rows = []
    wanted = [w for w in args.only.split(",") if w]
    for defect in [None, *DEFECTS]:
        if defect is not None and wanted and not any(defect.name.startswith(w) for w in wanted):
            continue
        inputs: list[Path | str] = [abstracts] if defect and defect.only_abstracts else [*pdfs]
        if defect is None:
            inputs.append(abstracts)
        reader = _reader(defect.unsupported) if defect else None
        with FakeOpenAI(answer=defect.answer if defect else None, verdicts=reader) as fake:
            settings = Settings.from_env(
                api_key="sk-fake", base_url=fake.base_url, engine="llm", store=store,
                refresh=True, title="T", structured="json_schema", lookup=False,
                verify=args.verify,
            )  # fmt: skip
            report = run(inputs, settings)
            calls = fake.requests["PaperFacts"]
            checks = fake.requests["PhraseVerdicts"]
        ok = [r for r in report.papers if r.status == "ok"]
        if defect is not None and defect.true_of:
            ok = [r for r in ok if defect.true_of not in r.title]
        if defect is None:
            flagged = sum(bool(r.extraction and r.extraction.unsupported) for r in ok)
            print(
                f"faithful answer (--verify {args.verify}): {calls} calls for {len(ok)} papers "
                f"({calls / max(len(ok), 1):.2f} per paper, + {checks} meaning checks), "
                f"{flagged} flagged"
            )
            continue
        outcomes = [_outcome(r, defect) for r in ok]
        rows.append((
            defect.name, len(ok), sum(o[0] for o in outcomes), sum(o[1] for o in outcomes),
            sum(o[2] for o in outcomes), len(report.failed),
        ))  # fmt: skip
    print()
    print(
        f"{'defect':52} {'papers':>6} {'re-asked':>8} {'left out':>8} {'silent':>6} {'unread':>6}"
    )
    for name, n, reasked, handled, silent, failed in rows:
        print(f"{name[:52]:52} {n:>6} {reasked:>8} {handled:>8} {silent:>6} {failed:>6}")
    print(json.dumps({"work": str(work)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
