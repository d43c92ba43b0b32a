"""The command line's options, defined once and shared by the commands that take them.

Each option's name is its settings field's name (`--token-budget` sets `token_budget`), so an
error about a setting names the flag that sets it.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "BatchReaskOpt",
    "EngineOpt",
    "FallbackOpt",
    "Format",
    "FormatOpt",
    "IdsOpt",
    "InputsArg",
    "LookupOpt",
    "MaxCostOpt",
    "MaxTokensFieldOpt",
    "ModelOpt",
    "OutputOpt",
    "StoreOpt",
    "StructuredOpt",
    "TitleOpt",
    "TokenBudgetOpt",
    "VerboseOpt",
]


class Format(StrEnum):
    markdown = "markdown"
    json = "json"
    html = "html"  # one self-contained page (digest.html)
    bibtex = "bibtex"  # the papers as a bibliography (digest.bibliography)
    csl_json = "csl-json"


class EngineOption(StrEnum):
    llm = "llm"
    offline = "offline"
    auto = "auto"


class StructuredOption(StrEnum):
    auto = "auto"
    json_schema = "json_schema"
    json_object = "json_object"
    tools = "tools"


class MaxTokensFieldOption(StrEnum):
    auto = "auto"
    max_completion_tokens = "max_completion_tokens"
    max_tokens = "max_tokens"


class VerifyOption(StrEnum):
    auto = "auto"
    on = "on"
    off = "off"


class FallbackOption(StrEnum):
    none = "none"
    offline = "offline"


OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the report here (default: stdout).")
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format", help="Report format; bibtex and csl-json list the papers as references."
    ),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option(
        envvar="DIGEST_STORE",
        help="SQLite store (default: .digest/digest.db beside the report, else here).",
    ),
]
EngineOpt = Annotated[
    EngineOption | None,
    typer.Option(help="llm, offline (no LLM), or auto: the LLM when OPENAI_API_KEY is set."),
]
FallbackOpt = Annotated[
    FallbackOption | None,
    typer.Option(help="offline: a paper whose LLM call fails still gets an offline brief."),
]
StructuredOpt = Annotated[
    StructuredOption | None,
    typer.Option(
        help="How to ask for the JSON: auto (json_schema, stepping down to json_object or "
        "tools when the endpoint refuses, remembered), or one of them."
    ),
]
VerifyOpt = Annotated[
    VerifyOption | None,
    typer.Option(
        help="The meaning check: one small request per paper asking whether each phrase says "
        "what its quotes say (auto: on for LLM runs; off: one request per paper).",
    ),
]
ModelOpt = Annotated[
    str | None, typer.Option(help="Model name (default: $DIGEST_MODEL or gpt-4o-mini).")
]
VerboseOpt = Annotated[bool, typer.Option("-v", "--verbose", help="Debug logs, tracebacks.")]
InputsArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="PDFs or folders of PDFs, arXiv IDs or URLs, saved arXiv API responses "
        "(.xml), abstract files (.txt .md .json .jsonl).",
        show_default=False,
    ),
]
IdsOpt = Annotated[
    list[Path] | None,
    typer.Option("--ids", help="A file of arXiv IDs, one per line (# comments)."),
]
TokenBudgetOpt = Annotated[
    int | None,
    typer.Option("--token-budget", help="Max tokens of paper text sent per paper (3000)."),
]
MaxCostOpt = Annotated[
    float | None,
    typer.Option(
        "--max-cost-usd",
        "--budget",  # its name before 0.2; kept so scripts keep working
        help="USD: stop starting new papers once the run's cost would pass this.",
    ),
]
LookupOpt = Annotated[
    bool | None,
    typer.Option(
        "--lookup/--no-lookup",
        help="Ask arXiv for the exact title, authors and abstract of PDFs stamped with an arXiv "
        "ID, and Crossref for those of PDFs that print a DOI (cached in the store; default on, "
        "DIGEST_LOOKUP=0 turns it off; DIGEST_CONTACT=you@org joins Crossref's polite pool).",
        show_default=False,
    ),
]
MaxTokensFieldOpt = Annotated[
    MaxTokensFieldOption | None,
    typer.Option(
        help="The request field of the output-token limit: auto (max_completion_tokens, "
        "stepping down to max_tokens when the server rejects it, remembered), or one of them."
    ),
]


class BatchReask(StrEnum):
    batch = "batch"
    online = "online"
    none = "none"


BatchReaskOpt = Annotated[
    BatchReask | None,
    typer.Option(
        "--batch-reask",
        help="A batch answer that fails validation or the checks: batch (re-ask it in a "
        "second, smaller batch; the default), online (re-ask it online) or none (fail it / "
        "leave the unsupported parts out).",
    ),
]
TitleOpt = Annotated[
    str | None, typer.Option(help="Report heading (default: inferred from the papers' topic).")
]
