"""The public API, the prompts, and the house rules that a test can hold."""

from __future__ import annotations

import ast
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


def test_only_extract_imports_openai() -> None:
    importers = []
    for path in sorted((REPO / "digest").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "openai" or n.startswith("openai.") for n in names):
                importers.append(path.name)
    assert sorted(set(importers)) == ["extract.py"]


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
    settings = Settings.from_env(env, budget=1000, title=None)
    assert settings.model == "qwen2.5" and settings.base_url == "http://localhost:11434/v1"
    assert settings.budget == 1000 and settings.title is None
    assert "sk-x" not in repr(settings) and "sk-x" not in settings.model_dump_json()
    with pytest.raises(ConfigError, match="budget"):
        Settings.from_env(env, budget=10)
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
