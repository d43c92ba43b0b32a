"""A fake of the OpenAI files and batches endpoints over respx, answering with the documented
shapes (../shared/openai-openapi/openapi.yaml: FileObject, Batch, the list envelope; the
output-file line {"id", "custom_id", "response": {"status_code", "request_id", "body"},
"error"}). A batch stays "validating" until the test says how it ends (`finish`)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import respx

Answer = Callable[[httpx.Request], httpx.Response]
CREATED = 1_764_600_000  # a fixed clock: 2025-12-01
REFUSED = "The model refused this input."


def _multipart_file(request: httpx.Request) -> tuple[str, bytes]:
    """(filename, content) of the "file" part of a multipart upload."""
    request.read()  # a multipart body is streamed
    boundary = re.search(r"boundary=([^;]+)", request.headers["content-type"]).group(1)  # type: ignore[union-attr]
    for part in request.content.split(b"--" + boundary.encode()):
        head, _, body = part.partition(b"\r\n\r\n")
        if b'name="file"' in head:
            name = re.search(rb'filename="([^"]+)"', head).group(1).decode()  # type: ignore[union-attr]
            return name, body.rsplit(b"\r\n", 1)[0]
    raise AssertionError("no file part in the upload")


class FakeBatchAPI:
    """Files and batches kept in memory; `calls` counts every request by kind."""

    def __init__(self, router: respx.MockRouter, answer: Answer) -> None:
        self.answer = answer
        self.files: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        router.post("/files").mock(side_effect=self._upload)
        router.get("/files").mock(side_effect=self._list_files)
        router.get(path__regex=r"/files/(?P<file_id>[^/]+)/content$").mock(
            side_effect=self._content
        )
        router.post("/batches").mock(side_effect=self._create)
        router.get("/batches").mock(side_effect=self._list_batches)
        router.get(path__regex=r"/batches/(?P<batch_id>[^/]+)$").mock(side_effect=self._retrieve)
        router.post(path__regex=r"/batches/(?P<batch_id>[^/]+)/cancel$").mock(
            side_effect=self._cancel
        )

    # --- the endpoints ---------------------------------------------------------------------

    def _upload(self, request: httpx.Request) -> httpx.Response:
        self.calls["upload"] += 1
        name, content = _multipart_file(request)
        return httpx.Response(200, json=self._file(name, content, "batch"))

    def _file(self, name: str, content: bytes, purpose: str) -> dict[str, Any]:
        file_id = f"file-{len(self.files) + 1:04d}"
        self.files[file_id] = {
            "id": file_id, "object": "file", "bytes": len(content), "created_at": CREATED,
            "filename": name, "purpose": purpose, "status": "processed",
        }  # fmt: skip
        self.contents[file_id] = content
        return self.files[file_id]

    def _list_files(self, request: httpx.Request) -> httpx.Response:
        self.calls["list files"] += 1
        data = [f for f in self.files.values() if f["purpose"] == "batch"]
        return httpx.Response(200, json={"object": "list", "data": data, "has_more": False})

    def _content(self, request: httpx.Request, file_id: str) -> httpx.Response:
        self.calls["download"] += 1
        return httpx.Response(200, content=self.contents[file_id])

    def _create(self, request: httpx.Request) -> httpx.Response:
        self.calls["create"] += 1
        sent = json.loads(request.content)
        assert sent["endpoint"] == "/v1/chat/completions" and sent["completion_window"] == "24h"
        batch_id = f"batch_{len(self.batches) + 1:04d}"
        self.batches[batch_id] = {
            "id": batch_id, "object": "batch", "endpoint": sent["endpoint"], "errors": None,
            "input_file_id": sent["input_file_id"], "completion_window": "24h",
            "status": "validating", "output_file_id": None, "error_file_id": None,
            "created_at": CREATED, "in_progress_at": None, "expires_at": CREATED + 86400,
            "finalizing_at": None, "completed_at": None, "failed_at": None, "expired_at": None,
            "cancelling_at": None, "cancelled_at": None,
            "request_counts": {"total": len(self.requests(batch_id)), "completed": 0, "failed": 0},
            "metadata": sent.get("metadata"),
        }  # fmt: skip
        return httpx.Response(200, json=self.batches[batch_id])

    def _list_batches(self, request: httpx.Request) -> httpx.Response:
        self.calls["list batches"] += 1
        data = list(reversed(self.batches.values()))
        return httpx.Response(200, json={"object": "list", "data": data, "has_more": False})

    def _retrieve(self, request: httpx.Request, batch_id: str) -> httpx.Response:
        self.calls["retrieve"] += 1
        return httpx.Response(200, json=self.batches[batch_id])

    def _cancel(self, request: httpx.Request, batch_id: str) -> httpx.Response:
        self.calls["cancel"] += 1
        self.batches[batch_id]["status"] = "cancelling"
        return httpx.Response(200, json=self.batches[batch_id])

    # --- what the test drives ----------------------------------------------------------------

    def requests(self, batch_id: str) -> list[dict[str, Any]]:
        """The request lines of a batch's input file."""
        file_id = self.batches[batch_id]["input_file_id"] if batch_id in self.batches else ""
        content = self.contents.get(file_id, b"")
        return [json.loads(line) for line in content.splitlines() if line.strip()]

    def input_lines(self) -> list[dict[str, Any]]:
        """Every request line of every uploaded file."""
        return [
            json.loads(line)
            for file_id in self.files
            for line in self.contents[file_id].splitlines()
            if line.strip()
        ]

    def finish(
        self,
        batch_id: str,
        *,
        status: str = "completed",
        refused: set[str] = frozenset(),  # type: ignore[assignment]
        answered: int | None = None,
    ) -> None:
        """End a batch: `status` completed (every request answered by `answer`, except the
        `refused` custom_ids, which go to the error file), or expired/cancelled/failed (only the
        first `answered` requests answered)."""
        batch = self.batches[batch_id]
        lines = self.requests(batch_id)
        if answered is not None:
            lines = lines[:answered]
        out, err = [], []
        for n, line in enumerate(lines):
            if line["custom_id"] in refused:
                body = {"error": {"message": REFUSED, "type": "invalid_request_error"}}
                err.append(self._line(n, line["custom_id"], 400, body))
                continue
            request = httpx.Request(
                "POST", "https://llm.test/v1/chat/completions", json=line["body"]
            )
            response = self.answer(request)
            out.append(self._line(n, line["custom_id"], response.status_code, response.json()))
        for key, kept, kind in (("output_file_id", out, "output"), ("error_file_id", err, "error")):
            if kept:
                made = self._file(f"{batch_id}_{kind}.jsonl", _jsonl(kept), "batch_output")
                batch[key] = made["id"]
        batch["status"] = status
        batch[f"{status}_at"] = CREATED + 3600
        batch["request_counts"] = {
            "total": len(self.requests(batch_id)), "completed": len(out), "failed": len(err),
        }  # fmt: skip
        if status == "failed":
            batch["errors"] = {
                "object": "list",
                "data": [{"code": "invalid_file", "message": "The input file is invalid."}],
            }

    @staticmethod
    def _line(n: int, custom_id: str, status: int, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": f"batch_req_{n:04d}",
            "custom_id": custom_id,
            "response": {"status_code": status, "request_id": f"req_{n:04d}", "body": body},
            "error": None,
        }


def _jsonl(lines: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(line).encode() + b"\n" for line in lines)
