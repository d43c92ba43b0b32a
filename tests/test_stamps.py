"""A PDF stamped by arXiv gets arXiv's entry of that version (digest.pipeline.stamps, lookup).

The arXiv API is replayed with respx (every other request fails the test). Its answers are
built here in the 2026 format of the recorded feeds (fixtures/arxiv), with the metadata the
two stamped fixture papers print (fixtures/papers: DPR, arXiv:2004.04906v3; the SGD paper,
arXiv:1906.08632v2): no recording of these IDs exists, so the entries are written for these
tests, not recorded. A fake clock and sleep make arXiv's pace observable and instant.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
import respx
from conftest import FIXTURES

from digest.models import Paper
from digest.pipeline import run
from digest.pipeline import stamps as stamps_module
from digest.pipeline.stamps import HOLD_STEP, STAMP_HOLD, STAMP_TIME, StampQueue
from digest.settings import Settings
from digest.sources import arxiv_client
from digest.sources.arxiv_client import ArxivClient
from digest.store import Store

PAPERS = FIXTURES / "papers"
DPR_PDF = PAPERS / "dpr-emnlp2020-p1-2.pdf"
SGD_PDF = PAPERS / "sgd-teacher-student-1906.08632-p1.pdf"
DPR = {
    "id": "2004.04906v3",
    "title": "Dense Passage Retrieval for Open-Domain Question Answering",
    "authors": [
        "Vladimir Karpukhin", "Barlas Oğuz", "Sewon Min", "Patrick Lewis", "Ledell Wu",
        "Sergey Edunov", "Danqi Chen", "Wen-tau Yih",
    ],
    "summary": "Open-domain question answering relies on efficient passage retrieval to select "
    "candidate contexts, where traditional sparse vector space models, such as TF-IDF or BM25, "
    "are the de facto method. In this work, we show that retrieval can be practically "
    "implemented using dense representations alone.",
    "published": "2020-04-10",
    "category": "cs.CL",
}  # fmt: skip
SGD = {
    "id": "1906.08632v2",
    "title": "Dynamics of stochastic gradient descent for two-layer neural networks in the "
    "teacher-student setup",
    "authors": [
        "Sebastian Goldt", "Madhu S. Advani", "Andrew M. Saxe", "Florent Krzakala",
        "Lenka Zdeborová",
    ],
    "summary": "Deep neural networks achieve stellar generalisation even when they have enough "
    "parameters to easily fit all their training data.",
    "published": "2019-06-20",
    "category": "stat.ML",
}  # fmt: skip


def atom(*entries: dict[str, Any]) -> bytes:
    """An id_list answer holding `entries`, as arXiv writes one."""
    body = "".join(
        f"<entry><id>http://arxiv.org/abs/{e['id']}</id><title>{escape(e['title'])}</title>"
        f"<summary>  {escape(e['summary'])}</summary>"
        + "".join(f"<author><name>{escape(n)}</name></author>" for n in e["authors"])
        + f"<published>{e['published']}T17:38:09Z</published>"
        f'<arxiv:primary_category term="{e["category"]}"/>'
        f'<category term="{e["category"]}" scheme="http://arxiv.org/schemas/atom"/></entry>'
        for e in entries
    )
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        '<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">'
        f"<title>arXiv Query</title>{body}</feed>"
    ).encode()


def answering(known: dict[str, dict[str, Any]]) -> Any:
    """arXiv's API over `known` entries: each ID asked for that it has, none it has not."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked = request.url.params["id_list"].split(",")
        return httpx.Response(200, content=atom(*(known[i] for i in asked if i in known)))

    return answer


def entry_like(ident: str) -> dict[str, Any]:
    return {**DPR, "id": ident, "title": f"Paper {ident}"}


SLEEP_TURNS = 5  # turns of the event loop a fake sleep gives the other tasks


