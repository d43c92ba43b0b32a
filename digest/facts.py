"""The output schema the LLM fills: every field an instruction, validated on the way in.

PaperFacts   the header as the model read it (title, authors, institutions), then method,
             problem, result and the verbatim quotes behind them
PhraseVerdicts  the meaning check: whether each phrase says what its quotes say
ReportTopic  the batch-level call that names the report

The offline engine fills PaperFacts too (digest.offline), so a brief is composed from the same
record whatever wrote it; digest.models holds the records that carry it between stages.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from .language.zh import ZH

__all__ = [
    "MAX_AUTHORS",
    "MIN_CHINESE_SHARE",
    "Institution",
    "PaperFacts",
    "PhraseVerdicts",
    "ReportTopic",
    "Verdict",
]

_CJK = re.compile(r"[\u4e00-\u9fff]")
MAX_HANZI = 80  # Chinese characters per phrase, as the schema says
MIN_QUOTE_CHARS, MAX_QUOTE_CHARS = 10, 200
# Length bounds the schema carries (JSON Schema keywords, not pydantic constraints: what breaks
# them is a check that leaves the part out, digest.checks, not a failed answer). A server that
# decodes by grammar (llama.cpp, vLLM) cannot run past them; OpenAI's strict mode does not take
# them, so the LLM client removes them there (digest.llm.client).
PHRASE_BOUNDS: dict[str, Any] = {"maxLength": 2 * MAX_HANZI + 40}
QUOTE_BOUNDS: dict[str, Any] = {"minLength": MIN_QUOTE_CHARS, "maxLength": MAX_QUOTE_CHARS}
MAX_QUOTES = 3  # quotes per phrase: a claim may gather what two or three sentences say
EVIDENCE_BOUNDS: dict[str, Any] = {
    "minItems": 1,
    "maxItems": MAX_QUOTES,
    "items": {"type": "string", **QUOTE_BOUNDS},
}
QUOTES = ("method_evidence", "problem_evidence", "result_evidence")
BOUND_KEYWORDS = frozenset({"maxLength", "minLength", "maxItems", "minItems"})
# Authors a first-page header holds: the largest in ../shared/corpus and corpus-wide lists 52
# (a PLOS NTD paper); longer lists go to a footnote or an appendix. A grammar-decoding server
# (llama.cpp) closes the list at the bound, so a model looping on one name ("Yuan Yang", ...)
# spends 5-7 tokens a name up to here, not the whole output limit: measured with llama.cpp's
# server (xllamacpp, gemma-3-270m) told to repeat a name, 80 closed the list at 588 tokens in
# all; 200 ran to the 1,200-token limit and cut the answer.
MAX_AUTHORS = 80
MAX_NAME_CHARS = 100  # a consortium that signs runs to ~75 characters; a loop in a name stops


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
        json_schema_extra={"maxLength": 200},
        description=(
            "The institution exactly as written in the paper's author block, at the level of a "
            "university, company or lab (e.g. 'Stanford University', 'NVIDIA'), without "
            "departments, street addresses, footnote marks or e-mail domains."
        ),
    )
    name_zh: str | None = Field(
        description=(
            "Its usual Chinese name when one is established (e.g. '斯坦福大学', '英伟达', "
            "'北京大学'); null when there is no established Chinese name."
        )
    )


class PaperFacts(BaseModel):
    """The facts a brief needs, as the LLM must return them. `title` and `authors` are the
    model's reading of the first-page header (checked against the page text before they are
    used, see digest.merge.reconcile_header); "" and [] mean it could not tell, and the offline
    engine leaves them so (the parser's reading stands)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _header_untold(cls, data: Any) -> Any:
        """Header fields the answer does not give read as "not told": missing (answers stored
        before they existed) or null (how json_object-mode models say "unknown")."""
        if isinstance(data, dict) and "method" in data:
            untold = {"title": "", "authors": [], "institutions": [], **{q: [] for q in QUOTES}}
            return {**data, **{k: v for k, v in untold.items() if data.get(k) is None}}
        return data

    title: str = Field(
        json_schema_extra={"maxLength": 400},
        description=(
            "The paper's title exactly as printed in the first-page header (original language "
            'and spelling, not translated, without footnote marks); "" when the text does not '
            "show it."
        ),
    )
    authors: list[str] = Field(
        json_schema_extra={
            "maxItems": MAX_AUTHORS,
            "items": {"type": "string", "maxLength": MAX_NAME_CHARS},
        },
        description=(
            "The authors' names in the order the first-page header prints them, each once, as "
            "written there (no footnote marks, degrees, e-mails or institutions; a consortium "
            "that signs as an author is one name). Empty list when the text shows no names; "
            f"when it prints more than {MAX_AUTHORS}, the first {MAX_AUTHORS}."
        ),
    )
    institutions: list[Institution] = Field(
        json_schema_extra={"maxItems": 40},
        description=(
            "Distinct institutions of the authors, in order of first appearance, each once. "
            "Empty list when the text names none."
        ),
    )
    # Evidence first: a model writes what it quotes, so each phrase follows its quotes.
    method_evidence: list[str] = Field(
        json_schema_extra=EVIDENCE_BOUNDS,
        description=(
            "1-3 段支持 method 的原文引文：从论文文本逐字摘录（英文原文，不翻译），每段10-200字符；"
            "标题和章节标题不算引文；引文中的方法名称或缩写要写进 method。"
        ),
    )
    method: str = Field(
        json_schema_extra=PHRASE_BOUNDS,
        description=(
            "一个中文短语，只写上面引文说了的：论文提出或使用的方法/技术，先写其名称或缩写"
            "（保持原文拼写），不以“使用”开头，不加句号，不超过80个汉字。"
        ),
    )
    problem_evidence: list[str] = Field(
        json_schema_extra=EVIDENCE_BOUNDS,
        description=(
            "1-3 段支持 problem 的原文引文：从论文文本逐字摘录（英文原文，不翻译），"
            "每段10-200字符；标题和章节标题不算引文。"
        ),
    )
    problem: str = Field(
        json_schema_extra=PHRASE_BOUNDS,
        description=(
            "一个中文短语，只写上面引文说了的：论文要解决的问题，以“……的问题”结尾，"
            "不以“解决”开头，不加句号，不超过80个汉字。"
        ),
    )
    result_evidence: list[str] = Field(
        json_schema_extra=EVIDENCE_BOUNDS,
        description=(
            "1-3 段支持 result 的原文引文：从论文文本逐字摘录，每段10-200字符；result 中的每个"
            "数字都要出现在其中一段里。"
        ),
    )
    result: str = Field(
        json_schema_extra=PHRASE_BOUNDS,
        description=(
            "一个中文短语，只写上面引文说了的：论文达成的主要结果，保留引文中的关键数字、单位与"
            "基准名称（如 2.8倍、161×、53.5 mIoU、38.9%），不以“达成”开头，不以“的效果”结尾，"
            "不加句号，不超过80个汉字。"
        ),
    )

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("authors", mode="before")
    @classmethod
    def _authors(cls, value: Any) -> Any:
        """Each name once, in order, without stray marks; a null name is no name. A list that
        ran to the bound repeating names is a loop, not a reading of the header: "not told"
        (the parser's reading stands)."""
        if not isinstance(value, list):
            return value
        names = [" ".join(n.split()).strip(" ,;*") if isinstance(n, str) else n for n in value]
        names = [name for name in names if name is not None and name != ""]
        once = list(dict.fromkeys(names))
        return [] if len(names) >= MAX_AUTHORS and len(once) < len(names) else once

    @field_validator("method", "problem", "result")
    @classmethod
    def _phrase(cls, value: str, info: ValidationInfo) -> str:
        """One line, no frame words or end punctuation (the composer adds them).

        Only an answer being taken in (context ``{"answer": True}``) is refused, and only when
        a phrase is empty. What was accepted once reads back from the store as it was; a
        phrase's length, form and language are the checks' (digest.checks), which leave it out
        with a note instead of failing the paper.
        """
        value = " ".join(value.split()).strip("，。；;,. ")
        for prefix in ZH.frame_prefixes:
            if value.startswith(prefix):
                value = value[len(prefix) :].lstrip()
                break
        if info.field_name == "result" and value.endswith(ZH.result_suffix):
            value = value[: -len(ZH.result_suffix)]
        if not value and (info.context or {}).get("answer"):
            raise ValueError(f"{info.field_name} must not be empty")
        return value

    @field_validator(*QUOTES, mode="before")
    @classmethod
    def _quotes(cls, value: Any) -> Any:
        """Each quote on one line, each once; one quote (answers stored before evidence was a
        list, a model that sends a string) is a list of one."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        quotes = [" ".join(q.split()) if isinstance(q, str) else q for q in value]
        return list(dict.fromkeys(q for q in quotes if q != ""))

    def quotes(self, part: str) -> list[str]:
        """The quotes given as evidence for one phrase ("method", "problem", "result")."""
        return list(getattr(self, f"{part}_evidence"))


Judgement = Literal["supported", "partly", "not"]


def _bare(schema: dict[str, Any]) -> None:
    """A schema without descriptions and titles: the meaning check's prompt says what each
    field means (prompts/verify_system.md), and every token of a schema is paid per paper."""
    schema.pop("description", None)
    for value in schema.get("properties", {}).values():
        value.pop("title", None)


class Verdict(BaseModel):
    """A careful reader's judgement of one phrase against its quotes (the meaning check): the
    words the quotes do not say (copied from the phrase; "" when they say it all), then the
    verdict: supported, partly (part of it unsaid) or not (its main content unsaid)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_bare)

    unsupported: str
    verdict: Judgement

    @field_validator("unsupported", mode="before")
    @classmethod
    def _words(cls, value: Any) -> Any:
        return " ".join(value.split()) if isinstance(value, str) else "" if value is None else value


