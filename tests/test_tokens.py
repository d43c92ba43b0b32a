"""tiktoken's tables kept in this tool's cache (digest.tokens): the same counts, read faster."""

from __future__ import annotations

import marshal
import sys
from pathlib import Path

import pytest
import tiktoken
from tiktoken import registry

from digest.tokens import (
    encoding_cache_file,
    forget_counters,
    get_counter,
    load_encoding,
    loaded_counter,
)

PYTHON = "{}.{}".format(*sys.version_info[:2])
TEXTS = [
    "We propose a method that reduces the decoding latency of large models by 30%.",
    "本文提出了一种新的检索增强方法，在四个数据集上取得了最好的结果。",
    "<|endoftext|> and <|im_start|> are text here, not special tokens 🙂",
    "  \n\t x_i^2 = ∑_{j≠i} α_{ij} · f(x_j)  \n\n",
    "",
]


def no_tiktoken_load(name: str) -> tiktoken.Encoding:
    raise AssertionError(f"tiktoken loaded {name} although its tables are cached")


def test_cached_tables_count_exactly_as_tiktoken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_CACHE_DIR", str(tmp_path))
    path = encoding_cache_file("o200k_base", tiktoken.__version__)
    assert path is not None and path.is_relative_to(tmp_path)
    assert not path.exists()
    first = load_encoding("o200k_base")  # tiktoken's own load, then cached
    assert path.is_file()
    monkeypatch.setattr(tiktoken, "get_encoding", no_tiktoken_load)
    cached = load_encoding("o200k_base")
    real = tiktoken.registry.get_encoding("o200k_base")
    assert (cached.name, cached.n_vocab, cached.max_token_value) == (
        real.name, real.n_vocab, real.max_token_value,
    )  # fmt: skip
    assert cached.special_tokens_set == real.special_tokens_set
    for text in TEXTS:
        expected = real.encode(text, disallowed_special=())
        assert cached.encode(text, disallowed_special=()) == expected
        assert first.encode(text, disallowed_special=()) == expected
        assert cached.decode(expected) == text


def test_a_damaged_cache_file_is_ignored_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIGEST_CACHE_DIR", str(tmp_path))
    path = encoding_cache_file("cl100k_base", tiktoken.__version__)
    assert path is not None
    path.parent.mkdir(parents=True)
    for damage in (b"", b"not marshal at all", marshal.dumps((1, "cl100k_base", "?", {}, {}))):
        path.write_bytes(damage)
        enc = load_encoding("cl100k_base")
        assert enc.encode("hello world") == [15339, 1917]
    monkeypatch.setattr(tiktoken, "get_encoding", no_tiktoken_load)
    assert load_encoding("cl100k_base").encode("hello world") == [15339, 1917]  # rewritten


def test_an_empty_cache_setting_keeps_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_cache = tmp_path / "user-cache"  # where the cache would be without the setting
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    monkeypatch.delenv("DIGEST_CACHE_DIR")
    assert encoding_cache_file("o200k_base", "1") == (
        user_cache / "paper-digest" / "tiktoken" / f"o200k_base-tiktoken1-py{PYTHON}.marshal"
    )
    monkeypatch.setenv("DIGEST_CACHE_DIR", "")
    assert encoding_cache_file("o200k_base", tiktoken.__version__) is None
    assert get_counter("gpt-4o-mini").count("hello world") == 2
    assert not user_cache.exists()


def test_an_encoding_tiktoken_does_not_pin_is_not_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plugin's encoding (here one defined by this test) may change under the same name."""
    monkeypatch.setenv("DIGEST_CACHE_DIR", str(tmp_path))
    base = tiktoken.get_encoding("cl100k_base")
    registry.get_encoding("cl100k_base")  # the registry's constructors are known from here

    def plugin() -> dict[str, object]:
        return {
            "name": "plugin_enc",
            "pat_str": base._pat_str,
            "mergeable_ranks": base._mergeable_ranks,
            "special_tokens": {},
        }

    assert registry.ENCODING_CONSTRUCTORS is not None
    monkeypatch.setitem(registry.ENCODING_CONSTRUCTORS, "plugin_enc", plugin)
    assert load_encoding("plugin_enc").encode("hello world") == [15339, 1917]
    assert not list(tmp_path.rglob("*.marshal"))
    assert load_encoding("cl100k_base") and list(tmp_path.rglob("*.marshal"))


def test_a_counter_is_known_loaded_only_once_asked_for() -> None:
    forget_counters()
    assert loaded_counter("gpt-4o-mini") is None
    counter = get_counter("gpt-4o-mini")
    assert loaded_counter("gpt-4o-mini") is counter
    assert loaded_counter("gpt-4") is None  # another model, another counter
    forget_counters()
    assert loaded_counter("gpt-4o-mini") is None
