"""The public API, the prompts, and the house rules that a test can hold."""

from __future__ import annotations

import ast
import asyncio
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

import digest
from digest import ConfigError, PromptError, Settings
from digest.prompts import PROMPT_VARIABLES, load_prompt, prompts_dir


def test_all_is_exact_and_importable() -> None:
    assert sorted(digest.__all__) == digest.__all__
    for name in digest.__all__:
        assert hasattr(digest, name), name


def _runtime_imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    """The import statements of a module that run when it is imported (not TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in typing_only
    ]


MODULES = sorted((REPO / "digest").rglob("*.py"))


def test_only_the_llm_client_imports_openai() -> None:
    importers = []
    for path in MODULES:
        for node in _runtime_imports(path):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            if any(n and (n == "openai" or n.startswith("openai.")) for n in names):
                importers.append(path.relative_to(REPO).as_posix())
    assert sorted(set(importers)) == ["digest/llm/client.py"]


def test_no_module_imports_another_modules_private_names() -> None:
    private = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or "digest" in (node.module or "")):
                private += [
                    f"{path.relative_to(REPO)}: {a.name}"
                    for a in node.names
                    if a.name.startswith("_") and not a.name.startswith("__")
                ]
    assert private == []


def test_every_module_reads_in_one_sitting() -> None:
    long = {
        path.relative_to(REPO).as_posix(): n
        for path in MODULES
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def _modules_loaded(code: str) -> set[str]:
    """Top-level packages loaded by running `code` in a fresh interpreter."""
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    return set(done.stdout.split())


def test_a_parse_worker_never_loads_the_llm_client() -> None:
    """What a spawned worker imports: the initializer's module and the PDF reader."""
    loaded = _modules_loaded("import digest.workers, digest.pdf")
    assert "pypdf" in loaded
    assert not loaded & {"openai", "tenacity", "tiktoken", "httpx"}
    probe = (
        "import sys, digest.workers, digest.pdf\n"
        "print(' '.join(m for m in sys.modules if m.startswith('digest')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    ours = set(done.stdout.split())
    assert not {m for m in ours if m.startswith(("digest.pipeline", "digest.llm", "digest.facts"))}
    assert "digest.version" not in ours  # importlib.metadata only when the version is asked


def test_the_run_pipeline_leaves_the_pdf_reader_to_whoever_parses() -> None:
    """A run whose PDFs are parsed by worker processes never loads pypdf in the main process
    (its import is on the way to the first LLM request): the pipeline reaches the parser only
    through digest.workers, and the parser's version is read from its files."""
    loaded = _modules_loaded(
        "import digest.pipeline, digest.pipeline.parsing, digest.pipeline.engines\n"
        "from digest.workers import parser_version\nparser_version()"
    )
    assert "pypdf" not in loaded


def test_the_parser_version_follows_the_parser_code(tmp_path: Path) -> None:
    from digest import workers

    version = workers.parser_version()
    assert len(version) == 16 and version == workers.parser_version()
    copy = tmp_path / "digest"
    shutil.copytree(
        Path(workers.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    probe = "from digest.workers import parser_version; print(parser_version())"

    def version_of(root: Path) -> str:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              check=True, cwd=root)  # fmt: skip
        return done.stdout.strip()

    assert version_of(tmp_path) == version
    with (copy / "pdf" / "title.py").open("a", encoding="utf-8") as f:
        f.write("\n# a changed parser\n")
    assert version_of(tmp_path) != version


def test_the_command_script_imports_no_cli_until_it_runs() -> None:
    """A PDF worker re-runs the parent's main script (spawn): the `digest` script's top-level
    import (its entry point's module) must not bring the CLI into every worker."""
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    module, function = scripts["scripts"]["digest"].split(":")
    loaded = _modules_loaded(f"from {module} import {function}")
    assert not loaded & {"typer", "rich", "pydantic", "openai", "pypdf"}, loaded


def test_the_version_loads_no_llm_client() -> None:
    code = (
        "import sys\nfrom digest.cli import main\nsys.argv = ['digest', '--version']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )
    loaded = _modules_loaded(code)
    assert not loaded & {"openai", "tenacity", "tiktoken", "pypdf"}


def test_import_digest_is_lazy_and_complete() -> None:
    assert not _modules_loaded("import digest") & {"openai", "tenacity", "pypdf", "pydantic"}
    assert set(digest.__all__) == {*digest._API, "__version__"}


def test_every_prompt_loads_with_its_declared_variables() -> None:
    for name, variables in PROMPT_VARIABLES.items():
        prompt = load_prompt(name)
        assert prompt.text.strip()
        prompt.render(**{v: "x" for v in variables})


def test_prompt_variables_are_checked_at_load(tmp_path: Path) -> None:
    (tmp_path / "extract_user.md").write_text("Title: $title\n$excerpt\n$extra\n", encoding="utf-8")
    with pytest.raises(PromptError, match="extra"):
        load_prompt("extract_user", tmp_path)
    with pytest.raises(PromptError, match="cannot read"):
        load_prompt("reask", tmp_path)


def test_prompt_hash_follows_its_text(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, text in ((a, "Fix: $errors"), (b, "Please fix: $errors")):
        folder.mkdir()
        (folder / "reask.md").write_text(text, encoding="utf-8")
    assert load_prompt("reask", a).sha256 != load_prompt("reask", b).sha256


def test_bundled_prompts_are_the_repo_prompts() -> None:
    assert {p.stem for p in prompts_dir().glob("*.md")} == set(PROMPT_VARIABLES)


def test_settings_from_env_and_overrides() -> None:
    env = {"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": "http://localhost:11434/v1",
           "DIGEST_MODEL": "qwen2.5"}  # fmt: skip
    settings = Settings.from_env(env, token_budget=1000, title=None)
    assert settings.model == "qwen2.5" and settings.base_url == "http://localhost:11434/v1"
    assert settings.token_budget == 1000 and settings.title is None
    assert "sk-x" not in repr(settings) and "sk-x" not in settings.model_dump_json()
    with pytest.raises(ConfigError, match="--token-budget: must be at least 300 tokens"):
        Settings.from_env(env, token_budget=10)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        Settings.from_env({}).require_key()


def test_input_errors_survive_the_trip_from_a_parse_worker() -> None:
    import pickle

    from digest import EncryptedPDFError

    err = EncryptedPDFError("papers/x.pdf", "the empty password does not open it")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is EncryptedPDFError
    assert str(back) == str(err) and back.path == err.path and back.detail == err.detail


def test_lone_surrogates_from_a_text_layer_never_reach_json() -> None:
    from digest import Paper, Section

    paper = Paper(
        source="x.pdf",
        sha256="0",
        title="Ti\udc63tle",
        authors=["A\ud800 B"],
        abstract="ab\udc63stract",
        sections=[Section(kind="other", heading="H\udc63", text="t\udc63")],
    )
    assert paper.title == "Title" and paper.authors == ["A B"]
    paper.model_dump_json().encode("utf-8")  # would raise UnicodeEncodeError before


def test_the_api_does_what_the_cli_does(tmp_path: Path) -> None:
    """run, estimate, regenerate and report, with the same names the CLI's options have."""
    store = tmp_path / "digest.db"
    settings = Settings.from_env(engine="offline", store=store, token_budget=2000)
    papers = REPO / "fixtures" / "papers"
    counted = digest.estimate([papers], settings)
    assert counted.papers == 3 and counted.calls == 4  # three papers and the report's title
    assert counted.costs(settings.model)[0].model == settings.model
    made = digest.run([papers], settings)
    assert digest.report(store).model_dump() == made.model_dump()
    updated, index, previous = digest.regenerate("1", settings)
    assert updated.papers[index].brief == previous.brief  # the offline engine is deterministic
    with pytest.raises(ConfigError, match="no store here"):
        digest.report(tmp_path / "none.db")


def test_inside_a_running_event_loop_the_api_says_to_await(tmp_path: Path) -> None:
    """A notebook runs an event loop: run() says to await run_async() instead of failing
    inside asyncio, and run_async() works there."""
    from digest import run, run_async

    settings = Settings.from_env(engine="offline", title="T")
    papers = REPO / "fixtures" / "papers" / "sgd-teacher-student-1906.08632-p1.pdf"

    async def notebook_cell() -> int:
        with pytest.raises(ConfigError, match=r"use `await run_async\(...\)` there"):
            run([papers], settings)
        report = await run_async([papers], settings)
        return len(report.succeeded)

    assert asyncio.run(notebook_cell()) == 1


def test_the_readme_api_example_runs_as_a_plain_script(tmp_path: Path) -> None:
    """Worker processes import the script that starts them: the README's example (its
    __main__ guard) must run as `python example.py`, with a parse pool."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("### Python API", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    papers = tmp_path / "papers"
    papers.mkdir()
    sgd = (REPO / "fixtures" / "papers" / "sgd-teacher-student-1906.08632-p1.pdf").read_bytes()
    for i in range(6):  # enough distinct PDFs for worker processes (parsing.POOL_PAYS_AFTER)
        (papers / f"sgd-{i}.pdf").write_bytes(sgd + b"%" * (i + 1))
    script = tmp_path / "example.py"
    script.write_text(example.replace("token_budget=2000", 'token_budget=2000, engine="offline"'))
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("发布了《") >= 6
