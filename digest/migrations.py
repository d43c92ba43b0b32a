"""The store's schema: named migrations, applied in order and recorded in `migrations`.

Never edit one that has shipped; append a new one (digest.store applies what a file lacks).
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_initial",
        """
        CREATE TABLE papers (
            sha256      TEXT NOT NULL,
            parser      TEXT NOT NULL,
            paper_json  TEXT NOT NULL,
            parsed_at   TEXT NOT NULL,
            PRIMARY KEY (sha256, parser)
        );
        CREATE TABLE sources (
            path        TEXT PRIMARY KEY,
            sha256      TEXT NOT NULL,
            seen_at     TEXT NOT NULL
        );
        CREATE TABLE extractions (
            key             TEXT PRIMARY KEY,
            sha256          TEXT NOT NULL,
            engine          TEXT NOT NULL,
            model           TEXT,
            prompt_sha256   TEXT,
            schema_version  INTEGER NOT NULL,
            budget          INTEGER,
            status          TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            raw_response    TEXT,
            facts_json      TEXT,
            extraction_json TEXT,
            prompt_tokens   INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            attempts        INTEGER NOT NULL DEFAULT 0,
            cost_usd        REAL,
            error           TEXT,
            seconds         REAL,
            updated_at      TEXT NOT NULL
        );
        CREATE INDEX extractions_by_paper ON extractions (sha256, updated_at);
        CREATE TABLE titles (
            key         TEXT PRIMARY KEY,
            title       TEXT NOT NULL,
            usage_json  TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );
        CREATE TABLE runs (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at    TEXT NOT NULL,
            finished_at   TEXT,
            title         TEXT,
            generated_at  TEXT,
            title_usage   TEXT,
            settings_json TEXT
        );
        CREATE TABLE run_papers (
            run_id       INTEGER NOT NULL REFERENCES runs (id),
            position     INTEGER NOT NULL,
            result_json  TEXT NOT NULL,
            PRIMARY KEY (run_id, position)
        );
        """,
    ),
    (
        "0002_arxiv_entries",
        """
        CREATE TABLE arxiv_entries (
            arxiv_id    TEXT PRIMARY KEY,
            paper_json  TEXT NOT NULL,
            fetched_at  TEXT NOT NULL
        );
        """,
    ),
    (
        "0003_structured_modes",
        """
        CREATE TABLE structured_modes (
            endpoint    TEXT NOT NULL,
            model       TEXT NOT NULL,
            mode        TEXT NOT NULL,
            learned_at  TEXT NOT NULL,
            PRIMARY KEY (endpoint, model)
        );
        """,
    ),
    (
        "0004_lookups",
        """
        CREATE TABLE lookups (
            service     TEXT NOT NULL,
            key         TEXT NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('found', 'not_found')),
            paper_json  TEXT,
            fetched_at  TEXT NOT NULL,
            PRIMARY KEY (service, key)
        );
        """,
    ),
    (
        "0005_endpoint_settings",
        """
        CREATE TABLE endpoint_settings (
            endpoint    TEXT NOT NULL,
            model       TEXT NOT NULL,
            name        TEXT NOT NULL,
            value       TEXT NOT NULL,
            learned_at  TEXT NOT NULL,
            PRIMARY KEY (endpoint, model, name)
        );
        """,
    ),
    (
        "0006_batches",
        """
        CREATE TABLE batch_files (
            name        TEXT PRIMARY KEY,
            sha256      TEXT NOT NULL,
            endpoint    TEXT NOT NULL,
            model       TEXT NOT NULL,
            file_id     TEXT,
            batch_id    TEXT,
            created_at  TEXT NOT NULL
        );
        CREATE TABLE batches (
            id              TEXT PRIMARY KEY,
            file_name       TEXT NOT NULL REFERENCES batch_files (name),
            endpoint        TEXT NOT NULL,
            model           TEXT NOT NULL,
            status          TEXT NOT NULL,
            batch_json      TEXT NOT NULL,
            collected       INTEGER NOT NULL DEFAULT 0,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL
        );
        CREATE TABLE batch_requests (
            custom_id   TEXT PRIMARY KEY,
            file_name   TEXT NOT NULL REFERENCES batch_files (name),
            sha256      TEXT NOT NULL,
            source      TEXT NOT NULL,
            paper_json  TEXT NOT NULL,
            status      TEXT NOT NULL CHECK (status IN ('pending', 'answered', 'failed')),
            error       TEXT
        );
        CREATE INDEX batch_requests_by_file ON batch_requests (file_name);
        """,
    ),
    (
        "0007_inflight",
        """
        CREATE TABLE inflight (
            key         TEXT PRIMARY KEY,
            asker       TEXT NOT NULL,
            claimed_at  REAL NOT NULL
        );
        """,
    ),
]
