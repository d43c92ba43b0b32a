"""An answer's body, read within bounds: whole within --timeout, and never larger than an
answer can be.

httpx's timeouts are per read: an endpoint that drips a byte every 0.3 s never trips a 10 s
one, and held a request for minutes. A body is read whole into memory (the SDK's non-streaming
requests read it in ``send``, and so does the rate limiter's hook), inflated first when it is
gzip: a 60 MB answer took 140 s of CPU, a gzip body inflating to 300 MB took 2.9 GB.

:class:`BoundedTransport` wraps the transports of the run's httpx client, so whatever reads a
chat completion reads it through these bounds (other requests, the Batch API's files, pass
untouched):

- a deadline of --timeout seconds for the whole exchange, headers and body; past it the read
  fails with httpx.ReadTimeout, which the SDK retries and reports as a timeout like any other;
- a cap on the body's size, counted after inflating: the body is read as a stream, inflated
  piece by piece never more than the room left, and abandoned at the cap. The response then
  ends there and carries ``response.extensions[CUT]`` (the cap), so the client fails the paper
  with one line and the run goes on: a retry would only download it again.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

from ..limits import is_chat

__all__ = ["ANSWER_BYTES", "CUT", "BoundedTransport", "answer_cap", "bound"]

# A chat completion for PaperFacts is a few KB (the canned answers of tests/test_pipeline.py:
# 1.1-1.7 KB as sent); the largest the schema's bounds allow, every field full and each CJK
# character escaped as \uXXXX, is ~50 KB. 8 MiB is over a hundred times that: only a broken or
# hostile endpoint sends more.
ANSWER_BYTES = 8 * 2**20
# With a large --max-output-tokens (a reasoning model's thinking comes in the content) the cap
# grows: a token is at most ~4 characters, or one CJK character escaped as 6 bytes; 16 bytes a
# token leaves room for both and the JSON around them.
BYTES_PER_TOKEN = 16
CUT = "digest_cut"  # response extension: the cap, when the body was abandoned at it
ACCEPTED = "gzip, deflate"  # the encodings inflated here, within the cap


def answer_cap(max_output_tokens: int) -> int:
    """The most bytes an answer of this run may take, inflated."""
    return max(ANSWER_BYTES, BYTES_PER_TOKEN * max_output_tokens)


def bound(client: httpx.AsyncClient, seconds: float, most_bytes: int) -> None:
    """Put every transport of `client` behind the bounds (its own and the proxies' it made from
    the environment). httpx has no public way to reach the transports a client built itself,
    hence ``_transport`` and ``_mounts``; a client bounded before gets the new bounds."""
    client._transport = _bounded(client._transport, seconds, most_bytes)
    for pattern, transport in client._mounts.items():
        if transport is not None:
            client._mounts[pattern] = _bounded(transport, seconds, most_bytes)


def _bounded(transport: Any, seconds: float, most_bytes: int) -> BoundedTransport:
    if isinstance(transport, BoundedTransport):
        transport.seconds, transport.most_bytes = seconds, most_bytes
        return transport
    return BoundedTransport(transport, seconds=seconds, most_bytes=most_bytes)


class BoundedTransport(httpx.AsyncBaseTransport):
    """A transport whose chat completions are read within a deadline and a size cap."""

    def __init__(self, inner: httpx.AsyncBaseTransport, *, seconds: float, most_bytes: int):
        self.inner, self.seconds, self.most_bytes = inner, seconds, most_bytes

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not is_chat(request):
            return await self.inner.handle_async_request(request)
        request.headers["accept-encoding"] = ACCEPTED
        deadline = asyncio.get_running_loop().time() + self.seconds
        try:
            async with asyncio.timeout_at(deadline):
                response = await self.inner.handle_async_request(request)
        except TimeoutError:
            raise httpx.ReadTimeout(self.late, request=request) from None
        response.stream = _Bounded(response, request, deadline, self)
        return response

    @property
    def late(self) -> str:
        return f"no whole answer within --timeout {self.seconds:g} s"

    async def __aenter__(self) -> BoundedTransport:
        await self.inner.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.inner.__aexit__(*exc)

    async def aclose(self) -> None:
        await self.inner.aclose()


class _Bounded(httpx.AsyncByteStream):
    """A response's body as it arrives, inflated here (not by httpx) so the cap counts what
    would be held, and given up at the deadline or the cap."""

    def __init__(
        self,
        response: httpx.Response,
        request: httpx.Request,
        deadline: float,
        bounds: BoundedTransport,
    ) -> None:
        raw = response.stream
        assert isinstance(raw, httpx.AsyncByteStream)  # an async client's transport
        self.raw: httpx.AsyncByteStream = raw
        self.extensions = response.extensions
        self.request, self.deadline = request, deadline
        self.most, self.late = bounds.most_bytes, bounds.late
        encoding = response.headers.get("content-encoding", "").strip().lower()
        self.inflater: _Inflater | None = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            self.inflater = _Inflater(encoding)
            del response.headers["content-encoding"]  # inflated here: httpx must not again
            response.headers.pop("content-length", None)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self._arriving():
            for piece in self._inflated(chunk):
                size += len(piece)
                if size > self.most:
                    self.extensions[CUT] = self.most
                    return  # the rest is never read: closing the stream drops the connection
                yield piece

    def _inflated(self, chunk: bytes | None) -> Iterator[bytes]:
        """A chunk as it reads inflated (None: the body ended)."""
        if self.inflater is None:
            return iter([chunk] if chunk else [])
        return self.inflater.pieces(chunk, self.most)

    async def _arriving(self) -> AsyncIterator[bytes | None]:
        """The raw chunks, each by the deadline; then None."""
        chunks = aiter(self.raw)
        while True:
            try:
                async with asyncio.timeout_at(self.deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                yield None
                return
            except TimeoutError:
                raise httpx.ReadTimeout(self.late, request=self.request) from None
            yield chunk

    async def aclose(self) -> None:
        await self.raw.aclose()


class _Inflater:
    """gzip or deflate, inflated a bounded piece at a time (zlib's max_length), so a body that
    inflates a thousandfold never exists whole beyond the cap."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.zlib: Any = None
        self.early = b""  # deflate's first bytes, until they tell zlib from raw deflate
        self.made = 0

    def pieces(self, chunk: bytes | None, most: int) -> Iterator[bytes]:
        """What `chunk` inflates to, in pieces, stopping one byte past `most` in all; None:
        the body ended (what zlib still holds)."""
        ended, data = chunk is None, chunk or b""
        if self.zlib is None:
            self.early += data
            if len(self.early) < 2 and not ended:
                return
            self.zlib = zlib.decompressobj(self._wbits(self.early))
            data, self.early = self.early, b""
        try:
            while data and self.made <= most:
                piece = self.zlib.decompress(data, most - self.made + 1)  # one past: cap seen
                self.made += len(piece)
                yield piece
                data = self.zlib.unconsumed_tail
            if ended and self.made <= most:
                yield self.zlib.flush()
        except zlib.error as err:
            raise httpx.DecodingError(f"the answer's {self.encoding} body: {err}") from None

    def _wbits(self, first: bytes) -> int:
        if self.encoding != "deflate":
            return zlib.MAX_WBITS | 16  # gzip's header and trailer
        wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and (first[0] << 8 | first[1]) % 31 == 0
        return zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS  # zlib-wrapped or raw: servers vary
