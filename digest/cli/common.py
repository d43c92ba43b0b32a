"""What every command shares: errors as one line, settings from env + record + options, the
store's place, the inputs check."""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import ConfigError, DigestError
from ..strings import plain, printable
from .output import EXIT_ERROR

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = [
    "EXIT_INTERRUPTED",
    "OFFLINE_NOTICE",
    "STORE_NAME",
    "errors_to_exit",
    "require_inputs",
    "settings_from",
    "store_path",
]

EXIT_INTERRUPTED = 130
STORE_NAME = Path(".digest") / "digest.db"
OFFLINE_NOTICE = (
    "note: no OPENAI_API_KEY set, so the offline engine drafts every brief from the papers' own "
    "words (no LLM). For LLM briefs set OPENAI_API_KEY (plus OPENAI_BASE_URL and DIGEST_MODEL "
    "for a non-OpenAI endpoint); --engine offline silences this note."
)


@contextmanager
def errors_to_exit(verbose: bool) -> Iterator[None]:
    """Our errors become one line and exit 2; -v adds the traceback before that line (secrets
    masked), never changes the code. Ctrl-C stops cleanly: calls in flight are abandoned,
    every finished paper is already in the store."""
    try:
        yield
    except DigestError as err:
        if verbose:
            from ..redact import mask

            shown = printable(mask("".join(traceback.format_exception(err))).rstrip())
            typer.echo(shown, err=True)
        typer.echo(f"error: {plain(str(err))}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        typer.echo(
            "interrupted: finished papers are kept in the store; "
            "run the same command again to go on",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None


def settings_from(recorded: dict[str, Any], **options: Any) -> Settings:
    """Settings from the environment, the recorded run, then the options given (in that order)."""
    from ..settings import Settings

    values = {k: v for k, v in recorded.items() if v is not None}
    values.update({k: getattr(v, "value", v) for k, v in options.items() if v is not None})
    settings = Settings.from_env(**values)
    if settings.engine == "auto" and settings.resolved_engine == "offline":
        typer.echo(OFFLINE_NOTICE, err=True)
    return settings


def require_inputs(inputs: list[str] | None, ids: list[Path] | None) -> None:
    if not inputs and not ids:
        raise ConfigError("nothing to read: name PDFs, folders, arXiv IDs or files, or --ids")


def store_path(store: Path | None, anchor: Path | None) -> Path:
    if store is not None:
        return store
    return (anchor.parent if anchor is not None else Path.cwd()) / STORE_NAME
