"""The `digest` command: parses options, builds Settings, calls the API, prints.

    digest run INPUT...       PDFs, arXiv IDs, feeds or abstract files in, the report out
    digest estimate INPUT...  the calls, tokens and cost a run would need, with no LLM call
    digest report             re-render the last run's report from the store, no LLM call
    digest brief PAPER        ask again for one paper's brief; --report rewrites only that brief
    digest status             the last run's papers, with status, engine, tokens and errors
    digest retry-failed       run the last run's inputs again: only its failures make calls

Exit codes: 0 every paper succeeded; 1 the report was written but some papers failed;
2 nothing could be done (bad options or settings, no input files, unusable store).

With no API key, `--engine auto` (the default) drafts every brief offline and says so once.
The store is `.digest/digest.db` beside the report (`-o`/`--report`), else in the current folder;
`--store` or DIGEST_STORE point elsewhere.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from . import __version__
from .costs import load_prices
from .errors import ConfigError, DigestError
from .ingest.arxiv import parse_arxiv_id
from .models import PaperResult, Report, Usage
from .pipeline import EXPECTED_OUTPUT_TOKENS, estimate, regenerate
from .pipeline import run as run_pipeline
from .render import render_json, render_markdown, replace_brief
from .select import get_counter
from .settings import Settings
from .store import Store

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2
STORE_NAME = Path(".digest") / "digest.db"

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


class StructuredOption(StrEnum):
    auto = "auto"
    json_schema = "json_schema"
    json_object = "json_object"
    tools = "tools"


class FallbackOption(StrEnum):
    none = "none"
    offline = "offline"


OFFLINE_NOTICE = (
    "note: no OPENAI_API_KEY set, so the offline engine drafts every brief from the papers' own "
    "words (no LLM). For LLM briefs set OPENAI_API_KEY (plus OPENAI_BASE_URL and DIGEST_MODEL "
    "for a non-OpenAI endpoint); --engine offline silences this note."
)

# Options shared by several commands.
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the report here (default: stdout).")
]
FormatOpt = Annotated[Format, typer.Option("--format", help="Report format.")]
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
BudgetOpt = Annotated[
    float | None,
    typer.Option(help="USD: stop starting new papers once the run's cost would pass this."),
]
EXIT_INTERRUPTED = 130


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
    inputs: InputsArg = None,
    ids: IdsOpt = None,
    output: OutputOpt = None,
    fmt: FormatOpt = Format.markdown,
    engine: EngineOpt = None,
    fallback: Annotated[
        FallbackOption | None,
        typer.Option(help="offline: a paper whose LLM call fails still gets an offline brief."),
    ] = None,
    title: Annotated[
        str | None, typer.Option(help="Report heading (default: inferred from the papers' topic).")
    ] = None,
    model: ModelOpt = None,
    token_budget: TokenBudgetOpt = None,
    budget: BudgetOpt = None,
    concurrency: Annotated[
        int | None, typer.Option(help="LLM calls in flight at once (default 8).")
    ] = None,
    rpm: Annotated[
        int | None, typer.Option(help="Requests per minute to keep to (default: price table).")
    ] = None,
    tpm: Annotated[
        int | None, typer.Option(help="Tokens per minute to keep to (default: price table).")
    ] = None,
    max_output_tokens: Annotated[
        int | None, typer.Option(help="Output token limit per call (default 1200).")
    ] = None,
    store: StoreOpt = None,
    refresh: Annotated[
        bool, typer.Option(help="Ask the LLM again even for papers the store has answers for.")
    ] = False,
    structured: Annotated[
        StructuredOption | None,
        typer.Option(
            help="How to ask for the JSON: auto (json_schema, stepping down to json_object or "
            "tools when the endpoint refuses, remembered), or one of them."
        ),
    ] = None,
    with_pdf: Annotated[
        bool,
        typer.Option(
            "--with-pdf", help="For arXiv IDs: download the PDF when the feed names no institution."
        ),
    ] = False,
    verbose: VerboseOpt = False,
) -> None:
    """Digest papers into a report. LLM settings: OPENAI_API_KEY, OPENAI_BASE_URL, DIGEST_MODEL."""
    _logging(verbose)
    with _errors(verbose):
        _require_inputs(inputs, ids)
        settings = _settings(
            {},
            engine=engine,
            fallback=fallback,
            model=model,
            title=title,
            budget=token_budget,
            max_cost=budget,
            concurrency=concurrency,
            rpm=rpm,
            tpm=tpm,
            max_output_tokens=max_output_tokens,
            store=_store_path(store, output),
            refresh=refresh,
            with_pdf=with_pdf or None,
            structured=structured,
        )
        started = time.perf_counter()
        with _progress() as shown:
            report = run_pipeline(inputs or [], settings, progress=shown, id_files=ids or [])
    _finish(report, output, fmt, time.perf_counter() - started)


@app.command("estimate")
def estimate_command(
    inputs: InputsArg = None,
    ids: IdsOpt = None,
    model: ModelOpt = None,
    token_budget: TokenBudgetOpt = None,
    title: Annotated[str | None, typer.Option(help="A given title saves the naming call.")] = None,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Count the calls and tokens a run would send, and their cost per model; no LLM call."""
    _logging(verbose)
    with _errors(verbose):
        _require_inputs(inputs, ids)
        settings = _settings(
            {},
            engine="llm",
            model=model,
            budget=token_budget,
            title=title,
            store=_store_path(store, None),
        )
        counted = estimate(inputs or [], settings, id_files=ids or [])
        prices = load_prices()
    typer.echo(
        f"{_papers(counted.papers)} readable, {counted.stored} already answered in the store, "
        f"{len(counted.failed)} unreadable; {_calls(counted.calls)}"
        + (" (one names the report)" if counted.title_call else "")
    )
    typer.echo(f"{'model':<16} {'input tokens':>13} {'output (est.)':>14} {'cost USD':>10}")
    for name in dict.fromkeys([settings.model, *prices]):
        tokens = counted.prompt_tokens.get(get_counter(name).encoding, 0)
        price = prices.get(name)
        usage = Usage(prompt_tokens=tokens, completion_tokens=counted.output_tokens)
        mark = " *" if name == settings.model else ""
        shown = f"{price.cost(usage):>10.4f}" if price else f"{'unknown':>10}"
        typer.echo(f"{name + mark:<16} {tokens:>13,} {counted.output_tokens:>14,} {shown}")
    typer.echo(
        f"* the model a run would use; output is estimated at {EXPECTED_OUTPUT_TOKENS} tokens "
        "per paper; prices from digest/data/prices.toml (+ DIGEST_PRICES)",
        err=True,
    )
    for failed in counted.failed:
        typer.echo(f"unreadable: {failed.source}: {failed.error}", err=True)


