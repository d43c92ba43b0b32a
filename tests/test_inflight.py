"""One asker of a request per store (digest.inflight): claims, waiting, dead and foreign askers."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from functools import partial
from pathlib import Path

from digest import inflight
from digest.facts import PaperFacts
from digest.models import Extraction, Usage
from digest.store import Store

KEY = "k" * 64


def answer() -> Extraction:
    phrase, quote = "基于注意力的文本表示学习框架", "a quote of the paper"
    parts = ("method", "problem", "result")
    values = {**dict.fromkeys(parts, phrase), **{f"{p}_evidence": quote for p in parts}}
    facts = PaperFacts.model_validate({"title": "", "authors": [], "institutions": [], **values})
    return Extraction(facts=facts, model="m")


def save(store: Store, extraction: Extraction | None) -> None:
    store.save_extraction(
        KEY, sha256="s", budget=1, extraction=extraction, engine="llm", model="m",
        prompt_sha256="p", usage=Usage(), error=None if extraction else "failed", seconds=0.0,
    )  # fmt: skip


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds
        await asyncio.sleep(0)


def claim(store: Store, me: str, clock: Clock, **kw: object) -> Extraction | None:
    stored = partial(store.extraction, KEY)
    return asyncio.run(
        inflight.claim(store, KEY, stored, clock=clock, sleep=clock.sleep, me=me, **kw)
    )


def test_a_free_key_is_claimed_at_once_and_released(tmp_path: Path) -> None:
    store, clock = Store(tmp_path / "s.db"), Clock()
    assert claim(store, inflight.asker(), clock) is None and clock.slept == 0
    assert store.query("SELECT asker FROM inflight")[0]["asker"] == inflight.asker()
    inflight.release(store, KEY)
    assert store.query("SELECT * FROM inflight") == []


def test_a_live_askers_answer_is_awaited_and_reused(tmp_path: Path) -> None:
    store, clock = Store(tmp_path / "s.db"), Clock()
    other = f"{inflight.asker()[:-12]}{'0' * 12}"  # this process, another run: alive
    assert claim(store, other, clock) is None

    async def other_answers() -> None:
        await asyncio.sleep(0.05)
        save(store, answer())
        inflight.release(store, KEY, me=other)

    async def both() -> Extraction | None:
        stored = partial(store.extraction, KEY)
        waiting = inflight.claim(store, KEY, stored, clock=clock, sleep=clock.sleep)
        got, _ = await asyncio.gather(waiting, other_answers())
        return got

    got = asyncio.run(both())
    assert got is not None and got.facts.method == answer().facts.method
    assert clock.slept > 0  # it waited rather than asked


def test_when_the_other_asker_fails_the_waiting_one_asks(tmp_path: Path) -> None:
    store, clock = Store(tmp_path / "s.db"), Clock()
    other = f"{inflight.asker()[:-12]}{'1' * 12}"
    assert claim(store, other, clock) is None
    save(store, None)  # it failed (a failure is stored, never served)
    inflight.release(store, KEY, me=other)
    assert claim(store, inflight.asker(), clock) is None  # ours now: we ask


def test_an_answer_stored_just_before_the_claim_is_reused_unless_refreshing(
    tmp_path: Path,
) -> None:
    store, clock = Store(tmp_path / "s.db"), Clock()
    save(store, answer())
    assert claim(store, inflight.asker(), clock) is not None
    assert store.query("SELECT * FROM inflight") == []  # nothing left claimed
    assert claim(store, inflight.asker(), clock, reuse=False) is None  # --refresh asks


def test_a_dead_askers_claim_is_taken_over_at_once(tmp_path: Path) -> None:
    store, clock = Store(tmp_path / "s.db"), Clock()
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead = f"{socket.gethostname()}|{gone.stdout.strip()}|123|deadbeef0000"
    assert claim(store, dead, clock) is None
    assert claim(store, inflight.asker(), clock) is None and clock.slept == 0


def test_a_claim_from_another_host_is_trusted_for_an_hour(tmp_path: Path) -> None:
    store, clock = Store(tmp_path / "s.db"), Clock()
    assert claim(store, "elsewhere.example|42|7|abcdefabcdef", clock) is None
    assert claim(store, inflight.asker(), clock) is None  # it never answers: taken over
    assert inflight.FOREIGN_CLAIM_SECONDS <= clock.slept < inflight.FOREIGN_CLAIM_SECONDS + 1
