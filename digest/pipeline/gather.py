"""Gather: the named inputs become papers, each once, in the one order every command uses.

    resolve -> entries (saved feeds, abstract files, arXiv IDs: paced API, --with-pdf)
            -> identify PDFs by content (one paper per content; unreadable files fail here)
            -> parse each PDF (the store first; worker processes)
            -> merge a PDF with the entry of the same paper, else with arXiv's entry of its
               stamp or Crossref's record of its DOI (lookup.py)

`run`, `estimate` and `regenerate` all start here. A paper comes out as :class:`Ready` as soon as
it is parsed, so its extraction can start while other PDFs are still being parsed; a file that
cannot be read comes out as a failed PaperResult. Entries no PDF claimed come out last.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..errors import (
    ArxivError,
    ConfigError,
    FileNameError,
    InputError,
    NotAPDFError,
    NotStartedError,
    TooLargeError,
)
from ..ids import file_sha256, versionless
from ..inputs import FEED_SUFFIXES, MAX_PDF_BYTES, TEXT_SUFFIXES, Inputs, resolve, too_large
from ..merge import Claims, merge_papers
from ..models import Notice, Paper, PaperResult, PreparedExcerpt
from ..sources.abstracts import read_abstracts
from ..sources.arxiv import read_feed_file
from ..strings import shown_path
from ..workers import parser_version
from .context import RunContext
from .lookup import look_up
from .parsing import Parsed
from .results import cause, failed

__all__ = ["Batch", "Ready", "gather", "parse_cached", "resolve_inputs"]

log = logging.getLogger(__name__)


@dataclass
class Ready:
    """A paper ready for its engine."""

    paper: Paper
    started: float
    notices: list[Notice] = field(default_factory=list)  # e.g. other files of the same content
    prepared: PreparedExcerpt | None = None  # its excerpt, when a parse worker prepared it


def resolve_inputs(inputs: Sequence[Path | str], id_files: Sequence[Path] = ()) -> Inputs:
    """The inputs sorted by kind; ConfigError when there is nothing to read."""
    resolved = resolve(inputs, id_files)
    if not resolved:
        message = f"no PDF files found in {', '.join(map(shown_path, inputs))}"
        others = sorted(
            path
            for folder in map(Path, inputs)
            if folder.is_dir()
            for path in folder.iterdir()
            if path.suffix.lower() in TEXT_SUFFIXES | FEED_SUFFIXES and path.is_file()
        )
        if others:  # a folder is searched for PDFs only: notes and configs are not papers
            shown = ", ".join(shown_path(p.name) for p in others[:3])
            message += (
                f" (it holds {len(others)} abstract or feed file(s), e.g. {shown}: name them "
                "to read them as papers)"
            )
        raise ConfigError(message)
    return resolved


@dataclass
class Batch:
    """The papers of one run, before their PDFs are parsed."""

    ctx: RunContext
    entries: list[Paper]
    groups: dict[str, list[Path]]  # content hash -> files with that content
    failures: list[PaperResult]  # inputs that failed before parsing

    @property
    def expected(self) -> int:
        """How many results to expect (an upper bound: a PDF may absorb its arXiv entry)."""
        return len(self.failures) + len(self.groups) + len(self.entries)

    async def papers(
        self, read: Callable[[int, int], None] | None = None
    ) -> AsyncIterator[Ready | PaperResult]:
        """Every PDF as soon as it is parsed (merged with its entry), or its failure, each
        told to `read(PDFs read, PDFs in all)`; then the entries no PDF claimed. Once the run
        is stopped (the endpoint cannot work, the quota is used up) the PDFs not parsed yet are
        not parsed: each comes out as not started."""
        claims = Claims(self.entries)
        self.ctx.unparsed = len(self.groups)
        tasks = {
            asyncio.ensure_future(self._pdf(sha256, files, claims)): files[0]
            for sha256, files in self.groups.items()
        }
        waiting, count = set(tasks), 0
        try:
            while waiting and not self.ctx.gate.stopped:
                done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    count += 1
                    if read is not None:
                        read(count, len(tasks))
                    yield task.result()
        finally:
            for task in tasks:
                task.cancel()
        for task in waiting:  # stopped before these were parsed
            path = tasks[task]
            stopped = self.ctx.gate.stopped or ""
            error = NotStartedError(f"{path}: not started: {stopped}", reason=stopped)
            yield failed(str(path), error, time.perf_counter())
        for entry in claims.unclaimed():
            yield Ready(entry, time.perf_counter())

    async def _pdf(self, sha256: str, files: list[Path], claims: Claims) -> Ready | PaperResult:
        started = time.perf_counter()
        path = files[0]
        result: Ready | PaperResult
        try:
            parsed: Parsed | InputError = await parse_cached(path, sha256, self.ctx)
        except InputError as err:
            parsed = err
        finally:
            self.ctx.unparsed -= 1  # its stamp, if it has one, is known: the others wait less
        if isinstance(parsed, InputError):
            result = failed(str(path), parsed, started)
        else:
            paper, prepared = parsed
            entry = claims.take(paper)
            if entry is not None:
                paper = merge_papers(paper, entry, source=str(path))
            else:
                paper = await look_up(paper, self.ctx)
            # the engine checks that `prepared` was cut from this text: a merged abstract is not
            result = Ready(paper, started, prepared=prepared)
        duplicates = [Notice(code="duplicate", detail=str(other)) for other in files[1:]]
        if isinstance(result, Ready):
            result.notices += duplicates
        else:
            result.warnings += duplicates
        return result


async def gather(resolved: Inputs, ctx: RunContext) -> Batch:
    """Read the entries (fetching arXiv IDs) and identify the PDFs; nothing is parsed yet."""
    failures = [
        failed(shown_path(path), FileNameError(path), time.perf_counter())
        for path in resolved.misnamed
    ]
    entries = await read_entries(resolved, ctx, failures.append)
    groups, unreadable = identify(resolved.pdfs, ctx.hashes)
    return Batch(ctx, entries, groups, failures + unreadable)


def identify(
    files: list[Path], known: dict[Path, str] | None = None
) -> tuple[dict[str, list[Path]], list[PaperResult]]:
    """Group files by content hash (one paper per content; `known` hashes are not read
    again); unreadable files fail here."""
    groups: dict[str, list[Path]] = {}
    unreadable = []
    for path in files:
        if (size := too_large(path, MAX_PDF_BYTES)) is not None:
            unreadable.append(failed(str(path), TooLargeError(path, size), time.perf_counter()))
            continue
        try:
            sha256 = (known or {}).get(path) or file_sha256(path)
        except OSError as err:
            error = NotAPDFError(path, f"cannot read file: {err.strerror or err}")
            unreadable.append(failed(str(path), error, time.perf_counter()))
            continue
        groups.setdefault(sha256, []).append(path)
    return groups, unreadable


async def parse_cached(path: Path, sha256: str, ctx: RunContext) -> Parsed:
    """The parsed paper: from the store when this content was parsed by this parser before,
    else parsed in the pool (its excerpt prepared there, see parsing.py) and stored at once.
    Raises InputError."""
    if ctx.store is not None:
        stored = ctx.store.paper(sha256, parser_version())
        if stored is not None:
            return Parsed(stored.model_copy(update={"source": str(path)}))  # renamed files too
    parsed = await ctx.pool.parse(path)
    if ctx.store is not None:
        ctx.store.save_paper(parsed.paper, parser_version())
    return parsed


# --- entries: papers that need no PDF parsing ------------------------------------------------


async def read_entries(
    resolved: Inputs, ctx: RunContext, fail: Callable[[PaperResult], None]
) -> list[Paper]:
    """Saved feeds, abstract files and arXiv IDs as papers, each paper once."""
    entries: list[Paper] = []
    bad: list[tuple[str, InputError]] = []  # lines of a .jsonl file that cannot be read
    readers = [(p, read_feed_file) for p in resolved.feeds]
    readers += [(p, partial(read_abstracts, bad=bad)) for p in resolved.texts]
    for path, read in readers:
        try:
            entries += read(path)
        except InputError as err:
            fail(failed(str(path), err, time.perf_counter()))
    for source, problem in bad:
        fail(failed(source, problem, time.perf_counter()))
    if resolved.arxiv_ids:
        fetched, errors = await _fetch_arxiv(resolved.arxiv_ids, ctx)
        if ctx.settings.with_pdf:
            fetched = [await _with_pdf(paper, ctx) for paper in fetched]
        entries += fetched
        for arxiv_id, error in errors.items():
            fail(failed(arxiv_id, ArxivError(f"{arxiv_id}: {error}"), time.perf_counter()))
    unique: dict[str, Paper] = {}
    for paper in entries:  # the same arXiv paper named twice (ID and feed) is one paper
        key = versionless(paper.arxiv_id) if paper.arxiv_id else paper.sha256
        unique.setdefault(key, paper)
    return list(unique.values())


async def _fetch_arxiv(ids: list[str], ctx: RunContext) -> tuple[list[Paper], dict[str, str]]:
    """arXiv metadata for the IDs: from the store when fetched before, else from the API (paced,
    batched), each new entry stored; an API that cannot answer fails its IDs, not the run."""
    found: list[Paper] = []
    missing = []
    for arxiv_id in ids:
        stored = ctx.store.arxiv_entry(arxiv_id) if ctx.store else None
        if stored is not None:
            found.append(stored)
        else:
            missing.append(arxiv_id)
    if not missing:
        return found, {}
    client = ctx.arxiv_client()
    try:
        papers, errors = await client.fetch(missing)
    except ArxivError as err:
        return found, dict.fromkeys(missing, cause(err, ""))
    for arxiv_id in missing:
        paper = papers.get(arxiv_id)
        if paper is None:
            errors.setdefault(arxiv_id, "arXiv has no paper with this ID")
            continue
        paper = paper.model_copy(update={"source": arxiv_id})
        if ctx.store is not None:
            ctx.store.save_arxiv_entry(arxiv_id, paper)
        found.append(paper)
    return found, {k: v for k, v in errors.items() if k in missing}


async def _with_pdf(entry: Paper, ctx: RunContext) -> Paper:
    """The entry merged with its PDF when the feed names no institution (--with-pdf).

    The PDF is kept beside the store (or in a temporary folder), so it is downloaded once; when
    it cannot be had or read, the entry stays as it is, with a warning.
    """
    if entry.affiliations or not entry.arxiv_id:
        return entry
    folder = ctx.settings.store.parent / "pdf" if ctx.settings.store else None
    if folder is None:
        folder = Path(ctx.stack.enter_context(tempfile.TemporaryDirectory(prefix="digest-pdf-")))
    path = folder / (entry.arxiv_id.replace("/", "_") + ".pdf")
    try:
        if not path.is_file():
            data = await ctx.arxiv_client().pdf(entry.arxiv_id)
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        pdf = (await parse_cached(path, file_sha256(path), ctx)).paper
    except (ArxivError, InputError, OSError) as err:
        log.warning("%s: PDF not read (%s); using the feed's metadata only", entry.source, err)
        return entry.model_copy(update={"warnings": [*entry.warnings, f"PDF not read: {err}"]})
    return merge_papers(pdf, entry, source=entry.source)
