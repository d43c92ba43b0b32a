"""paper-digest: turn a folder of research papers into a Chinese analysis report.

The Python API does everything the CLI does::

    from digest import Settings, run, render_markdown
    report = run(["papers/"], Settings.from_env())
    print(render_markdown(report))
"""

from .compose import compose_brief, merge_institutions
from .errors import (
    ConfigError,
    CorruptPDFError,
    DigestError,
    EncryptedPDFError,
    ExtractionError,
    InputError,
    InvalidOutputError,
    LLMRequestError,
    NotAPDFError,
    NoTextError,
    PromptError,
    RefusalError,
    StoreError,
    TruncatedOutputError,
)
from .extract import Extractor, build_client
from .ingest import parse_pdf
from .inputs import discover
from .models import (
    Excerpt,
    Extraction,
    Institution,
    Paper,
    PaperFacts,
    PaperResult,
    Report,
    Section,
    Usage,
)
from .pipeline import regenerate, run, run_async
from .render import render_json, render_markdown
from .select import get_counter, select
from .settings import Settings
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "CorruptPDFError",
    "DigestError",
    "EncryptedPDFError",
    "Excerpt",
    "Extraction",
    "ExtractionError",
    "Extractor",
    "InputError",
    "Institution",
    "InvalidOutputError",
    "LLMRequestError",
    "NoTextError",
    "NotAPDFError",
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
    "get_counter",
    "merge_institutions",
    "parse_pdf",
    "regenerate",
    "render_json",
    "render_markdown",
    "run",
    "run_async",
    "select",
]
