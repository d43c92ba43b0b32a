"""Abstract files written by hand: one or more papers as title, authors and abstract.

The file type is chosen by extension; every file is UTF-8. A file holding several papers gives
each the source ``path#n`` (n from 1), a file with one paper the source ``path``.

``.txt`` - header lines ``Key: value`` up to the first blank line, then the abstract (its
paragraphs are joined with a space). Keys, case-insensitive: ``Title`` (required), ``Authors``
(separated by ``;`` when the line has one, else by ``,`` or `` and ``), ``Affiliations`` (separated
by ``;``), ``arXiv`` (an ID such as ``1706.03762v7`` or an arxiv.org URL) and ``Categories``
(separated by ``,`` or spaces). A line holding only ``---`` separates papers::

    Title: Attention Is All You Need
    Authors: Ashish Vaswani, Noam Shazeer and Niki Parmar
    Affiliations: Google Brain; Google Research
    arXiv: 1706.03762v7
    Categories: cs.CL, cs.LG

    The dominant sequence transduction models are based on complex recurrent or
    convolutional neural networks ...
    ---
    Title: BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding
    Authors: Jacob Devlin; Ming-Wei Chang; Kenton Lee; Kristina Toutanova

    We introduce a new language representation model called BERT ...

``.md`` - the same, except that a first line ``# Title`` may replace the ``Title:`` line and an
optional ``## Abstract`` heading before the abstract is dropped::

    # Attention Is All You Need

    Authors: Ashish Vaswani, Noam Shazeer and Niki Parmar
    Affiliations: Google Brain; Google Research

    ## Abstract

    The dominant sequence transduction models are based on ...

``.json`` - one object or a list of objects; ``.jsonl`` - one object per line. Keys: ``title``
(required), ``authors`` and ``affiliations`` (a list, or a string split as above), ``abstract``,
``arxiv_id`` and ``categories`` (optional); other keys are ignored::

    {"title": "Attention Is All You Need", "authors": ["Ashish Vaswani", "Noam Shazeer"],
     "affiliations": ["Google Brain"], "abstract": "The dominant ...", "arxiv_id": "1706.03762"}

A malformed file (no title, bad JSON, an unknown header or extension) raises
:class:`~digest.errors.InputError` saying what is wrong and where; JSON nested deeper than any
paper's data (digest.untrusted.MAX_DEPTH levels) raises its subclass TooDeepError.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digest.errors import InputError, TooDeepError, TooLargeError
from digest.ids import content_sha256, parse_arxiv_id
from digest.inputs import MAX_TEXT_BYTES, too_large
from digest.models import Paper
from digest.strings import one_line
from digest.untrusted import MAX_DEPTH, DeepDocumentError, loads

__all__ = ["SUFFIXES", "read_abstracts"]

SUFFIXES = (".txt", ".md", ".json", ".jsonl")
MAX_ABSTRACT_CHARS = 20_000  # abstracts run to 2,000; more is a paper's whole text or noise
_KEYS = {"title", "authors", "affiliations", "arxiv", "categories"}
_HEADER = re.compile(r"([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)")
_SEPARATOR = "---"


@dataclass
class _Fields:
    """What one paper of the file says, before it becomes a Paper."""

    where: str
    title: str = ""
    authors: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    abstract: str = ""
    arxiv_id: str | None = None
    categories: list[str] = field(default_factory=list)


def read_abstracts(path: Path, bad: list[tuple[str, InputError]] | None = None) -> list[Paper]:
    """Read a hand-written abstract file (.txt, .md, .json, .jsonl) into papers, origin "text".

    In a .jsonl file each line is a paper of its own: with `bad` given, a line that cannot be
    read is added there as ("file#n", its error) and the other lines are read; a file with no
    readable line at all raises InputError."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            path, f"unknown abstract file type {suffix or '(none)'!r}; use {', '.join(SUFFIXES)}"
        )
    text = _read_text(path)
    if suffix in (".txt", ".md"):
        found: list[_Fields | InputError] = list(_parse_text(path, text, markdown=suffix == ".md"))
    else:
        found = _parse_json(path, text, lines=suffix == ".jsonl")
    if not found:
        raise InputError(path, "no paper in the file")
    papers, count = [], len(found)
    for i, fields in enumerate(found, start=1):
        try:
            if isinstance(fields, InputError):
                raise fields
            papers.append(_to_paper(path, fields, i, count))
        except InputError as err:
            if bad is None or suffix != ".jsonl":
                raise
            bad.append((f"{path}#{i}", err))
    if not papers:
        raise bad.pop(0)[1] if bad else InputError(path, "no paper in the file")
    return papers