class PhraseVerdicts(BaseModel):
    """The meaning check's answer: a verdict per phrase of a brief (digest.llm.verify)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_bare)

    method: Verdict
    problem: Verdict
    result: Verdict


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
        """A name for a heading: a short Chinese phrase (its acronyms kept), nothing else: no
        punctuation alone (", "), no markup, no line of another shape."""
        value = " ".join(value.split()).strip("“”\"'。")
        for suffix in ZH.topic_suffixes:
            if value.endswith(suffix):
                value = value[: -len(suffix)]
        hanzi = len(_CJK.findall(value))
        if not _TOPIC_CHARS.fullmatch(value) or not MIN_TOPIC_HANZI <= hanzi <= MAX_TOPIC_HANZI:
            raise ValueError(
                f"topic must be a Chinese phrase of {MIN_TOPIC_HANZI}-{MAX_TOPIC_HANZI} Chinese "
                "characters (acronyms such as AI or LLM may stay), with no punctuation or markup"
            )
        if len(value) > 20 or _chinese_share(value) < MIN_CHINESE_SHARE:
            raise ValueError("topic must be a short Chinese phrase, not English words")
        return value


# What a topic may be made of: Chinese, letters and digits of acronyms, and a few joiners
_TOPIC_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9][\u4e00-\u9fffA-Za-z0-9 \-·/+&、]*")
MIN_TOPIC_HANZI, MAX_TOPIC_HANZI = 2, 12
