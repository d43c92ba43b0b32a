"""arXiv IDs, the Atom feed (three real recorded responses), the paced client, abstract files.

The client is mocked with respx at its HTTP boundary; every router asserts that nothing outside
its routes is requested. A fake clock and sleep make pacing and backoff observable and instant.
Fixtures: fixtures/arxiv (see its SOURCES.md) and fixtures/abstracts (written for these tests,
titles and abstract sentences quoted from the papers' arXiv metadata).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar
from xml.sax.saxutils import escape

import httpx
import pytest
import respx
from conftest import FIXTURES
from fakes import MB, Trickle

from digest.errors import ArxivError, InputError
from digest.ids import content_sha256, parse_arxiv_id
from digest.sources.abstracts import read_abstracts
from digest.sources.arxiv import NOT_FOUND, parse_feed, read_feed_file
from digest.sources.arxiv_client import ArxivClient

ARXIV = FIXTURES / "arxiv"
ABSTRACTS = FIXTURES / "abstracts"
ASTRO = (ARXIV / "query_id_list_astro-ph_0601001.xml").read_bytes()
SEARCH = (ARXIV / "query_search_all_testing_max10.xml").read_bytes()
ERROR = (ARXIV / "query_id_list_abc_error_http400.xml").read_bytes()
ASTRO_TITLE = (
    "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys "
    "Toward the Galactic Bulge and Carina"
)
T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


# --- IDs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2510.01234", "2510.01234"),
        ("2510.01234v2", "2510.01234v2"),
        ("  2510.01234\n", "2510.01234"),
        ("0704.0001", "0704.0001"),
        ("1412.9999v3", "1412.9999v3"),
        ("1501.00001", "1501.00001"),
        ("cs/0112017", "cs/0112017"),
        ("astro-ph/0601001v1", "astro-ph/0601001v1"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("arxiv:2510.01234", "2510.01234"),
        ("arXiv:2510.01234v2", "2510.01234v2"),
        ("ARXIV:cs/0112017", "cs/0112017"),
        ("https://arxiv.org/abs/2510.01234", "2510.01234"),
        ("http://arxiv.org/abs/2510.01234v3", "2510.01234v3"),
        ("https://arxiv.org/pdf/2510.01234", "2510.01234"),
        ("https://arxiv.org/pdf/2510.01234v1.pdf", "2510.01234v1"),
        ("https://arxiv.org/pdf/cs/0112017v1.pdf", "cs/0112017v1"),
        ("https://export.arxiv.org/abs/astro-ph/0601001", "astro-ph/0601001"),
        ("https://www.arxiv.org/abs/2510.01234/", "2510.01234"),
        ("https://arxiv.org/abs/2510.01234v2/", "2510.01234v2"),
        ("www.arxiv.org/abs/2510.01234", "2510.01234"),
        ("arxiv.org/abs/math.GT/0309136v2", "math.GT/0309136v2"),
    ],
)
def test_parse_arxiv_id_accepts(text: str, expected: str) -> None:
    assert parse_arxiv_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "12345",
        "2510",
        "2510.1234",  # 4-digit serials ended in 2014
        "1412.00001",  # 5-digit serials began in 2015
        "0703.0001",  # new-style IDs began in April 2007
        "2513.01234",  # month 13
        "2510.01234v0",
        "2510.01234 v2",
        "2510.01234.pdf",
        "cs/011201",
        "cs/0112017x",
        "Astro-Ph/0601001",
        "math.gt/0309136",
        "arxiv:https://arxiv.org/abs/2510.01234",
        "https://example.com/abs/2510.01234",
        "https://arxiv.org.evil.com/abs/2510.01234",
        "https://evil.com/arxiv.org/abs/2510.01234",
        "https://user@arxiv.org/abs/2510.01234",
        "https://arxiv.org:8443/abs/2510.01234",
        "https://arxiv.org/abs/2510.01234?download=1",
        "https://arxiv.org/abs/2510.01234#section",
        "https://arxiv.org/html/2510.01234",
        "https://arxiv.org/abs/../../etc/passwd",
        "https://arxiv.org/abs/",
        "ftp://arxiv.org/abs/2510.01234",
        "file:///etc/passwd",
        "doi:10.48550/arXiv.2510.01234",
    ],
)
def test_parse_arxiv_id_rejects(text: str) -> None:
    assert parse_arxiv_id(text) is None


# --- the feed -----------------------------------------------------------------------------------


def test_parse_feed_old_style_entry_with_affiliations() -> None:
    papers, errors = parse_feed(ASTRO, requested=["astro-ph/0601001"])
    assert errors == {}
    assert list(papers) == ["astro-ph/0601001"]
    paper = papers["astro-ph/0601001"]
    assert paper.origin == "arxiv"
    assert paper.source == "astro-ph/0601001"
    assert paper.arxiv_id == "astro-ph/0601001v1"
    assert paper.title == ASTRO_TITLE
    assert paper.authors == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert paper.affiliations == ["Ohio State", "CfA", "Warsaw University Observatory"]
    assert paper.categories == ["astro-ph"]
    assert paper.published == "2006-01-02"
    assert paper.abstract.startswith(
        "We derive the frequencies of hot Jupiters (HJs) with 3--5 day"
    )
    assert paper.abstract.endswith("to map this distribution in detail.")
    assert "Gould & Morgan (2003)" in paper.abstract  # entities decoded, TeX kept
    assert "V_max<17.5" in paper.abstract and "(1^{+1.39}_{-0.59})" in paper.abstract
    assert "  " not in paper.abstract and "\n" not in paper.abstract
    assert paper.first_page == "" and paper.sections == []
    assert paper.pages_total == 0 and paper.pages_read == []
    assert paper.sha256 == content_sha256(
        paper.arxiv_id, paper.title, paper.authors, paper.abstract
    )


def test_identity_is_stable_and_independent_of_how_it_was_asked() -> None:
    by_url, _ = parse_feed(ASTRO, requested=["https://arxiv.org/abs/astro-ph/0601001v1"])
    plain, _ = parse_feed(ASTRO.decode("utf-8"))
    assert by_url["astro-ph/0601001"].source == "astro-ph/0601001v1"
    assert plain["astro-ph/0601001"].source == "astro-ph/0601001v1"
    assert by_url["astro-ph/0601001"].sha256 == plain["astro-ph/0601001"].sha256


def test_parse_feed_search_results_keep_non_ascii_names() -> None:
    papers, errors = parse_feed(SEARCH)
    assert errors == {}
    assert len(papers) == 10
    first = papers["2202.12139"]
    assert first.arxiv_id == "2202.12139v1"
    assert first.categories == ["cs.SE", "cs.LG"]
    assert first.published == "2022-02-24"
    assert first.affiliations == []
    names = [name for p in papers.values() for name in p.authors]
    assert "Aurora Ramírez" in names and "José Raúl Romero" in names
    assert all(p.title and p.abstract and p.authors for p in papers.values())
    assert len({p.sha256 for p in papers.values()}) == 10


def test_an_entrys_year_venue_and_doi_are_its_versions() -> None:
    """The year of the version the entry is (<updated>), the journal reference and the DOI its
    authors recorded, as recorded."""
    astro = parse_feed(ASTRO)[0]["astro-ph/0601001"]
    assert (astro.year, astro.venue, astro.doi) == (2006, "ActaAstron.56:1-50,2006", None)
    issta = parse_feed(SEARCH)[0]["2005.14124"]
    assert issta.arxiv_id == "2005.14124v2" and issta.year == 2020
    assert issta.doi == "10.1145/3395363.3397376"
    assert issta.venue is not None and issta.venue.startswith("In Proc. ACM SIGSOFT")
    assert issta.header_sources.year == issta.header_sources.venue == "arxiv"
    plain = parse_feed(SEARCH)[0]["2503.05378"]
    assert (plain.venue, plain.doi) == (None, None)


def test_a_later_versions_year_is_the_year_it_was_submitted() -> None:
    v1 = b"<published>2025-10-01T00:00:00Z</published>"
    later = feed_xml(["2512.00001v3"]).replace(
        v1, b"<published>2025-12-30T00:00:00Z</published><updated>2026-01-05T10:00:00Z</updated>"
    )
    paper = parse_feed(later)[0]["2512.00001"]
    assert (paper.published, paper.year) == ("2025-12-30", 2026)
    dateless = feed_xml(["2301.00001v1"]).replace(v1, b"")
    assert parse_feed(dateless)[0]["2301.00001"].year == 2023  # the year of its ID


def test_parse_feed_error_feed_maps_summary_to_the_id() -> None:
    assert parse_feed(ERROR, requested=["abc"]) == ({}, {"abc": "incorrect id format for abc"})
    assert parse_feed(ERROR) == ({}, {"": "incorrect id format for abc"})


def test_parse_feed_error_feed_in_a_batch() -> None:
    papers, errors = parse_feed(ERROR, requested=["2510.01234", "abc"])
    assert papers == {}
    assert errors["abc"] == "incorrect id format for abc"
    assert errors["2510.01234"].startswith("not looked up: arXiv refused the request")


def test_parse_feed_unknown_ids_and_wrong_versions() -> None:
    papers, errors = parse_feed(ASTRO, requested=["astro-ph/0601001", "2510.01234", "cs/0112017"])
    assert list(papers) == ["astro-ph/0601001"]
    assert errors == {"2510.01234": NOT_FOUND, "cs/0112017": NOT_FOUND}
    _, errors = parse_feed(ASTRO, requested=["astro-ph/0601001v2"])
    assert errors["astro-ph/0601001v2"].startswith(NOT_FOUND)
    assert "astro-ph/0601001v1" in errors["astro-ph/0601001v2"]


def test_parse_feed_empty_feed() -> None:
    empty = feed_xml([])
    assert parse_feed(empty, requested=["2510.01234"]) == ({}, {"2510.01234": NOT_FOUND})


def test_parse_feed_skips_hollow_entries() -> None:
    """arXiv has answered unknown IDs with an entry lacking <id> (lukasschwab/arxiv.py#80)."""
    hollow = ASTRO.replace(
        b"  <entry>", b"  <entry><title></title><summary></summary></entry>\n  <entry>", 1
    )
    papers, errors = parse_feed(hollow, requested=["astro-ph/0601001", "2208.05394"])
    assert list(papers) == ["astro-ph/0601001"]
    assert errors == {"2208.05394": NOT_FOUND}


@pytest.mark.parametrize(
    ("xml", "problem"),
    [
        (b"", "not valid XML"),
        (b"<feed><entry>", "not valid XML (line 1"),
        (ASTRO[:1500], "not valid XML"),
        (b"<html><body>Rate exceeded</body></html>", "not an Atom feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<feed xmlns="http://www.w3.org/2005/Atom"><title>&x;</title></feed>',
            "not valid XML",  # external entities are never resolved
        ),
    ],
)
def test_parse_feed_malformed_raises(xml: bytes, problem: str) -> None:
    with pytest.raises(ArxivError, match=problem.replace("(", r"\(")):
        parse_feed(xml, requested=["2510.01234"])


def test_read_feed_file(tmp_path: Path) -> None:
    path = ARXIV / "query_id_list_astro-ph_0601001.xml"
    (paper,) = read_feed_file(path)
    assert paper.source == f"{path}#astro-ph/0601001v1"
    assert paper.title == ASTRO_TITLE
    assert len(read_feed_file(ARXIV / "query_search_all_testing_max10.xml")) == 10


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (ERROR, "holds only an arXiv error: incorrect id format for abc"),
        (b"%PDF-1.7 not xml", "not a saved arXiv API response"),
        (None, "cannot open it"),
    ],
)
def test_read_feed_file_rejects(tmp_path: Path, content: bytes | None, problem: str) -> None:
    path = tmp_path / "saved.xml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_feed_file(path)
    assert type(info.value) is InputError
    assert str(info.value).startswith(f"{path}: cannot be read (")
    assert problem in str(info.value)


