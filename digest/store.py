"""Store: what survives a run, in SQLite (standard library, WAL mode).

A paper is its content: the sha256 of the file's bytes, whatever its path. Per paper the store
keeps the parsed record (keyed by content and parser version, so an unchanged PDF is never parsed
twice) and every extraction, keyed by its request key::

    sha256(content hash, parser version, engine, model, prompt hash, schema version, budget)

so a rerun of an unchanged folder finds every answer and calls nothing, and editing a prompt file
changes the key of exactly the papers that prompt shapes. Each extraction is committed the moment
it is done: a run killed at any point loses at most the calls in flight. Runs are recorded with
their papers in report order, so `digest report`, `digest brief` and `digest status` work from
the store alone. The API key is never written here.

Schema changes are named migrations, applied in order and recorded in `migrations`; never edit
one that has shipped, append a new one.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .migrations import MIGRATIONS
from .models import Extraction, Paper, PaperResult, Report, Usage

__all__ = ["SCHEMA_VERSION", "Store", "request_key"]

SCHEMA_VERSION = 4  # of PaperFacts: bump when the response schema changes meaning (2: evidence
# quotes; 3: the header as the model read it; 4: 1-3 quotes before each phrase, checked meaning)
LOCK_TIMEOUT = 5.0  # seconds to wait for another process's write before calling the store locked


def request_key(
    *,
    sha256: str,
    parser: str,
    engine: str,
    model: str | None,
    prompt_sha256: str | None,
    budget: int | None,
) -> str:
    """The identity of one extraction: same key, same question, so the stored answer serves."""
    parts = [sha256, parser, engine, model, prompt_sha256, SCHEMA_VERSION, budget]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


_RENAMED_SETTINGS = {"budget": "token_budget"}


_COLUMNS = (
    "sha256", "engine", "model", "prompt_sha256", "schema_version", "budget", "status",
    "raw_response", "facts_json", "extraction_json", "prompt_tokens", "completion_tokens",
    "attempts", "cost_usd", "error", "seconds", "updated_at",
)  # fmt: skip
_EVERY_COLUMN = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS)  # an upsert's SET clause
_UNLESS_ANSWERED = " WHERE extractions.status != 'ok'"


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class Store:
    """One SQLite file. Use as a context manager, or call close()."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.exists() and not path.is_file():  # /dev/null, a folder: SQLite would write
            raise StoreError(  # its journal beside it, e.g. /dev/null-journal
                f"{path}: not a file; give --store a file path (e.g. .digest/digest.db)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, timeout=LOCK_TIMEOUT, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise _explain(path, err) from err
        except OSError as err:
            raise StoreError(f"{path}: cannot open the store ({err.strerror})") from err

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            raise _explain(self.path, err) from err

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        try:
            cursor = self.db.execute(sql, args)
            cursor.row_factory = sqlite3.Row
            return cursor.fetchall()
        except sqlite3.DatabaseError as err:
            raise _explain(self.path, err) from err

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """A write transaction on the store's database, for the modules that keep their own
        tables in it (digest.batch.ledger); committed when the block ends, else rolled back."""
        return self._write()

    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows of a read on the store's database (see :meth:`transaction`)."""
        return self._read(sql, args)

    def _migrate(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
        )
        done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        unknown = sorted(done - {name for name, _ in MIGRATIONS})
        if unknown:
            self.db.close()
            raise StoreError(
                f"{self.path}: made by a newer paper-digest (it has migration {unknown[-1]}, "
                "which this version does not know); upgrade paper-digest, or pass --store to "
                "use another file"
            )
        for name, sql in MIGRATIONS:
            if name in done:
                continue
            with self._write() as db:
                for statement in filter(str.strip, sql.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO migrations VALUES (?, ?)", (name, _now()))

    # --- papers --------------------------------------------------------------------------------

    def paper(self, sha256: str, parser: str) -> Paper | None:
        rows = self._read(
            "SELECT paper_json FROM papers WHERE sha256 = ? AND parser = ?", (sha256, parser)
        )
        return Paper.model_validate_json(rows[0]["paper_json"]) if rows else None

    def has_paper(self, sha256: str, parser: str) -> bool:
        """Whether this content was parsed by this parser (without reading the record)."""
        rows = self._read(
            "SELECT 1 FROM papers WHERE sha256 = ? AND parser = ? LIMIT 1", (sha256, parser)
        )
        return bool(rows)

    def save_paper(self, paper: Paper, parser: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO papers VALUES (?, ?, ?, ?)",
                (paper.sha256, parser, paper.model_dump_json(), _now()),
            )
            db.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                (paper.source, paper.sha256, _now()),
            )

    # --- extractions ---------------------------------------------------------------------------

    def extraction(self, key: str) -> Extraction | None:
        """The stored answer for a request key, if it succeeded."""
        rows = self._read(
            "SELECT extraction_json FROM extractions WHERE key = ? AND status = 'ok'", (key,)
        )
        return Extraction.model_validate_json(rows[0]["extraction_json"]) if rows else None

    def save_extraction(
        self,
        key: str,
        *,
        sha256: str,
        budget: int | None,
        extraction: Extraction | None,
        engine: str,
        model: str | None,
        prompt_sha256: str | None,
        usage: Usage,
        error: str | None,
        seconds: float,
    ) -> None:
        """Record one outcome for a key: a success replaces whatever was there; a failure
        replaces an earlier failure but never a success (a failed --refresh or `digest brief`
        keeps the answer that was paid for)."""
        facts = extraction.facts.model_dump_json() if extraction else None
        keep_success = "" if extraction else _UNLESS_ANSWERED
        with self._write() as db:
            db.execute(
                "INSERT INTO extractions (key, sha256, engine, model, prompt_sha256,"
                " schema_version, budget, status, raw_response, facts_json, extraction_json,"
                " prompt_tokens, completion_tokens, attempts, cost_usd, error, seconds, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                f" ON CONFLICT (key) DO UPDATE SET {_EVERY_COLUMN}{keep_success}",
                (
                    key,
                    sha256,
                    engine,
                    model,
                    prompt_sha256,
                    SCHEMA_VERSION,
                    budget,
                    "ok" if extraction else "failed",
                    extraction.raw_response if extraction else None,
                    facts,
                    extraction.model_dump_json() if extraction else None,
                    usage.prompt_tokens,
                    usage.completion_tokens,
                    usage.attempts,
                    usage.cost_usd,
                    error,
                    seconds,
                    _now(),
                ),
            )

    # --- arXiv entries -------------------------------------------------------------------------

    def arxiv_entry(self, arxiv_id: str) -> Paper | None:
        """The metadata the arXiv API gave for this ID (as requested), if fetched before."""
        rows = self._read("SELECT paper_json FROM arxiv_entries WHERE arxiv_id = ?", (arxiv_id,))
        return Paper.model_validate_json(rows[0]["paper_json"]) if rows else None

    def save_arxiv_entry(self, arxiv_id: str, paper: Paper) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO arxiv_entries VALUES (?, ?, ?)",
                (arxiv_id, paper.model_dump_json(), _now()),
            )

    # --- metadata lookups (Crossref) ------------------------------------------------------------

    def lookup(self, service: str, key: str) -> tuple[str, Paper | None] | None:
        """A metadata service's stored answer for `key` (a DOI): ("found", the record) or
        ("not_found", None); None when it was never asked (or its answer could not be had)."""
        rows = self._read(
            "SELECT status, paper_json FROM lookups WHERE service = ? AND key = ?", (service, key)
        )
        if not rows:
            return None
        stored = rows[0]["paper_json"]
        return str(rows[0]["status"]), Paper.model_validate_json(stored) if stored else None

    def save_lookup(self, service: str, key: str, status: str, paper: Paper | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO lookups VALUES (?, ?, ?, ?, ?)",
                (service, key, status, paper.model_dump_json() if paper else None, _now()),
            )

    # --- what an endpoint supports --------------------------------------------------------------

    def structured_mode(self, endpoint: str, model: str) -> str | None:
        """The structured-output mode that worked for this endpoint and model, if learned."""
        rows = self._read(
            "SELECT mode FROM structured_modes WHERE endpoint = ? AND model = ?", (endpoint, model)
        )
        return str(rows[0]["mode"]) if rows else None

    def save_structured_mode(self, endpoint: str, model: str, mode: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO structured_modes VALUES (?, ?, ?, ?)",
                (endpoint, model, mode, _now()),
            )

    def endpoint_setting(self, endpoint: str, model: str, name: str) -> str | None:
        """A request setting learned for this endpoint and model (e.g. which field carries the
        output-token limit), if learned."""
        rows = self._read(
            "SELECT value FROM endpoint_settings WHERE endpoint = ? AND model = ? AND name = ?",
            (endpoint, model, name),
        )
        return str(rows[0]["value"]) if rows else None

    def save_endpoint_setting(self, endpoint: str, model: str, name: str, value: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO endpoint_settings VALUES (?, ?, ?, ?, ?)",
                (endpoint, model, name, value, _now()),
            )

    # --- report titles -------------------------------------------------------------------------

    def title(self, key: str) -> tuple[str, Usage] | None:
        rows = self._read("SELECT title, usage_json FROM titles WHERE key = ?", (key,))
        if not rows:
            return None
        return rows[0]["title"], Usage.model_validate_json(rows[0]["usage_json"])

    def save_title(self, key: str, title: str, usage: Usage) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO titles VALUES (?, ?, ?, ?)",
                (key, title, usage.model_dump_json(), _now()),
            )

    # --- runs ----------------------------------------------------------------------------------

    def start_run(self) -> int:
        with self._write() as db:
            cursor = db.execute("INSERT INTO runs (started_at) VALUES (?)", (_now(),))
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, report: Report, settings: dict[str, Any]) -> None:
        """Record a finished run: its report (heading, time, papers in order) and the settings
        that shape request keys (never the key or endpoint), so later commands ask alike."""
        with self._write() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, title = ?, generated_at = ?, title_usage = ?,"
                " settings_json = ? WHERE id = ?",
                (
                    _now(),
                    report.title,
                    report.generated_at.isoformat(),
                    report.title_usage.model_dump_json(),
                    json.dumps(settings),
                    run_id,
                ),
            )
            db.execute("DELETE FROM run_papers WHERE run_id = ?", (run_id,))
            db.executemany(
                "INSERT INTO run_papers VALUES (?, ?, ?)",
                [(run_id, i, r.model_dump_json()) for i, r in enumerate(report.papers)],
            )

    def last_report(self) -> Report:
        """The report of the latest finished run, as it was rendered."""
        run = self._last_run()
        if run is None:
            raise StoreError(f"{self.path}: no finished run yet; run `digest run` first")
        rows = self._read(
            "SELECT result_json FROM run_papers WHERE run_id = ? ORDER BY position", (run["id"],)
        )
        return Report(
            title=run["title"],
            generated_at=datetime.fromisoformat(run["generated_at"]),
            papers=[PaperResult.model_validate_json(r["result_json"]) for r in rows],
            title_usage=Usage.model_validate_json(run["title_usage"]),
        )

    def _last_run(self) -> sqlite3.Row | None:
        rows = self._read(
            "SELECT * FROM runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        return rows[0] if rows else None

    def last_settings(self) -> dict[str, Any]:
        """The recorded settings of the latest finished run ({} when there is none)."""
        run = self._last_run()
        recorded = json.loads(run["settings_json"] or "{}") if run is not None else {}
        for old, new in _RENAMED_SETTINGS.items():  # runs recorded before a rename
            if old in recorded:
                recorded.setdefault(new, recorded.pop(old))
        return recorded

    def replace_in_last_run(self, report: Report) -> None:
        """Write back the latest run's papers (after one brief was regenerated)."""
        run = self._last_run()
        if run is None:
            raise StoreError(f"{self.path}: no finished run yet; run `digest run` first")
        with self._write() as db:
            for i, result in enumerate(report.papers):
                db.execute(
                    "UPDATE run_papers SET result_json = ? WHERE run_id = ? AND position = ?",
                    (result.model_dump_json(), run["id"], i),
                )


def _explain(path: Path, err: sqlite3.DatabaseError) -> StoreError:
    text = str(err)
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{path}: the store is locked by another digest process; wait for it to finish, "
            "or pass --store to use another file"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StoreError(
            f"{path}: the store is corrupt ({text}); move it aside to start afresh, "
            "or pass --store to use another file"
        )
    return StoreError(f"{path}: store error: {text}")
