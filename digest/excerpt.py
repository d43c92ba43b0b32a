"""Excerpt: select the text the LLM reads for one paper, under a token budget.

The parts that carry the facts a brief needs, in this order: the header of the first page
(institutions), the abstract (problem, method, result), the contribution paragraph(s) of the
introduction, and the conclusion. When they fit, they go whole; when they do not, the budget is
shared max-min fairly (a short part keeps all of itself, the long ones split the rest) and each
part is cut at a sentence boundary. Nothing pads a short paper.

Tokens are counted with the model's tiktoken encoding (digest.tokens). A :class:`Budget` is
the same selection and count as a value a parse worker can be given, so that a paper leaves
the worker with its excerpt ready (:class:`~digest.models.PreparedExcerpt`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property

from .models import Excerpt, ExcerptPart, Paper, PreparedExcerpt
from .tokens import TokenCounter, get_counter

__all__ = ["Budget", "select", "text_key"]


@dataclass(frozen=True)
class Budget:
    """How the LLM engine cuts and counts a paper: the model's encoding, the token budget of
    paper text, and the prompts every request carries around it (counted once)."""

    model: str
    encoding: str | None
    tokens: int
    prompts: tuple[str, ...] = ()

    @cached_property
    def key(self) -> str:
        """Names this budget: a prepared excerpt is used only under the budget it was cut by."""
        fields = [self.model, self.encoding, self.tokens, list(self.prompts)]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()[:16]

    def counter(self) -> TokenCounter:
        """The model's token counter (loaded on the first call in a process)."""
        return get_counter(self.model, self.encoding)

    @cached_property
    def prompt_tokens(self) -> int:
        """The tokens of the prompts around every excerpt, counted once per process."""
        counter = self.counter()
        return sum(counter.count(text) for text in self.prompts)

    def prepare(self, paper: Paper) -> PreparedExcerpt:
        """The paper's excerpt under this budget and the prompts' tokens, for the engine."""
        return PreparedExcerpt(
            excerpt=select(paper, token_budget=self.tokens, counter=self.counter()),
            prompt_tokens=self.prompt_tokens,
            budget_key=self.key,
            text_key=text_key(paper),
        )

    def fits(self, prepared: PreparedExcerpt, paper: Paper) -> bool:
        """True when `prepared` was made under this budget from this paper's text (a PDF
        merged with its arXiv entry or Crossref record may have another abstract)."""
        return prepared.budget_key == self.key and prepared.text_key == text_key(paper)


def text_key(paper: Paper) -> str:
    """A hash of the paper text :func:`select` reads: first page, abstract, sections."""
    digest = hashlib.sha256()
    for text in (paper.first_page, paper.abstract):
        digest.update(text.encode() + b"\0")
    for section in paper.sections:
        digest.update(f"{section.kind}\0{section.heading}\0{section.text}\0".encode())
    return digest.hexdigest()


_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")
_CONTRIBUTION = re.compile(
    r"\b(contributions?|we propose|we present|we introduce|in this (?:paper|work)|"
    r"this paper|our (?:method|approach|framework)|we show|we demonstrate|achiev\w+|"
    r"outperform\w*)\b",
    re.IGNORECASE,
)


def select(paper: Paper, *, token_budget: int, counter: TokenCounter) -> Excerpt:
    """The paper's fact-bearing parts, whole when they fit, fairly cut when they do not."""
    candidates = [(name, text) for name, text in _parts(paper) if text.strip()]
    sizes = [counter.count(text) for _, text in candidates]
    allowed = _fair_share(sizes, token_budget)
    parts = []
    for (name, text), size, limit in zip(candidates, sizes, allowed, strict=True):
        if size <= limit:
            parts.append(ExcerptPart(name=name, text=text, tokens=size))
            continue
        cut = _truncate(text, limit, counter)
        if cut:
            parts.append(
                ExcerptPart(name=name, text=cut, tokens=counter.count(cut), truncated=True)
            )
    return Excerpt(
        parts=parts,
        budget=token_budget,
        tokens=sum(p.tokens for p in parts),
        encoding=counter.encoding,
        approximate=counter.approximate,
    )


def _parts(paper: Paper) -> list[tuple[str, str]]:
    header = _header(paper)
    intro = paper.section("introduction")
    conclusion = paper.section("conclusion")
    parts = [("header", header), ("abstract", paper.abstract)]
    if intro is not None:
        parts.append(("contributions", _contributions(intro.text)))
    if conclusion is not None:
        parts.append(("conclusion", conclusion.text))
    if not paper.abstract and intro is None:
        # Nothing structured was found: the first page is the best evidence there is.
        parts.append(("first page", paper.first_page[len(header) :]))
    return parts


def _header(paper: Paper) -> str:
    """The first page up to the abstract: title, authors, affiliations as printed."""
    text = paper.first_page
    lowered = text.lower()
    cut = len(text)
    for marker in ("abstract", paper.abstract[:40].lower()):
        if marker and (at := lowered.find(marker)) > 0:
            cut = min(cut, at)
    return text[: min(cut, 1500)].strip()


def _contributions(intro: str) -> str:
    """The introduction's paragraphs that state what the paper does, best first, in order."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", intro) if p.strip()]
    if len(paragraphs) <= 1:
        paragraphs = _sentences_grouped(intro)
    scored = [(len(_CONTRIBUTION.findall(p)), i) for i, p in enumerate(paragraphs)]
    keep = sorted(i for score, i in sorted(scored, reverse=True)[:2] if score > 0)
    if not keep:  # no explicit statement: the end of the introduction usually says it
        keep = [len(paragraphs) - 1]
    return "\n\n".join(paragraphs[i] for i in keep)


def _sentences_grouped(text: str, size: int = 4) -> list[str]:
    sentences = _SENTENCE_END.split(text.strip())
    return [" ".join(sentences[i : i + size]) for i in range(0, len(sentences), size)]


def _fair_share(sizes: list[int], budget: int) -> list[int]:
    """Max-min fair allocation: small parts get all they need, the rest split what remains."""
    allowed = [0] * len(sizes)
    remaining = budget
    pending = sorted(range(len(sizes)), key=lambda i: sizes[i])
    while pending:
        share = remaining // len(pending)
        i = pending.pop(0)
        allowed[i] = min(sizes[i], share)
        remaining -= allowed[i]
    return allowed


def _truncate(text: str, limit: int, counter: TokenCounter) -> str:
    """The longest run of whole sentences from the start that fits in `limit` tokens."""
    if limit <= 0:
        return ""
    sentences = _SENTENCE_END.split(text)
    low, high = 0, len(sentences)
    while low < high:  # binary search on the number of sentences kept
        mid = (low + high + 1) // 2
        if counter.count(" ".join(sentences[:mid])) <= limit:
            low = mid
        else:
            high = mid - 1
    if low:
        return " ".join(sentences[:low])
    # Not even one sentence fits: cut the first sentence by words.
    words = sentences[0].split()
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if counter.count(" ".join(words[:mid])) <= limit:
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low])