# --- the client ---------------------------------------------------------------------------------


def feed_xml(ids: list[str]) -> bytes:
    """A minimal Atom answer with one entry per ID (as arXiv returns them, versioned)."""
    entries = "".join(
        f"<entry><id>http://arxiv.org/abs/{i if 'v' in i[-3:] else i + 'v1'}</id>"
        f"<title>Paper {escape(i)}</title><summary> About {escape(i)}. </summary>"
        "<published>2025-10-01T00:00:00Z</published>"
        '<author><name>A. Author</name></author><category term="cs.LG"/></entry>'
        for i in ids
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">'
        f"<title>arXiv Query</title>{entries}</feed>"
    ).encode()


def echo_feed(request: httpx.Request) -> httpx.Response:
    ids = request.url.params["id_list"].split(",")
    return httpx.Response(200, content=feed_xml(ids))


class FakeTime:
    """An injectable clock and sleep: sleeping advances the clock instantly and is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.starts: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def recording(self, respond: Callable[[httpx.Request], httpx.Response]) -> Any:
        def side_effect(request: httpx.Request) -> httpx.Response:
            self.starts.append(self.now)
            return respond(request)

        return side_effect


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def arxiv_api() -> Iterator[respx.MockRouter]:
    """Only the two arXiv URLs are routed; any other request fails the test."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:
        router.get(host="export.arxiv.org", path="/api/query", name="api")
        router.get(host="arxiv.org", path__startswith="/pdf/", name="pdf")
        yield router


