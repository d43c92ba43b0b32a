"""What a parsing worker process runs before its first paper: logging like its parent's.

Workers are spawned (a fresh interpreter each) and import what the functions they are given
live in, so this module imports nothing but logging: a worker loads this and digest.pdf, never
the pipeline, the LLM client or tiktoken.
"""

from __future__ import annotations

import logging

__all__ = ["LOGGERS", "quiet_like_parent"]

LOGGERS = ("", "digest", "pypdf")


def quiet_like_parent(levels: dict[str, int]) -> None:
    """In a worker: log no more than the parent process would (e.g. no pypdf noise without -v)."""
    logging.basicConfig(level=levels[""], format="%(levelname)s %(name)s: %(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