@app.command()
def report(
    output: OutputOpt = None,
    fmt: FormatOpt = Format.markdown,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Re-render the last run's report from the store, with no LLM call."""
    _logging(verbose)
    with _errors(verbose), Store(_existing_store(store, output)) as opened:
        last = opened.last_report()
    _emit(last, output, fmt)
    raise typer.Exit(EXIT_PARTIAL if last.failed else EXIT_OK)


@app.command()
def brief(
    paper: Annotated[
        str, typer.Argument(help="Report number, PDF path, or content hash prefix of the paper.")
    ],
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="Rewrite this Markdown report with only this brief changed."),
    ] = None,
    engine: EngineOpt = None,
    model: ModelOpt = None,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Ask again for one paper's brief and print it (the rest of the batch is not redone)."""
    _logging(verbose)
    with _errors(verbose):
        path = _existing_store(store, report_file)
        with Store(path) as opened:
            recorded = opened.last_settings()
        settings = _settings(recorded, engine=engine, model=model, store=path)
        updated, index, previous = regenerate(paper, settings)
        fresh = updated.papers[index]
        if report_file is not None:
            _rewrite_report(report_file, updated, index, previous)
    typer.echo(fresh.brief)
    spent = fresh.usage
    typer.echo(
        f"regenerated {fresh.source} with the {fresh.engine} engine"
        + (f"; {_calls(spent.attempts)}, {spent.total_tokens:,} tokens" if spent.attempts else "")
        + (f"; rewrote {report_file}" if report_file else ""),
        err=True,
    )


