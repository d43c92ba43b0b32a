"""Documents from outside the code (an API's answer, a user's file) parsed so that a hostile one
fails as unreadable, never as a RecursionError that takes the run down with it.

loads       json.loads with a bound on nesting: json.JSONDecodeError past MAX_DEPTH levels
json_object the document's JSON object, or {} for anything else (deep, malformed, a list)
load_toml   tomllib.loads, a document nested past Python's recursion limit a TOMLDecodeError

Both raise the error their caller already handles for a malformed document, so each caller
turns a deep one into its own "unreadable" error (an InputError, a failed lookup, a ConfigError).
"""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

__all__ = ["MAX_DEPTH", "DeepDocumentError", "json_object", "load_toml", "loads"]

# Deepest honest document we read: a Batch API output line (8 levels: line, response, body,
# choices, message, tool_calls, function, ...); a Crossref record 6, an abstract file 3. 64
# leaves room for any of them and stays far below Python's recursion limit (1000) for whatever
# walks the result (repr, pydantic, json.dumps).
MAX_DEPTH = 64

# a JSON string (escapes included, so a bracket inside one is not counted), or a bracket
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


class DeepDocumentError(json.JSONDecodeError):
    """The document nests deeper than MAX_DEPTH levels (a JSONDecodeError: where it handles
    malformed JSON, a caller handles this too)."""

    def __init__(self, doc: str, pos: int) -> None:
        super().__init__(f"nested more than {MAX_DEPTH} levels deep", doc, pos)


def loads(document: str | bytes | bytearray) -> Any:
    """`document` parsed as json.loads would; DeepDocumentError when nested too deep (checked
    before parsing: json.loads recurses once per level)."""
    text = _decoded(document)
    where = _too_deep_at(text)
    if where is not None:
        raise DeepDocumentError(text, where)
    try:
        return json.loads(text)
    except RecursionError:  # the bound is far below the limit: only a stack already deep
        raise DeepDocumentError(text, 0) from None  # the traceback would be noise


def json_object(document: str | bytes | bytearray) -> dict[str, Any]:
    """The document's JSON object; {} when it is not JSON, is nested too deep, or is no object."""
    try:
        data = loads(document)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def load_toml(text: str) -> dict[str, Any]:
    """tomllib.loads; a document nested past the recursion limit is a TOMLDecodeError."""
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise tomllib.TOMLDecodeError("nested too deeply to read") from None  # noise


def _decoded(document: str | bytes | bytearray) -> str:
    """The text as json.loads reads bytes: UTF-8, -16 or -32, told apart by their first bytes."""
    if isinstance(document, str):
        return document
    return bytes(document).decode(json.detect_encoding(document), "surrogatepass")


def _too_deep_at(text: str) -> int | None:
    """Where `text` first opens a level past MAX_DEPTH (strings skipped), or None."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None  # cannot be: the common case, at the speed of str.count
    depth = 0
    for token in _TOKEN.finditer(text):
        bracket = text[token.start()]
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return token.start()
        elif bracket != '"':
            depth -= 1
    return None
