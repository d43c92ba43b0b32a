"""The Batch API's input files: one JSON line per request, split at the provider's limits.

A line is ``{"custom_id": key, "method": "POST", "url": "/v1/chat/completions", "body": {...}}``
with the body the online call would send; the custom_id is the store's request key, so an
answer lands where an online answer for the same paper, model, prompts and budget would.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Final

from ..models import Paper

__all__ = ["ENDPOINT", "MAX_FILE_BYTES", "MAX_REQUESTS", "RequestFile", "request_files"]

MAX_REQUESTS = 50_000  # per batch (the API's CreateBatchRequest.input_file_id limit)
MAX_FILE_BYTES = 190 * 1024 * 1024  # under the 200 MB a file may hold, with room to spare
ENDPOINT: Final = "/v1/chat/completions"


@dataclass
class RequestFile:
    """One input file: its lines, and for each request the paper it asks about."""

    lines: list[bytes] = field(default_factory=list)
    papers: dict[str, Paper] = field(default_factory=dict)  # custom_id: the paper it asks about
    size: int = 0  # bytes of the lines

    def add(self, custom_id: str, paper: Paper, line: bytes) -> None:
        self.lines.append(line)
        self.papers[custom_id] = paper
        self.size += len(line)

    @property
    def content(self) -> bytes:
        return b"".join(self.lines)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def name(self, attempt: int) -> str:
        """The file's name: its content's hash and how many times the same requests were
        planned before (the same requests sent again, after a batch expired, make a new
        file). Recorded before the upload, so a file uploaded before a stop is found again."""
        return f"digest-{self.sha256[:20]}-{attempt}.jsonl"


def request_files(
    requests: Iterable[tuple[str, Paper, dict[str, Any]]],
    *,
    most_requests: int = MAX_REQUESTS,
    most_bytes: int = MAX_FILE_BYTES,
) -> list[RequestFile]:
    """The (custom_id, paper, body) requests as files, each within the limits, in order. A
    request larger than `most_bytes` alone raises ValueError (no file could hold it)."""
    files: list[RequestFile] = []
    current = RequestFile()
    for custom_id, paper, body in requests:
        line = (
            json.dumps(
                {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body},
                ensure_ascii=False,
                sort_keys=True,
            ).encode()
            + b"\n"
        )
        if len(line) > most_bytes:
            raise ValueError(f"{paper.source}: its request alone is {len(line)} bytes, too large")
        if current.lines and (
            len(current.lines) >= most_requests or current.size + len(line) > most_bytes
        ):
            files.append(current)
            current = RequestFile()
        current.add(custom_id, paper, line)
    if current.lines:
        files.append(current)
    return files
