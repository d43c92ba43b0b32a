"""The last run, as the store keeps it: its report, a paper of it, the inputs to run again."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..ids import file_sha256, parse_arxiv_id
from ..models import Report
from ..store import Store

__all__ = ["find_paper", "last_report", "last_settings", "rerunnable"]

log = logging.getLogger(__name__)


def last_report(store: Path) -> Report:
    """The report of the last finished run kept in this store, with no LLM call."""
    with Store(_existing(store)) as opened:
        return opened.last_report()


def last_settings(store: Path) -> dict[str, Any]:
    """The settings the last finished run recorded (those that shape its questions; never the
    key or the endpoint), so a later command asks alike."""
    with Store(_existing(store)) as opened:
        return opened.last_settings()


def _existing(store: Path) -> Path:
    if not store.is_file():
        raise ConfigError(f"{store}: no store here; run `digest run` first, or pass --store")
    return store


def find_paper(report: Report, which: str) -> int:
    """Index in report.papers of a paper named by its report number, file path or hash prefix."""
    ok = [i for i, r in enumerate(report.papers) if r.status == "ok"]
    if which.isdigit():
        number = int(which)
        if 1 <= number <= len(ok):
            return ok[number - 1]
        raise ConfigError(f"no paper number {number}: the last report has {len(ok)} papers")
    path = Path(which)
    if path.is_file():
        sha256 = file_sha256(path)
        matches = [i for i, r in enumerate(report.papers) if r.paper and r.paper.sha256 == sha256]
    else:
        matches = [i for i, r in enumerate(report.papers) if r.source == which]
        if not matches and re.fullmatch(r"[0-9a-f]{4,64}", which):
            matches = [
                i
                for i, r in enumerate(report.papers)
                if r.paper and r.paper.sha256.startswith(which)
            ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise ConfigError(f"{which}: not a paper of the last report (number, path or hash prefix)")
    raise ConfigError(f"{which}: matches {len(matches)} papers; give a longer hash prefix")


def rerunnable(sources: Iterable[str]) -> list[str]:
    """The inputs of a run that can be named again: files that still exist (an abstract file
    once for all its papers, "file#3" -> "file"), and arXiv IDs."""
    names: dict[str, None] = {}
    for source in sources:
        base, _, number = source.rpartition("#")
        if Path(source).exists() or not (base and number.isdigit()):
            base = source  # a file whose own name has a "#" is that file
        if Path(base).exists() or parse_arxiv_id(base) is not None:
            names.setdefault(base, None)
        else:
            log.warning("%s: no longer there (moved or renamed?); not run again", source)
    return list(names)