def _read_text(path: Path) -> str:
    if (size := too_large(path, MAX_TEXT_BYTES)) is not None:
        raise TooLargeError(path, size)
    try:
        return path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise InputError(path, f"cannot open it: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise InputError(path, f"not UTF-8 text (byte {err.start}); save it as UTF-8") from err


def _to_paper(path: Path, fields: _Fields, index: int, count: int) -> Paper:
    if not fields.title:
        raise InputError(path, f"{fields.where}: no title")
    abstract, warnings = fields.abstract, []
    if len(abstract) > MAX_ABSTRACT_CHARS:  # not an abstract: its first part stands for it
        cut = abstract.rfind(". ", 0, MAX_ABSTRACT_CHARS) + 1 or MAX_ABSTRACT_CHARS
        abstract = abstract[:cut]
        warnings.append(f"{fields.where}: the abstract was cut at {cut:,} characters")
    return Paper(
        source=str(path) if count == 1 else f"{path}#{index}",
        sha256=content_sha256(fields.title, fields.authors, fields.abstract),
        origin="text",
        arxiv_id=fields.arxiv_id,
        categories=fields.categories,
        title=fields.title,
        authors=fields.authors,
        affiliations=fields.affiliations,
        abstract=abstract,
        warnings=warnings,
    )


# --- .txt and .md -------------------------------------------------------------------------------


def _parse_text(path: Path, text: str, *, markdown: bool) -> list[_Fields]:
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == _SEPARATOR:
            blocks.append([])
        else:
            blocks[-1].append((number, line.rstrip()))
    papers = []
    for block in blocks:
        while block and not block[0][1].strip():
            block.pop(0)
        if block:
            papers.append(_parse_block(path, block, markdown=markdown))
    return papers


def _parse_block(path: Path, block: list[tuple[int, str]], *, markdown: bool) -> _Fields:
    start = block[0][0]
    fields = _Fields(where=f"paper starting at line {start}")
    rest = block
    if markdown and re.match(r"#\s", block[0][1]):
        fields.title = one_line(block[0][1][1:])
        rest = _skip_blank(block[1:])
    if rest and _header_key(rest[0][1]) is not None:
        while rest and rest[0][1].strip():
            number, line = rest.pop(0)
            key = _header_key(line)
            if key is None:
                raise InputError(
                    path,
                    f"line {number}: {line.strip()[:40]!r} is not a 'Key: value' header; "
                    f"headers are {', '.join(sorted(_KEYS))}, then a blank line, then the abstract",
                )
            _set_header(path, fields, key, line.split(":", 1)[1].strip(), number)
    body = [line for _, line in _skip_blank(rest)]
    if markdown and body and re.fullmatch(r"##\s*abstract\s*:?", body[0].strip(), re.IGNORECASE):
        body = body[1:]
    paragraphs = "\n".join(body).split("\n\n")
    fields.abstract = " ".join(p for p in (one_line(par) for par in paragraphs) if p)
    if not fields.title:
        raise InputError(path, f"line {start}: no 'Title:' line in this paper's header")
    return fields


def _header_key(line: str) -> str | None:
    match = _HEADER.fullmatch(line.strip())
    if match is None:
        return None
    key = match[1].lower()
    return key if key in _KEYS else None


def _set_header(path: Path, fields: _Fields, key: str, value: str, number: int) -> None:
    if key == "title":
        fields.title = one_line(value)
    elif key == "authors":
        fields.authors = _split_authors(value)
    elif key == "affiliations":
        fields.affiliations = _distinct(value.split(";"))
    elif key == "categories":
        fields.categories = _distinct(re.split(r"[,\s]+", value))
    else:  # arxiv
        fields.arxiv_id = parse_arxiv_id(value)
        if fields.arxiv_id is None:
            raise InputError(
                path, f"line {number}: {value!r} is not an arXiv ID (e.g. 1706.03762v7)"
            )


def _skip_blank(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    index = 0
    while index < len(lines) and not lines[index][1].strip():
        index += 1
    return lines[index:]


# --- .json and .jsonl ---------------------------------------------------------------------------


def _parse_json(path: Path, text: str, *, lines: bool) -> list[_Fields | InputError]:
    """The records of the file; in a .jsonl file a line that cannot be read is its error."""
    if lines:
        records: list[_Fields | InputError] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    obj = _loads(path, line, f"line {number}")
                    records.append(_from_object(path, f"line {number}", obj))
                except InputError as err:
                    records.append(err)
        return records
    data = _loads(path, text, "")
    objects = data if isinstance(data, list) else [data]
    many = isinstance(data, list)
    items = [(f"item {i}" if many else "the object", obj) for i, obj in enumerate(objects, 1)]
    return [_from_object(path, where, obj) for where, obj in items]


def _loads(path: Path, text: str, where: str) -> Any:
    try:
        return loads(text)
    except DeepDocumentError as err:
        line = where or f"line {err.lineno}"
        raise TooDeepError(path, f"{line}, column {err.colno}; at most {MAX_DEPTH} levels") from err
    except json.JSONDecodeError as err:
        line = where or f"line {err.lineno}"
        raise InputError(path, f"invalid JSON at {line}, column {err.colno}: {err.msg}") from err


def _from_object(path: Path, where: str, obj: Any) -> _Fields:
    if not isinstance(obj, dict):
        raise InputError(path, f"{where}: expected a JSON object, got {type(obj).__name__}")
    fields = _Fields(where=where)
    title = obj.get("title")
    if not isinstance(title, str) or not title.strip():
        raise InputError(path, f'{where}: no "title" (a non-empty string is required)')
    fields.title = one_line(title)
    fields.authors = _string_list(path, where, obj, "authors", _split_authors)
    fields.affiliations = _string_list(path, where, obj, "affiliations", lambda v: v.split(";"))
    fields.categories = _string_list(
        path, where, obj, "categories", lambda v: re.split(r"[,\s]+", v)
    )
    abstract = obj.get("abstract", "")
    if not isinstance(abstract, str):
        raise InputError(path, f'{where}: "abstract" must be a string')
    fields.abstract = one_line(abstract)
    raw_id = obj.get("arxiv_id")
    if raw_id not in (None, ""):
        fields.arxiv_id = parse_arxiv_id(raw_id) if isinstance(raw_id, str) else None
        if fields.arxiv_id is None:
            raise InputError(path, f'{where}: "arxiv_id" {raw_id!r} is not an arXiv ID')
    return fields


def _string_list(path: Path, where: str, obj: dict[str, Any], key: str, split: Any) -> list[str]:
    value = obj.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = split(value)
    elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise InputError(path, f"{where}: {key!r} must be a list of strings or a string")
    return _clean(value) if key == "authors" else _distinct(value)


# --- helpers ------------------------------------------------------------------------------------


def _split_authors(value: str) -> list[str]:
    """``A; B`` splits on semicolons only (so ``Smith, J.`` survives); else on commas and "and"."""
    parts = value.split(";") if ";" in value else re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", value)
    return _clean(parts)


def _clean(values: list[str]) -> list[str]:
    """Whitespace collapsed, empty items dropped; duplicates kept (two authors may share a name)."""
    return [v for v in (one_line(value) for value in values) if v]


def _distinct(values: list[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        value = one_line(value)
        if value and value not in seen:
            seen.append(value)
    return seen
