"""The store's record of the Batch API work: files planned and uploaded, batches created and
collected, and which paper each request asks about.

Every step is written before the next is taken, so a process stopped anywhere resumes from
the store: a file planned but not uploaded is uploaded (or found by its name at the provider);
a file uploaded but with no batch recorded gets its batch (or the one created just before the
stop, found by its input file); a request still pending is never put in another file.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from ..models import Paper
from ..store import Store

__all__ = ["TERMINAL", "BatchLedger"]

TERMINAL = frozenset({"completed", "failed", "expired", "cancelled"})  # a batch that moves no more


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


class BatchLedger:
    """Batch files, batches and requests, in the run's store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def pending(self) -> set[str]:
        """The custom_ids of requests sent (or about to be) and not yet answered or failed."""
        rows = self.store.query("SELECT custom_id FROM batch_requests WHERE status = 'pending'")
        return {row["custom_id"] for row in rows}

    def plan(
        self, name: str, sha256: str, endpoint: str, model: str, papers: dict[str, Paper]
    ) -> None:
        """Record a file before it is uploaded, with the paper each of its requests asks about
        (kept whole: the answer is checked against it when it comes, maybe days later)."""
        with self.store.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO batch_files (name, sha256, endpoint, model, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (name, sha256, endpoint, model, _now()),
            )
            db.executemany(
                "INSERT OR REPLACE INTO batch_requests VALUES (?, ?, ?, ?, ?, 'pending', NULL)",
                [
                    (cid, name, paper.sha256, paper.source, paper.model_dump_json())
                    for cid, paper in papers.items()
                ],
            )

    def planned_before(self, sha256: str) -> int:
        """How many files of exactly this content were planned before."""
        rows = self.store.query("SELECT COUNT(*) AS n FROM batch_files WHERE sha256 = ?", (sha256,))
        return int(rows[0]["n"])

    def uploaded(self, name: str, file_id: str) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE batch_files SET file_id = ? WHERE name = ?", (file_id, name))

    def created(self, name: str, batch: dict[str, Any]) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE batch_files SET batch_id = ? WHERE name = ?", (batch["id"], name))
            db.execute(
                "INSERT OR REPLACE INTO batches (id, file_name, endpoint, model, status, "
                "batch_json, collected, created_at, updated_at) "
                "SELECT ?, name, endpoint, model, ?, ?, 0, ?, ? FROM batch_files WHERE name = ?",
                (batch["id"], batch.get("status") or "validating", json.dumps(batch), _now(),
                 _now(), name),
            )  # fmt: skip

    def abandon(self, name: str, reason: str) -> None:
        """A planned file that can no longer be sent (its copy beside the store is gone and
        the provider never got it): its requests fail for `reason`, to be sent again."""
        with self.store.transaction() as db:
            db.execute("UPDATE batch_files SET batch_id = '' WHERE name = ?", (name,))
            _fail_waiting(db, name, reason)

    def unfinished_files(self, endpoint: str, model: str) -> list[dict[str, Any]]:
        """Files planned for this endpoint and model whose batch was never recorded."""
        rows = self.store.query(
            "SELECT name, sha256, file_id FROM batch_files "
            "WHERE batch_id IS NULL AND endpoint = ? AND model = ? ORDER BY created_at, name",
            (endpoint, model),
        )
        return [dict(row) for row in rows]

    def update(self, batch: dict[str, Any]) -> None:
        """The batch as the provider last described it."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE batches SET status = ?, batch_json = ?, updated_at = ? WHERE id = ?",
                (batch["status"], json.dumps(batch), _now(), batch["id"]),
            )

    def open(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        """Batches not collected yet (all endpoints when `endpoint` is None), oldest first."""
        sql = "SELECT * FROM batches WHERE collected = 0"
        args: tuple[Any, ...] = ()
        if endpoint is not None:
            sql, args = sql + " AND endpoint = ?", (endpoint,)
        return [dict(row) for row in self.store.query(sql + " ORDER BY created_at, id", args)]

    def all(self) -> list[dict[str, Any]]:
        """Every batch, newest first, with its requests counted by status."""
        rows = self.store.query(
            "SELECT b.*, "
            "SUM(r.status = 'pending') AS pending, SUM(r.status = 'answered') AS answered, "
            "SUM(r.status = 'failed') AS failed, COUNT(r.custom_id) AS requests "
            "FROM batches b LEFT JOIN batch_requests r ON r.file_name = b.file_name "
            "GROUP BY b.id ORDER BY b.created_at DESC, b.id"
        )
        return [dict(row) for row in rows]

    def waiting(self, file_name: str) -> dict[str, Paper]:
        """custom_id: paper of one file's requests still waiting for their answer."""
        rows = self.store.query(
            "SELECT custom_id, paper_json FROM batch_requests "
            "WHERE file_name = ? AND status = 'pending'",
            (file_name,),
        )
        return {r["custom_id"]: Paper.model_validate_json(r["paper_json"]) for r in rows}

    def settle(self, outcomes: dict[str, str | None]) -> None:
        """Requests answered (None) or not (the reason: a later submission sends them again)."""
        with self.store.transaction() as db:
            db.executemany(
                "UPDATE batch_requests SET status = ?, error = ? WHERE custom_id = ?",
                [("failed" if e else "answered", e, cid) for cid, e in outcomes.items()],
            )

    def collected(self, batch_id: str, reason: str) -> None:
        """The batch's answers are all stored: it is no longer polled; a request it did not
        answer fails for `reason` ("the batch expired", ...)."""
        with self.store.transaction() as db:
            db.execute("UPDATE batches SET collected = 1 WHERE id = ?", (batch_id,))
            for (file_name,) in db.execute(
                "SELECT file_name FROM batches WHERE id = ?", (batch_id,)
            ):
                _fail_waiting(db, file_name, reason)

    def why(self, custom_id: str) -> str:
        """Why a request has no answer in the store, for the report of a `run --batch`."""
        rows = self.store.query(
            "SELECT r.custom_id, r.status, r.error, b.id, b.status AS batch_status "
            "FROM batch_requests r LEFT JOIN batches b ON b.file_name = r.file_name "
            "WHERE r.custom_id IN (?, ?) ORDER BY r.custom_id DESC",  # its re-ask first
            (custom_id, custom_id + "#reask"),
        )
        if not rows:
            return "not sent to a batch yet; `digest run --batch` sends it"
        row = rows[0]
        if row["status"] == "pending":
            what = "its re-ask" if row["custom_id"] != custom_id else "its answer"
            where = f"batch {row['id']} ({row['batch_status']})" if row["id"] else "a batch"
            return f"waiting for {what} in {where}; `digest batch wait` collects it"
        return f"the batch gave no answer ({row['error']}); `digest run --batch` sends it again"


def _fail_waiting(db: sqlite3.Connection, file_name: str, reason: str) -> None:
    """The requests of a file still waiting for an answer fail for `reason` (a later
    submission sends them again)."""
    db.execute(
        "UPDATE batch_requests SET status = 'failed', error = ? "
        "WHERE file_name = ? AND status = 'pending'",
        (reason, file_name),
    )
