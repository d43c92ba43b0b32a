"""The pydantic models that flow between the pipeline stages.

ingest  -> Paper           what the PDF says (header, abstract, sections, provenance)
select  -> Excerpt         the text sent to the LLM, under a token budget
extract -> PaperFacts      what the LLM must fill (digest.facts: the output schema)
           Extraction      PaperFacts plus provenance (model, prompt hash, usage, attempts)
compose -> the brief       one Chinese paragraph, built by code from PaperFacts
pipeline-> PaperResult     everything known about one input file, failed or not
           Report          the batch, ready for render
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import (
    BaseModel,
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_serializer,
)

from .facts import PaperFacts, PhraseVerdicts
from .language.zh import ZH
from .paper import (  # noqa: F401 - the paper as read, re-exported with the later records
    HEADER_FIELDS,
    HeaderSource,
    HeaderSources,
    Origin,
    Paper,
    Section,
    SectionKind,
    Text,
)


class ExcerptPart(BaseModel):
    name: str
    text: str
    tokens: int
    truncated: bool = False


class Excerpt(BaseModel):
    """The text the LLM reads for one paper, assembled under a token budget."""

    parts: list[ExcerptPart]
    budget: int
    tokens: int
    encoding: str
    approximate: bool = Field(False, description="True when counted without tiktoken.")

    @property
    def text(self) -> str:
        return "\n\n".join(f"[{p.name}]\n{p.text}" for p in self.parts)


class PreparedExcerpt(BaseModel):
    """A paper's excerpt selected and counted where the paper was parsed (a parse worker, see
    digest.excerpt.Budget), with the tokens of the prompts sent around it: the run's main
    process then needs no tokenizer for the paper's first request. It stands only for the
    budget and the paper text it was made from (`budget_key`, `text_key`)."""

    excerpt: Excerpt
    prompt_tokens: int
    budget_key: str
    text_key: str


# --- records with provenance ----------------------------------------------------------------


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    cost_usd: float | None = Field(None, description="None when the model has no known price.")
    uncounted: int = Field(
        0,
        description="Answers whose token counts from the endpoint were implausible (not a "
        "number, or more than any request uses): left out of the tokens and cost above. "
        "Recorded only when not 0.",
    )

    @model_serializer(mode="wrap")
    def _counted_only(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Records of answers whose counts were all taken read as before `uncounted` existed."""
        data = handler(self)
        if isinstance(data, dict) and not self.uncounted:
            data.pop("uncounted", None)
        return data

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            attempts=self.attempts + other.attempts,
            cost_usd=round(sum(costs), 8) if costs else None,
            uncounted=self.uncounted + other.uncounted,
        )


Engine = Literal["llm", "offline"]


Part = Literal["method", "problem", "result", "institutions"]
Reason = Literal[
    "form", "quote", "figure", "name", "term", "filler", "institution", "chinese_name",
    "not_found", "meaning", "partly",
]  # fmt: skip
KEPT = frozenset({"partly", "chinese_name"})  # reasons a part is kept for, with a note


class Unsupported(BaseModel):
    """One part of an answer its evidence does not support, still after the re-ask: it is left
    out of the brief (or, for a Chinese institution name, printed in English) and a note says
    so under the brief. A phrase its quotes support only in part ("partly": the meaning check,
    digest.llm.verify) is kept, with a note naming what they do not say."""

    part: Part
    reason: Reason
    value: str = Field("", description="What failed: a figure, a name, an institution.")


class Extraction(BaseModel):
    """The facts of one paper and where they came from."""

    warnings: list[str] = Field(
        default_factory=list,
        description="The checks the answer still failed after its re-ask, as told to the LLM.",
    )
    unsupported: list[Unsupported] = Field(
        default_factory=list, description="The same failures as data: what the brief leaves out."
    )
    engine: Engine = "llm"
    facts: PaperFacts
    model: str | None = Field(None, description="The LLM's name; None for the offline engine.")
    prompt_sha256: str | None = Field(None, description="Prompts + schema hash (LLM only).")
    usage: Usage = Field(default_factory=Usage)
    input_tokens: int = Field(0, description="Tokens of the paper excerpt sent, counted locally.")
    raw_response: str | None = Field(None, description="The accepted answer as the LLM sent it.")
    verdicts: PhraseVerdicts | None = Field(
        None, description="The meaning check's verdicts on the phrases (None: not checked)."
    )
    verify_usage: Usage = Field(
        default_factory=Usage, description="Tokens of the meaning check (part of `usage`)."
    )
    verify_error: str | None = Field(
        None, description="Why the meaning check could not be done (the phrases stand unchecked)."
    )


