"""An answer's body read within bounds (digest.llm.body): whole within --timeout, and no
larger than an answer can be, inflated or not; a paper that breaks a bound fails alone."""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
import zlib
from collections.abc import AsyncIterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import httpx
import pytest
import respx
from conftest import REPO, completion_body, facts, sent_json
from test_extract import run_facts
from test_pipeline import PAPERS, answer

from digest import LLMRequestError, Settings, build_client, run
from digest.llm.body import ANSWER_BYTES, BoundedTransport

sys.path.insert(0, str(REPO / "scripts"))
from fake_openai import LocalServer

GOOD = json.dumps(completion_body(facts())).encode()
DRIP_EVERY = 0.25  # seconds between bytes: each read is quick, the whole never is


class Dripping(LocalServer):
    """An endpoint that sends its first DRIPPED bytes (of the headers or of the body) one at a
    time, then the rest of a good answer: done in ~DRIPPED x DRIP_EVERY s, never idle for long."""

    DRIPPED = 16

    def __init__(self, where: str) -> None:
        self.requests = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                server.requests += 1
                self.rfile.read(int(self.headers.get("content-length", 0)))
                head = (
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                    + f"content-length: {len(GOOD)}\r\n\r\n".encode()
                )
                whole = head + GOOD
                start = 0 if where == "headers" else len(head)
                try:
                    self.wfile.write(whole[:start])
                    for i in range(start, start + Dripping.DRIPPED):
                        self.wfile.write(whole[i : i + 1])
                        self.wfile.flush()
                        time.sleep(DRIP_EVERY)
                    self.wfile.write(whole[start + Dripping.DRIPPED :])
                except OSError:  # the client gave up: as it should
                    pass

        self.serve(0, Handler)


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_dripping_endpoint_is_given_up_at_the_timeout(where: str) -> None:
    """One byte every 0.25 s never trips httpx's per-read timeout: an answer took minutes under
    --timeout 10. The whole answer now has --timeout seconds, a timeout the SDK retries."""
    with Dripping(where) as server:
        settings = Settings.from_env(base_url=server.base_url, timeout=1, sdk_retries=1)
        started = time.monotonic()
        with pytest.raises(LLMRequestError, match=r"no whole answer .* within --timeout 1 s"):
            run_facts(settings)
        took = time.monotonic() - started
    assert server.requests == 2  # retried by the SDK, like any timeout
    assert took < 3.5  # two tries of 1 s (and the SDK's backoff), not of 4 s


def test_a_slow_but_steady_answer_within_the_timeout_is_read() -> None:
    with Dripping("body") as server:
        settings = Settings.from_env(base_url=server.base_url, timeout=30, sdk_retries=0)
        assert run_facts(settings).facts.method == facts()["method"]


class Padded:
    """A good answer padded with `size` bytes of JSON whitespace, sent in chunks as it is
    read; `pulled` counts what the client read of it."""

    def __init__(self, size: int, chunk: int = 2**16) -> None:
        self.size, self.chunk, self.pulled = size, chunk, 0

    async def body(self) -> AsyncIterator[bytes]:
        yield GOOD[:-1]
        for _ in range(self.size // self.chunk):
            self.pulled += self.chunk
            yield b" " * self.chunk
        yield GOOD[-1:]


def test_a_huge_answer_is_abandoned_at_the_cap_and_fails_its_paper_only(
    llm: respx.MockRouter,
) -> None:
    """A 60 MB answer took 140 s of CPU. It is read as a stream and given up past the cap; the
    other papers go on, and it is not downloaded again (no retry would read less)."""
    huge = Padded(60 * 2**20)
    asked = []

    def respond(request: httpx.Request) -> httpx.Response:
        if "dense passage" in json.dumps(sent_json(request)["messages"]).lower():
            asked.append(request)
            kind = {"content-type": "application/json"}
            return httpx.Response(200, content=huge.body(), headers=kind)
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=respond)
    two = [PAPERS / "dpr-emnlp2020-p1-2.pdf", PAPERS / "sgd-teacher-student-1906.08632-p1.pdf"]
    report = run(two, Settings.from_env(title="T"))
    assert [p.status for p in report.papers].count("ok") == 1
    (failed,) = report.failed
    assert failed.error and "dpr" in failed.source and "\n" not in failed.error
    assert f"larger than {ANSWER_BYTES:,} bytes" in failed.error
    assert len(asked) == 1
    assert huge.pulled <= ANSWER_BYTES + 2 * huge.chunk  # read as it came, never whole


INFLATED = 128  # MB


def test_a_gzip_bomb_is_inflated_no_further_than_the_cap(llm: respx.MockRouter) -> None:
    """A gzip body inflating to 300 MB took 2.9 GB of memory; here to 128 MB, from 130 KB."""
    packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    spaces = b" " * 2**20
    bomb = packer.compress(GOOD[:-1])
    bomb += b"".join(packer.compress(spaces) for _ in range(INFLATED)) + packer.compress(GOOD[-1:])
    bomb += packer.flush()
    headers = {"content-type": "application/json", "content-encoding": "gzip"}

    async def sent() -> AsyncIterator[bytes]:  # as a server sends it (httpx would inflate bytes)
        for start in range(0, len(bomb), 2**16):
            yield bomb[start : start + 2**16]

    llm.post("/chat/completions").mock(
        side_effect=lambda request: httpx.Response(200, content=sent(), headers=headers)
    )
    tracemalloc.start()
    try:
        with pytest.raises(LLMRequestError, match="larger than"):
            run_facts(Settings.from_env(sdk_retries=0))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # the cap's worth read, joined and decoded (for its usage): a few copies, never the whole
    assert peak < INFLATED * 2**20 / 2


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_compressed_answer_within_the_cap_is_read(llm: respx.MockRouter, encoding: str) -> None:
    wbits = zlib.MAX_WBITS | 16 if encoding == "gzip" else zlib.MAX_WBITS
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(GOOD) + packer.flush()
    headers = {"content-type": "application/json", "content-encoding": encoding}
    route = llm.post("/chat/completions").mock(
        return_value=httpx.Response(200, content=body, headers=headers)
    )
    assert run_facts().facts.method == facts()["method"]
    assert route.calls.last.request.headers["accept-encoding"] == "gzip, deflate"


def test_the_bounds_hold_behind_a_proxy_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """httpx gives HTTPS_PROXY a transport of its own: it is bounded like the direct one."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.test:3128")
    client = httpx.AsyncClient()
    build_client(Settings.from_env(), http_client=client)
    transports = [client._transport, *client._mounts.values()]
    assert len(transports) > 1 and all(isinstance(t, BoundedTransport) for t in transports)
