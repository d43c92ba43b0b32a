"""Requests in flight: one store, one asker of a given request, whatever process asks.

Two `digest run` on the same store (a cron job and a user, two terminals) would each pay for
the papers both hold. Before a paid request is sent its key is claimed in the store's
`inflight` table; a process that finds the key claimed by another live asker waits for that
answer and reuses it (or, when the other asker failed, claims the key and asks itself)::

    claim(store, key, stored)   None: this process asks (the claim is its own until
                                release), or the answer another asker stored meanwhile
    release(store, key) the claim is dropped (after the answer or the failure is stored)

A claim names its asker (host, process id and start time, and a token of this process's
asking), so a claim left by a process that died (kill -9, a crash, a reboot) is taken over at
once on the same host; a claim from another host (a store on a shared disk) is trusted for
:data:`FOREIGN_CLAIM_SECONDS`.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

from .store import Store

__all__ = ["FOREIGN_CLAIM_SECONDS", "POLL_SECONDS", "claim", "release"]

log = logging.getLogger(__name__)

T = TypeVar("T")

POLL_SECONDS = 0.5  # how often a waiting process looks for the other asker's answer
# A claim from another host cannot be checked for life: trusted this long, then taken over.
# Longer than any one request with its retries and re-asks (timeout 120 s x a few tries).
FOREIGN_CLAIM_SECONDS = 3600.0


@cache
def asker() -> str:
    """This process's name in a claim: host|pid|process start|token (the token tells apart
    two runs of one process, e.g. two API calls at once)."""
    return f"{socket.gethostname()}|{os.getpid()}|{_started(os.getpid())}|{uuid.uuid4().hex[:12]}"


async def claim(
    store: Store,
    key: str,
    stored: Callable[[], T | None],
    *,
    reuse: bool = True,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    me: str | None = None,
) -> T | None:
    """Claim asking `key` for this process (None), or wait while another live asker holds it
    and return the answer it stored (`stored()` reads it; None when it stored none: the claim
    is then ours). `reuse` False (a --refresh): an answer stored before is not taken, one
    another asker gave while this process waited is."""
    me = me or asker()
    waited = False
    while True:
        holder = _take(store, key, me, clock())
        if holder is None:  # ours; an answer may have been stored just before (then released)
            answered = stored() if waited or reuse else None
            if answered is not None:
                release(store, key, me=me)
            return answered
        if not waited:
            log.info("another digest process is asking %s; waiting for its answer", key[:12])
            waited = True
        await sleep(POLL_SECONDS)
        answered = stored()
        if answered is not None:
            return answered


def release(store: Store, key: str, *, me: str | None = None) -> None:
    """Drop this process's claim of `key` (another's claim is left alone)."""
    with store.transaction() as db:
        db.execute("DELETE FROM inflight WHERE key = ? AND asker = ?", (key, me or asker()))


def _take(store: Store, key: str, me: str, now: float) -> str | None:
    """Claim `key` unless a live asker holds it; returns that asker (None: claimed)."""
    with store.transaction() as db:
        row = db.execute("SELECT asker, claimed_at FROM inflight WHERE key = ?", (key,)).fetchone()
        if row is not None and row[0] != me and _alive(row[0], now - float(row[1])):
            return str(row[0])
        db.execute("INSERT OR REPLACE INTO inflight VALUES (?, ?, ?)", (key, me, now))
    return None


def _alive(holder: str, age: float) -> bool:
    """Whether the asker of a claim may still be asking."""
    host, pid, started, _ = [*holder.split("|"), "", "", ""][:4]
    if host != socket.gethostname():
        return age < FOREIGN_CLAIM_SECONDS
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        pass
    return _started(int(pid)) == started  # not a new process under a reused pid


def _started(pid: int) -> str:
    """When the process started, in clock ticks since boot (Linux), "" where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat.rsplit(")", 1)[-1].split()[19]  # field 22, counted after the command name