@app.command()
def status(store: StoreOpt = None, verbose: VerboseOpt = False) -> None:
    """List the last run's papers: number, status, engine, tokens, file, and any error."""
    _logging(verbose)
    with _errors(verbose), Store(_existing_store(store, None)) as opened:
        last = opened.last_report()
    number = 0
    for result in last.papers:
        if result.status == "ok":
            number += 1
        label = str(number) if result.status == "ok" else "-"
        cost = result.extraction.usage if result.extraction else result.usage
        tokens = f"{cost.total_tokens:,}" if cost.attempts else "-"
        line = f"{label:>3}  {result.status:<6}  {result.engine or '-':<7}  {tokens:>8}  "
        line += result.source + (f"  {result.error}" if result.error else "")
        typer.echo(line)
    typer.echo(
        f"{len(last.succeeded)} ok, {len(last.failed)} failed; "
        f"report {last.title!r} of {last.generated_at:%Y-%m-%d %H:%M:%S}",
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if last.failed else EXIT_OK)


@app.command("retry-failed")
def retry_failed(
    output: OutputOpt = None,
    fmt: FormatOpt = Format.markdown,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run the last run's inputs again: stored answers serve, only the failures make calls."""
    _logging(verbose)
    with _errors(verbose):
        path = _existing_store(store, output)
        with Store(path) as opened:
            last, recorded = opened.last_report(), opened.last_settings()
        if not last.failed:
            typer.echo("nothing to retry: every paper of the last run succeeded", err=True)
            raise typer.Exit(EXIT_OK)
        sources = _rerunnable(r.source for r in last.papers)
        settings = _settings(recorded, store=path)
        started = time.perf_counter()
        with _progress() as shown:
            fresh = run_pipeline(sources, settings, progress=shown)
    _finish(fresh, output, fmt, time.perf_counter() - started)


# --- helpers -------------------------------------------------------------------------------


def _logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not verbose:  # request logs and pypdf's font-decoding complaints are noise to a user
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("pypdf").setLevel(logging.ERROR)


@contextmanager
def _errors(verbose: bool) -> Iterator[None]:
    """Our errors become one line and exit 2; -v shows the traceback instead. Ctrl-C stops
    cleanly: calls in flight are abandoned, every finished paper is already in the store."""
    try:
        yield
    except DigestError as err:
        if verbose:
            raise
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        typer.echo(
            "interrupted: finished papers are kept in the store; "
            "run the same command again to go on",
            err=True,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _settings(recorded: dict[str, Any], **options: Any) -> Settings:
    """Settings from the environment, the recorded run, then the options given (in that order)."""
    values = {k: v for k, v in recorded.items() if v is not None}
    values.update({k: getattr(v, "value", v) for k, v in options.items() if v is not None})
    settings = Settings.from_env(**values)
    if settings.engine == "auto" and settings.resolved_engine == "offline":
        typer.echo(OFFLINE_NOTICE, err=True)
    return settings


def _require_inputs(inputs: list[str] | None, ids: list[Path] | None) -> None:
    if not inputs and not ids:
        raise ConfigError("nothing to read: name PDFs, folders, arXiv IDs or files, or --ids")


def _rerunnable(sources: Iterable[str]) -> list[str]:
    """The last run's inputs that can be named again: files that still exist (an abstract
    file once for all its papers, "file#3" -> "file"), and arXiv IDs."""
    names: dict[str, None] = {}
    for source in sources:
        base = source.rsplit("#", 1)[0] if "#" in source else source
        if Path(base).exists() or parse_arxiv_id(base) is not None:
            names.setdefault(base, None)
    return list(names)


def _store_path(store: Path | None, anchor: Path | None) -> Path:
    if store is not None:
        return store
    return (anchor.parent if anchor is not None else Path.cwd()) / STORE_NAME


def _existing_store(store: Path | None, anchor: Path | None) -> Path:
    path = _store_path(store, anchor)
    if not path.is_file():
        raise ConfigError(f"{path}: no store here; run `digest run` first, or pass --store")
    return path


def _rewrite_report(path: Path, updated: Report, index: int, previous: PaperResult) -> None:
    """Change only this paper's brief in the report file; re-render when that is not possible."""
    fresh = updated.papers[index]
    number = sum(1 for r in updated.papers[: index + 1] if r.status == "ok")
    try:
        text = path.read_text(encoding="utf-8")
        if previous.status != "ok":
            raise ValueError("the paper had failed, so the report's numbering changes")
        text = replace_brief(text, number, fresh.title, previous.brief or "", fresh.brief or "")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the report ({err.strerror})") from err
    except ValueError as err:
        typer.echo(f"note: {path}: {err}; re-rendering it whole from the store", err=True)
        text = render_markdown(updated)
    _write(path, text)


def _finish(report: Report, output: Path | None, fmt: Format, seconds: float) -> None:
    _emit(report, output, fmt)
    failed = len(report.failed)
    usage = report.usage
    retries = max(report.http_requests - usage.attempts, 0)
    spent = (
        f"{_calls(usage.attempts)}"
        + (f" (+{retries} retried)" if retries else "")
        + f", {usage.prompt_tokens:,} input + {usage.completion_tokens:,} output tokens"
        if usage.attempts
        else "no LLM calls"
    )
    if usage.cost_usd is not None:
        spent += f", ${usage.cost_usd:.4f}"
    reused = sum(1 for r in report.papers if r.cached)
    typer.echo(
        f"wrote {_papers(len(report.succeeded))}{f' to {output}' if output else ''}"
        + (f"; {failed} failed (listed in the report)" if failed else "")
        + f"; {spent}"
        + (f"; {reused} answers reused from the store" if reused else "")
        + f"; {seconds:.1f} s",
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if failed else EXIT_OK)


def _papers(n: int) -> str:
    return f"{n} paper" + ("" if n == 1 else "s")


def _calls(n: int) -> str:
    return f"{n} LLM call" + ("" if n == 1 else "s")


def _emit(report: Report, output: Path | None, fmt: Format) -> None:
    text = render_json(report) if fmt is Format.json else render_markdown(report)
    if output is None:
        sys.stdout.write(text)
    else:
        _write(output, text)


def _write(path: Path, text: str) -> None:
    try:
        _write_atomic(path, text)
    except OSError as err:
        typer.echo(f"error: {path}: cannot write the report ({err.strerror})", err=True)
        raise typer.Exit(EXIT_ERROR) from None


class _Progress:
    """On a terminal, a live bar (done / failed / remaining, tokens, cost, ETA); otherwise one
    line per paper, which logs and CI keep readably."""

    def __init__(self) -> None:
        self.count = self.failed = 0
        self.spent = Usage()
        self.bar: Any = None
        self.task: Any = None

    def started(self, total: int) -> None:
        if not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[status]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("papers", total=total, status="")

    def done(self, result: PaperResult) -> None:
        self.count += 1
        self.failed += result.status == "failed"
        self.spent += result.usage
        if self.bar is not None:
            cost = f", ${self.spent.cost_usd:.4f}" if self.spent.cost_usd else ""
            status = f"{self.failed} failed, {self.spent.total_tokens:,} tokens{cost}"
            self.bar.update(self.task, advance=1, status=status)
            if result.status == "failed":  # failures stay visible above the bar
                self.bar.console.print(f"failed {result.source}: {result.error}")
            return
        if result.status == "ok":
            marked = " (offline fallback)" if result.fallback_error else ""
            marked += " (from the store)" if result.cached else ""
            typer.echo(f"[{self.count}] ok     {result.source}{marked}", err=True)
        else:
            typer.echo(f"[{self.count}] failed {result.source}: {result.error}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def _progress() -> Iterator[_Progress]:
    shown = _Progress()
    try:
        yield shown
    finally:
        shown.close()


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes the file 0600; a report is an ordinary file: keep its mode, or the umask's
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def main() -> None:
    app()
