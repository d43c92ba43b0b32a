"""The offline engine's phrases on real papers, with issue 17's defects counted mechanically.

    python scripts/eval_offline.py [FOLDER ...] [--sample 10] [--seed 17] [--json out.json]

FOLDER defaults to ../shared/corpus and ../shared/corpus-wide. Every PDF that parses gets its
offline facts; the table counts, over briefs or over phrases (method, problem, result):

    method = title      the method is the title, a part of it, or holds it (letters-only match)
    frame start         a phrase opens with a pronoun or frame ("It ...", "This paper ...",
                        "In this work ...", "We ...")
    mid-clause start    the phrase starts in lower case inside a clause: in the paper's text
                        the word before it (past a determiner or "novel" the phrase leaves
                        out) is none of: a boundary (., ;, :, a dash, a bracket); a conjunction
                        or complementizer ("that", "while"); a verb after its subject ("we
                        trained [X]") or one that takes the phrase as its object or complement
                        ("propose [X]", "show [that X]"); a word of means ("by [analysing X]",
                        "using [X]"). "使用few of the most salient parts" (after "a") is one,
                        "使用a lossless decoding algorithm" (after "propose") is not
    function-word end   the phrase ends on a function word ("... of the algorithm", "... the")
    caption             the phrase quotes a figure or table caption ("Figure 3", "Table 2")
    left out            the rules found nothing to say for the phrase (a paper printed without
                        an abstract, say), so the brief leaves its clause out with a note
                        rather than print the title in its place; not counted as a defect above
    result, no figure   the result carries no number (or is left out), and separately: ...
                        while a sentence of the abstract or conclusion states one (prose with
                        a percentage, a factor or a decimal; not a table row or an ISBN)

`--sample N` prints N briefs chosen with a seeded random generator (the same on every run), so
before/after comparisons show the same papers. Deterministic; no network.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from digest.compose import compose_brief  # noqa: E402
from digest.errors import InputError  # noqa: E402
from digest.offline import offline_draft, split_sentences  # noqa: E402
from digest.pdf import parse_pdf  # noqa: E402
from digest.strings import match_key  # noqa: E402

SHARED = REPO.parent / "shared"
PARTS = ("method", "problem", "result")
FRAMES = re.compile(
    r"^(?:it|its|this|these|that|those|they|their|we|our|here|in this (?:work|paper|study|"
    r"article)|this (?:paper|work|study|article))\b",
    re.IGNORECASE,
)
FUNCTION_WORDS = frozenset(
    [
        "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "without",
        "and", "or", "but", "nor", "as", "than", "that", "which", "who", "whose", "whom", "is",
        "are", "was", "were", "be", "been", "being", "has", "have", "had", "its", "their", "our",
        "this", "these", "those", "into", "onto", "over", "under", "between", "among", "via",
        "per", "least", "most", "more", "such",
    ]
)  # fmt: skip
CAPTION = re.compile(r"\b(?:fig(?:ure)?\.?|table)\s*\d", re.IGNORECASE)
FIGURE = re.compile(r"\d")
HEADLINE = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?\s*(?:%|x\b|×|-fold|times\b)|(?<![\w.])\d+\.\d+\b", re.IGNORECASE
)


def states_figure(sentence: str) -> bool:
    """A sentence of prose that gives a headline figure (a table row read as text, mostly
    numbers, or an ISBN is not one)."""
    tokens = sentence.split()
    words = sum(t.strip(".,;:()").isalpha() for t in tokens)
    return bool(HEADLINE.search(sentence)) and words > len(tokens) - words


BOUNDARY = re.compile(r"[.;:!?—–(\-\[\],\"“”]\s*$|^\s*$")
ARTICLE = re.compile(
    r"(?:^|\s)(?:(?:a|an|the|our|its|their|this|these)(?:\s+(?:novel|new))?|novel|new)\s*$",
    re.IGNORECASE,
)
SUBJECT_VERB = re.compile(r"\b(?:we|they|it|authors|study|paper)\s+\w+\s*$", re.IGNORECASE)
OPENER = re.compile(
    r"^(?:that|which|whether|and|or|but|because|while|whereas|although|though|if|when|since|"
    r"as|so|than|to|by|through|using|via|is|are|was|were|be|been|being|becomes?|remains?|"
    r"(?:propos|introduc|present|describ|develop|design|devis|build|built|construct|creat|"
    r"formulat|offer|provid|stud|investigat|analy[sz]|examin|explor|show|find|found|"
    r"demonstrat|report|observ|us|employ|adopt|leverag|appl|call|nam|dub|suggest|indicat|"
    r"reveal|confirm|achiev|yield|obtain|reach|outperform|improv|reduc)\w*)$",
    re.IGNORECASE,
)


def starts_mid_clause(flat: str, phrase: str) -> bool:
    """The phrase starts in lower case inside a clause of the text (see the docstring)."""
    words = phrase.split()
    if not words or not words[0][:1].islower():
        return False
    at = flat.find(" ".join(words[:6]))
    if at <= 0:
        return False  # not found verbatim (or the text's start): not judged
    before = flat[max(0, at - 40) : at]
    if BOUNDARY.search(before):
        return False
    before = ARTICLE.sub("", before)
    if BOUNDARY.search(before):
        return False
    last = before.split()[-1] if before.split() else ""
    return not OPENER.match(last.strip("\"'“”")) and not SUBJECT_VERB.search(before)


def defects(paper, facts, left_out=frozenset()) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The mechanical defect marks of one paper's printed phrases (those in `left_out` are not
    printed: they count as left out, not as defects)."""
    text = "\n".join(
        [paper.title, paper.first_page, paper.abstract, *(s.text for s in paper.sections)]
    )
    flat = " ".join(text.split())
    phrases = {part: getattr(facts, part) for part in PARTS if part not in left_out}
    marks: dict[str, object] = {"phrases": phrases}
    for part in PARTS:
        if part in left_out:
            marks[f"left out (nothing found):{part}"] = True
    method_key, title_key = match_key(phrases.get("method", "")), match_key(paper.title)
    marks["method = title"] = bool(method_key) and (
        method_key in title_key or title_key in method_key
    )
    for part, phrase in phrases.items():
        words = phrase.split()
        marks[f"frame start:{part}"] = bool(FRAMES.match(phrase))
        marks[f"function-word end:{part}"] = (
            bool(words) and words[-1].lower().strip(".,;:") in FUNCTION_WORDS
        )
        marks[f"caption:{part}"] = bool(CAPTION.search(phrase))
        marks[f"mid-clause start:{part}"] = starts_mid_clause(flat, phrase)
    conclusions = " ".join(s.text for s in paper.sections if s.kind == "conclusion")
    stated = any(map(states_figure, split_sentences(f"{paper.abstract} {conclusions}")))
    no_figure = not FIGURE.search(phrases.get("result", ""))
    marks["result, no figure"] = no_figure
    marks["result, no figure, but the paper states one"] = no_figure and stated
    return marks


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="*", type=Path,
                    default=[SHARED / "corpus", SHARED / "corpus-wide"])  # fmt: skip
    ap.add_argument("--sample", type=int, default=10)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--json", type=Path, help="write every paper's phrases and marks here")
    args = ap.parse_args()
    logging.basicConfig(level=logging.ERROR)
    rows: dict[str, dict[str, object]] = {}
    for folder in args.folders:
        for path in sorted(folder.glob("*.pdf")):
            try:
                paper = parse_pdf(path)
            except InputError:
                continue
            facts, missing = offline_draft(paper)
            left_out = {u.part for u in missing}
            marks = defects(paper, facts, left_out)
            marks["brief"] = compose_brief(paper.title, facts, left_out=left_out)
            rows[f"{folder.name}/{path.name}"] = marks
    papers = len(rows)
    counts: Counter[str] = Counter()
    for marks in rows.values():
        for key, value in marks.items():
            if value is True:
                counts[key.split(":")[0]] += 1
    print(f"{papers} papers, {3 * papers} phrases ({', '.join(str(f) for f in args.folders)})\n")
    print("| defect (counted mechanically) | count |")
    print("| --- | --- |")
    for name, of in [("method = title", "briefs"), ("frame start", "phrases"),
                     ("mid-clause start", "phrases"), ("function-word end", "phrases"),
                     ("caption", "phrases"), ("left out (nothing found)", "phrases"),
                     ("result, no figure", "briefs"),
                     ("result, no figure, but the paper states one", "briefs")]:  # fmt: skip
        total = papers if of == "briefs" else 3 * papers
        print(f"| {name} | {counts[name]} of {total} {of} ({counts[name] / max(total, 1):.0%}) |")
    picked = random.Random(args.seed).sample(sorted(rows), min(args.sample, papers))
    print(f"\n{len(picked)} briefs chosen with seed {args.seed}:\n")
    for name in picked:
        print(f"- {name}: {rows[name]['brief']}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
