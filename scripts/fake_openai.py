"""A local OpenAI-compatible endpoint for tests and benchmarks: 127.0.0.1 only, stdlib only.

    python scripts/fake_openai.py [--port 8765] [--latency 0.5] [--jitter 0.3] [--rpm N]
        [--p429 0.1] [--p500 0.05] [--pmalformed 0.02] [--pdrop 0.0]

POST /v1/chat/completions answers a structured-output request with a valid object for the
schema it names (PaperFacts, PhraseVerdicts or ReportTopic), after `latency` ± `jitter`
seconds, with OpenAI-shaped usage. The answers carry no figures, no method name and a verbatim
quote, so they pass the checks on any paper, and the meaning check finds them supported.
Faults, drawn at random per request: a 429 (OpenAI's body and x-ratelimit headers), a 500, a
200 whose body is an HTML page, or a dropped connection (faults come at once, a 500 after a
tenth of the latency, as middleware and proxies answer); with `rpm`, requests beyond that many
in the last 60 s get a 429 with a Retry-After. `requests` counts what arrived per schema,
`faults` what was injected, `first_at` is when the first request arrived (time.monotonic()).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

FACTS = {
    "title": "",
    "authors": [],
    "institutions": [],
    "method": "基于注意力的文本表示学习框架",
    "problem": "长文档检索效率低下的问题",
    "result": "在检索任务上优于基线",
}
# A quote that names no method (no acronym in parentheses, no coined name) and cites no figure,
# so the phrases above pass the checks on any paper.
_NAMING = re.compile(r"\(|[a-z][A-Z]|[A-Z]{2,}|\d")


def _facts_for(body: dict[str, Any]) -> dict[str, Any]:
    """FACTS with a verbatim quote of the paper text it was sent as evidence for each phrase."""
    users = [
        str(m.get("content") or "") for m in body.get("messages", []) if m.get("role") == "user"
    ]
    paper = (users[0] if users else "").split("<paper>", 1)[-1].split("</paper>", 1)[0]
    title = _title_of(users[0] if users else "")
    # a quote of the paper's own text: its abstract first, as a careful model quotes, and never
    # its title (which is no evidence) or the header's names and affiliations where it can
    lines = sorted(_lines_by_part(paper), key=lambda part_line: part_line[0] != "abstract")
    quotes = [
        q for _, ln in lines for q in _windows(ln)
        if not _NAMING.search(q) and q.lower() not in title
    ]  # fmt: skip
    lines = [(part, ln) for part, ln in lines if len(ln) >= 20]
    quote = quotes[0] if quotes else (lines[0][1][:60] if lines else "no text")
    return {**FACTS, **{f"{f}_evidence": quote for f in ("method", "problem", "result")}}


def _lines_by_part(paper: str) -> list[tuple[str, str]]:
    """The excerpt's lines of 20 characters or more, each with the part it is in ("[abstract]"
    and the like start a part)."""
    part, out = "", []
    for line in paper.splitlines():
        if line.startswith("[") and line.endswith("]"):
            part = line[1:-1]
        elif len(line) >= 20:
            out.append((part, line))
    return out


def _title_of(user: str) -> str:
    """The title the request names (its first line, "论文标题：..."), lower-cased."""
    first = user.split("\n", 1)[0]
    return first.split("：", 1)[-1].strip().lower()


def _windows(line: str) -> list[str]:
    """Contiguous 60-character stretches of a line, word-aligned: faithful verbatim quotes."""
    words = line.split()
    return [" ".join(words[i:])[:60] for i in range(0, len(words), 4)]


TOPIC = {"topic": "人工智能"}
# the meaning check's answer for the faithful answer above: every phrase says what its quote does
SUPPORTED = {
    part: {"unsupported": "", "verdict": "supported"} for part in ("method", "problem", "result")
}


def completion_for(
    body: dict[str, Any],
    answer: Callable[[dict[str, Any]], dict[str, Any]] = _facts_for,
    verdicts: Callable[[dict[str, Any]], dict[str, Any]] = lambda body: SUPPORTED,
) -> dict[str, Any]:
    """The chat completion a well-behaved model gives for this request body (also the body of
    a Batch API output line, scripts/fake_batches.py): `answer` makes the facts, `verdicts`
    the meaning check's judgement (default: every phrase supported)."""
    schema = body.get("response_format", {}).get("json_schema", {}).get("name", "")
    makers = {"ReportTopic": lambda body: TOPIC, "PhraseVerdicts": verdicts}
    content = makers.get(schema, answer)(body)
    return {
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


class _Server(ThreadingHTTPServer):
    # socketserver listens with a backlog of 5: a client opening 16 connections at once (a
    # run's first requests) had the rest of its SYNs dropped and resent after TCP's 1 s
    # timeout, which read as a 1 s stall of the run. A real endpoint's backlog is the kernel's.
    request_queue_size = 1024


class LocalServer:
    """An HTTP server on 127.0.0.1 (`port` 0: any free one), served from a thread of its own
    between `__enter__` and `__exit__`; the fakes here (and scripts/fake_batches.py) are one."""

    def serve(self, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = _Server(("127.0.0.1", port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: Any,
    headers: dict[str, str] | None = None,
    kind: str = "application/json",
) -> None:
    """Answer a request: `body` as JSON (bytes as they are), with its length and headers."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("content-type", kind)
    handler.send_header("content-length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


class FakeOpenAI(LocalServer):
    """The server and its counters; use as a context manager in tests."""

    def __init__(
        self,
        port: int = 0,
        latency: float = 0.0,
        *,
        jitter: float = 0.0,
        rpm: int | None = None,
        p429: float = 0.0,
        p500: float = 0.0,
        pmalformed: float = 0.0,
        pdrop: float = 0.0,
        seed: int = 7,
        answer: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        verdicts: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        """`answer` makes the PaperFacts content from the request body (default: a faithful
        answer that passes the checks; scripts/bench_defects.py passes defective ones), and
        `verdicts` the meaning check's (default: every phrase supported)."""
        self.answer = answer or _facts_for
        self.verdicts = verdicts or (lambda body: SUPPORTED)
        self.latency, self.jitter, self.rpm = latency, jitter, rpm
        self.rates = {"429": p429, "500": p500, "malformed": pmalformed, "drop": pdrop}
        self.random = random.Random(seed)
        self.requests: Counter[str] = Counter()
        self.faults: Counter[str] = Counter()
        self.arrivals: deque[float] = deque()
        self.first_at: float | None = None  # time.monotonic() of the first request
        self._lock = threading.Lock()
        self.serve(port, _handler(self))

    def count(self, schema: str) -> None:
        with self._lock:
            if self.first_at is None:
                self.first_at = time.monotonic()
            self.requests[schema] += 1

    def decide(self) -> tuple[str | None, float, float]:
        """(fault or None, seconds to wait, Retry-After) for the next request."""
        with self._lock:
            now = time.monotonic()
            while self.arrivals and self.arrivals[0] <= now - 60:
                self.arrivals.popleft()
            if self.rpm is not None and len(self.arrivals) >= self.rpm:
                self.faults["rpm-429"] += 1
                return "rpm", 0.0, self.arrivals[0] + 60 - now
            self.arrivals.append(now)
            wait = max(0.0, self.latency + self.random.uniform(-self.jitter, self.jitter))
            draw = self.random.random()
            for fault, rate in self.rates.items():
                if draw < rate:
                    self.faults[fault] += 1
                    return fault, wait, 0.2
                draw -= rate
            return None, wait, 0.0


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            schema = body.get("response_format", {}).get("json_schema", {}).get("name", "")
            fake.count(schema)
            fault, wait, retry_after = fake.decide()
            # a fault is answered at once, as rate-limit middleware and proxies do; a 500 after
            # a tenth of the latency; an answer after the whole latency
            time.sleep(0.0 if fault not in (None, "500") else wait if fault is None else wait / 10)
            if fault == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if fault in ("rpm", "429"):
                # over the RPM limit: nothing remains; a random 429 (a passing overload, as
                # providers send now and then) still shows the room left under the limits
                remaining = "0" if fault == "rpm" else "4000"
                self._send(429, _RATE_LIMITED, {
                    "retry-after-ms": str(int(retry_after * 1000)),
                    "x-ratelimit-limit-requests": str(fake.rpm or 5000),
                    "x-ratelimit-remaining-requests": remaining,
                    "x-ratelimit-reset-requests": f"{retry_after:.3f}s",
                    "x-ratelimit-remaining-tokens": "1000000" if fault == "429" else "0",
                })  # fmt: skip
                return
            if fault == "500":
                self._send(
                    500, {"error": {"message": "The server had an error", "type": "server_error"}}
                )
                return
            if fault == "malformed":
                self._send(200, b"<html><body>502 Bad Gateway</body></html>", {}, "text/html")
                return
            self._send(200, completion_for(body, fake.answer, fake.verdicts))

        def _send(
            self,
            status: int,
            body: Any,
            headers: dict[str, str] | None = None,
            kind: str = "application/json",
        ) -> None:
            send(self, status, body, headers, kind)

    return Handler


_RATE_LIMITED = {
    "error": {
        "message": "Rate limit reached for requests. Please try again later.",
        "type": "requests",
        "code": "rate_limit_exceeded",
    }
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--jitter", type=float, default=0.0)
    parser.add_argument("--rpm", type=int)
    for fault in ("p429", "p500", "pmalformed", "pdrop"):
        parser.add_argument(f"--{fault}", type=float, default=0.0)
    args = parser.parse_args()
    faults = {k: getattr(args, k) for k in ("p429", "p500", "pmalformed", "pdrop")}
    with FakeOpenAI(args.port, args.latency, jitter=args.jitter, rpm=args.rpm, **faults) as fake:
        print(f"fake OpenAI endpoint at {fake.base_url} (latency {args.latency}s); Ctrl-C stops")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
