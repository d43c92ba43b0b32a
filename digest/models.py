"""The pydantic models that flow between the pipeline stages.

ingest  -> Paper           what the PDF says (header, abstract, sections, provenance)
select  -> Excerpt         the text sent to the LLM, under a token budget
extract -> PaperFacts      what the LLM must fill (an output schema: every field an instruction)
           Extraction      PaperFacts plus provenance (model, prompt hash, usage, attempts)
compose -> the brief       one Chinese paragraph, built by code from PaperFacts
pipeline-> PaperResult     everything known about one input file, failed or not
           Report          the batch, ready for render
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializationInfo,
    ValidationInfo,
    field_serializer,
    field_validator,
)

from .language.zh import ZH

SectionKind = Literal["introduction", "method", "experiments", "conclusion", "other"]

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_surrogates(text: str) -> str:
    """PDF text layers can decode to lone surrogates, which no UTF-8 file can hold."""
    return _SURROGATE.sub("", text)


Text = Annotated[str, AfterValidator(_no_surrogates)]


class Section(BaseModel):
    """One top-level section of the body, cleaned."""

    kind: SectionKind
    heading: Text
    text: Text


Origin = Literal["pdf", "arxiv", "text"]


class Paper(BaseModel):
    """A paper as read: from a PDF (parsed, cleaned as a careful reader would), an arXiv entry,
    or an abstract file. Every later stage works on this record, whatever its origin."""

    source: str = Field(description="The input as given: a path, an arXiv ID, or path#n.")
    sha256: str = Field(
        description="The paper's identity: hash of the PDF's bytes, or of an entry's content."
    )
    origin: Origin = "pdf"
    arxiv_id: str | None = Field(None, description="With version when known, e.g. 2510.01234v2.")
    categories: list[str] = Field(default_factory=list, description="arXiv categories.")
    published: str | None = Field(None, description="ISO date of the first version (arXiv).")
    title: Text
    authors: list[Text] = Field(default_factory=list)
    affiliations: list[Text] = Field(default_factory=list)
    abstract: Text = ""
    first_page: Text = Field("", description="Cleaned text of page 1 (header, start of body).")
    sections: list[Section] = Field(default_factory=list)
    pages_total: int = 0
    pages_read: list[int] = Field(default_factory=list, description="1-based pages extracted.")
    warnings: list[Text] = Field(
        default_factory=list, description="The parser's diagnostics (JSON output only)."
    )

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)


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


# --- the output schema the LLM fills --------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")
_MAX_PHRASE = 200


MIN_CHINESE_SHARE = 0.5
_PLAIN_WORD = re.compile(r"\b[a-z]{2,}\b")  # lower-case English words: not names or acronyms


def _chinese_share(text: str) -> float:
    """CJK characters among CJK characters and letters of plain English words. Names, acronyms
    and numbers (capitalised or mixed-case tokens, digits) do not count against Chinese."""
    cjk = len(_CJK.findall(text))
    english = sum(len(w) for w in _PLAIN_WORD.findall(text))
    return cjk / (cjk + english) if cjk + english else 0.0


class Institution(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        description=(
            "The institution exactly as written in the paper's author block, at the level of a "
            "university, company or lab (e.g. 'Stanford University', 'NVIDIA'), without "
            "departments, street addresses, footnote marks or e-mail domains."
        )
    )
    name_zh: str | None = Field(
        description=(
            "Its usual Chinese name when one is established (e.g. '斯坦福大学', '英伟达', "
            "'北京大学'); null when there is no established Chinese name."
        )
    )


class PaperFacts(BaseModel):
    """The facts a brief needs, as the LLM must return them."""

    model_config = ConfigDict(extra="forbid")

    institutions: list[Institution] = Field(
        description=(
            "Distinct institutions of the authors, in order of first appearance, each once. "
            "Empty list when the text names none."
        )
    )
    method: str = Field(
        description=(
            "一个中文短语：论文提出或使用的方法/技术，先写其名称或缩写（保持原文拼写），"
            "不以“使用”开头，不加句号，不超过80个汉字。"
        )
    )
    problem: str = Field(
        description=(
            "一个中文短语：论文要解决的问题，以“……的问题”结尾，不以“解决”开头，不加句号，"
            "不超过80个汉字。"
        )
    )
    result: str = Field(
        description=(
            "一个中文短语：论文达成的主要结果，保留原文中的关键数字、单位与基准名称（如 2.8倍、"
            "161×、53.5 mIoU、38.9%），不以“达成”开头，不以“的效果”结尾，不加句号，"
            "不超过80个汉字。"
        )
    )

    @field_validator("method", "problem", "result")
    @classmethod
    def _phrase(cls, value: str, info: ValidationInfo) -> str:
        """One line, no frame words or end punctuation (the composer adds them), not too long.

        With context ``{"require_chinese": True}`` (the LLM engine) the phrase must be Chinese;
        the offline engine keeps the paper's own English words.
        """
        value = " ".join(value.split()).strip("，。；;,. ")
        for prefix in ZH.frame_prefixes:
            if value.startswith(prefix):
                value = value[len(prefix) :].lstrip()
                break
        if info.field_name == "result" and value.endswith(ZH.result_suffix):
            value = value[: -len(ZH.result_suffix)]
        if not value:
            raise ValueError(f"{info.field_name} must not be empty")
        context = info.context or {}
        if context.get("require_chinese") and _chinese_share(value) < MIN_CHINESE_SHARE:
            raise ValueError(
                f"{info.field_name} must be a Chinese phrase (names, acronyms and numbers may "
                f"stay as in the paper), got {value!r}"
            )
        if len(value) > _MAX_PHRASE:
            raise ValueError(
                f"{info.field_name} is {len(value)} characters; keep it under 80 Chinese characters"
            )
        return value

    method_evidence: str = Field(
        description="支持 method 的原文短引文：从论文文本逐字摘录（英文原文，不翻译），10-200字符。"
    )
    problem_evidence: str = Field(
        description="支持 problem 的原文短引文：从论文文本逐字摘录（英文原文不翻译），10-200字符。"
    )
    result_evidence: str = Field(
        description="支持 result 的原文短引文，含其中的数字：从论文文本逐字摘录，10-200字符。"
    )


_NUMBER = re.compile(r"(?<![A-Za-z0-9.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")


def numbers_in(text: str) -> set[float]:
    """The figures of a text as values: "30%" and "30.0 %" are both 30.0, "1,024" is 1024."""
    found = set()
    for whole, frac in _NUMBER.findall(text):
        found.add(float(whole.replace(",", "") + (frac or "")))
    return found


class ReportTopic(BaseModel):
    """The batch-level call that names the report."""

    model_config = ConfigDict(extra="forbid")

    topic: str = Field(
        description=(
            "这批论文共同的技术领域，一个不超过12个汉字的中文短语（可含 AI、LLM 等缩写），"
            "例如“AI推理加速”、“检索增强生成”；不要包含“论文”、“报告”等字。"
        )
    )

    @field_validator("topic")
    @classmethod
    def _short(cls, value: str) -> str:
        value = value.strip().strip("“”\"'。")
        for suffix in ZH.topic_suffixes:
            if value.endswith(suffix):
                value = value[: -len(suffix)]
        if not value or len(value) > 20:
            raise ValueError("topic must be a short phrase of at most 12 Chinese characters")
        return value


# --- records with provenance ----------------------------------------------------------------


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0
    cost_usd: float | None = Field(None, description="None when the model has no known price.")

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
        )


Engine = Literal["llm", "offline"]


class Extraction(BaseModel):
    """The facts of one paper and where they came from."""

    warnings: list[str] = Field(
        default_factory=list, description="Checks the answer still failed after its re-ask."
    )
    engine: Engine = "llm"
    facts: PaperFacts
    model: str | None = Field(None, description="The LLM's name; None for the offline engine.")
    prompt_sha256: str | None = Field(None, description="Prompts + schema hash (LLM only).")
    usage: Usage = Field(default_factory=Usage)
    input_tokens: int = Field(0, description="Tokens of the paper excerpt sent, counted locally.")
    raw_response: str | None = Field(None, description="The accepted answer as the LLM sent it.")


Status = Literal["ok", "failed"]

NoticeCode = Literal["no_abstract", "no_authors", "fell_back", "duplicate", "unchecked", "text"]


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
    institution_flags: list[str] = Field(
        default_factory=list,
        description="Where the LLM's institutions and the parser's candidates disagree.",
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
