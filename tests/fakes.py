"""Fakes that more than one test file uses, so that no test file defines its own copy."""

from __future__ import annotations

from typing import Any

import httpx

MB = 1024 * 1024


class Trickle(httpx.AsyncByteStream):
    """A body sent in chunks, as a network sends it, counting what the client took."""

    def __init__(self, chunks: Any) -> None:
        self.chunks, self.taken = chunks, 0

    async def __aiter__(self) -> Any:
        for chunk in self.chunks:
            self.taken += 1
            yield chunk