class FakeTime:
    """An injectable clock and sleep: sleeping moves the clock at once, and lets the other
    tasks run (the stamps that come while a request waits its turn)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.sent: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        for _ in range(SLEEP_TURNS):
            await asyncio.sleep(0)


def fake_times(fake: FakeTime, answer: Any) -> Any:
    """`answer`, the fake clock's time of each request kept in ``fake.sent``."""

    def timed(request: httpx.Request) -> httpx.Response:
        fake.sent.append(fake.now)
        return answer(request)

    return timed


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def api() -> Iterator[respx.Route]:
    """The arXiv API's query URL, the only one a test may reach."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        yield router.get(host="export.arxiv.org", path="/api/query")


def queue(
    fake: FakeTime, store: Store | None = None, more: Any = lambda: False, **client: Any
) -> StampQueue:
    arxiv = ArxivClient(clock=fake.clock, sleep=fake.sleep, **client)
    return StampQueue(arxiv, store, more=more, sleep=fake.sleep)


def asked(route: respx.Route) -> list[list[str]]:
    return [call.request.url.params["id_list"].split(",") for call in route.calls]


# --- the queue: batched, paced, stored, bounded -----------------------------------------------


def test_stamps_waiting_together_are_one_request(api: respx.Route, fake: FakeTime) -> None:
    ids = [f"2101.{n:05d}v2" for n in range(1, 13)]
    api.side_effect = answering({i: entry_like(i) for i in ids})

    async def go() -> list[Paper | None]:
        stamps = queue(fake)
        return await asyncio.gather(*(stamps.entry(i) for i in ids))

    entries = asyncio.run(go())
    assert asked(api) == [ids]  # the stamp's version is the one asked for
    assert [e.arxiv_id for e in entries if e is not None] == ids
    assert fake.sleeps == []


def test_stamps_that_come_while_a_request_waits_its_turn_join_it(
    api: respx.Route, fake: FakeTime
) -> None:
    ids = [f"2101.{n:05d}v1" for n in range(1, 8)]
    api.side_effect = answering({i: entry_like(i) for i in ids})

    async def go() -> None:
        stamps = queue(fake)
        await stamps.entry(ids[0])  # the first PDF parsed: asked at once
        second = asyncio.ensure_future(stamps.entry(ids[1]))  # the next: it waits its turn
        for _ in range(SLEEP_TURNS // 2):
            await asyncio.sleep(0)
        assert fake.sleeps == [3.0]  # arXiv's pace: one request every 3 s
        later = [asyncio.ensure_future(stamps.entry(i)) for i in ids[2:]]  # parsed meanwhile
        await asyncio.gather(second, *later)

    asyncio.run(go())
    assert asked(api) == [ids[:1], ids[1:]]
    assert fake.sleeps == [3.0]


def test_while_pdfs_are_parsed_a_batch_waits_for_their_stamps(
    api: respx.Route, fake: FakeTime
) -> None:
    ids = [f"2101.{n:05d}v1" for n in range(1, 5)]
    api.side_effect = answering({i: entry_like(i) for i in ids})
    parsing = [True]

    async def go() -> None:
        stamps = queue(fake, more=lambda: parsing[0])
        await stamps.entry(ids[0])  # the first at once, PDFs being parsed or not
        second = asyncio.ensure_future(stamps.entry(ids[1]))
        for _ in range(3 * SLEEP_TURNS):  # three looks at the parse, a second and a half
            await asyncio.sleep(0)
        third = asyncio.ensure_future(stamps.entry(ids[2]))
        await asyncio.sleep(0)
        parsing[0] = False  # the last PDF is parsed: its stamp came with it
        await asyncio.gather(second, third, stamps.entry(ids[3]))

    asyncio.run(go())
    assert asked(api) == [ids[:1], ids[1:]]
    assert sum(fake.sleeps) == pytest.approx(3.0)  # no later than arXiv's pace asks anyway


def test_a_batch_waits_for_the_parse_no_longer_than_the_hold(
    api: respx.Route, fake: FakeTime
) -> None:
    ids = ["2101.00001v1", "2101.00002v1"]
    api.side_effect = fake_times(fake, answering({i: entry_like(i) for i in ids}))

    async def go() -> None:
        stamps = queue(fake, more=lambda: True)  # a parse that never ends
        for ident in ids:
            await stamps.entry(ident)

    asyncio.run(go())
    assert asked(api) == [ids[:1], ids[1:]]
    assert fake.sent[1] - fake.sent[0] == pytest.approx(STAMP_HOLD)
    assert set(fake.sleeps) == {HOLD_STEP}


def test_a_batch_holds_at_most_the_clients_batch_size(api: respx.Route, fake: FakeTime) -> None:
    ids = [f"2101.{n:05d}" for n in range(1, 6)]
    api.side_effect = answering({i + "v1": entry_like(i + "v1") for i in ids})

    async def go() -> None:
        stamps = queue(fake, batch_size=2)
        await asyncio.gather(*(stamps.entry(i) for i in ids))

    asyncio.run(go())
    assert [len(batch) for batch in asked(api)] == [2, 2, 1]
    assert fake.sleeps == [3.0, 3.0]


def test_every_answer_is_stored_and_never_asked_again(
    api: respx.Route, fake: FakeTime, tmp_path: Path
) -> None:
    api.side_effect = answering({DPR["id"]: DPR})
    unknown = "2101.99999v1"

    async def go(store: Store) -> tuple[Paper | None, Paper | None]:
        stamps = queue(fake, store)
        found, missing = await asyncio.gather(stamps.entry(DPR["id"]), stamps.entry(unknown))
        return found, missing

    with Store(tmp_path / "digest.db") as store:
        first = asyncio.run(go(store))
        again = asyncio.run(go(store))
        assert store.arxiv_entry(DPR["id"]) is not None  # where an ID input's entry is kept
    assert api.call_count == 1
    assert first[0] is not None and first[0].title == DPR["title"] and first[1] is None
    assert again[0] == first[0] and again[1] is None


def test_no_network_is_one_note_and_no_delay(
    api: respx.Route, fake: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    api.side_effect = httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
    caplog.set_level(logging.WARNING, logger="digest")

    async def go() -> list[Paper | None]:
        stamps = queue(fake)
        first = await asyncio.gather(stamps.entry("2101.00001v1"), stamps.entry("2101.00002v1"))
        later = await stamps.entry("2101.00003v1")
        return [*first, later]

    assert asyncio.run(go()) == [None, None, None]
    assert api.call_count == 1 and fake.sleeps == []
    notes = [r for r in caplog.records if "cannot reach arXiv" in r.getMessage()]
    assert len(notes) == 1 and "--no-lookup" in notes[0].getMessage()


def test_an_arxiv_that_does_not_answer_costs_the_run_its_stamp_time(
    api: respx.Route, fake: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    api.return_value = httpx.Response(503)
    caplog.set_level(logging.WARNING, logger="digest")

    async def go() -> list[Paper | None]:
        stamps = queue(fake)
        first = await stamps.entry("2101.00001v1")
        return [first, await stamps.entry("2101.00002v1")]

    assert asyncio.run(go()) == [None, None]
    assert sum(fake.sleeps) <= STAMP_TIME  # back-offs of 3 s and 6 s, and no 12 s one
    assert fake.sleeps == [3.0, 6.0] and api.call_count == 3
    assert len([r for r in caplog.records if "in the time a lookup is given" in r.message]) == 1


def test_a_stamp_arxiv_would_refuse_is_not_asked(api: respx.Route, fake: FakeTime) -> None:
    async def go() -> Paper | None:
        return await queue(fake).entry("0612.1234v1")  # new-style IDs began in April 2007

    assert asyncio.run(go()) is None
    assert api.call_count == 0


# --- in a run -----------------------------------------------------------------------------------


@pytest.fixture
def papers(tmp_path: Path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    for pdf in (DPR_PDF, SGD_PDF):
        (folder / pdf.name).write_bytes(pdf.read_bytes())
    return folder


@pytest.fixture
def paced(monkeypatch: pytest.MonkeyPatch, fake: FakeTime) -> None:
    """The run's arXiv client and stamp lookups on the fake clock."""
    fast = partial(ArxivClient, clock=fake.clock, sleep=fake.sleep)
    monkeypatch.setattr(arxiv_client, "ArxivClient", fast)
    monkeypatch.setattr(stamps_module, "StampQueue", partial(StampQueue, sleep=fake.sleep))


