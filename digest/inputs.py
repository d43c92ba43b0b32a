"""Inputs: what the user named on the command line, sorted into what each stage can read.

    folder            every *.pdf below it (hidden entries skipped)
    x.pdf             a PDF (any file of another suffix is tried as a PDF too)
    x.xml, x.atom     a saved arXiv API response (sources.arxiv.read_feed_file)
    x.txt, x.md,      abstract files written by hand (sources.abstracts.read_abstracts)
    x.json, x.jsonl
    2510.01234, arxiv:2510.01234v2, https://arxiv.org/abs/..., cs/0112017
                      an arXiv ID, looked up with the arXiv API
    --ids FILE        a file of arXiv IDs, one per line, `#` starts a comment

A file whose name is not UTF-8 is not read: it is reported as that paper's failure (its name
with \\xNN escapes), because it could be neither printed nor stored nor named again.

Everything is checked before any work starts: a name that is neither an existing path nor an
arXiv ID stops the run with one line, and an ID is never turned into anything but a request to
the arXiv API for that ID.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .ids import parse_arxiv_id
from .strings import is_utf8_name, shown_path

__all__ = [
    "FEED_SUFFIXES",
    "MAX_PDF_BYTES",
    "MAX_TEXT_BYTES",
    "TEXT_SUFFIXES",
    "Inputs",
    "discover",
    "read_id_list",
    "resolve",
    "too_large",
]

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_PDF_BYTES = 200 * MB  # a paper with its figures is far smaller; a scanned book is not one
MAX_TEXT_BYTES = 20 * MB  # an abstract file or a saved feed of thousands of papers fits

FEED_SUFFIXES = frozenset({".xml", ".atom"})
TEXT_SUFFIXES = frozenset({".txt", ".md", ".json", ".jsonl"})


@dataclass
class Inputs:
    pdfs: list[Path] = field(default_factory=list)
    feeds: list[Path] = field(default_factory=list)
    texts: list[Path] = field(default_factory=list)
    arxiv_ids: list[str] = field(default_factory=list)
    misnamed: list[Path] = field(default_factory=list)  # names that are not UTF-8: not read

    def __bool__(self) -> bool:
        return bool(self.pdfs or self.feeds or self.texts or self.arxiv_ids or self.misnamed)


def discover(paths: Iterable[Path | str]) -> list[Path]:
    """PDF files under the given folders (recursively) and the given files, each once, sorted.

    Inside folders, hidden entries are skipped (macOS `._x.pdf` forks, `.git/`, `.digest/`); a
    file named explicitly is always taken.
    """
    found: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for candidate in _pdfs_under(path):
                if candidate.is_file():
                    found.setdefault(candidate.resolve(), candidate)
        elif path.exists():
            found.setdefault(path.resolve(), path)
        else:
            raise ConfigError(f"{shown_path(path)}: no such file or folder")
    return sorted(found.values())


def too_large(path: Path, limit: int) -> str | None:
    """Why the file is too large to read (its size against the limit), or None."""
    try:
        size = path.stat().st_size
    except OSError:
        return None  # the reader says why it cannot be read
    return f"{size / MB:,.1f} MB; at most {limit // MB} MB" if size > limit else None


def _pdfs_under(folder: Path) -> list[Path]:
    """The *.pdf files below `folder`, hidden entries skipped; a subfolder that cannot be
    read is named in a warning (its files are not in the run), never passed over in silence."""

    def unreadable(err: OSError) -> None:
        log.warning("%s: cannot read this folder (%s); its files are left out",
                    shown_path(err.filename or folder), err.strerror or err)  # fmt: skip

    found, seen = [], set()
    for root, folders, files in os.walk(folder, onerror=unreadable, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:  # a link back up: each folder once
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found += [
            Path(root, f) for f in files if f.lower().endswith(".pdf") and not f.startswith(".")
        ]
    return sorted(found)


def resolve(names: Sequence[Path | str], id_files: Sequence[Path] = ()) -> Inputs:
    """Sort the named inputs by kind; raise ConfigError for any name that is neither."""
    inputs = Inputs()
    pdf_names: list[Path] = []
    seen_ids: set[str] = set()

    def add_id(arxiv_id: str) -> None:
        if arxiv_id not in seen_ids:
            seen_ids.add(arxiv_id)
            inputs.arxiv_ids.append(arxiv_id)

    for raw in names:
        path = Path(raw)
        suffix = path.suffix.lower()
        if path.is_dir() or (path.is_file() and suffix not in FEED_SUFFIXES | TEXT_SUFFIXES):
            pdf_names.append(path)
        elif path.is_file():
            (inputs.feeds if suffix in FEED_SUFFIXES else inputs.texts).append(path)
        elif (arxiv_id := parse_arxiv_id(str(raw))) is not None:
            add_id(arxiv_id)
        else:
            raise ConfigError(
                f"{shown_path(raw)}: no such file or folder, and not an arXiv ID or URL"
            )
    for id_file in id_files:
        for arxiv_id in read_id_list(id_file):
            add_id(arxiv_id)
    inputs.pdfs = discover(pdf_names) if pdf_names else []
    for files in (inputs.pdfs, inputs.feeds, inputs.texts):  # each reported, none read
        inputs.misnamed += [path for path in files if not is_utf8_name(path)]
        files[:] = [path for path in files if is_utf8_name(path)]
    return inputs


def read_id_list(path: Path) -> list[str]:
    """arXiv IDs from a file, one per line; blank lines and `#` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"{shown_path(path)}: cannot read the ID list ({err.strerror})") from err
    except UnicodeDecodeError as err:
        byte = err.object[err.start]
        raise ConfigError(
            f"{shown_path(path)}: the ID list is not UTF-8 text (byte 0x{byte:02x} at offset "
            f"{err.start})"
        ) from None
    ids, bad = [], []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        arxiv_id = parse_arxiv_id(text)
        if arxiv_id is None:
            bad.append(f"line {number}: {text!r}")
        else:
            ids.append(arxiv_id)
    if bad:
        shown = "; ".join(bad[:5]) + (f"; and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise ConfigError(f"{shown_path(path)}: not arXiv IDs: {shown}")
    return ids
