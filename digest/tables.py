"""The data tables that ship with paper-digest (digest/data/*.tsv), read one way.

A table is UTF-8 text: one row a line, its key, a tab, and its value; blank lines and lines
starting with "#" are comments. The modules that own a table give its rows their meaning
(topics.py, venues.py, offline/institutions.py).
"""

from __future__ import annotations

from importlib import resources

__all__ = ["tsv_rows"]


def tsv_rows(name: str) -> list[tuple[str, str]]:
    """The (key, value) rows of digest/data/`name`; a row without a tab is an error (the table
    is broken, not a row to guess at)."""
    text = resources.files("digest").joinpath(f"data/{name}").read_text(encoding="utf-8")
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        key, tab, value = line.partition("\t")
        if not tab:
            raise ValueError(f"digest/data/{name}, line {number}: no tab between key and value")
        rows.append((key, value))
    return rows