def settings(tmp_path: Path, **extra: Any) -> Settings:
    return Settings.from_env(
        engine="offline", store=tmp_path / "store" / "digest.db", lookup=True, **extra
    )


def by_file(report: Any) -> dict[str, Paper]:
    return {Path(r.source).name: r.paper for r in report.papers}


@pytest.mark.usefixtures("paced")
def test_stamped_pdfs_get_arxivs_entries_in_a_request_or_two(
    api: respx.Route, papers: Path, tmp_path: Path
) -> None:
    api.side_effect = answering({DPR["id"]: DPR, SGD["id"]: SGD})
    report = run([papers], settings(tmp_path))
    assert 1 <= api.call_count <= 2
    assert sorted(i for batch in asked(api) for i in batch) == [SGD["id"], DPR["id"]]
    dpr = by_file(report)[DPR_PDF.name]
    assert dpr.arxiv_id == "2004.04906v3"  # the stamp's version, read
    assert dpr.title == DPR["title"] and dpr.authors == DPR["authors"]
    assert dpr.abstract == DPR["summary"]
    assert dpr.published == "2020-04-10" and dpr.categories == ["cs.CL"]
    sources = dpr.header_sources
    assert (sources.title, sources.authors, sources.abstract) == ("arxiv", "arxiv", "arxiv")
    assert sources.affiliations == "pdf"  # the entry names none: the page's stand
    assert "merged with 2004.04906v3" in dpr.warnings
    assert by_file(report)[SGD_PDF.name].header_sources.authors == "arxiv"

    again = run([papers], settings(tmp_path))  # stored: a rerun asks nothing
    assert api.call_count <= 2
    assert by_file(again)[DPR_PDF.name].header_sources.abstract == "arxiv"


