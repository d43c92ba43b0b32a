"""A local OpenAI-compatible Batch API (files and batches) for benchmarks: 127.0.0.1, stdlib only.

    POST /v1/files                 multipart upload (purpose batch) -> FileObject
    GET  /v1/files[?purpose=]      the list envelope of FileObjects
    GET  /v1/files/{id}/content    the file's bytes
    POST /v1/batches               -> Batch ("validating")
    GET  /v1/batches               the list envelope, newest first
    GET  /v1/batches/{id}          the batch; each look moves it on: validating -> in_progress
                                   -> completed, when every line is answered (output file)
    POST /v1/batches/{id}/cancel   -> cancelling, then cancelled on the next look
    POST /v1/chat/completions      an online answer (scripts/fake_openai.completion_for)

Shapes as in ../shared/openai-openapi/openapi.yaml. `hold_upload` seconds pass between storing
an upload and answering it (a benchmark kills its client then: the provider has the file, the
client never heard its id); `uploaded` is set when a file is stored. `calls` counts requests by
kind, `lines` every request line uploaded.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections import Counter
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

from fake_openai import LocalServer, completion_for, send


class FakeBatches(LocalServer):
    """The server, its files and batches, and its counters; a context manager."""

    def __init__(self, *, hold_upload: float = 0.0, instant: bool = False) -> None:
        """`instant`: a batch is completed at its first look (no in_progress step, so a client
        waiting on it never sleeps between polls)."""
        self.hold_upload = hold_upload
        self.instant = instant
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self.lines: list[str] = []  # the custom_id of every request line uploaded
        self.uploaded = threading.Event()
        self.lock = threading.Lock()
        self.serve(0, _handler(self))

    def add_file(self, name: str, content: bytes, purpose: str) -> dict[str, Any]:
        with self.lock:
            file_id = f"file-{len(self.files) + 1:05d}"
            self.files[file_id] = {
                "id": file_id, "object": "file", "bytes": len(content),
                "created_at": int(time.time()), "filename": name, "purpose": purpose,
                "status": "processed",
            }  # fmt: skip
            self.contents[file_id] = content
            return self.files[file_id]

    def create(self, sent: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            batch_id = f"batch_{len(self.batches) + 1:05d}"
            now = int(time.time())
            self.batches[batch_id] = {
                "id": batch_id, "object": "batch", "endpoint": sent["endpoint"], "errors": None,
                "input_file_id": sent["input_file_id"], "completion_window": "24h",
                "status": "validating", "output_file_id": None, "error_file_id": None,
                "created_at": now, "in_progress_at": None, "expires_at": now + 86400,
                "finalizing_at": None, "completed_at": None, "failed_at": None,
                "expired_at": None, "cancelling_at": None, "cancelled_at": None,
                "request_counts": {"total": 0, "completed": 0, "failed": 0},
                "metadata": sent.get("metadata"),
            }  # fmt: skip
            return self.batches[batch_id]

    def look(self, batch_id: str) -> dict[str, Any]:
        """The batch, one step further along."""
        with self.lock:
            batch = self.batches[batch_id]
            now = int(time.time())
            if batch["status"] == "validating" and not self.instant:
                batch.update(status="in_progress", in_progress_at=now)
            elif batch["status"] in ("validating", "in_progress"):
                self._answer(batch)
                batch.update(status="completed", completed_at=now)
            elif batch["status"] == "cancelling":
                batch.update(status="cancelled", cancelled_at=now)
            return batch

    def _answer(self, batch: dict[str, Any]) -> None:
        lines = self.contents[batch["input_file_id"]].splitlines()
        out = []
        for n, raw in enumerate(lines):
            line = json.loads(raw)
            response = {"status_code": 200, "request_id": f"req_{n}",
                        "body": completion_for(line["body"])}  # fmt: skip
            out.append({"id": f"batch_req_{n}", "custom_id": line["custom_id"],
                        "response": response, "error": None})  # fmt: skip
        content = b"".join(json.dumps(o, ensure_ascii=False).encode() + b"\n" for o in out)
        file_id = f"file-{len(self.files) + 1:05d}"
        self.files[file_id] = {"id": file_id, "object": "file", "bytes": len(content),
                               "created_at": int(time.time()),
                               "filename": f"{batch['id']}_output.jsonl",
                               "purpose": "batch_output", "status": "processed"}  # fmt: skip
        self.contents[file_id] = content
        batch["output_file_id"] = file_id
        batch["request_counts"] = {"total": len(out), "completed": len(out), "failed": 0}


def _upload(headers: Any, body: bytes) -> tuple[str, bytes, str]:
    """(filename, content, purpose) of a multipart upload."""
    head = f"Content-Type: {headers['content-type']}\r\n\r\n".encode()
    message = BytesParser(policy=policy.default).parsebytes(head + body)
    name, content, purpose = "upload.jsonl", b"", ""
    for part in message.iter_parts():
        field = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if field == "file":
            name, content = part.get_filename() or name, data
        elif field == "purpose":
            purpose = data.decode()
    return name, content, purpose


def _handler(fake: FakeBatches) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            path = urlparse(self.path).path
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            if path.endswith("/files"):
                fake.calls["upload"] += 1
                name, content, purpose = _upload(self.headers, body)
                made = fake.add_file(name, content, purpose)
                fake.lines += [json.loads(line)["custom_id"] for line in content.splitlines()]
                fake.uploaded.set()
                time.sleep(fake.hold_upload)
                self._send(made)
            elif path.endswith("/batches"):
                fake.calls["create"] += 1
                self._send(fake.create(json.loads(body)))
            elif m := re.search(r"/batches/([^/]+)/cancel$", path):
                fake.calls["cancel"] += 1
                with fake.lock:
                    fake.batches[m.group(1)]["status"] = "cancelling"
                self._send(fake.batches[m.group(1)])
            elif path.endswith("/chat/completions"):
                fake.calls["chat"] += 1
                self._send(completion_for(json.loads(body)))
            else:
                self._send({"error": {"message": f"no route {path}"}}, 404)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            if url.path.endswith("/files"):
                fake.calls["list files"] += 1
                purpose = parse_qs(url.query).get("purpose", [None])[0]
                data = [f for f in fake.files.values() if purpose in (None, f["purpose"])]
                self._send({"object": "list", "data": data, "has_more": False})
            elif m := re.search(r"/files/([^/]+)/content$", url.path):
                fake.calls["download"] += 1
                self._send(fake.contents[m.group(1)], kind="application/jsonl")
            elif url.path.endswith("/batches"):
                fake.calls["list batches"] += 1
                data = list(reversed(fake.batches.values()))
                self._send({"object": "list", "data": data, "has_more": False})
            elif m := re.search(r"/batches/([^/]+)$", url.path):
                fake.calls["retrieve"] += 1
                self._send(fake.look(m.group(1)))
            else:
                self._send({"error": {"message": f"no route {url.path}"}}, 404)

        def _send(self, body: Any, status: int = 200, kind: str = "application/json") -> None:
            # the client may have been killed while it waited (the benchmark's point)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                send(self, status, body, kind=kind)

    return Handler
