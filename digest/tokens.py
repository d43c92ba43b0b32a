"""Token counting with tiktoken: the model's encoding, else o200k_base.

When the encoding cannot be loaded (tiktoken downloads it on first use, which fails offline),
counts fall back to an approximation, announced once: one token per CJK character plus one per 4
other characters, rounded up, which overestimates English text by roughly 10-25% and so stays
inside any budget. tiktoken is imported when the first counter is asked for, not before.

Loading an encoding is most of what a run does before its first request after importing the LLM
client: tiktoken reads its 200,000-line BPE file (base64 per line) into a dict, ~0.15 s, then
builds the Rust encoder, ~0.1 s. The dict is kept in this tool's cache folder in marshal form,
which reads in ~0.03 s: for the encodings tiktoken itself defines and pins by hash
(tiktoken_ext.openai_public), one file per encoding, tiktoken version and Python version.
`DIGEST_CACHE_DIR` moves the folder (default: the user cache folder, ~/.cache/paper-digest on
Linux); set to an empty value, nothing is cached. A cache file that cannot be read is ignored.
"""

from __future__ import annotations

import logging
import marshal
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import tiktoken

__all__ = [
    "CACHE_ENV",
    "DEFAULT_ENCODING",
    "TokenCounter",
    "approximate_tokens",
    "cache_dir",
    "encoding_cache_file",
    "forget_counters",
    "get_counter",
    "load_encoding",
    "loaded_counter",
]

log = logging.getLogger(__name__)

DEFAULT_ENCODING = "o200k_base"
CACHE_ENV = "DIGEST_CACHE_DIR"
_CACHE_FORMAT = 1  # of the tuple in a cache file (below)
_WARNED: list[str] = []  # encodings that could not be loaded (warned about once)
_LOADED: dict[tuple[str, str | None], TokenCounter] = {}  # get_counter's, by (model, encoding)
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens of one encoding; `approximate` when tiktoken was unavailable."""

    encoding: str
    count: Callable[[str], int]
    approximate: bool = False


def approximate_tokens(text: str) -> int:
    cjk = len(_CJK.findall(text))
    return cjk + math.ceil((len(text) - cjk) / 4)


def get_counter(model: str, encoding: str | None = None) -> TokenCounter:
    """The counter for a model: its own tiktoken encoding if known, else o200k_base.

    Kept once made, so a failing load is tried, and warned about, once per process.
    """
    counter = _LOADED.get((model, encoding))
    if counter is None:
        counter = _LOADED[model, encoding] = _load_counter(model, encoding)
    return counter


def loaded_counter(model: str, encoding: str | None = None) -> TokenCounter | None:
    """The counter get_counter gave for this model, None when it has not been asked for yet
    (for an estimate that should not wait ~0.2 s for the tokenizer to load)."""
    return _LOADED.get((model, encoding))


def _load_counter(model: str, encoding: str | None) -> TokenCounter:
    import tiktoken

    name = encoding
    if name is None:
        try:
            name = tiktoken.encoding_name_for_model(model)
        except KeyError:
            name = DEFAULT_ENCODING
    try:
        enc = load_encoding(name)
    except Exception as err:  # network, cache dir, unknown name: never fatal
        log.log(
            logging.WARNING if not _WARNED else logging.DEBUG,  # once per process, not per model
            "tiktoken encoding %s unavailable (%s); counting tokens approximately "
            "(1 per CJK character + 1 per 4 other characters). Set TIKTOKEN_CACHE_DIR to a "
            "folder holding the encoding to count exactly.",
            name,
            type(err).__name__,
        )
        _WARNED.append(name)
        return TokenCounter(encoding=name, count=approximate_tokens, approximate=True)
    return TokenCounter(
        encoding=name, count=lambda text: len(enc.encode(text, disallowed_special=()))
    )


def load_encoding(name: str) -> tiktoken.Encoding:
    """tiktoken's encoding `name`, its tables read from the cache when they are there, else
    loaded by tiktoken (and then cached, when tiktoken pins them)."""
    import tiktoken

    path = encoding_cache_file(name, tiktoken.__version__)
    if path is not None and (tables := _read_tables(path, name)) is not None:
        pat_str, special_tokens, ranks = tables
        return tiktoken.Encoding(
            name, pat_str=pat_str, mergeable_ranks=ranks, special_tokens=special_tokens
        )
    enc = tiktoken.get_encoding(name)
    if path is not None and _pinned_by_tiktoken(name):
        _write_tables(path, name, enc)
    return enc


def cache_dir() -> Path | None:
    """This tool's cache folder; None when DIGEST_CACHE_DIR is set empty (no cache)."""
    configured = os.environ.get(CACHE_ENV)
    if configured is not None:
        return Path(configured).expanduser() if configured.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("paper-digest"))


def encoding_cache_file(name: str, tiktoken_version: str) -> Path | None:
    """Where the tables of encoding `name` are cached (None: no cache). A file per tiktoken
    version (its tables) and Python version (marshal's format)."""
    folder = cache_dir()
    if folder is None or not re.fullmatch(r"[\w.-]+", name):
        return None
    python = "{}.{}".format(*sys.version_info[:2])
    return folder / "tiktoken" / f"{name}-tiktoken{tiktoken_version}-py{python}.marshal"


def _pinned_by_tiktoken(name: str) -> bool:
    """True for the encodings tiktoken defines itself, whose files it checks by hash: their
    tables are fixed by tiktoken's version. A plugin's encoding is not cached."""
    from tiktoken import registry

    constructor = (registry.ENCODING_CONSTRUCTORS or {}).get(name)
    return getattr(constructor, "__module__", None) == "tiktoken_ext.openai_public"


def _read_tables(path: Path, name: str) -> tuple[str, dict[str, int], dict[bytes, int]] | None:
    try:
        data: Any = marshal.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError, TypeError) as err:
        log.debug("%s: unreadable token cache (%s); loading with tiktoken", path, err)
        return None
    if (
        not isinstance(data, tuple)
        or len(data) != 5
        or data[:2] != (_CACHE_FORMAT, name)
        or not isinstance(data[2], str)
        or not isinstance(data[3], dict)
        or not isinstance(data[4], dict)
        or not data[4]
    ):
        log.debug("%s: not a token cache of %s; loading with tiktoken", path, name)
        return None
    return data[2], data[3], data[4]


def _write_tables(path: Path, name: str, enc: tiktoken.Encoding) -> None:
    """Cache the tables (pattern, special tokens, ranks) of a loaded encoding; written to a
    temporary file and renamed, so a reader never sees half a file. Failing is only slower."""
    # _pat_str, _special_tokens and _mergeable_ranks are what tiktoken's README shows for
    # building an Encoding from another ("Extending tiktoken").
    tables = (_CACHE_FORMAT, name, enc._pat_str, enc._special_tokens, enc._mergeable_ranks)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(marshal.dumps(tables))
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as err:
        log.debug("%s: token cache not written (%s)", path, err)


def forget_counters() -> None:
    """Load the encodings again on the next get_counter, and warn again (for tests)."""
    _LOADED.clear()
    _WARNED.clear()
