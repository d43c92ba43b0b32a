"""`digest run --batch` and `digest batch ...`: papers through the provider's Batch API.

digest run INPUT... --batch   collect what finished batches answered, send the papers
                              that have no answer and wait in no batch, return at once;
                              once every paper is answered, write the report
digest batch status           every batch the store knows: state, requests, age
digest batch wait [INPUT...]  poll until no batch is open and store the answers; with
                              inputs, then write their report
digest batch cancel [ID]      cancel one open batch, or all of them
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..strings import plain
from .common import errors_to_exit, settings_from, store_path
from .options import (
    BatchReaskOpt,
    Format,
    FormatOpt,
    InputsArg,
    ModelOpt,
    OutputOpt,
    StoreOpt,
    TitleOpt,
    VerboseOpt,
)
from .output import EXIT_OK, finish, progress, setup_logging

if TYPE_CHECKING:
    from ..models import Report
    from ..settings import Settings

__all__ = ["batch_app", "run_batch", "status_line"]

batch_app = typer.Typer(
    no_args_is_help=True,
    help="Papers through the provider's Batch API (half the price, answers within 24 h).",
)


def run_batch(inputs: list[str], ids: list[Path], settings: Settings) -> Report | None:
    """One `run --batch`: collect, submit; the report's Report once nothing is left to wait
    for (else None, and a line says how to follow the batches)."""
    from ..errors import ConfigError
    from ..pipeline.batch import submit_async
    from ..pipeline.collect import collect_async

    if settings.engine == "offline":
        raise ConfigError(
            "--batch sends the papers to the LLM's Batch API: not with --engine offline"
        )
    collected = asyncio.run(collect_async(settings))
    if collected.answered or collected.failed:
        typer.echo(
            f"collected {collected.answered} answer(s) from finished batches"
            + (f"; {collected.failed} request(s) got none" if collected.failed else ""),
            err=True,
        )
    submitted = asyncio.run(submit_async(inputs, settings, id_files=ids))
    if submitted.not_started:
        typer.echo(
            f"{submitted.not_started} paper(s) not sent: --max-cost-usd "
            f"{settings.max_cost_usd} would be passed at the batch price (each request reserved "
            "at its longest answer); a larger limit sends them",
            err=True,
        )
    if submitted.sent or submitted.waiting:
        batches = plain(", ".join(submitted.batches))
        sent = f"sent {submitted.sent} paper(s) in batch {batches}; "
        typer.echo(
            (sent if submitted.sent else "")
            + f"{submitted.waiting + submitted.sent} paper(s) wait for the provider "
            f"(answers within 24 h, at the batch price). Follow them with `digest batch "
            f"status`; `digest batch wait` collects them, or run this command again.",
            err=True,
        )
        return None
    return _report(inputs, ids, settings)


def _report(inputs: list[str], ids: list[Path], settings: Settings) -> Report:
    """The report from the stored answers: no request is made for a paper without one."""
    from ..pipeline import run as run_pipeline

    with progress() as shown:
        return run_pipeline(
            inputs, settings.model_copy(update={"batch": True}), progress=shown, id_files=ids
        )


@batch_app.command("status")
def status_command(store: StoreOpt = None, verbose: VerboseOpt = False) -> None:
    """Every batch the store knows, newest first, as last seen: id, state, requests, age."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline.batch import batch_status

        rows = batch_status(store_path(store, None))
    if not rows:
        typer.echo("no batches in this store", err=True)
        raise typer.Exit(EXIT_OK)
    for row in rows:
        typer.echo(status_line(row))


def status_line(row: dict[str, Any]) -> str:
    """One batch as `digest batch status` and `digest status` show it."""
    created = datetime.fromisoformat(row["created_at"])
    hours = (datetime.now() - created).total_seconds() / 3600
    state = plain(row["status"]) + ("" if not row["collected"] else ", collected")
    return (
        f"{plain(row['id'])}  {state:<22}  {row['requests'] or 0} requests: "
        f"{row['answered'] or 0} answered, {row['pending'] or 0} waiting, {row['failed'] or 0} "
        f"failed  {hours:.1f} h ago  {plain(row['model'])}"
    )


@batch_app.command("wait")
def wait_command(
    inputs: InputsArg = None,
    output: OutputOpt = None,
    fmt: FormatOpt = Format.markdown,
    model: ModelOpt = None,
    title: TitleOpt = None,
    batch_reask: BatchReaskOpt = None,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Poll the open batches until none is left, storing their answers; with INPUTS, then
    write their report (as `digest run INPUTS --batch` would)."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline.collect import collect_async

        settings = settings_from(
            {}, model=model, title=title, batch_reask=batch_reask,
            store=store_path(store, output), engine="llm",
        )  # fmt: skip
        started = time.perf_counter()
        collected = asyncio.run(collect_async(settings, wait=True))
        typer.echo(
            f"collected {collected.answered} answer(s); {collected.failed} request(s) got none",
            err=True,
        )
        if not inputs:
            raise typer.Exit(EXIT_OK)
        report = _report(inputs, [], settings)
    finish(report, output, fmt, time.perf_counter() - started)


@batch_app.command("cancel")
def cancel_command(
    batch_id: Annotated[
        str | None, typer.Argument(help="The batch (default: every open one).")
    ] = None,
    model: ModelOpt = None,
    store: StoreOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Cancel an open batch (or all); what it answered before is still collected."""
    setup_logging(verbose)
    with errors_to_exit(verbose):
        from ..pipeline.batch import cancel_async

        settings = settings_from({}, model=model, store=store_path(store, None), engine="llm")
        cancelled = asyncio.run(cancel_async(settings, batch_id))
    for batch in cancelled:
        typer.echo(f"{plain(batch['id'])}  {plain(batch['status'])}")
    if not cancelled:
        typer.echo("no open batch to cancel", err=True)