@pytest.mark.usefixtures("paced")
def test_a_stamp_whose_entry_is_another_paper_is_not_merged(
    api: respx.Route, papers: Path, tmp_path: Path
) -> None:
    other = {**DPR, "title": "Attention Is All You Need", "authors": ["Ashish Vaswani"]}
    api.side_effect = answering({DPR["id"]: other, SGD["id"]: SGD})
    dpr = by_file(run([papers], settings(tmp_path)))[DPR_PDF.name]
    assert dpr.title == DPR["title"] and len(dpr.authors) == 8
    assert dpr.header_sources.title == "pdf" and dpr.header_sources.authors == "pdf"
    assert any(
        w.startswith("arXiv stamp 2004.04906v3: arXiv's entry is another work")
        for w in dpr.warnings
    )


def test_no_lookup_asks_nothing(
    api: respx.Route, papers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_LOOKUP", "0")  # as --no-lookup
    report = run([papers], Settings.from_env(engine="offline", store=tmp_path / "digest.db"))
    assert api.call_count == 0
    assert {p.header_sources.authors for p in by_file(report).values()} == {"pdf"}


@pytest.mark.usefixtures("paced")
def test_no_network_in_a_run_is_one_note_and_no_delay(
    api: respx.Route, papers: Path, tmp_path: Path, fake: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    api.side_effect = httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
    caplog.set_level(logging.WARNING, logger="digest")
    started = time.perf_counter()
    report = run([papers], settings(tmp_path))
    elapsed = time.perf_counter() - started
    assert [r.status for r in report.papers] == ["ok", "ok"]
    assert {p.header_sources.authors for p in by_file(report).values()} == {"pdf"}
    assert len([r for r in caplog.records if "cannot reach arXiv" in r.getMessage()]) == 1
    assert 1 <= api.call_count <= 2 and fake.sleeps in ([], [3.0])
    assert elapsed < 5  # the parse and the offline briefs are all it costs
