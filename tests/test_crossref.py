"""Crossref lookups, replayed from real recorded answers (fixtures/crossref/, respx).

A PDF that prints a DOI gets Crossref's exact title and ordered authors; a 404 leaves the
parser's header; a 429 is waited out; no network is one note and no delay; every answer is kept
in the store, so a rerun (and `digest report`) asks nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from drawn import Sheet
from fakes import MB, Trickle

from digest.errors import LookupFailedError, LookupUnavailableError
from digest.models import Report
from digest.pipeline import last_report, run
from digest.render import render_json, render_markdown
from digest.settings import Settings
from digest.sources.crossref import WORKS_URL, CrossrefClient, read_work, same_work

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "crossref"
ELIFE = "10.7554/elife.01567"
ELIFE_TITLE = (
    "Automated quantitative histology reveals vascular morphodynamics during Arabidopsis "
    "hypocotyl secondary growth"
)
ELIFE_AUTHORS = [
    "Martial Sankar",
    "Kaisa Nieminen",
    "Laura Ragni",
    "Ioannis Xenarios",
    "Christian S Hardtke",
]


def recorded(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def replay(name: str) -> httpx.Response:
    """The recorded answer as an httpx response (status, headers, body as sent)."""
    answer = recorded(name)["response"]
    headers = {k: v for k, v in answer["headers"].items() if k.lower() != "transfer-encoding"}
    return httpx.Response(answer["status"], headers=headers, content=answer["body"].encode())


def url(doi: str) -> str:
    return WORKS_URL.format(doi=doi)


# --- reading an answer ------------------------------------------------------------------------


def test_a_work_is_read_exactly() -> None:
    paper = read_work(recorded("10_7554_elife_01567")["response"]["body"], ELIFE)
    assert paper is not None
    assert paper.title == ELIFE_TITLE
    assert paper.authors == ELIFE_AUTHORS
    assert paper.affiliations[0] == (
        "Department of Plant Molecular Biology, University of Lausanne, Lausanne, Switzerland"
    )
    assert paper.abstract.startswith("Among various advantages, their small size")
    assert "<" not in paper.abstract and "jats" not in paper.abstract
    assert paper.origin == "crossref" and paper.doi == ELIFE
    assert paper.header_sources.title == "crossref" and paper.header_sources.abstract == "crossref"


def test_markup_capitals_and_consortia() -> None:
    beetle = read_work(recorded("10_1098_rspb_2017_0132")["response"]["body"], "x")
    assert beetle is not None
    assert beetle.title.endswith("in the seed beetle Callosobruchus maculatus")
    japanese = read_work(recorded("10_1241_johokanri_39_979")["response"]["body"], "x")
    assert japanese is not None and japanese.authors == ["Hiroyuki Kusumoto"]
    genes = read_work(recorded("10_1038_ng_3834")["response"]["body"], "x")
    assert genes is not None and "GTEx Consortium" in genes.authors
    assert genes.affiliations == [] and genes.abstract == ""  # none deposited: the PDF's stand


@pytest.mark.parametrize(
    ("name", "year", "venue"),
    [
        ("10_7554_elife_01567", 2014, "eLife"),
        ("10_1111_nph_14619", 2018, "New Phytologist"),  # online 2017, the May 2018 issue
        ("10_1101_097196", 2016, "bioRxiv"),  # a posted preprint: its server
        ("10_1007_978_3_319_75889_3_1", 2018,
         "Human Health and Physical Activity During Heat Exposure"),  # the book, not the series
    ],
)  # fmt: skip
def test_a_works_year_and_venue(name: str, year: int, venue: str) -> None:
    paper = read_work(recorded(name)["response"]["body"], "x")
    assert paper is not None
    assert (paper.year, paper.venue) == (year, venue)
    assert paper.header_sources.year == paper.header_sources.venue == "crossref"


def test_a_deposits_impossible_year_is_none() -> None:
    body = json.loads(recorded("10_7554_elife_01567")["response"]["body"])
    body["message"]["issued"] = {"date-parts": [[3025, 1, 1]]}
    body["message"]["container-title"] = []
    paper = read_work(json.dumps(body), ELIFE)
    assert paper is not None and (paper.year, paper.venue) == (None, None)


def test_a_record_is_taken_only_for_its_own_paper() -> None:
    record = read_work(recorded("10_7554_elife_01567")["response"]["body"], ELIFE)
    assert record is not None
    same = record.model_copy(update={"title": ELIFE_TITLE.upper(), "first_page": ""})
    other = record.model_copy(update={"title": "A Study of Things", "first_page": "A Study"})
    assert same_work(record, same)
    assert not same_work(record, other)


# --- the client: politeness, back-off, no network ---------------------------------------------


def test_the_client_names_itself_with_a_contact() -> None:
    async def go() -> None:
        async with CrossrefClient(contact="me@example.org") as client:
            await client.work(ELIFE)

    with respx.mock(assert_all_called=True) as mock:
        route = mock.get(url(ELIFE)).mock(return_value=replay("10_7554_elife_01567"))
        asyncio.run(go())
    agent = route.calls[0].request.headers["user-agent"]
    assert agent.startswith("paper-digest/") and "mailto:me@example.org" in agent


def test_429_is_waited_out_then_answered() -> None:
    waits: list[float] = []
    now = [100.0]

    async def sleep(seconds: float) -> None:  # a clock that moves only when slept on
        waits.append(seconds)
        now[0] += seconds

    async def go() -> Any:
        async with CrossrefClient(sleep=sleep, clock=lambda: now[0], delay=1.0) as client:
            return await client.work(ELIFE)

    limited = httpx.Response(429, headers={"Retry-After": "3"}, text="rate limited")
    with respx.mock() as mock:
        route = mock.get(url(ELIFE)).mock(
            side_effect=[limited, httpx.Response(503), replay("10_7554_elife_01567")]
        )
        answer = asyncio.run(go())
    assert answer.status == "found" and answer.paper.authors == ELIFE_AUTHORS
    assert route.call_count == 3
    assert len(waits) == 2 and waits[0] == pytest.approx(3.0, abs=0.1)  # Retry-After honoured
    assert waits[1] == pytest.approx(2.0, abs=0.1)  # then exponential: 1 s * 2**1


def test_5xx_gives_up_after_the_retries() -> None:
    async def go() -> None:
        async def sleep(_: float) -> None:
            return None

        async with CrossrefClient(sleep=sleep, retries=2) as client:
            await client.work(ELIFE)

    with respx.mock() as mock:
        route = mock.get(url(ELIFE)).mock(return_value=httpx.Response(502))
        with pytest.raises(LookupFailedError, match="after 3 attempts"):
            asyncio.run(go())
    assert route.call_count == 3


def test_404_is_final() -> None:
    async def go() -> Any:
        async with CrossrefClient() as client:
            return await client.work("10.7554/elife.01567x")

    with respx.mock() as mock:
        route = mock.get(url("10.7554/elife.01567x")).mock(
            return_value=replay("10_7554_elife_01567x")
        )
        answer = asyncio.run(go())
    assert answer.status == "not_found" and answer.paper is None
    assert route.call_count == 1


def test_no_network_fails_at_once_and_for_good() -> None:
    async def go() -> list[str]:
        async def sleep(_: float) -> None:
            raise AssertionError("no waiting when there is no network")

        outcomes = []

        async def one(client: CrossrefClient, doi: str) -> None:
            try:
                outcomes.append((await client.work(doi)).status)
            except LookupUnavailableError as err:
                outcomes.append(str(err))

        async with CrossrefClient(sleep=sleep) as client:
            dois = [ELIFE, "10.1098/rspb.2017.0132", "10.1038/ng.3834", "10.1101/097196"]
            await asyncio.gather(*(one(client, doi) for doi in dois))  # three in flight at once
            await one(client, "10.1111/nph.14619")  # and one after
        return outcomes

    with respx.mock() as mock:
        route = mock.route(host="api.crossref.org").mock(
            side_effect=httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
        )
        outcomes = asyncio.run(go())
    raised = [o for o in outcomes if "name resolution" in o]
    assert len(raised) == 1  # told once; every other lookup, in flight or later, is skipped
    assert sorted(o for o in outcomes if o not in raised) == ["skipped"] * 4
    assert route.call_count <= 3  # at most the lookups already in flight tried


# --- in a run ---------------------------------------------------------------------------------


def elife_pdf(path: Path, doi_line: str = "DOI: 10.7554/eLife.01567") -> Path:
    """Page 1 of the eLife paper as a layout reader finds it hard: authors set in one run with
    their marks, so the count it reads is not Crossref's."""
    sheet = Sheet().put(72, 760, "RESEARCH ARTICLE", 9, "B").put(400, 760, doi_line, 8)
    sheet.put(72, 720, "Automated quantitative histology reveals vascular", 16, "B")
    sheet.put(72, 700, "morphodynamics during Arabidopsis hypocotyl secondary growth", 16, "B")
    sheet.put(72, 675, "Martial Sankar1, Kaisa Nieminen1,2, Laura Ragni1, Ioannis Xenarios3", 10)
    sheet.put(72, 662, "and Christian S Hardtke1", 10)
    sheet.put(72, 645, "1 Department of Plant Molecular Biology, University of Lausanne", 7)
    sheet.put(
        72, 635, "2 Finnish Forest Research Institute; 3 Swiss Institute of Bioinformatics", 7
    )
    sheet.put(72, 610, "Abstract", 10, "B")
    sheet.prose(72, 596, "Among various advantages, their small size makes model organisms "
                "preferred subjects of investigation. " * 3)  # fmt: skip
    return sheet.save(path)


