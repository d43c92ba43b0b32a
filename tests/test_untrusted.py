"""digest.untrusted: outside documents parse as json.loads would, or fail as malformed ones do,
never with a RecursionError (issue 24)."""

from __future__ import annotations

import json
import tomllib

import pytest

from digest.untrusted import MAX_DEPTH, DeepDocumentError, json_object, load_toml, loads


@pytest.mark.parametrize(
    "document",
    [
        '{"title": "A", "authors": ["B", "C"], "n": 1.5e3, "x": null}',
        '"[[[[ a string holding brackets is no nesting {{{{"',
        '{"s": "\\"[[[[\\\\"}',  # escaped quotes and backslashes inside a string
        "[" * MAX_DEPTH + "]" * MAX_DEPTH,  # as deep as allowed
        "[" + "[1], {}, " * 200 + "0]",  # many brackets, shallow
    ],
)
def test_what_json_loads_reads_reads_alike(document: str) -> None:
    assert loads(document) == json.loads(document)
    assert loads(document.encode("utf-16")) == json.loads(document)
    assert loads(b"\xef\xbb\xbf" + document.encode()) == json.loads(document)  # a UTF-8 BOM


@pytest.mark.parametrize(
    ("document", "line", "column"),
    [
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), 1, MAX_DEPTH + 1),
        ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", 1, 6 + MAX_DEPTH),
        ("[" * 100_000, 1, MAX_DEPTH + 1),  # never closed: json.loads would recurse first
        ('{"a": "x",\n "b": ' + "{" * 100 + "}" * 100 + "}", 2, 6 + MAX_DEPTH),
    ],
)
def test_deeper_than_the_bound_is_malformed_json(document: str, line: int, column: int) -> None:
    with pytest.raises(DeepDocumentError) as info:
        loads(document)
    assert isinstance(info.value, json.JSONDecodeError)  # what callers already handle
    assert f"more than {MAX_DEPTH} levels" in info.value.msg
    assert (info.value.lineno, info.value.colno) == (line, column)  # where the level opens


def test_json_object_is_the_object_or_nothing() -> None:
    assert json_object(b'{"usage": {"total_tokens": 3}}') == {"usage": {"total_tokens": 3}}
    assert json_object(b"[1, 2]") == {}
    assert json_object(b"<html>") == {}
    assert json_object(b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}") == {}
    assert json_object(b"\xff\xfe\x00") == {}  # not text in any JSON encoding


def test_deep_toml_is_a_toml_error() -> None:
    assert load_toml("[models.a]\ninput = [[1], [2]]\n") == {"models": {"a": {"input": [[1], [2]]}}}
    with pytest.raises(tomllib.TOMLDecodeError, match="nested too deeply"):
        load_toml("input = " + "[" * 100_000 + "]" * 100_000)
