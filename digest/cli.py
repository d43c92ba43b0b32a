"""The `digest` command: parses options, builds Settings, calls the API, prints.

Exit codes: 0 every paper succeeded; 1 the report was written but some papers failed;
2 nothing could be done (bad options or settings, no input files).

With no API key, `--engine auto` (the default) drafts every brief offline and says so once.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .errors import DigestError
from .models import PaperResult
from .pipeline import run as run_pipeline
from .render import render_json, render_markdown
from .settings import Settings

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn a folder of research papers into a Chinese analysis report.",
)


class Format(StrEnum):
    markdown = "markdown"
    json = "json"


class EngineOption(StrEnum):
    llm = "llm"
    offline = "offline"
    auto = "auto"


class FallbackOption(StrEnum):
    none = "none"
    offline = "offline"


OFFLINE_NOTICE = (
    "note: no OPENAI_API_KEY set, so the offline engine drafts every brief from the papers' own "
    "words (no LLM). For LLM briefs set OPENAI_API_KEY (plus OPENAI_BASE_URL and DIGEST_MODEL "
    "for a non-OpenAI endpoint); --engine offline silences this note."
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paper-digest {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """paper-digest: PDFs in, a Chinese report out."""


@app.command()
def run(
    paths: Annotated[
        list[Path], typer.Argument(help="PDF files, or folders searched recursively for *.pdf.")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the report here (default: stdout).")
    ] = None,
    fmt: Annotated[Format, typer.Option("--format", help="Report format.")] = Format.markdown,
    engine: Annotated[
        EngineOption,
        typer.Option(help="llm, offline (no LLM), or auto: the LLM when OPENAI_API_KEY is set."),
    ] = EngineOption.auto,
    fallback: Annotated[
        FallbackOption,
        typer.Option(help="offline: a paper whose LLM call fails still gets an offline brief."),
    ] = FallbackOption.none,
    title: Annotated[
        str | None, typer.Option(help="Report heading (default: inferred from the papers' topic).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name (default: $DIGEST_MODEL or gpt-4o-mini).")
    ] = None,
    budget: Annotated[
        int | None, typer.Option(help="Max tokens of paper text sent per paper (default 3000).")
    ] = None,
    concurrency: Annotated[
        int | None, typer.Option(help="LLM calls in flight at once (default 4).")
    ] = None,
    max_output_tokens: Annotated[
        int | None, typer.Option(help="Output token limit per call (default 1200).")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("-v", "--verbose", help="Debug logs, tracebacks.")
    ] = False,
) -> None:
    """Digest PDFs into a report. LLM settings: OPENAI_API_KEY, OPENAI_BASE_URL, DIGEST_MODEL."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:  # request logs and pypdf's font-decoding complaints are noise to a user
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        settings = Settings.from_env(
            engine=engine.value,
            fallback=fallback.value,
            model=model,
            title=title,
            budget=budget,
            concurrency=concurrency,
            max_output_tokens=max_output_tokens,
        )
        if settings.engine == "auto" and settings.resolved_engine == "offline":
            typer.echo(OFFLINE_NOTICE, err=True)
        report = run_pipeline(paths, settings, progress=_progress())
    except DigestError as err:
        if verbose:
            raise
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_ERROR) from None

    text = render_json(report) if fmt is Format.json else render_markdown(report)
    if output is None:
        sys.stdout.write(text)
    else:
        try:
            _write_atomic(output, text)
        except OSError as err:
            typer.echo(f"error: {output}: cannot write the report ({err.strerror})", err=True)
            raise typer.Exit(EXIT_ERROR) from None
    failed = len(report.failed)
    where = f" to {output}" if output else ""
    usage = report.usage
    spent = (
        f"{usage.attempts} LLM calls, {usage.prompt_tokens:,} input + "
        f"{usage.completion_tokens:,} output tokens"
        if usage.attempts
        else "no LLM calls"
    )
    typer.echo(
        f"wrote {len(report.succeeded)} papers{where}"
        + (f"; {failed} failed (listed in the report)" if failed else "")
        + f"; {spent}",
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if failed else EXIT_OK)


def _progress() -> Callable[[PaperResult], None]:
    done = 0

    def show(result: PaperResult) -> None:
        nonlocal done
        done += 1
        if result.status == "ok":
            marked = " (offline fallback)" if result.fallback_error else ""
            typer.echo(f"[{done}] ok     {result.source}{marked}", err=True)
        else:
            typer.echo(f"[{done}] failed {result.source}: {result.error}", err=True)

    return show


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main() -> None:
    app()