def client(fake: FakeTime, **kwargs: Any) -> ArxivClient:
    return ArxivClient(clock=fake.clock, sleep=fake.sleep, **kwargs)


def fetch(fake: FakeTime, ids: list[str], **kwargs: Any) -> Any:
    async def go() -> Any:
        async with client(fake, **kwargs) as arxiv:
            return await arxiv.fetch(ids)

    return run(go())


def test_fetch_request_url_params_and_user_agent(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    arxiv_api["api"].side_effect = fake.recording(lambda r: httpx.Response(200, content=ASTRO))
    papers, errors = fetch(fake, ["arXiv:astro-ph/0601001", "astro-ph/0601001", "2510.01234"])
    assert arxiv_api["api"].call_count == 1 and arxiv_api["pdf"].call_count == 0
    request = arxiv_api.calls.last.request
    assert request.method == "GET"
    assert (request.url.scheme, request.url.host, request.url.path) == (
        "https",
        "export.arxiv.org",
        "/api/query",
    )
    assert dict(request.url.params) == {
        "id_list": "astro-ph/0601001,2510.01234",
        "max_results": "100",
        "start": "0",
    }
    assert request.headers["user-agent"].startswith("paper-digest/")
    assert "research-paper summarisation" in request.headers["user-agent"]
    assert list(papers) == ["astro-ph/0601001"]
    assert papers["astro-ph/0601001"].title == ASTRO_TITLE
    assert papers["astro-ph/0601001"].source == "astro-ph/0601001"
    assert errors == {"2510.01234": NOT_FOUND}
    assert fake.sleeps == []


def test_fetch_batches_and_paces(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    ids = [f"2501.{n:05d}" for n in range(1, 251)]
    arxiv_api["api"].side_effect = fake.recording(echo_feed)
    started = time.perf_counter()
    papers, errors = fetch(fake, ids)
    assert time.perf_counter() - started < 1.0
    sizes = [len(c.request.url.params["id_list"].split(",")) for c in arxiv_api.calls]
    assert sizes == [100, 100, 50]
    assert {c.request.url.params["max_results"] for c in arxiv_api.calls} == {"100"}
    assert len(papers) == 250 and errors == {}
    assert papers["2501.00250"].arxiv_id == "2501.00250v1"
    assert fake.sleeps == [3.0, 3.0]
    assert [b - a for a, b in zip(fake.starts, fake.starts[1:], strict=False)] == [3.0, 3.0]


def test_concurrent_callers_share_the_pace(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["api"].side_effect = fake.recording(echo_feed)

    async def go() -> None:
        async with client(fake, delay=5.0) as arxiv:
            await asyncio.gather(*(arxiv.fetch([f"2510.0000{n}"]) for n in range(1, 5)))

    run(go())
    assert len(fake.starts) == 4
    assert all(b - a >= 5.0 for a, b in zip(fake.starts, fake.starts[1:], strict=False))


def test_small_batch_size(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["api"].side_effect = fake.recording(echo_feed)
    fetch(fake, ["2510.00001", "2510.00002", "2510.00003"], batch_size=2)
    assert [c.request.url.params["id_list"] for c in arxiv_api.calls] == [
        "2510.00001,2510.00002",
        "2510.00003",
    ]
    assert {c.request.url.params["max_results"] for c in arxiv_api.calls} == {"2"}


def test_retries_503_and_429_then_succeeds(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    answers = iter(
        [
            httpx.Response(503),
            httpx.Response(429, headers={"Retry-After": "10"}),
            httpx.Response(200, content=ASTRO),
        ]
    )
    arxiv_api["api"].side_effect = fake.recording(lambda r: next(answers))
    papers, errors = fetch(fake, ["astro-ph/0601001"])
    assert list(papers) == ["astro-ph/0601001"] and errors == {}
    assert arxiv_api["api"].call_count == 3
    assert fake.sleeps == [3.0, 10.0]  # backoff 3 s, then Retry-After 10 s beats 6 s
    assert fake.starts == [1000.0, 1003.0, 1013.0]


def test_gives_up_after_retries(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["api"].side_effect = fake.recording(lambda r: httpx.Response(503))
    with pytest.raises(ArxivError) as info:
        fetch(fake, ["astro-ph/0601001", "2510.01234"])
    assert arxiv_api["api"].call_count == 5
    assert fake.sleeps == [3.0, 6.0, 12.0, 24.0]
    message = str(info.value)
    assert "astro-ph/0601001, 2510.01234" in message and "HTTP 503" in message
    assert "5 attempts" in message


def test_timeouts_and_connection_errors_are_retried(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    arxiv_api["api"].side_effect = [
        httpx.ReadTimeout("read timed out"),
        httpx.ConnectError("connection refused"),
        httpx.Response(200, content=ASTRO),
    ]
    papers, _ = fetch(fake, ["astro-ph/0601001"], retries=2)
    assert list(papers) == ["astro-ph/0601001"]
    assert fake.sleeps == [3.0, 6.0]


def test_timeouts_give_up_naming_the_error(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["api"].side_effect = httpx.ConnectTimeout("timed out")
    with pytest.raises(ArxivError, match="ConnectTimeout"):
        fetch(fake, ["astro-ph/0601001"], retries=1)
    assert arxiv_api["api"].call_count == 2


def test_http_400_error_feed_is_not_retried(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["api"].return_value = httpx.Response(400, content=ERROR)
    papers, errors = fetch(fake, ["2510.01234"])
    assert papers == {}
    assert errors == {"2510.01234": "incorrect id format for abc"}
    assert arxiv_api["api"].call_count == 1


@pytest.mark.parametrize(
    ("response", "problem"),
    [
        (httpx.Response(404, text="not found"), "HTTP 404"),
        (httpx.Response(400, text="Bad Request"), "not valid XML"),
        (httpx.Response(200, content=b"<feed"), "not valid XML"),
    ],
)
def test_other_failures_are_not_retried(
    arxiv_api: respx.MockRouter, fake: FakeTime, response: httpx.Response, problem: str
) -> None:
    arxiv_api["api"].return_value = response
    with pytest.raises(ArxivError, match=problem) as info:
        fetch(fake, ["2510.01234"])
    assert "2510.01234" in str(info.value)
    assert arxiv_api["api"].call_count == 1


def test_invalid_ids_are_rejected_before_any_request(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    with pytest.raises(ArxivError) as info:
        fetch(fake, ["2510.01234", "abc", "https://evil.example/abs/2510.01234"])
    assert str(info.value).startswith(
        "not arXiv IDs: 'abc', 'https://evil.example/abs/2510.01234'; use e.g. 2510.01234"
    )
    assert len(arxiv_api.calls) == 0


def test_fetch_nothing_makes_no_request(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    assert fetch(fake, []) == ({}, {})
    assert len(arxiv_api.calls) == 0


def pdf(fake: FakeTime, arxiv_id: str) -> bytes:
    async def go() -> bytes:
        async with client(fake) as arxiv:
            return await arxiv.pdf(arxiv_id)

    return run(go())


def test_pdf_happy_path(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["pdf"].return_value = httpx.Response(200, content=b"%PDF-1.7\n...")
    assert pdf(fake, "https://arxiv.org/abs/2510.01234v2") == b"%PDF-1.7\n..."
    request = arxiv_api.calls.last.request
    assert str(request.url) == "https://arxiv.org/pdf/2510.01234v2"
    assert request.headers["user-agent"].startswith("paper-digest/")
    assert arxiv_api["api"].call_count == 0


def test_pdf_rejects_a_non_pdf_body(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["pdf"].return_value = httpx.Response(
        200, text="<html>captcha</html>", headers={"content-type": "text/html"}
    )
    with pytest.raises(ArxivError, match=r"arXiv sent no PDF for 2510\.01234 \(text/html"):
        pdf(fake, "2510.01234")


def test_pdf_retries_then_reports_status(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    arxiv_api["pdf"].side_effect = [httpx.Response(503), httpx.Response(404)]
    with pytest.raises(ArxivError, match="HTTP 404"):
        pdf(fake, "cs/0112017")
    assert [str(c.request.url) for c in arxiv_api.calls] == ["https://arxiv.org/pdf/cs/0112017"] * 2


def test_pdf_invalid_id_makes_no_request(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    with pytest.raises(ArxivError, match="not an arXiv ID"):
        pdf(fake, "https://evil.example/pdf/2510.01234")
    assert len(arxiv_api.calls) == 0


def test_passed_in_http_client_is_used_and_left_open(arxiv_api: respx.MockRouter) -> None:
    arxiv_api["api"].return_value = httpx.Response(200, content=ASTRO)

    async def go() -> httpx.AsyncClient:
        http = httpx.AsyncClient()
        async with ArxivClient(http=http, sleep=FakeTime().sleep) as arxiv:
            papers, _ = await arxiv.fetch(["astro-ph/0601001"])
        assert list(papers) == ["astro-ph/0601001"]
        assert not http.is_closed
        await http.aclose()
        return http

    run(go())
    assert arxiv_api.calls.last.request.headers["user-agent"].startswith("paper-digest/")


# --- hostile answers (issue 24) -----------------------------------------------------------------


def deep_feed(depth: int) -> bytes:
    """A feed whose one entry's summary is nested `depth` elements deep."""
    entry = feed_xml(["2510.01234"]).decode()
    nested = "<x>" * depth + "</x>" * depth
    return entry.replace("<summary>", f"<summary>{nested}", 1).encode()


def test_a_deeply_nested_feed_is_read_without_recursion(
    arxiv_api: respx.MockRouter, fake: FakeTime, tmp_path: Path
) -> None:
    saved = tmp_path / "deep.xml"
    saved.write_bytes(deep_feed(100_000))
    (paper,) = read_feed_file(saved)  # the XML reader walks no tree recursively
    assert paper.arxiv_id == "2510.01234v1"
    arxiv_api["api"].return_value = httpx.Response(200, content=deep_feed(100_000))
    papers, _ = fetch(fake, ["2510.01234"])
    assert list(papers) == ["2510.01234"]


def test_a_feed_answer_past_the_cap_is_not_read_whole(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    body = Trickle(b"<feed>" + b" " * MB for _ in range(60))
    arxiv_api["api"].return_value = httpx.Response(200, stream=body)
    with pytest.raises(ArxivError, match="larger than"):
        fetch(fake, ["2510.01234"])
    assert body.taken < 30 and arxiv_api["api"].call_count == 1  # not asked again


def test_a_gzip_feed_inflating_to_300_mb_is_not_inflated_whole(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip
    packed = b"".join(packer.compress(bytes(MB)) for _ in range(300)) + packer.flush()
    body = Trickle(packed[i : i + 16_384] for i in range(0, len(packed), 16_384))
    gzipped = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=body)
    arxiv_api["api"].return_value = gzipped
    with pytest.raises(ArxivError, match="larger than"):
        fetch(fake, ["2510.01234"])
    assert len(packed) > 10 * 16_384 and body.taken <= 3


def test_a_gzip_feed_that_is_not_gzip_is_one_error(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    broken = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=Trickle([b"<x>"]))
    arxiv_api["api"].return_value = broken
    with pytest.raises(ArxivError, match="cannot be decoded"):
        fetch(fake, ["2510.01234"])


# --- abstract files -----------------------------------------------------------------------------


def test_read_abstracts_txt_with_two_papers() -> None:
    path = ABSTRACTS / "two-papers.txt"
    first, second = read_abstracts(path)
    assert (first.source, second.source) == (f"{path}#1", f"{path}#2")
    assert first.origin == "text"
    assert first.title == "Attention Is All You Need"
    assert first.authors == ["Ashish Vaswani", "Noam Shazeer", "Niki Parmar"]
    assert first.affiliations == ["Google Brain", "Google Research"]
    assert first.arxiv_id == "1706.03762v7"
    assert first.categories == ["cs.CL", "cs.LG"]
    assert first.abstract == (
        "The dominant sequence transduction models are based on complex recurrent or "
        "convolutional neural networks in an encoder-decoder configuration. We propose a new "
        "simple network architecture, the Transformer, based solely on attention mechanisms."
    )
    assert first.sha256 == content_sha256(first.title, first.authors, first.abstract)
    assert second.authors == [
        "Devlin, Jacob",
        "Chang, Ming-Wei",
        "Lee, Kenton",
        "Toutanova, Kristina",
    ]
    assert second.arxiv_id is None
    assert second.abstract == "We introduce a new language representation model called BERT."


def test_read_abstracts_md() -> None:
    path = ABSTRACTS / "one-paper.md"
    (paper,) = read_abstracts(path)
    assert paper.source == str(path)
    assert paper.title == "Dense Passage Retrieval for Open-Domain Question Answering"
    assert paper.authors == ["Vladimir Karpukhin", "Barlas Oğuz", "Sewon Min"]
    assert paper.affiliations == ["Facebook AI", "University of Washington"]
    assert paper.arxiv_id == "2004.04906"
    assert paper.abstract.startswith("Open-domain question answering relies on")
    assert paper.abstract.endswith("are the de facto method.")


def test_read_abstracts_md_without_header(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# A Title\n\nNote: this abstract\nstarts at once.\n\nSecond part.\n")
    (paper,) = read_abstracts(path)
    assert (paper.title, paper.authors) == ("A Title", [])
    assert paper.abstract == "Note: this abstract starts at once. Second part."


def test_read_abstracts_json() -> None:
    path = ABSTRACTS / "papers.json"
    resnet, adam = read_abstracts(path)
    assert (resnet.source, adam.source) == (f"{path}#1", f"{path}#2")
    assert resnet.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert resnet.abstract == (
        "Deeper neural networks are more difficult to train. "
        "We present a residual learning framework."
    )
    assert resnet.arxiv_id == "1512.03385"
    assert adam.authors == ["Diederik P. Kingma", "Jimmy Ba"]
    assert adam.affiliations == ["University of Amsterdam", "University of Toronto"]
    assert adam.arxiv_id is None


def test_read_abstracts_jsonl() -> None:
    path = ABSTRACTS / "papers.jsonl"
    gan, seq2seq = read_abstracts(path)
    assert (gan.source, seq2seq.source) == (f"{path}#1", f"{path}#2")
    assert gan.title == "Generative Adversarial Nets"
    assert seq2seq.arxiv_id == "1409.3215v3"
    assert seq2seq.affiliations == ["Google"]


def test_read_abstracts_single_json_object_and_identity(tmp_path: Path) -> None:
    one = tmp_path / "one.json"
    one.write_text('{"title": " A  Title ", "authors": "X and Y", "abstract": "Text."}')
    (paper,) = read_abstracts(one)
    assert paper.source == str(one)
    assert paper.title == "A Title"
    renamed = tmp_path / "renamed.txt"
    renamed.write_text("Title: A Title\nAuthors: X, Y\n\nText.\n")
    assert read_abstracts(renamed)[0].sha256 == paper.sha256


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("a.txt", "Authors: A\n\nAbstract.\n", "line 1: no 'Title:' line"),
        ("a.txt", "Title: A\n\nx\n---\nAuthors: B\n\nAbstract.\n", "line 5: no 'Title:' line"),
        ("a.txt", "Title: A\nVenue: NeurIPS\n\nAbstract.\n", "line 2: 'Venue: NeurIPS' is not"),
        ("a.txt", "Title: A\narXiv: abc\n\nAbstract.\n", "line 2: 'abc' is not an arXiv ID"),
        ("a.txt", "", "no paper in the file"),
        ("a.md", "Just some text.\n", "no 'Title:' line"),
        ("a.json", '[{"title": "A"},\n {"title": }]', "invalid JSON at line 2, column 12"),
        ("a.jsonl", '{"title": "A"}\n{"title": \n', "invalid JSON at line 2"),
        ("a.json", '{"authors": ["A"]}', 'the object: no "title"'),
        ("a.json", '[{"title": "A"}, {"title": ""}]', 'item 2: no "title"'),
        ("a.json", '{"title": "A", "authors": 5}', "'authors' must be a list of strings"),
        ("a.json", '{"title": "A", "abstract": ["x"]}', '"abstract" must be a string'),
        ("a.json", '{"title": "A", "arxiv_id": "abc"}', "'abc' is not an arXiv ID"),
        ("a.jsonl", '{"title": "A"}\n[1, 2]\n', "line 2: expected a JSON object, got list"),
        ("a.docx", "Title: A\n", "unknown abstract file type '.docx'"),
        ("a", "Title: A\n", "unknown abstract file type '(none)'"),
    ],
)
def test_read_abstracts_rejects(tmp_path: Path, name: str, content: str, problem: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_abstracts(path)
    message = str(info.value)
    assert type(info.value) is InputError
    assert message.startswith(f"{path}: cannot be read (")
    assert problem in message
    assert "\n" not in message


@pytest.mark.parametrize("name", ["deep.json", "deep.jsonl"])
def test_read_abstracts_rejects_json_nested_too_deep(tmp_path: Path, name: str) -> None:
    """Issue 24: a document nested 100k deep is one file's error, not the run's RecursionError."""
    path = tmp_path / name
    path.write_text('{"title": "A", "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "utf-8")
    with pytest.raises(InputError) as info:
        read_abstracts(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "nested" in message and "\n" not in message


def test_read_abstracts_rejects_non_utf8_and_missing(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Title: Café\n\nx\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 10\)"):
        read_abstracts(latin)
    with pytest.raises(InputError, match="cannot open it"):
        read_abstracts(tmp_path / "missing.txt")


def test_an_unreachable_arxiv_is_said_at_once(arxiv_api: respx.MockRouter, fake: FakeTime) -> None:
    """No DNS or a refused connection before arXiv ever answered: no 45 s of retries, and no
    talk of throttling."""
    arxiv_api["api"].side_effect = httpx.ConnectError("[Errno -2] Name or service not known")
    with pytest.raises(ArxivError, match=r"cannot reach arXiv .*Name or service not known"):
        fetch(fake, ["astro-ph/0601001"])
    assert arxiv_api["api"].call_count == 1 and fake.sleeps == []


def test_a_lookup_given_seconds_never_waits_past_them(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    """A PDF's stamp (digest.pipeline.stamps) may cost a run a few seconds, not a 60 s
    Retry-After: the wait is not begun."""
    limited = httpx.Response(429, headers={"Retry-After": "60"})
    arxiv_api["api"].side_effect = fake.recording(lambda r: limited)

    async def go() -> Any:
        async with client(fake) as arxiv:
            return await arxiv.fetch(["2004.04906v3"], within=10.0)

    with pytest.raises(ArxivError, match=r"in the time a lookup is given \(last: HTTP 429\)"):
        run(go())
    assert arxiv_api["api"].call_count == 1 and fake.sleeps == []


def test_ready_waits_the_pace_and_sends_nothing(
    arxiv_api: respx.MockRouter, fake: FakeTime
) -> None:
    arxiv_api["api"].side_effect = fake.recording(echo_feed)

    async def go() -> None:
        async with client(fake) as arxiv:
            await arxiv.ready()  # nothing sent yet: no wait
            await arxiv.fetch(["2510.00001"])
            await arxiv.ready()
            await arxiv.fetch(["2510.00002"])  # its turn has come: no second wait

    run(go())
    assert fake.sleeps == [3.0] and fake.starts == [1000.0, 1003.0]
