"""Run settings: one object built by the caller (CLI or API user) and passed down.

Nothing here reads the environment at import time; :meth:`Settings.from_env` does it when asked.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator

from .errors import ConfigError

__all__ = ["DEFAULT_MODEL", "DEFAULT_TOKEN_BUDGET", "Settings", "option_name"]

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TOKEN_BUDGET = 3000
MIN_TOKEN_BUDGET = 300
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


# The settings that shape request keys and the report, recorded with each run (see recorded()).
RECORDED = (
    "engine", "fallback", "model", "token_budget", "encoding", "max_output_tokens", "title",
    "with_pdf", "structured", "lookup", "max_tokens_field", "verify",
)  # fmt: skip

EngineChoice = Literal["llm", "offline", "auto"]
Fallback = Literal["none", "offline"]


class Settings(BaseModel):
    """Everything a run needs to know. Secrets are SecretStr so they never print."""

    engine: EngineChoice = Field(
        "auto", description="auto: the LLM when a key is configured, else the offline engine."
    )
    structured: Literal["auto", "json_schema", "json_object", "tools"] = Field(
        "auto",
        description="How the answer's structure is asked for; auto steps down when refused.",
    )
    fallback: Fallback = Field(
        "none", description="offline: a paper whose LLM call fails gets an offline brief."
    )
    verify: Literal["auto", "on", "off"] = Field(
        "auto",
        description="The meaning check: one small request per paper asking whether each "
        "phrase says what its quotes say; auto: on for LLM runs.",
    )
    max_tokens_field: Literal["auto", "max_completion_tokens", "max_tokens"] = Field(
        "auto",
        description="The request field of the output-token limit; auto steps down to "
        "max_tokens when a server rejects max_completion_tokens (remembered).",
    )
    model: str = DEFAULT_MODEL
    api_key: SecretStr | None = None
    base_url: str | None = None
    token_budget: int = Field(
        DEFAULT_TOKEN_BUDGET, description="Max tokens of paper text sent per paper."
    )
    max_cost_usd: float | None = Field(
        None, gt=0, description="USD: stop starting new papers once this would be exceeded."
    )
    encoding: str | None = Field(None, description="tiktoken encoding; None: from the model.")
    max_output_tokens: int = Field(
        1200,
        ge=256,  # an answer of every field needs a few hundred tokens; fewer cuts every one
        le=1_000_000,
        description="Output token limit per call.",
    )
    attempts: int = Field(3, ge=1, le=6, description="Tries per paper when output is invalid.")
    sdk_retries: int = Field(3, ge=0, description="The SDK's own retries for 429/5xx/network.")
    timeout: float = Field(
        120.0, gt=0, description="Seconds an LLM answer may take (each attempt); --timeout."
    )
    concurrency: int = Field(8, ge=1, le=256)
    rpm: int | None = Field(None, ge=1, description="Requests per minute; None: the price table's.")
    tpm: int | None = Field(None, ge=1, description="Tokens per minute; None: the price table's.")
    parse_workers: int | None = Field(
        None, ge=1, description="Processes parsing PDFs; None: one per CPU core."
    )
    title: str | None = Field(None, description="Report heading; None: inferred from topics.")
    prompts_dir: Path | None = Field(None, description="Override the bundled prompts/.")
    store: Path | None = Field(None, description="SQLite store file; None: nothing is kept.")
    refresh: bool = Field(False, description="Ask the LLM again even when the store has answers.")
    batch: bool = Field(
        False,
        description="Answers come from the provider's Batch API (run --batch): a paper without "
        "one is not asked online, its row says why.",
    )
    batch_reask: Literal["batch", "online", "none"] = Field(
        "batch",
        description="A batch answer that fails validation or the checks: re-asked in a second, "
        "smaller batch (batch), re-asked online (online), or failed / its unsupported parts "
        "left out (none).",
    )
    with_pdf: bool = Field(
        False, description="Download arXiv PDFs to read institutions when the feed has none."
    )
    lookup: bool = Field(
        True,
        description="Ask arXiv for the exact header of a PDF that carries an arXiv stamp, and "
        "Crossref for one that prints a DOI (cached).",
    )
    contact: str | None = Field(
        None,
        description="An e-mail address sent to Crossref with each lookup (its polite pool).",
    )

    @field_validator("token_budget")
    @classmethod
    def _token_budget(cls, value: int) -> int:
        if value < MIN_TOKEN_BUDGET:
            raise ValueError(
                f"must be at least {MIN_TOKEN_BUDGET} tokens to hold a paper's abstract"
            )
        return value

    @field_validator("contact")
    @classmethod
    def _contact(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.fullmatch(value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value.strip() if value else None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from OPENAI_API_KEY, OPENAI_BASE_URL, DIGEST_MODEL, DIGEST_CONTACT,
        DIGEST_LOOKUP (0, false, no or off: no lookups) and DIGEST_VERIFY (auto, on, off),
        then overrides."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        if env.get("DIGEST_CONTACT"):
            values["contact"] = env["DIGEST_CONTACT"]
        if env.get("DIGEST_LOOKUP", "").strip().lower() in {"0", "false", "no", "off"}:
            values["lookup"] = False
        if env.get("OPENAI_API_KEY"):
            values["api_key"] = env["OPENAI_API_KEY"]
        if env.get("OPENAI_BASE_URL"):
            values["base_url"] = env["OPENAI_BASE_URL"]
        if env.get("DIGEST_MODEL"):
            values["model"] = env["DIGEST_MODEL"]
        if env.get("DIGEST_VERIFY"):
            values["verify"] = env["DIGEST_VERIFY"].strip().lower()
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return cls.model_validate(values)
        except ValidationError as err:
            problems = "; ".join(
                f"{option_name(str(e['loc'][0]) if e['loc'] else '')}: "
                f"{e['msg'].removeprefix('Value error, ')}"
                for e in err.errors(include_url=False)
            )
            raise ConfigError(f"invalid settings: {problems}") from err

    def recorded(self) -> dict[str, object]:
        """What a run records in its store so later commands ask alike: no key, no endpoint."""
        return {name: getattr(self, name) for name in RECORDED}

    @property
    def has_key(self) -> bool:
        return self.api_key is not None and bool(self.api_key.get_secret_value())

    @property
    def resolved_engine(self) -> Literal["llm", "offline"]:
        """The engine a run uses: `auto` becomes the LLM exactly when a key is configured."""
        if self.engine == "auto":
            return "llm" if self.has_key else "offline"
        return self.engine

    @property
    def verifies(self) -> bool:
        """Whether each LLM answer gets the meaning check (--verify; auto: for LLM runs)."""
        return self.verify == "on" or (self.verify == "auto" and self.resolved_engine == "llm")

    def require_key(self) -> SecretStr:
        if self.api_key is None or not self.has_key:
            raise ConfigError(
                "No API key found - set OPENAI_API_KEY (and OPENAI_BASE_URL for a non-OpenAI "
                "endpoint such as DeepSeek, Qwen, vLLM or Ollama)"
            )
        return self.api_key


def option_name(field: str) -> str:
    """The command-line option that sets a settings field: token_budget -> --token-budget."""
    return "--" + field.replace("_", "-") if field else "settings"
