"""digest.cli.output and the command line's other lines: what reaches a terminal is text, never
a terminal sequence, a bidi override or rich markup, whatever a file, a paper or an endpoint
holds."""

from __future__ import annotations

import io
import logging
import re
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES
from typer.testing import CliRunner

from digest import PaperResult
from digest.cli import app
from digest.cli.output import Progress, setup_logging

runner = CliRunner()
# What a terminal acts on: C0/C1 controls (ESC, BEL, CSI), DEL, the bidi controls
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
OSC_TITLE = "\x1b]0;pwned\x07"  # sets the terminal's title; a CSI one click strips, this it keeps


def test_file_names_never_reach_the_terminal_as_sequences(tmp_path: Path) -> None:
    """A PDF named with ESC and bidi characters: the progress lines, the report on stdout, the
    summary and `digest status` print its name without them."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "papers" / "dpr-emnlp2020-p1-2.pdf", folder / f"ok{OSC_TITLE}.pdf")
    shutil.copy(FIXTURES / "bad" / "truncated.pdf", folder / "bad\u202efdp.exe\u2066.pdf")
    done = runner.invoke(app, ["run", str(folder), "--engine", "offline", "--title", "T"])
    assert done.exit_code == 1, done.output
    assert "ok]0;pwned.pdf" in done.stderr and "badfdp.exe.pdf" in done.stdout
    assert not UNPRINTABLE.search(done.stdout + done.stderr)
    status = runner.invoke(app, ["status"])
    assert "badfdp.exe.pdf" in status.stdout
    assert not UNPRINTABLE.search(status.stdout + status.stderr)


def test_an_error_line_carries_no_sequence(tmp_path: Path) -> None:
    done = runner.invoke(app, ["run", str(tmp_path / f"no{OSC_TITLE}such\u202e")])
    assert done.exit_code == 2
    assert "no]0;pwnedsuch" in done.stderr and not UNPRINTABLE.search(done.stderr)


def test_a_failure_above_the_bar_is_text_not_rich_markup() -> None:
    from rich.console import Console
    from rich.progress import Progress as Bar

    screen = io.StringIO()
    shown = Progress()
    shown.bar = Bar(console=Console(file=screen, force_terminal=True, width=200))
    shown.task = shown.bar.add_task("papers", total=1, status="")
    source = "[link=https://evil.example/]a[/link].pdf"
    shown.done(PaperResult(source=source, status="failed", error=f"[bold]x{OSC_TITLE}\u202ey"))
    printed = screen.getvalue()
    assert "\x1b]" not in printed  # no hyperlink (OSC 8), no title
    assert f"failed {source}: [bold]x]0;pwnedy" in re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", printed)


def test_log_lines_carry_no_sequence(caplog: pytest.LogCaptureFixture) -> None:
    setup_logging(verbose=False)
    logging.getLogger("digest.test").warning("endpoint said %s", f"x{OSC_TITLE}\u202ey\n z")
    assert caplog.records[-1].getMessage() == "endpoint said x]0;pwnedy\n z"
