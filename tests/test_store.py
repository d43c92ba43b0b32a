"""The store: reruns, prompt edits, renames, duplicates, resume, one brief redone, bad stores."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
from conftest import API_KEY, FIXTURES, REPO, sent_json
from test_pipeline import answer
from typer.testing import CliRunner

from digest import Settings, StoreError, render_markdown, run
from digest.cli import app
from digest.pipeline import last_report
from digest.store import Store

sys.path.insert(0, str(REPO / "scripts"))
from fake_openai import FakeOpenAI

PAPERS = FIXTURES / "papers"
runner = CliRunner()


class Calls:
    """Counts the mocked endpoint's requests per response schema."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.papers = 0
        self.titles = 0
        router.post("/chat/completions").mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        if sent_json(request)["response_format"]["json_schema"]["name"] == "ReportTopic":
            self.titles += 1
        else:
            self.papers += 1
        return answer(request)


@pytest.fixture
def calls(llm: respx.MockRouter) -> Calls:
    return Calls(llm)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the fixture papers that tests may add to, rename and remove."""
    target = tmp_path / "papers"
    shutil.copytree(PAPERS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(store=tmp_path / "s" / "digest.db")


def n_papers() -> int:
    return len(list(PAPERS.glob("*.pdf")))


def test_an_unchanged_rerun_calls_nothing(calls: Calls, folder: Path, settings: Settings) -> None:
    first = run([folder], settings)
    assert (calls.papers, calls.titles) == (n_papers(), 1)
    second = run([folder], settings)
    assert (calls.papers, calls.titles) == (n_papers(), 1)  # nothing new
    assert [r.brief for r in second.papers] == [r.brief for r in first.papers]
    assert second.title == first.title
    assert all(r.cached for r in second.papers) and second.usage.attempts == 0


def test_adding_one_pdf_asks_about_that_paper_only(
    calls: Calls, folder: Path, settings: Settings
) -> None:
    run([folder], settings)
    source = REPO.parent / "shared" / "corpus" / "words-with-vectors-acl2014.pdf"
    if not source.exists():
        pytest.skip("shared corpus absent")
    shutil.copy(source, folder / "new.pdf")
    report = run([folder], settings)
    assert calls.papers == n_papers() + 1
    assert calls.titles == 2  # the batch changed, so the report is named again
    assert [r.cached for r in report.papers].count(False) == 1


def test_editing_a_prompt_redoes_exactly_what_it_shapes(
    calls: Calls, folder: Path, settings: Settings, tmp_path: Path
) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    mine = settings.model_copy(update={"prompts_dir": prompts})
    run([folder], mine)
    (prompts / "topic_system.md").write_text(
        (prompts / "topic_system.md").read_text(encoding="utf-8") + "\n请简短。\n", encoding="utf-8"
    )
    run([folder], mine)
    assert (calls.papers, calls.titles) == (n_papers(), 2)  # only the naming call is redone
    extract = prompts / "extract_system.md"
    extract.write_text(extract.read_text(encoding="utf-8") + "\n请准确。\n", encoding="utf-8")
    run([folder], mine)
    assert (calls.papers, calls.titles) == (2 * n_papers(), 2)  # every paper, not the title
    # json_object mode frames the schema with json_mode.md, for the papers and the title alike
    framing = prompts / "json_mode.md"
    framing.write_text(framing.read_text(encoding="utf-8") + "\nJSON only.\n", encoding="utf-8")
    run([folder], mine)
    assert (calls.papers, calls.titles) == (3 * n_papers(), 3)


def test_every_prompt_an_extraction_loads_is_in_its_hash(tmp_path: Path) -> None:
    """A prompt file left out of the hash is an answer that never refreshes: change each file
    the extractor loads, and the hash of what it shapes changes."""
    from digest import Extractor

    base = Extractor(None, Settings.from_env(verify="on"))
    unchecked = Extractor(None, Settings.from_env(verify="off"))
    loaded = sorted(path.stem for path in (REPO / "prompts").glob("*.md"))
    for name in loaded:
        prompts = tmp_path / name
        shutil.copytree(REPO / "prompts", prompts)
        edited = prompts / f"{name}.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nx\n", encoding="utf-8")
        changed = Extractor(None, Settings.from_env(prompts_dir=prompts, verify="on"))
        hashes = (changed.prompt_sha256, changed.topic_prompt_sha256)
        assert hashes != (base.prompt_sha256, base.topic_prompt_sha256), name
        # without the meaning check, its prompts shape no answer: the same key, no new call
        alone = Extractor(None, Settings.from_env(prompts_dir=prompts, verify="off"))
        shaped = alone.prompt_sha256 != unchecked.prompt_sha256
        assert shaped == (not name.startswith("verify") and not name.startswith("topic")), name


def test_model_budget_and_refresh_change_the_question(
    calls: Calls, folder: Path, settings: Settings
) -> None:
    run([folder], settings)
    run([folder], settings.model_copy(update={"token_budget": 1000}))
    assert calls.papers == 2 * n_papers()
    run([folder], settings.model_copy(update={"model": "gpt-4o"}))
    assert calls.papers == 3 * n_papers()
    run([folder], settings.model_copy(update={"refresh": True}))
    assert calls.papers == 4 * n_papers()


def test_a_renamed_or_copied_file_is_the_same_paper(
    calls: Calls, folder: Path, settings: Settings, tmp_path: Path
) -> None:
    run([folder], settings)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    for i, pdf in enumerate(sorted(folder.glob("*.pdf"))):
        shutil.move(pdf, moved / f"renamed-{i}.pdf")
    shutil.copy(moved / "renamed-0.pdf", moved / "copy of renamed-0.pdf")
    report = run([moved], settings)
    assert calls.papers == n_papers()  # no new call: same contents
    assert all(Path(r.source).parent == moved for r in report.papers)
    assert len(report.papers) == n_papers()
    kept = next(r for r in report.papers if r.source.endswith("copy of renamed-0.pdf"))
    noted = [n.detail for n in kept.warnings if n.code == "duplicate"]
    assert [Path(d).name for d in noted] == ["renamed-0.pdf"]  # the other name, noted


def test_duplicates_in_one_run_are_asked_about_once(
    calls: Calls, folder: Path, settings: Settings
) -> None:
    for pdf in sorted(folder.glob("*.pdf")):
        shutil.copy(pdf, folder / f"dup-{pdf.name}")
    run([folder], settings)
    assert calls.papers == n_papers()


def test_failures_are_kept_and_retry_failed_redoes_only_them(
    llm: respx.MockRouter, folder: Path, tmp_path: Path
) -> None:
    healthy = {"now": False}
    counted = {"papers": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        body = sent_json(request)
        is_dpr = "Dense Passage Retrieval" in body["messages"][1]["content"]
        if body["response_format"]["json_schema"]["name"] == "PaperFacts":
            counted["papers"] += 1
            if is_dpr and not healthy["now"]:
                return httpx.Response(400, json={"error": {"message": "bad day"}})
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=flaky)
    out = tmp_path / "out" / "report.md"
    store = ["--store", str(tmp_path / "store.db")]
    first = runner.invoke(app, ["run", str(folder), "-o", str(out), *store])
    assert first.exit_code == 1 and counted["papers"] == n_papers()

    status = runner.invoke(app, ["status", *store])
    assert status.exit_code == 1
    assert "failed" in status.stdout and "HTTP 400" in status.stdout

    healthy["now"] = True
    again = runner.invoke(app, ["retry-failed", "-o", str(out), *store])
    assert again.exit_code == 0, again.output
    assert counted["papers"] == n_papers() + 1  # only the failure was asked again
    assert "## 处理失败的文件" not in out.read_text(encoding="utf-8")


def test_report_rerenders_from_the_store_without_calls(
    calls: Calls, folder: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.md"
    store = ["--store", str(tmp_path / "store.db")]
    assert runner.invoke(app, ["run", str(folder), "-o", str(out), *store]).exit_code == 0
    before = calls.papers + calls.titles
    again = runner.invoke(app, ["report", *store])
    assert again.exit_code == 0
    assert again.stdout == out.read_text(encoding="utf-8")  # same time stamp, same bytes
    assert calls.papers + calls.titles == before
    data = runner.invoke(app, ["report", "--format", "json", *store]).stdout
    assert '"prompt_sha256"' in data and '"pages_read"' in data and '"usage"' in data


def test_one_brief_is_redone_and_the_others_stay_byte_identical(
    llm: respx.MockRouter, folder: Path, tmp_path: Path
) -> None:
    second_answer = {"now": False}

    def respond(request: httpx.Request) -> httpx.Response:
        response = answer(request)
        text = sent_json(request)["messages"][1]["content"]
        if second_answer["now"] and "Open Information Extraction" in text:
            body = response.json()
            body["choices"][0]["message"]["content"] = body["choices"][0]["message"][
                "content"
            ].replace("Open IE开放信息抽取范式", "开放信息抽取范式Open IE")
            return httpx.Response(200, json=body)
        return response

    route = llm.post("/chat/completions").mock(side_effect=respond)
    out = tmp_path / "report.md"
    assert runner.invoke(app, ["run", str(folder), "-o", str(out)]).exit_code == 0
    before = out.read_text(encoding="utf-8")
    calls_before = route.call_count

    second_answer["now"] = True
    number = next(line for line in before.splitlines() if "Open Information Extraction" in line)
    n = number.split(".")[0].removeprefix("### ")
    result = runner.invoke(app, ["brief", n, "--report", str(out)])
    assert result.exit_code == 0, result.output
    assert route.call_count == calls_before + 1  # one call, for this paper only
    assert "使用开放信息抽取范式Open IE" in result.stdout
    after = out.read_text(encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert len(changed) == 1 and "开放信息抽取范式Open IE" in changed[0][1]
    # the store now holds the new brief: report re-renders it
    assert runner.invoke(app, ["report"]).stdout == after


def test_brief_accepts_a_path_or_a_hash_prefix(calls: Calls, folder: Path) -> None:
    assert runner.invoke(app, ["run", str(folder)]).exit_code == 0
    pdf = sorted(folder.glob("*.pdf"))[0]
    by_path = runner.invoke(app, ["brief", str(pdf)])
    assert by_path.exit_code == 0 and "发布了《" in by_path.stdout
    from hashlib import sha256

    prefix = sha256(pdf.read_bytes()).hexdigest()[:10]
    by_hash = runner.invoke(app, ["brief", prefix])
    assert by_hash.stdout == by_path.stdout
    missing = runner.invoke(app, ["brief", "99"])
    assert missing.exit_code == 2 and "no paper number 99" in missing.stderr


def test_a_corrupt_store_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "digest.db"
    bad.write_bytes(b"this is not a database, it is a grocery list" * 100)
    result = runner.invoke(app, ["run", str(PAPERS), "--store", str(bad)])
    assert result.exit_code == 2
    assert "corrupt" in result.stderr and str(bad) in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the line (after the offline note)


def test_a_locked_store_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import digest.store

    monkeypatch.setattr(digest.store, "LOCK_TIMEOUT", 0.2)
    path = tmp_path / "digest.db"
    Store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StoreError, match="locked"):
            run([PAPERS], Settings.from_env(store=path, engine="offline"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_migrations_are_named_recorded_and_applied_once(tmp_path: Path) -> None:
    path = tmp_path / "digest.db"
    Store(path).close()
    Store(path).close()
    rows = sqlite3.connect(path).execute("SELECT name FROM migrations").fetchall()
    assert rows == [
        ("0001_initial",),
        ("0002_arxiv_entries",),
        ("0003_structured_modes",),
        ("0004_lookups",),
        ("0005_endpoint_settings",),
        ("0006_batches",),
        ("0007_inflight",),
    ]
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def test_a_store_from_a_newer_version_is_refused_not_guessed(tmp_path: Path) -> None:
    """Issue 24: a migration this version does not know means a newer paper-digest made the
    store; using it would read and write tables whose meaning changed."""
    path = tmp_path / "digest.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO migrations VALUES ('0099_from_the_future', '2030-01-01T00:00:00')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="made by a newer paper-digest"):
        Store(path)
    result = runner.invoke(app, ["report", "--store", str(path)])
    assert result.exit_code == 2 and "made by a newer paper-digest" in result.stderr


def test_the_api_key_is_never_stored(calls: Calls, folder: Path, settings: Settings) -> None:
    run([folder], settings)
    assert settings.store is not None
    for file in settings.store.parent.iterdir():
        assert API_KEY.encode() not in file.read_bytes(), file


# --- kill -9 mid-batch, then resume ----------------------------------------------------------


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """12 distinct papers: the fixtures, each with bytes appended after %%EOF (new hash)."""
    target = tmp_path / "many"
    target.mkdir()
    for pdf in sorted(PAPERS.glob("*.pdf")):
        data = pdf.read_bytes()
        for k in range(4):
            (target / f"{pdf.stem}-{k}.pdf").write_bytes(data + f"\n%variant {k}\n".encode())
    return target


@pytest.fixture
def endpoint() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(latency=0.4) as fake:
        yield fake


def digest_subprocess(
    folder: Path, store: Path, out: Path, base_url: str
) -> subprocess.Popen[bytes]:
    env = dict(os.environ, OPENAI_BASE_URL=base_url, OPENAI_API_KEY="sk-fake")
    args = [sys.executable, "-m", "digest", "run", str(folder), "--store", str(store)]
    args += ["-o", str(out), "--concurrency", "2"]
    return subprocess.Popen(
        args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def stored_ok(store: Path) -> int:
    """Answers stored so far; 0 while the other process has not created its tables yet."""
    try:
        with sqlite3.connect(store) as db:
            query = "SELECT count(*) FROM extractions WHERE status = 'ok'"
            return int(db.execute(query).fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_kill_9_mid_batch_then_resume_sends_only_the_unfinished(
    many: Path, endpoint: FakeOpenAI, tmp_path: Path
) -> None:
    total = len(list(many.glob("*.pdf")))
    store, out = tmp_path / "store.db", tmp_path / "report.md"
    process = digest_subprocess(many, store, out, endpoint.base_url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not store.exists() or stored_ok(store) < total // 2):
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    done = stored_ok(store)
    assert total // 2 <= done < total, "the kill came too late to test a resume"
    assert not out.exists()  # never a half-written report

    sent_before = endpoint.requests["PaperFacts"]
    resumed = digest_subprocess(many, store, out, endpoint.base_url)
    _, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err.decode()
    assert endpoint.requests["PaperFacts"] - sent_before == total - done
    assert stored_ok(store) == total
    assert out.read_text(encoding="utf-8").count("发布了《") == total


def test_two_runs_on_one_store_pay_for_each_paper_once(
    many: Path, endpoint: FakeOpenAI, tmp_path: Path
) -> None:
    """Issue 24.2: two `digest run` on the same store started 0.5 s apart paid 40 requests for
    20 papers. A request is asked by one process; the other waits for its answer and reuses it."""
    total = len(list(many.glob("*.pdf")))
    store = tmp_path / "store.db"
    first = digest_subprocess(many, store, tmp_path / "a.md", endpoint.base_url)
    time.sleep(0.5)
    second = digest_subprocess(many, store, tmp_path / "b.md", endpoint.base_url)
    for process in (first, second):
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    assert endpoint.requests["PaperFacts"] == total
    for out in ("a.md", "b.md"):
        assert (tmp_path / out).read_text(encoding="utf-8").count("发布了《") == total
    with sqlite3.connect(store) as db:  # every claim released
        assert db.execute("SELECT count(*) FROM inflight").fetchone() == (0,)


def test_ctrl_c_stops_cleanly_and_keeps_what_is_finished(
    many: Path, endpoint: FakeOpenAI, tmp_path: Path
) -> None:
    store, out = tmp_path / "store.db", tmp_path / "report.md"
    process = digest_subprocess(many, store, out, endpoint.base_url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not store.exists() or stored_ok(store) < 2):
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err.decode()
    assert "interrupted: finished papers are kept in the store" in err.decode()
    assert "Traceback" not in err.decode()
    assert stored_ok(store) >= 2 and not out.exists()


def test_retry_failed_names_again_files_with_a_hash_in_their_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from digest.pipeline import rerunnable

    hashed = tmp_path / "notes#2 draft.pdf"
    hashed.write_bytes(b"%PDF-1.4")
    texts = tmp_path / "abstracts.jsonl"
    texts.write_text("{}")
    sources = [str(hashed), f"{texts}#3", f"{texts}#4", "2005.11401", str(tmp_path / "gone.pdf")]
    assert rerunnable(sources) == [str(hashed), str(texts), "2005.11401"]
    assert "gone.pdf: no longer there" in caplog.text


def test_a_failed_refresh_or_brief_keeps_the_answer_paid_for(
    llm: respx.MockRouter, folder: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    down = {"now": False}

    def respond(request: httpx.Request) -> httpx.Response:
        if down["now"]:
            return httpx.Response(400, json={"error": {"message": "endpoint down"}})
        return answer(request)

    route = llm.post("/chat/completions").mock(side_effect=respond)
    out = tmp_path / "report.md"
    store = ["--store", str(tmp_path / "store.db")]
    assert runner.invoke(app, ["run", str(folder), "-o", str(out), *store]).exit_code == 0
    report = out.read_text(encoding="utf-8")

    down["now"] = True
    brief = runner.invoke(app, ["brief", "1", "--report", str(out), *store])
    assert brief.exit_code == 2 and "endpoint down" in brief.stderr
    assert out.read_text(encoding="utf-8") == report  # the report is untouched
    refresh = runner.invoke(app, ["run", str(folder), "--refresh", "-o", str(out), *store])
    assert refresh.exit_code == 1
    kept = caplog.text.count("asking again failed; the stored answer is kept")
    assert kept == 1 + n_papers()  # `brief 1`, then every paper of the --refresh run

    down["now"] = False
    calls = route.call_count
    again = runner.invoke(app, ["run", str(folder), "-o", str(out), *store])
    assert again.exit_code == 0, again.output
    assert route.call_count == calls  # every answer still in the store: no call
    assert out.read_text(encoding="utf-8").count("发布了《") == n_papers()


def test_a_failed_refresh_keeps_the_papers_of_the_report_as_they_were(
    llm: respx.MockRouter, tmp_path: Path
) -> None:
    """Issue 24.4: `run --refresh` whose asking fails wrote "0 papers / 1 failed" over a good
    report. The stored answer stands in the report; the failure is said on stderr and in the
    JSON, and the exit code says the refresh did not happen."""
    down = {"now": False}

    def respond(request: httpx.Request) -> httpx.Response:
        if down["now"]:
            return httpx.Response(400, json={"error": {"message": "endpoint down"}})
        return answer(request)

    llm.post("/chat/completions").mock(side_effect=respond)
    dpr = str(PAPERS / "dpr-emnlp2020-p1-2.pdf")
    out, store = tmp_path / "report.md", ["--store", str(tmp_path / "store.db")]
    assert runner.invoke(app, ["run", dpr, "-o", str(out), *store]).exit_code == 0
    before = out.read_text(encoding="utf-8")
    down["now"] = True
    refresh = runner.invoke(app, ["run", dpr, "--refresh", "-o", str(out), *store])
    assert refresh.exit_code == 1
    assert "1 refresh failed" in refresh.stderr and "endpoint down" in refresh.stderr
    after = out.read_text(encoding="utf-8")
    timeless = [line for line in after.splitlines() if not line.startswith("生成时间")]
    assert timeless == [line for line in before.splitlines() if not line.startswith("生成时间")]
    data = json.loads(runner.invoke(app, ["report", "--format", "json", *store]).stdout)
    (paper,) = data["papers"]
    assert paper["status"] == "ok" and "endpoint down" in paper["refresh_error"]


@pytest.mark.parametrize(
    ("name", "fmt", "starts"),
    [("r.json", "json", "{"), ("r.bib", "bibtex", "@"), ("refs.json", "csl-json", "[")],
)
def test_brief_n_keeps_the_format_of_the_report_it_rewrites(
    calls: Calls, folder: Path, tmp_path: Path, name: str, fmt: str, starts: str
) -> None:
    """Issue 24: `brief 1 --report r.json` rewrote a JSON report as Markdown."""
    out, store = tmp_path / name, ["--store", str(tmp_path / "s.db")]
    made = runner.invoke(app, ["run", str(folder), "--format", fmt, "-o", str(out), *store])
    assert made.exit_code == 0, made.output
    before = out.read_text(encoding="utf-8")
    redone = runner.invoke(app, ["brief", "1", "--report", str(out), *store])
    assert redone.exit_code == 0, redone.output
    after = out.read_text(encoding="utf-8")
    assert after.lstrip().startswith(starts)
    if fmt == "json":  # the redone paper's record carries its new call; the briefs are alike
        briefs = [[p["brief"] for p in json.loads(t)["papers"]] for t in (before, after)]
        assert briefs[0] == briefs[1]
    else:
        assert after == before


@pytest.mark.parametrize("where", ["/dev/null", "."])
def test_a_store_that_is_not_a_file_is_one_line(where: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(PAPERS), "--engine", "offline", "--store", where])
    assert result.exit_code == 2 and f"error: {where}: not a file" in result.stderr
    assert not Path(f"{where}-journal").exists() and not Path(f"{where}-wal").exists()


def test_a_redone_brief_takes_its_notes_with_it(llm: respx.MockRouter, tmp_path: Path) -> None:
    """`brief N --report`: the old brief's notes go with it, those under the brief and those in
    its details (here: drafted offline because the endpoint failed, then redone by the LLM)."""
    healthy = {"now": False}

    def respond(request: httpx.Request) -> httpx.Response:
        if healthy["now"]:
            return answer(request)
        return httpx.Response(400, json={"error": {"message": "context length exceeded"}})

    llm.post("/chat/completions").mock(side_effect=respond)
    out = tmp_path / "report.md"
    store = ["--store", str(tmp_path / "s.db")]
    dpr = str(PAPERS / "dpr-emnlp2020-p1-2.pdf")
    first = runner.invoke(app, ["run", dpr, "--fallback", "offline", "-o", str(out), *store])
    assert first.exit_code == 0, first.output
    assert "> 注意:" in out.read_text(encoding="utf-8")  # the brief was drafted offline
    healthy["now"] = True
    redone = runner.invoke(app, ["brief", "1", "--report", str(out), *store])
    assert redone.exit_code == 0, redone.output
    text = out.read_text(encoding="utf-8")
    assert "> 注意:" not in text
    assert text == render_markdown(last_report(tmp_path / "s.db"))  # as if rendered afresh


def test_a_wordy_answer_once_accepted_always_reads_back(
    llm: respx.MockRouter, folder: Path, tmp_path: Path
) -> None:
    """Issue 24.1: a method of 210 汉字 is left out of the brief with a note, and the stored
    answer then serves every later command (limits belong to the checks, not to reading back)."""
    wordy = "稠密段落检索" * 35  # 210 Chinese characters: the schema sends no maxLength to OpenAI

    def respond(request: httpx.Request) -> httpx.Response:
        response = answer(request)
        sent = sent_json(request)
        is_facts = sent["response_format"]["json_schema"]["name"] == "PaperFacts"
        if not is_facts or "Dense Passage Retrieval" not in sent["messages"][1]["content"]:
            return response
        body = response.json()
        content = json.loads(body["choices"][0]["message"]["content"])
        body["choices"][0]["message"]["content"] = json.dumps({**content, "method": wordy})
        return httpx.Response(200, json=body)

    route = llm.post("/chat/completions").mock(side_effect=respond)
    out = tmp_path / "report.md"
    store = ["--store", str(tmp_path / "store.db")]
    first = runner.invoke(app, ["run", str(folder), "-o", str(out), *store])
    assert first.exit_code == 0, first.output
    assert wordy not in out.read_text(encoding="utf-8")  # left out, with a note
    for command in (["report"], ["report", "--format", "json"], ["status"], ["brief", "1"]):
        again = runner.invoke(app, [*command, *store])
        assert again.exit_code == 0, (command, again.output)
    calls = route.call_count
    rerun = runner.invoke(app, ["run", str(folder), "-o", str(out), *store])
    assert rerun.exit_code == 0, rerun.output
    assert route.call_count == calls  # every answer, the wordy one too, served by the store