Status = Literal["ok", "failed"]

NoticeCode = Literal[
    "no_abstract", "no_authors", "fell_back", "duplicate", "unchecked", "unsupported", "text",
    "unverified",
]  # fmt: skip
BRIEF_NOTICES = frozenset({"unsupported", "fell_back", "unverified"})  # under the brief


class Notice(BaseModel):
    """Something the report's reader must know about one paper, as a code and its data; the
    report's language words it when the report is rendered (digest.language)."""

    code: NoticeCode
    detail: str = Field("", description="The data the wording needs: an error, a file name.")


class PaperResult(BaseModel):
    """Everything known about one input file after the pipeline ran, whether it worked or not."""

    source: str
    status: Status
    error: str | None = None
    fallback_error: str | None = Field(
        None, description="Why the LLM failed, when the offline engine stood in for it."
    )
    refresh_error: str | None = Field(
        None, description="Why asking again (--refresh) failed; the answer stored before stands."
    )
    institution_flags: list[str] = Field(
        default_factory=list,
        description="Where the LLM's institutions and the parser's candidates disagree.",
    )
    header_flags: list[str] = Field(
        default_factory=list,
        description="Where the LLM's reading of title and authors and the paper's record part.",
    )
    paper: Paper | None = None
    extraction: Extraction | None = None
    brief: str | None = None
    institutions: list[str] = Field(default_factory=list)
    warnings: list[Notice] = Field(
        default_factory=list, description="What the report's reader must know (shown as notes)."
    )
    usage: Usage = Field(
        default_factory=Usage, description="Tokens spent on this paper, failed attempts included."
    )
    stopped_by: str | None = Field(
        None,
        exclude=True,
        description="Why the run stopped asking, when that is why this paper failed (the "
        "endpoint unusable, the budget or quota spent): alike for every paper it stopped, so "
        "said once for them all (API only: not in JSON).",
    )
    seconds: float = Field(0.0, exclude=True, description="Wall time (API only: not in JSON).")
    cached: bool = Field(False, exclude=True, description="Answered from the store (API only).")

    @field_validator("warnings", mode="before")
    @classmethod
    def _coded(cls, value: object) -> object:
        """Records stored before notices had codes hold them as worded text: read them back."""
        if not isinstance(value, list):
            return value
        return [
            dict(zip(("code", "detail"), ZH.read_notice(item), strict=True))
            if isinstance(item, str)
            else item
            for item in value
        ]

    @field_serializer("warnings")
    def _worded(self, notices: list[Notice], info: SerializationInfo) -> list[Any]:
        """Codes and data by default (the store); words when the context carries a `language`
        (the reader's JSON, see digest.render)."""
        language = (info.context or {}).get("language")
        if language is None:
            return [n.model_dump() for n in notices]
        return [language.notice(n.code, n.detail) for n in notices]

    @property
    def title(self) -> str:
        return self.paper.title if self.paper else self.source

    @property
    def engine(self) -> Engine | None:
        return self.extraction.engine if self.extraction else None


class Report(BaseModel):
    title: str
    generated_at: datetime
    papers: list[PaperResult]
    title_usage: Usage = Field(
        default_factory=Usage, description="Tokens of the call that named the report."
    )
    http_requests: int = Field(
        0, description="HTTP requests sent to the LLM, the SDK's retries included."
    )

    @property
    def usage(self) -> Usage:
        """Every token the run spent: all papers, all attempts, and the title call."""
        total = self.title_usage
        for paper in self.papers:
            total += paper.usage
        return total

    @property
    def succeeded(self) -> list[PaperResult]:
        return [p for p in self.papers if p.status == "ok"]

    @property
    def failed(self) -> list[PaperResult]:
        return [p for p in self.papers if p.status == "failed"]
