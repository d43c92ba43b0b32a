"""What the command line writes: the report (stdout or a file, atomically), the progress of a
run on stderr, and its summary line. A text from outside (a file name, a paper, an endpoint's
message) reaches the terminal as `digest.strings.plain` makes it: one line, no control or bidi
character; log lines pass `PRINTABLE`."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from ..errors import ConfigError
from ..models import PaperResult, Report, Usage
from ..strings import plain, printable
from .options import Format

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "PRINTABLE",
    "calls",
    "emit",
    "finish",
    "papers",
    "progress",
    "rewrite_report",
    "setup_logging",
]

EXIT_OK, EXIT_PARTIAL, EXIT_ERROR = 0, 1, 2


class _Printable(logging.Filter):
    """A log line quotes what it was given (an endpoint's message, a file name): its control
    and bidi characters are taken out, its lines and indents kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if printable(message) != message:
            record.msg, record.args = printable(message), ()
        if record.exc_text:
            record.exc_text = printable(record.exc_text)
        return True


PRINTABLE = _Printable()


def setup_logging(verbose: bool) -> None:
    """Log lines on stderr, secrets masked; with -v everything, else warnings only."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from ..redact import REDACT

    for handler in logging.getLogger().handlers:  # every line printed: secrets masked
        handler.addFilter(REDACT)
        handler.addFilter(PRINTABLE)
    if not verbose:  # request logs and pypdf's font-decoding complaints are noise to a user
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("pypdf").setLevel(logging.ERROR)


def papers(n: int) -> str:
    return f"{n} paper" + ("" if n == 1 else "s")


def calls(n: int) -> str:
    return f"{n} LLM call" + ("" if n == 1 else "s")


def emit(report: Report, output: Path | None, fmt: Format) -> None:
    """The report in the chosen format, to `output` (atomically) or stdout."""
    from ..bibliography import render_bibtex, render_csl_json
    from ..html import render_html
    from ..render import render_json, render_markdown

    renders = {
        Format.markdown: render_markdown,
        Format.json: render_json,
        Format.html: render_html,
        Format.bibtex: render_bibtex,
        Format.csl_json: render_csl_json,
    }
    text = renders[fmt](report)
    if output is None:
        sys.stdout.write(text)
    else:
        write(output, text)


def finish(report: Report, output: Path | None, fmt: Format, seconds: float) -> None:
    """Write the report, say what the run did in one line, and exit with its code. When no
    paper could be digested nothing was done: no report (an earlier one at `output` stays),
    and exit 2."""
    failed = len(report.failed)
    if failed and not report.succeeded:
        typer.echo(
            f"error: none of the {papers(failed)} could be digested (each is named above with "
            f"its cause); no report written; {_spent(report)}",
            err=True,
        )
        raise typer.Exit(EXIT_ERROR)
    emit(report, output, fmt)
    reused = sum(1 for r in report.papers if r.cached and not r.refresh_error)
    kept = [r for r in report.papers if r.refresh_error]
    for result in kept:
        shown = f"{plain(result.source)}: {plain(result.refresh_error)}"
        typer.echo(f"refresh failed: {shown}", err=True)
    typer.echo(
        f"wrote {papers(len(report.succeeded))}{f' to {plain(str(output))}' if output else ''}"
        + (f"; {failed} failed (listed in the report)" if failed else "")
        + (f"; {_refreshes(len(kept))} failed (the answers stored before stand)" if kept else "")
        + f"; {_spent(report)}"
        + (f"; {reused} answers reused from the store" if reused else "")
        + f"; {seconds:.1f} s",
        err=True,
    )
    raise typer.Exit(EXIT_PARTIAL if failed or kept else EXIT_OK)


def _spent(report: Report) -> str:
    """What the run sent and what it cost, as the summary says it."""
    usage = report.usage
    retries = max(report.http_requests - usage.attempts, 0)
    if usage.attempts:
        spent = (
            f"{calls(usage.attempts)}"
            + (f" (+{retries} retried)" if retries else "")
            + f", {usage.prompt_tokens:,} input + {usage.completion_tokens:,} output tokens"
        )
    elif report.http_requests:  # requests went out, no answer came back
        sent = report.http_requests
        spent = f"{sent} LLM request{'s' * (sent != 1)}, none answered"
    else:
        spent = "no LLM calls"
    if usage.cost_usd is not None:
        spent += f", ${usage.cost_usd:.4f}"
    if usage.uncounted:  # a clean total would hide that the endpoint's counts were not taken
        spent += (
            f" (not counting {usage.uncounted} answer{'s' * (usage.uncounted != 1)} whose "
            "token counts from the endpoint were implausible)"
        )
    return spent


def _refreshes(n: int) -> str:
    return f"{n} refresh" + ("" if n == 1 else "es")


def write(path: Path, text: str) -> None:
    try:
        _write_atomic(path, text)
    except OSError as err:
        typer.echo(f"error: {plain(str(path))}: cannot write the report ({err.strerror})", err=True)
        raise typer.Exit(EXIT_ERROR) from None


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and rename, so a crash never leaves half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        # mkstemp makes the file 0600; a report is an ordinary file: keep its mode, or the umask's
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


class Progress:
    """On a terminal, a live bar (done / failed / remaining, tokens, cost, ETA); otherwise one
    line per paper, which logs and CI keep readably."""

    def __init__(self) -> None:
        self.count = self.failed = 0
        self.spent = Usage()
        # papers failed for a reason alike for all (the endpoint, the budget): said once, at
        # the end, unless the run ends with that reason as its error line
        self.stopped: dict[str, list[PaperResult]] = {}
        self.bar: Any = None
        self.task: Any = None
        self.reading: Any = None  # the bar's row for the PDFs, added when the first is read

    def started(self, total: int) -> None:
        if not sys.stderr.isatty():
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as Bar

        self.bar = Bar(
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

    def read(self, count: int, total: int) -> None:
        """On a terminal, a second row counts the PDFs parsed (papers wait for the LLM after
        that); in a log nothing: each paper gets its line when it is done."""
        if self.bar is None:
            return
        if self.reading is None:
            self.reading = self.bar.add_task("PDFs read", total=total, status="")
        self.bar.update(self.reading, completed=count)

    def done(self, result: PaperResult) -> None:
        self.count += 1
        self.failed += result.status == "failed"
        self.spent += result.usage
        if self.bar is not None:
            cost = f", ${self.spent.cost_usd:.4f}" if self.spent.cost_usd else ""
            status = f"{self.failed} failed, {self.spent.total_tokens:,} tokens{cost}"
            self.bar.update(self.task, advance=1, status=status)
        if result.stopped_by is not None:
            self.stopped.setdefault(result.stopped_by, []).append(result)
        elif self.bar is not None:  # failures and fallbacks stay visible above the bar, as text
            if result.status == "failed":
                said = f"failed {plain(result.source)}: {plain(result.error)}"
                self.bar.console.print(said, markup=False, highlight=False)
            elif result.fallback_error:
                said = f"offline fallback {plain(result.source)}: {plain(result.fallback_error)}"
                self.bar.console.print(said, markup=False, highlight=False)
        elif result.status == "ok":
            fell_back = result.fallback_error
            marked = f" (offline fallback: {plain(fell_back)})" if fell_back else ""
            marked += " (from the store)" if result.cached else ""
            typer.echo(f"[{self.count}] ok     {plain(result.source)}{marked}", err=True)
        else:
            line = f"[{self.count}] failed {plain(result.source)}: {plain(result.error)}"
            typer.echo(line, err=True)

    def close(self, *, ended_in_error: bool = False) -> None:
        """Stop the bar; then one line per run-wide reason papers failed for, naming them
        (none when the run ends in an error: its one line says why)."""
        if self.bar is not None:
            self.bar.stop()
        if ended_in_error:
            return
        for reason, results in self.stopped.items():
            names = [plain(Path(r.source).name) for r in results]
            shown = ", ".join(names[:STOPPED_NAMED]) + (", …" if len(names) > STOPPED_NAMED else "")
            typer.echo(f"failed {papers(len(results))} ({shown}): {plain(reason)}", err=True)


STOPPED_NAMED = 3  # files a run-wide failure line names (the report lists them all)


@contextmanager
def progress() -> Iterator[Progress]:
    shown = Progress()
    try:
        yield shown
    except BaseException:
        shown.close(ended_in_error=True)
        raise
    shown.close()


# What a report file's name says it holds: `brief --report` writes it back in that format.
REPORT_SUFFIXES = {
    ".html": Format.html,
    ".htm": Format.html,
    ".json": Format.json,
    ".bib": Format.bibtex,
}


def report_format(path: Path) -> Format:
    """The format of an existing report file, by its name (Markdown when it says none); a
    .json holding a list is CSL-JSON, not the report's own JSON."""
    fmt = REPORT_SUFFIXES.get(path.suffix.lower(), Format.markdown)
    if fmt is Format.json and _starts_a_list(path):
        return Format.csl_json
    return fmt


def _starts_a_list(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8") as file:
            return file.read(64).lstrip().startswith("[")
    except (OSError, UnicodeDecodeError):
        return False


def rewrite_report(path: Path, updated: Report, index: int, previous: PaperResult) -> None:
    """Change only this paper's brief in the report file, in the format the file is in
    (report_format). Markdown is changed in place, else re-rendered when that is not possible;
    the other formats are rendered again whole (an HTML overview counts the papers too)."""
    from ..render import rewrite_brief

    fmt = report_format(path)
    if fmt is not Format.markdown:
        emit(updated, path, fmt)
        return
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the report ({err.strerror})") from err
    text, why = rewrite_brief(text, updated, index, previous)
    if why is not None:
        shown = plain(f"{path}: {why}")
        typer.echo(f"note: {shown}; re-rendering it whole from the store", err=True)
    write(path, text)
