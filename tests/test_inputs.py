"""Inputs of every kind: arXiv IDs (API mocked with the real recorded responses), saved feeds,
abstract files, and a PDF merged with its entry."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from conftest import FIXTURES
from typer.testing import CliRunner

from digest import ConfigError, Settings, run
from digest.cli import app
from digest.inputs import discover, read_id_list, resolve

ARXIV = FIXTURES / "arxiv"
ASTRO = (ARXIV / "query_id_list_astro-ph_0601001.xml").read_bytes()
ERROR_400 = (ARXIV / "query_id_list_abc_error_http400.xml").read_bytes()
API = "https://export.arxiv.org/api/query"
runner = CliRunner()

EMPTY_FEED = ASTRO[: ASTRO.index(b"<entry>")] + b"</feed>\n"


@pytest.fixture
def arxiv_api() -> respx.MockRouter:
    """The arXiv API, answering astro-ph/0601001 and nothing else; every other host fails."""
    with respx.mock(assert_all_mocked=True, assert_all_called=False) as router:

        def answer(request: httpx.Request) -> httpx.Response:
            asked = request.url.params.get("id_list", "").split(",")
            body = ASTRO if "astro-ph/0601001" in asked else EMPTY_FEED
            return httpx.Response(
                200, content=body, headers={"content-type": "application/atom+xml"}
            )

        router.get(API).mock(side_effect=answer)
        yield router


def test_resolve_sorts_names_by_kind(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title: T\n\nAbstract.", encoding="utf-8")
    ids = tmp_path / "ids.list"
    ids.write_text("# my reading list\n2510.01234v2\n\narXiv:cs/0112017  # old style\n")
    feed = ARXIV / "query_id_list_astro-ph_0601001.xml"
    names = [str(FIXTURES / "papers"), str(tmp_path / "a.txt"), str(feed)]
    resolved = resolve([*names, "https://arxiv.org/abs/2510.01234", "2501.10120"], id_files=[ids])
    assert len(resolved.pdfs) == len(list((FIXTURES / "papers").glob("*.pdf")))
    assert resolved.texts == [tmp_path / "a.txt"] and len(resolved.feeds) == 1
    assert resolved.arxiv_ids == ["2510.01234", "2501.10120", "2510.01234v2", "cs/0112017"]


@pytest.mark.parametrize(
    "name", ["no/such/file.pdf", "https://example.com/paper.pdf", "abc", "file:///etc/passwd"]
)
def test_names_that_are_neither_paths_nor_ids_stop_before_any_work(name: str) -> None:
    with pytest.raises(ConfigError, match="not an arXiv ID"):
        resolve([name])


def test_an_id_file_with_bad_lines_names_them(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("2510.01234\nhttp://evil.example/x\n# fine\nnot-an-id\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 2: .*line 4"):
        read_id_list(ids)


def test_ids_become_the_seed_layout_with_exact_metadata(arxiv_api: respx.MockRouter) -> None:
    result = runner.invoke(app, ["run", "astro-ph/0601001", "--engine", "offline", "--title", "T"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    title = ("Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III Transit Surveys "
             "Toward the Galactic Bulge and Carina")  # fmt: skip
    assert f"### 1. {title}\n" in text
    assert "**作者数量**: 4人" in text
    abstract = re.search(r"\*\*摘要\*\*:\n(.*)\n", text).group(1)  # type: ignore[union-attr]
    assert abstract.startswith("We derive the frequencies of hot Jupiters (HJs) with 3--5 day")
    assert "  " not in abstract and abstract.endswith("to map this distribution in detail.")
    assert "**主要机构**: Ohio State" in text  # the feed's <arxiv:affiliation>, as written
    (call,) = arxiv_api.calls
    assert call.request.url.host == "export.arxiv.org"
    assert call.request.url.params["id_list"] == "astro-ph/0601001"
    assert "paper-digest" in call.request.headers["user-agent"]


def test_unknown_ids_fail_one_by_one_and_the_rest_goes_on(arxiv_api: respx.MockRouter) -> None:
    result = runner.invoke(
        app, ["run", "astro-ph/0601001", "2510.99999", "--engine", "offline", "--format", "json"]
    )
    assert result.exit_code == 1
    papers = {p["source"]: p for p in json.loads(result.stdout)["papers"]}
    assert papers["astro-ph/0601001"]["status"] == "ok"
    assert papers["2510.99999"]["status"] == "failed"
    assert "no paper with this ID" in papers["2510.99999"]["error"]
    assert any(line.startswith("[") and "2510.99999" in line for line in result.stderr.splitlines())


def test_fetched_entries_are_kept_so_a_rerun_asks_arxiv_nothing(
    arxiv_api: respx.MockRouter, tmp_path: Path
) -> None:
    settings = Settings.from_env(engine="offline", store=tmp_path / "s.db")
    first = run(["astro-ph/0601001"], settings)
    second = run(["astro-ph/0601001"], settings)
    assert len(arxiv_api.calls) == 1
    assert first.papers[0].brief == second.papers[0].brief
    assert second.papers[0].paper is not None and second.papers[0].paper.origin == "arxiv"


def test_a_saved_feed_is_read_without_any_request(tmp_path: Path) -> None:
    feed = ARXIV / "query_search_all_testing_max10.xml"
    with respx.mock(assert_all_mocked=True) as router:
        report = run([feed], Settings.from_env(engine="offline"))
        assert not router.calls
    assert len(report.succeeded) == 10
    names = [a for r in report.papers if r.paper for a in r.paper.authors]
    assert "Aurora Ramírez" in names


def test_a_pdf_and_its_abstract_file_are_one_paper(tmp_path: Path) -> None:
    abstract = tmp_path / "dpr.txt"
    abstract.write_text(
        "Title: Dense Passage Retrieval for Open-Domain Question Answering\n"
        "Authors: Vladimir Karpukhin, Barlas Oğuz, Sewon Min, Patrick Lewis, Ledell Wu, "
        "Sergey Edunov, Danqi Chen, Wen-tau Yih\n"
        "arXiv: 2004.04906\n\n"
        "Open-domain question answering relies on efficient passage retrieval.\n",
        encoding="utf-8",
    )
    pdf = FIXTURES / "papers" / "dpr-emnlp2020-p1-2.pdf"
    report = run([pdf, abstract], Settings.from_env(engine="offline"))
    (result,) = report.papers
    paper = result.paper
    assert paper is not None and result.source == str(pdf)
    assert paper.arxiv_id == "2004.04906"
    assert paper.abstract == "Open-domain question answering relies on efficient passage retrieval."
    assert paper.sections or paper.first_page  # what only the PDF has is kept
    assert "Facebook AI" in ", ".join(result.institutions)


def test_an_error_feed_from_the_api_fails_its_ids(tmp_path: Path) -> None:
    with respx.mock(assert_all_mocked=True) as router:
        router.get(API).mock(return_value=httpx.Response(400, content=ERROR_400))
        report = run(["2510.01234"], Settings.from_env(engine="offline"))
    (failed,) = report.papers
    assert failed.status == "failed" and failed.source == "2510.01234"
    assert failed.error


def test_with_pdf_reads_institutions_from_the_paper_when_the_feed_has_none(tmp_path: Path) -> None:
    bare = re.sub(rb"\s*<arxiv:affiliation>[^<]*</arxiv:affiliation>", b"", ASTRO)
    pdf = (FIXTURES / "papers" / "sgd-teacher-student-1906.08632-p1.pdf").read_bytes()
    settings = Settings.from_env(engine="offline", with_pdf=True, store=tmp_path / "s" / "d.db")
    with respx.mock(assert_all_mocked=True) as router:
        router.get(API).mock(return_value=httpx.Response(200, content=bare))
        download = router.get("https://arxiv.org/pdf/astro-ph/0601001v1").mock(
            return_value=httpx.Response(200, content=pdf)
        )
        report = run(["astro-ph/0601001"], settings)
        again = run(["astro-ph/0601001"], settings.model_copy(update={"refresh": True}))
    (result,) = report.papers
    paper = result.paper
    assert paper is not None and result.source == "astro-ph/0601001"
    assert paper.title.startswith("Frequency of Hot Jupiters")  # the feed's exact metadata
    assert len(paper.authors) == 4
    assert any("Harvard" in a for a in paper.affiliations)  # what only the PDF had
    assert download.call_count == 1  # kept beside the store: the second run downloads nothing
    assert again.papers[0].paper == paper


def test_a_file_name_that_is_not_utf8_fails_that_file_only(tmp_path: Path) -> None:
    """Latin-1 names from an old archive: reported with \\xNN escapes, the rest goes on, and
    the report, the JSON, the store and `estimate` all work."""
    folder = tmp_path / "papers"
    folder.mkdir()
    dpr = FIXTURES / "papers" / "dpr-emnlp2020-p1-2.pdf"
    bad = os.fsdecode(bytes(folder) + b"/caf\xe9-dpr.pdf")
    Path(bad).write_bytes(dpr.read_bytes())
    sgd = FIXTURES / "papers" / "sgd-teacher-student-1906.08632-p1.pdf"
    (folder / "sgd.pdf").write_bytes(sgd.read_bytes())
    store = tmp_path / "s.db"
    result = runner.invoke(app, ["run", str(folder), "--engine", "offline", "--store", str(store),
                                 "--format", "json", "-o", str(tmp_path / "r.json")])  # fmt: skip
    assert result.exit_code == 1, result.output
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    failed = [p for p in report["papers"] if p["status"] == "failed"]
    assert [p["source"].rsplit("/", 1)[-1] for p in failed if "caf" in p["source"]] == [
        "caf\\xe9-dpr.pdf"
    ]
    assert "not valid UTF-8" in result.stderr and "rename" in result.stderr
    assert any(p["status"] == "ok" and p["source"].endswith("sgd.pdf") for p in report["papers"])
    estimate = runner.invoke(app, ["estimate", str(folder), "--store", str(store)])
    assert estimate.exit_code in (0, 1), estimate.output
    assert "caf\\xe9-dpr.pdf" in estimate.output


def test_an_id_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_bytes(b"2005.11401\n\xff\xfe1706.03762\n")
    with pytest.raises(ConfigError, match=r"ids.txt: the ID list is not UTF-8 text \(byte 0xff"):
        read_id_list(ids)


def test_a_broken_line_of_a_jsonl_file_fails_that_paper_only(tmp_path: Path) -> None:
    texts = tmp_path / "abstracts.jsonl"
    good = '{"title": "%s", "abstract": "We propose a method for %s and show it works well."}'
    texts.write_text(
        "\n".join(
            [good % ("Sparse Routing", "routing"), '{"title": ', good % ("Dense Maps", "maps")]
        )
        + "\n",
        encoding="utf-8",
    )
    report = run([texts], Settings.from_env(engine="offline", title="T"))
    assert sorted(r.title for r in report.succeeded) == ["Dense Maps", "Sparse Routing"]
    (bad,) = report.failed
    assert bad.source == f"{texts}#2" and "invalid JSON at line 2" in (bad.error or "")


def test_a_folder_of_abstract_files_says_how_to_read_them(tmp_path: Path) -> None:
    (tmp_path / "batch.jsonl").write_text('{"title": "A"}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"no PDF files found in .*batch.jsonl: name them"):
        run([tmp_path], Settings.from_env(engine="offline"))


def test_a_subfolder_that_cannot_be_read_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "open").mkdir()
    (tmp_path / "open" / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "open" / "loop").symlink_to(tmp_path)  # a link back up is walked once
    scandir = os.scandir

    def denied(path: Any = ".") -> Any:  # as for a folder without read permission
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    found = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["open/a.pdf"]
    assert "locked: cannot read this folder (Permission denied)" in caplog.text


def test_files_larger_than_any_paper_fail_alone_without_being_read(tmp_path: Path) -> None:
    from digest.inputs import MAX_PDF_BYTES, MAX_TEXT_BYTES

    huge = tmp_path / "book.pdf"
    with huge.open("wb") as sparse:  # no disk used: nothing is written but the size
        sparse.truncate(MAX_PDF_BYTES + 1)
    feed = tmp_path / "dump.jsonl"
    with feed.open("wb") as sparse:
        sparse.truncate(MAX_TEXT_BYTES + 1)
    sgd = FIXTURES / "papers" / "sgd-teacher-student-1906.08632-p1.pdf"
    report = run([huge, feed, sgd], Settings.from_env(engine="offline", title="T"))
    assert [r.source for r in report.succeeded] == [str(sgd)]
    errors = {Path(r.source).name: r.error or "" for r in report.failed}
    assert "too large to read as a paper (200.0 MB; at most 200 MB)" in errors["book.pdf"]
    assert "too large to read as a paper (20.0 MB; at most 20 MB)" in errors["dump.jsonl"]


def test_an_abstract_the_size_of_a_book_is_cut_and_said(tmp_path: Path) -> None:
    texts = tmp_path / "one.jsonl"
    sentence = "We study how sparse routing scales with the number of experts. "
    row = {"title": "Sparse Routing", "abstract": sentence * 40_000}  # 2.5 MB of abstract
    texts.write_text(json.dumps(row) + "\n", encoding="utf-8")
    report = run([texts], Settings.from_env(engine="offline", title="T"))
    (result,) = report.succeeded
    assert result.paper is not None and len(result.paper.abstract) <= 20_000
    assert result.paper.abstract.endswith("experts.")
    assert any("abstract was cut at" in w for w in result.paper.warnings)


DEEP = "[" * 100_000 + "]" * 100_000  # issue 24: JSON nested 100k deep


def test_a_deeply_nested_json_file_fails_alone_with_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text(f'{{"title": "A", "extra": {DEEP}}}', encoding="utf-8")
    sgd = FIXTURES / "papers" / "sgd-teacher-student-1906.08632-p1.pdf"
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["run", str(deep), str(sgd), "--engine", "offline",
                                 "--format", "json", "-o", str(out)])  # fmt: skip
    assert result.exit_code == 1, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [p["status"] for p in report["papers"] if p["source"] == str(sgd)] == ["ok"]
    (failed,) = [p for p in report["papers"] if p["status"] == "failed"]
    assert failed["source"] == str(deep) and "nested" in failed["error"]
    lines = [line for line in result.stderr.splitlines() if "deep.json" in line]
    assert len(lines) == 1 and "nested" in lines[0]


def test_a_deeply_nested_jsonl_line_fails_that_paper_only(tmp_path: Path) -> None:
    texts = tmp_path / "abstracts.jsonl"
    good = '{"title": "%s", "abstract": "We propose a method for %s and show it works well."}'
    rows = [good % ("Sparse Routing", "routing"), DEEP, good % ("Dense Maps", "maps")]
    texts.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = run([texts], Settings.from_env(engine="offline", title="T"))
    assert sorted(r.title for r in report.succeeded) == ["Dense Maps", "Sparse Routing"]
    (bad,) = report.failed
    assert bad.source == f"{texts}#2" and "nested" in (bad.error or "")
