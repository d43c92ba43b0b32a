"""The `digest` command: parses options, builds Settings, calls the API, prints.

    digest run INPUT...       PDFs, arXiv IDs, feeds or abstract files in, the report out
    digest estimate INPUT...  the calls, tokens and cost a run would need, with no LLM call
    digest report             re-render the last run's report from the store, no LLM call
    digest brief PAPER        ask again for one paper's brief; --report rewrites only that brief
    digest status             the last run's papers, with status, engine, tokens and errors
    digest retry-failed       run the last run's inputs again: only its failures make calls
    digest batch ...          status, wait for or cancel the Batch API's batches (run --batch)

Exit codes: 0 every paper succeeded; 1 the report was written but some papers failed (or a
--refresh failed and kept the answer stored before); 2 nothing could be done (bad options or
settings, no input files, an unusable store or endpoint, every paper failed: no report is
written); 130 interrupted. -v adds tracebacks, never changes the code.

With no API key, `--engine auto` (the default) drafts every brief offline and says so once.
The store is `.digest/digest.db` beside the report (`-o`/`--report`), else in the current folder;
`--store` or DIGEST_STORE point elsewhere.

Only the Python API does the work (`import digest`); it is imported when a command runs, so
`digest --version` and `--help` answer at once.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Annotated

import typer

from ..strings import plain
from .batch import batch_app, run_batch, status_line
from .common import errors_to_exit, require_inputs, settings_from, store_path
from .options import (
    BatchReaskOpt,
    EngineOpt,
    FallbackOpt,
    Format,
    FormatOpt,
    IdsOpt,
    InputsArg,
    LookupOpt,
    MaxCostOpt,
    MaxTokensFieldOpt,
    ModelOpt,
    OutputOpt,
    StoreOpt,
    StructuredOpt,
    TitleOpt,
    TokenBudgetOpt,
    VerboseOpt,
    VerifyOpt,
)
from .output import (
    EXIT_OK,
    EXIT_PARTIAL,
    calls,
    emit,
    finish,
    papers,
    progress,
    rewrite_report,
    setup_logging,
)

__all__ = ["app", "main"]

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # -v tracebacks: never the settings' values
    context_settings={"help_option_names": ["-h", "--help"]},
    help="Turn a folder of research papers into a Chinese analysis report.",
)


def _version(value: bool) -> None:
    if value:
        from ..version import __version__

        typer.echo(f"paper-digest {__version__}")
        raise typer.Exit()


app.add_typer(batch_app, name="batch")


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
    fallback: FallbackOpt = None,
    title: TitleOpt = None,
    model: ModelOpt = None,
    token_budget: TokenBudgetOpt = None,
    max_cost_usd: MaxCostOpt = None,
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
    timeout: Annotated[
        float | None,
        typer.Option(help="Seconds one LLM answer may take before it is retried (default 120)."),
    ] = None,
    store: StoreOpt = None,
    refresh: Annotated[
        bool, typer.Option(help="Ask the LLM again even for papers the store has answers for.")
    ] = False,
    structured: StructuredOpt = None,
    max_tokens_field: MaxTokensFieldOpt = None,
    with_pdf: Annotated[
        bool,
        typer.Option(
            "--with-pdf", help="For arXiv IDs: download the PDF when the feed names no institution."
        ),
    ] = False,
    lookup: LookupOpt = None,
    batch: Annotated[
        bool,
        typer.Option(
            "--batch",
            help="Through the provider's Batch API: send, return at once; run again to collect "
            "and, once all are answered, write the report (see `digest batch`).",
        ),
    ] = False,
    batch_reask: BatchReaskOpt = None,
    verify: VerifyOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Digest papers into a report. LLM settings: OPENAI_API_KEY, OPENAI_BASE_URL, DIGEST_MODEL."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline import run as run_pipeline

        require_inputs(inputs, ids)
        settings = settings_from(
            {},
            engine=engine or ("llm" if batch else None),
            fallback=fallback,
            model=model,
            title=title,
            token_budget=token_budget,
            max_cost_usd=max_cost_usd,
            concurrency=concurrency,
            rpm=rpm,
            tpm=tpm,
            max_output_tokens=max_output_tokens,
            timeout=timeout,
            store=store_path(store, output),
            refresh=refresh,
            with_pdf=with_pdf or None,
            structured=structured,
            max_tokens_field=max_tokens_field,
            lookup=lookup,
            batch_reask=batch_reask,
            verify=verify,
        )
        started = time.perf_counter()
        if batch:
            answered = run_batch(inputs or [], ids or [], settings)
            if answered is None:
                raise typer.Exit(EXIT_OK)
            report = answered
        else:
            with progress() as shown:
                report = run_pipeline(inputs or [], settings, progress=shown, id_files=ids or [])
    finish(report, output, fmt, time.perf_counter() - started)


@app.command("estimate")
def estimate_command(
    inputs: InputsArg = None,
    ids: IdsOpt = None,
    model: ModelOpt = None,
    token_budget: TokenBudgetOpt = None,
    title: Annotated[str | None, typer.Option(help="A given title saves the naming call.")] = None,
    store: StoreOpt = None,
    lookup: LookupOpt = None,
    batch: Annotated[
        bool, typer.Option("--batch", help="Price at the Batch API's rates (run --batch).")
    ] = False,
    verify: VerifyOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Count the calls and tokens a run would send, and their cost per model; no LLM call."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline import EXPECTED_OUTPUT_TOKENS, estimate

        require_inputs(inputs, ids)
        settings = settings_from(
            {},
            engine="llm",
            model=model,
            token_budget=token_budget,
            title=title,
            store=store_path(store, None),
            lookup=lookup,
            verify=verify,
        )
        counted = estimate(inputs or [], settings, id_files=ids or [])
        rows = counted.costs(settings.model, batch=batch)
    typer.echo(
        f"{papers(counted.papers)} readable, {counted.stored} already answered in the store, "
        f"{len(counted.failed)} unreadable; {calls(counted.calls)}"
        + (f" ({counted.verify_calls} check meaning)" if counted.verify_calls else "")
        + (" (one names the report)" if counted.title_call else "")
    )
    typer.echo(f"{'model':<16} {'input tokens':>13} {'output (est.)':>14} {'cost USD':>10}")
    for row in rows:
        name = row.model + (" *" if row.chosen else "")
        cost = f"{row.cost_usd:>10.4f}" if row.cost_usd is not None else f"{'unknown':>10}"
        typer.echo(f"{name:<16} {row.input_tokens:>13,} {row.output_tokens:>14,} {cost}")
    typer.echo(
        f"* the model a run would use; output is estimated at {EXPECTED_OUTPUT_TOKENS} tokens "
        "per paper; "
        + ("Batch API " if batch else "")
        + "prices from digest/data/prices.toml (+ DIGEST_PRICES)",
        err=True,
    )
    for failed in counted.failed:
        typer.echo(f"unreadable: {plain(failed.source)}: {plain(failed.error)}", err=True)


@app.command()
def report(
    output: OutputOpt = None,
    fmt: FormatOpt = Format.markdown,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Re-render the last run's report from the store, with no LLM call."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline import last_report

        last = last_report(store_path(store, output))
    emit(last, output, fmt)
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
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline import last_settings, regenerate

        path = store_path(store, report_file)
        settings = settings_from(last_settings(path), engine=engine, model=model, store=path)
        updated, index, previous = regenerate(paper, settings)
        fresh = updated.papers[index]
        if report_file is not None:
            rewrite_report(report_file, updated, index, previous)
    typer.echo(plain(fresh.brief))
    spent = fresh.usage
    typer.echo(
        f"regenerated {plain(fresh.source)} with the {fresh.engine} engine"
        + (f"; {calls(spent.attempts)}, {spent.total_tokens:,} tokens" if spent.attempts else "")
        + (f"; rewrote {plain(str(report_file))}" if report_file else ""),
        err=True,
    )


@app.command()
def status(store: StoreOpt = None, verbose: VerboseOpt = False) -> None:
    """List the store's batches (run --batch), then the last run's papers: number, status,
    engine, tokens, file, and any error."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline import last_report
        from ..pipeline.batch import batch_status

        path = store_path(store, None)
        for row in batch_status(path):
            typer.echo(f"batch {status_line(row)}")
        last = last_report(path)
    number = 0
    for result in last.papers:
        if result.status == "ok":
            number += 1
        label = str(number) if result.status == "ok" else "-"
        cost = result.extraction.usage if result.extraction else result.usage
        tokens = f"{cost.total_tokens:,}" if cost.attempts else "-"
        line = f"{label:>3}  {result.status:<6}  {result.engine or '-':<7}  {tokens:>8}  "
        line += plain(result.source) + (f"  {plain(result.error)}" if result.error else "")
        typer.echo(line)
    typer.echo(
        f"{len(last.succeeded)} ok, {len(last.failed)} failed; "
        f"report {plain(last.title)!r} of {last.generated_at:%Y-%m-%d %H:%M:%S}",
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
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline import last_report, last_settings, rerunnable
        from ..pipeline import run as run_pipeline

        path = store_path(store, output)
        last = last_report(path)
        if not last.failed:
            typer.echo("nothing to retry: every paper of the last run succeeded", err=True)
            raise typer.Exit(EXIT_OK)
        sources = rerunnable(r.source for r in last.papers)
        settings = settings_from(last_settings(path), store=path)
        started = time.perf_counter()
        with progress() as shown:
            fresh = run_pipeline(sources, settings, progress=shown)
    finish(fresh, output, fmt, time.perf_counter() - started)


def main() -> None:
    try:
        app()
    finally:
        # Everything is written and closed by now. The interpreter's last collections would
        # walk every object the SDK and the models left (0.2-0.3 s after an LLM run, measured
        # by scripts/bench_speed.py); freezing them skips that walk. Objects are still
        # released by reference counting: only the walk is skipped.
        gc.freeze()
