"""A local OpenAI-compatible endpoint for tests and benchmarks: 127.0.0.1 only, stdlib only.

    python scripts/fake_openai.py [--port 8765] [--latency 0.5]

POST /v1/chat/completions answers a structured-output request with a valid object for the
schema it names (PaperFacts or ReportTopic), after `latency` seconds, with OpenAI-shaped usage.
The answers carry no figures, so they always pass the check that a result's numbers come from
the paper. `FakeOpenAI.requests` counts the requests received, per schema.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FACTS = {
    "institutions": [{"name": "Example University", "name_zh": "示例大学"}],
    "method": "论文提出的方法",
    "problem": "论文关注的问题",
    "result": "论文报告的主要结果",
}
TOPIC = {"topic": "人工智能"}


class FakeOpenAI:
    """The server and its counters; use as a context manager in tests."""

    def __init__(self, port: int = 0, latency: float = 0.0) -> None:
        self.latency = latency
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def count(self, schema: str) -> None:
        with self._lock:
            self.requests[schema] += 1

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            schema = body.get("response_format", {}).get("json_schema", {}).get("name", "")
            fake.count(schema)
            time.sleep(fake.latency)
            content = TOPIC if schema == "ReportTopic" else FACTS
            answer = {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {
                            "role": "assistant",
                            "content": json.dumps(content, ensure_ascii=False),
                            "refusal": None,
                        },
                    }
                ],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 80, "total_tokens": 1080},
            }
            data = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    with FakeOpenAI(args.port, args.latency) as fake:
        print(f"fake OpenAI endpoint at {fake.base_url} (latency {args.latency}s); Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
