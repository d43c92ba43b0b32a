"""paper-digest: turn a folder of research papers into a Chinese analysis report.

The Python API does everything the CLI does::

    from digest import Settings, run, render_markdown
    report = run(["papers/"], Settings.from_env())
    print(render_markdown(report))

    estimate(["papers/"], settings)     # calls, tokens and cost a run would need; no LLM call
    regenerate("3", settings)           # ask again for one paper of the last run
    report(Path(".digest/digest.db"))   # the last run's report, from its store

Names are imported on first use (PEP 562), so ``import digest`` is cheap and a PDF worker that
imports ``digest.pdf`` never loads the LLM client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .compose import compose_brief
    from .errors import (
        ArxivError,
        ConfigError,
        CorruptPDFError,
        DigestError,
        EncryptedPDFError,
        ExtractionError,
        GarbledTextError,
        InputError,
        InvalidOutputError,
        LLMRequestError,
        NotAPDFError,
        NoTextError,
        NotStartedError,
        PromptError,
        RefusalError,
        StoreError,
        TruncatedOutputError,
    )
    from .excerpt import select
    from .facts import Institution, PaperFacts
    from .inputs import discover
    from .institutions import merge_institutions
    from .language import Language
    from .llm import Extractor, build_client
    from .models import (
        Excerpt,
        Extraction,
        Notice,
        Paper,
        PaperResult,
        Report,
        Section,
        Usage,
    )
    from .pdf import parse_pdf, read_header
    from .pipeline.estimate import Estimate, estimate, estimate_async
    from .pipeline.history import last_report as report
    from .pipeline.regenerate import regenerate, regenerate_async
    from .pipeline.run import run, run_async
    from .render import render_json, render_markdown
    from .settings import Settings
    from .store import Store
    from .tokens import get_counter
    from .version import __version__

__all__ = [
    "ArxivError",
    "ConfigError",
    "CorruptPDFError",
    "DigestError",
    "EncryptedPDFError",
    "Estimate",
    "Excerpt",
    "Extraction",
    "ExtractionError",
    "Extractor",
    "GarbledTextError",
    "InputError",
    "Institution",
    "InvalidOutputError",
    "LLMRequestError",
    "Language",
    "NoTextError",
    "NotAPDFError",
    "NotStartedError",
    "Notice",
    "Paper",
    "PaperFacts",
    "PaperResult",
    "PromptError",
    "RefusalError",
    "Report",
    "Section",
    "Settings",
    "Store",
    "StoreError",
    "TruncatedOutputError",
    "Usage",
    "__version__",
    "build_client",
    "compose_brief",
    "discover",
    "estimate",
    "estimate_async",
    "get_counter",
    "merge_institutions",
    "parse_pdf",
    "read_header",
    "regenerate",
    "regenerate_async",
    "render_json",
    "render_markdown",
    "report",
    "run",
    "run_async",
    "select",
]

# name -> (module, attribute in it): imported on first use
_API: dict[str, tuple[str, str]] = {
    "__version__": ("version", "__version__"),  # importlib.metadata only when asked
    "ArxivError": ("errors", "ArxivError"),
    "ConfigError": ("errors", "ConfigError"),
    "CorruptPDFError": ("errors", "CorruptPDFError"),
    "DigestError": ("errors", "DigestError"),
    "EncryptedPDFError": ("errors", "EncryptedPDFError"),
    "Estimate": ("pipeline", "Estimate"),
    "Excerpt": ("models", "Excerpt"),
    "Extraction": ("models", "Extraction"),
    "ExtractionError": ("errors", "ExtractionError"),
    "Extractor": ("llm", "Extractor"),
    "GarbledTextError": ("errors", "GarbledTextError"),
    "InputError": ("errors", "InputError"),
    "Institution": ("facts", "Institution"),
    "InvalidOutputError": ("errors", "InvalidOutputError"),
    "LLMRequestError": ("errors", "LLMRequestError"),
    "Language": ("language", "Language"),
    "NoTextError": ("errors", "NoTextError"),
    "NotAPDFError": ("errors", "NotAPDFError"),
    "NotStartedError": ("errors", "NotStartedError"),
    "Notice": ("models", "Notice"),
    "Paper": ("models", "Paper"),
    "PaperFacts": ("facts", "PaperFacts"),
    "PaperResult": ("models", "PaperResult"),
    "PromptError": ("errors", "PromptError"),
    "RefusalError": ("errors", "RefusalError"),
    "Report": ("models", "Report"),
    "Section": ("models", "Section"),
    "Settings": ("settings", "Settings"),
    "Store": ("store", "Store"),
    "StoreError": ("errors", "StoreError"),
    "TruncatedOutputError": ("errors", "TruncatedOutputError"),
    "Usage": ("models", "Usage"),
    "build_client": ("llm", "build_client"),
    "compose_brief": ("compose", "compose_brief"),
    "discover": ("inputs", "discover"),
    "estimate": ("pipeline", "estimate"),
    "get_counter": ("tokens", "get_counter"),
    "merge_institutions": ("institutions", "merge_institutions"),
    "parse_pdf": ("pdf", "parse_pdf"),
    "read_header": ("pdf", "read_header"),
    "regenerate": ("pipeline", "regenerate"),
    "regenerate_async": ("pipeline", "regenerate_async"),
    "render_json": ("render", "render_json"),
    "render_markdown": ("render", "render_markdown"),
    "report": ("pipeline", "last_report"),
    "run": ("pipeline", "run"),
    "run_async": ("pipeline", "run_async"),
    "estimate_async": ("pipeline", "estimate_async"),
    "select": ("excerpt", "select"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _API[name]
    except KeyError:
        raise AttributeError(f"module 'digest' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