def settings_for(tmp_path: Path, **extra: Any) -> Settings:
    return Settings.from_env(
        engine="offline", store=tmp_path / "store" / "digest.db", lookup=True, **extra
    )


def test_a_doi_on_page_one_brings_crossrefs_header(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    elife_pdf(folder / "elife.pdf")
    settings = settings_for(tmp_path, contact="me@example.org")
    with respx.mock() as mock:
        route = mock.get(url(ELIFE)).mock(return_value=replay("10_7554_elife_01567"))
        report = run([folder], settings)
        assert route.call_count == 1
        paper = report.papers[0].paper
        assert paper is not None
        assert paper.doi == ELIFE
        assert paper.title == ELIFE_TITLE
        assert paper.authors == ELIFE_AUTHORS
        sources = paper.header_sources
        assert (sources.title, sources.authors, sources.affiliations, sources.abstract) == (
            "crossref", "crossref", "crossref", "crossref",
        )  # fmt: skip
        assert (paper.year, paper.venue) == (2014, "eLife")
        assert (sources.year, sources.venue, sources.doi) == ("crossref",) * 3
        data = json.loads(render_json(report))
        assert data["papers"][0]["paper"]["header_sources"]["authors"] == "crossref"
        assert "**作者数量**: 5" in render_markdown(report)

        # the answer is kept: a rerun, the report command and another rerun ask nothing
        again = run([folder], settings)
        assert settings.store is not None
        shown = last_report(settings.store)
        third = run([folder], settings)
        assert route.call_count == 1
    for later in (again, shown, third):
        assert isinstance(later, Report) and later.papers[0].paper is not None
        assert later.papers[0].paper.authors == ELIFE_AUTHORS


def test_404_leaves_the_parsers_header_and_is_not_asked_again(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    elife_pdf(folder / "typo.pdf", doi_line="doi:10.7554/eLife.01567x")
    settings = settings_for(tmp_path)
    with respx.mock() as mock:
        route = mock.get(url("10.7554/elife.01567x")).mock(
            return_value=replay("10_7554_elife_01567x")
        )
        first = run([folder], settings)
        run([folder], settings)
    assert route.call_count == 1
    paper = first.papers[0].paper
    assert paper is not None and paper.doi == "10.7554/elife.01567x"
    assert paper.title == ELIFE_TITLE  # as the layout reader read it
    assert paper.header_sources.title == "pdf" and paper.header_sources.authors == "pdf"


def test_a_doi_of_another_work_is_not_taken(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    elife_pdf(folder / "cites.pdf", doi_line="doi:10.1098/rspb.2017.0132")
    with respx.mock() as mock:
        mock.get(url("10.1098/rspb.2017.0132")).mock(return_value=replay("10_1098_rspb_2017_0132"))
        report = run([folder], settings_for(tmp_path))
    paper = report.papers[0].paper
    assert paper is not None and paper.title == ELIFE_TITLE
    assert paper.header_sources.authors == "pdf"
    assert any("another work" in w for w in paper.warnings)


def test_no_network_is_one_note_and_no_delay(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    for n, doi in enumerate(["10.7554/eLife.01567", "10.1098/rspb.2017.0132", "10.1101/097196"]):
        elife_pdf(folder / f"{n}.pdf", doi_line=f"doi:{doi}")
    caplog.set_level(logging.WARNING, logger="digest")
    with respx.mock() as mock:
        route = mock.route(host="api.crossref.org").mock(
            side_effect=httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
        )
        started = time.perf_counter()
        report = run([folder], settings_for(tmp_path))
        elapsed = time.perf_counter() - started
    assert [p.status for p in report.papers] == ["ok", "ok", "ok"]
    notes = [r for r in caplog.records if "Crossref not reachable" in r.getMessage()]
    assert len(notes) == 1 and 1 <= route.call_count <= 3
    assert elapsed < 5  # no retry loop: the parse and the offline briefs are all it costs


def test_no_lookup_asks_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    elife_pdf(folder / "elife.pdf")
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route(host="api.crossref.org")
        report = run([folder], settings_for(tmp_path).model_copy(update={"lookup": False}))
    assert route.call_count == 0
    paper = report.papers[0].paper
    assert paper is not None and paper.header_sources.authors == "pdf"


# --- a service that will not answer in time, or answers something hostile (issue 24) ---------

A_FEW_SECONDS = 10.0  # what lookups may cost a run in all, whatever Crossref does
RSPB, NG = "10.1098/rspb.2017.0132", "10.1038/ng.3834"


class FakeTime:
    """An injectable clock and sleep: sleeping is recorded and moves the clock at once, to
    the sleeper's wake-up time (lookups sleeping side by side wake as they would)."""

    def __init__(self) -> None:
        self.start = self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self.now + seconds
        await asyncio.sleep(0)  # the others run on to their own sleep first
        self.now = max(self.now, wake)

    @property
    def lost(self) -> float:
        return self.now - self.start


def look_up_all(fake: FakeTime, dois: list[str], **options: Any) -> list[str]:
    """Each DOI's outcome in turn: its status, or the error it raised."""

    async def go() -> list[str]:
        outcomes = []
        async with CrossrefClient(sleep=fake.sleep, clock=fake.clock, **options) as client:
            for doi in dois:
                try:
                    outcomes.append((await client.work(doi)).status)
                except LookupFailedError as err:
                    outcomes.append(f"{type(err).__name__}: {err}")
        return outcomes

    return asyncio.run(go())


def test_a_wait_longer_than_a_run_gives_lookups_stops_them_all_at_once() -> None:
    fake = FakeTime()
    a_day = httpx.Response(429, headers={"Retry-After": "100000"}, text="rate limited")
    with respx.mock() as mock:
        route = mock.route(host="api.crossref.org").mock(return_value=a_day)
        outcomes = look_up_all(fake, [ELIFE, RSPB, NG])
    assert fake.sleeps == []  # a wait that cannot fit is not begun
    assert route.call_count == 1
    assert outcomes[0].startswith("LookupUnavailableError") and "100000 s" in outcomes[0]
    assert outcomes[1:] == ["skipped", "skipped"]


def test_timeouts_spend_the_lookup_time_then_lookups_stop() -> None:
    fake = FakeTime()
    timeouts: list[float] = []

    def hang(request: httpx.Request) -> httpx.Response:  # the server never answers
        timeout = request.extensions["timeout"]["read"]
        timeouts.append(timeout)
        fake.now += timeout
        raise httpx.ReadTimeout("timed out", request=request)

    with respx.mock() as mock:
        mock.route(host="api.crossref.org").mock(side_effect=hang)
        outcomes = look_up_all(fake, [ELIFE, RSPB, NG])
    assert 0 < fake.lost <= A_FEW_SECONDS
    assert timeouts and max(timeouts) <= A_FEW_SECONDS
    assert fake.sleeps == []  # the 1 s back-off would leave no time to ask again: not begun
    assert outcomes[0].startswith("LookupUnavailableError")
    assert outcomes[1:] == ["skipped", "skipped"]


def test_lookups_waiting_out_the_same_429_together_spend_its_wait_once() -> None:
    """Three lookups in flight told to wait 3 s wait together: 3 s of the run's lookup time,
    not 9 (which would stop lookups a working Crossref would answer)."""
    fake = FakeTime()
    asked: dict[str, int] = {}

    async def busy_then_answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # the three requests are in flight together
        asked[request.url.path] = asked.get(request.url.path, 0) + 1
        if asked[request.url.path] == 1:
            return httpx.Response(429, headers={"Retry-After": "3"})
        return replay("10_7554_elife_01567")

    async def go() -> list[str]:
        async with CrossrefClient(sleep=fake.sleep, clock=fake.clock) as client:
            answers = await asyncio.gather(*(client.work(doi) for doi in [ELIFE, RSPB, NG]))
        return [answer.status for answer in answers]

    with respx.mock() as mock:
        mock.route(host="api.crossref.org").mock(side_effect=busy_then_answer)
        statuses = asyncio.run(go())
    assert statuses == ["found"] * 3
    assert fake.lost == pytest.approx(3.0)


def test_a_crossref_asking_to_wait_a_day_costs_a_run_seconds_and_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from functools import partial

    from digest.pipeline.lookup import SERVICE
    from digest.sources import crossref
    from digest.store import Store

    fake = FakeTime()
    monkeypatch.setattr(
        crossref, "CrossrefClient", partial(CrossrefClient, sleep=fake.sleep, clock=fake.clock)
    )
    folder = tmp_path / "papers"
    folder.mkdir()
    for n, doi in enumerate([ELIFE, RSPB, "10.1101/097196"]):
        elife_pdf(folder / f"{n}.pdf", doi_line=f"doi:{doi}")
    settings = settings_for(tmp_path)
    caplog.set_level(logging.WARNING, logger="digest")
    a_day = httpx.Response(429, headers={"Retry-After": "100000"}, text="rate limited")
    with respx.mock() as mock:
        route = mock.route(host="api.crossref.org").mock(return_value=a_day)
        report = run([folder], settings)
        asked = route.call_count
        run([folder], settings)  # nothing was stored as an answer: a later run asks again
    assert fake.lost <= A_FEW_SECONDS
    assert [p.status for p in report.papers] == ["ok", "ok", "ok"]
    assert all(p.paper and p.paper.header_sources.authors == "pdf" for p in report.papers)
    notes = [r for r in caplog.records if "Crossref" in r.getMessage()]
    assert len(notes) == 2  # one line per run
    assert 1 <= asked <= 3 and route.call_count > asked
    with Store(settings.store) as store:  # type: ignore[arg-type]
        assert [store.lookup(SERVICE, doi) for doi in (ELIFE, RSPB)] == [None, None]


DEEP = "[" * 100_000 + "]" * 100_000


def test_a_deeply_nested_answer_is_unusable_like_any_other() -> None:
    with respx.mock() as mock:
        mock.get(url(ELIFE)).mock(return_value=httpx.Response(200, text=f'{{"message": {DEEP}}}'))
        (outcome,) = look_up_all(FakeTime(), [ELIFE])
    assert outcome.startswith("LookupFailedError") and "unusable" in outcome


def test_a_deeply_nested_answer_leaves_its_pdf_and_the_others_alone(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    elife_pdf(folder / "elife.pdf")
    elife_pdf(folder / "deep.pdf", doi_line=f"doi:{RSPB}")
    with respx.mock() as mock:
        mock.get(url(ELIFE)).mock(return_value=replay("10_7554_elife_01567"))
        mock.get(url(RSPB)).mock(return_value=httpx.Response(200, text=f'{{"message": {DEEP}}}'))
        report = run([folder], settings_for(tmp_path))
    papers = [r.paper for r in report.papers if r.paper is not None]
    sources = {Path(p.source).name: p.header_sources.authors for p in papers}
    assert sources == {"elife.pdf": "crossref", "deep.pdf": "pdf"}


def test_a_60_mb_answer_is_not_read_whole() -> None:
    body = Trickle(b"x" * MB for _ in range(60))
    with respx.mock() as mock:
        mock.get(url(ELIFE)).mock(return_value=httpx.Response(200, stream=body))
        (outcome,) = look_up_all(FakeTime(), [ELIFE])
    assert outcome.startswith("LookupFailedError") and "larger than" in outcome
    assert body.taken < 20  # stopped at the cap, a few MB in


def test_a_gzip_answer_inflating_to_300_mb_is_not_inflated_whole() -> None:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    packed = b"".join(packer.compress(bytes(MB)) for _ in range(300)) + packer.flush()
    body = Trickle(packed[i : i + 16_384] for i in range(0, len(packed), 16_384))
    answer = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=body)
    with respx.mock() as mock:
        mock.get(url(ELIFE)).mock(return_value=answer)
        (outcome,) = look_up_all(FakeTime(), [ELIFE])
    assert outcome.startswith("LookupFailedError") and "larger than" in outcome
    assert len(packed) > 10 * 16_384 and body.taken <= 2


def test_a_gzip_answer_that_is_not_gzip_fails_its_lookup_only() -> None:
    broken = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=Trickle([b"no"]))
    with respx.mock() as mock:
        mock.get(url(ELIFE)).mock(return_value=broken)
        mock.get(url(RSPB)).mock(return_value=replay("10_1098_rspb_2017_0132"))
        outcomes = look_up_all(FakeTime(), [ELIFE, RSPB])
    assert outcomes[0].startswith("LookupFailedError") and "cannot be decoded" in outcomes[0]
    assert outcomes[1] == "found"


def test_a_connection_reset_mid_answer_is_retried() -> None:
    reset = httpx.ReadError("Connection reset by peer")
    with respx.mock() as mock:
        route = mock.get(url(ELIFE)).mock(side_effect=[reset, replay("10_7554_elife_01567")])
        outcomes = look_up_all(FakeTime(), [ELIFE])
    assert outcomes == ["found"] and route.call_count == 2
