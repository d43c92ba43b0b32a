"""Name a report's topic without an LLM: a keyword table scored over the batch.

The LLM engine asks the model for the batch's field (extract.Extractor.topic); offline, each
paper votes for the topic of digest/data/topics.tsv its title (x3) and abstract match most, and
the report is named after the topic most papers share, when at least 40% of them share it.
Deterministic: ties go to the table's order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from .models import Paper
from .tables import tsv_rows

__all__ = ["topic_offline", "topic_table"]

MIN_SHARE = 0.4
MIN_SCORE = 3


@cache
def topic_table() -> tuple[tuple[str, re.Pattern[str]], ...]:
    rows = tsv_rows("topics.tsv")
    return tuple((topic, re.compile(pattern, re.IGNORECASE)) for topic, pattern in rows)


def _paper_topic(paper: Paper) -> str | None:
    best, best_score = None, 0
    for topic, pattern in topic_table():
        score = 3 * len(pattern.findall(paper.title)) + len(pattern.findall(paper.abstract))
        if score > best_score:
            best, best_score = topic, score
    return best if best_score >= MIN_SCORE else None


def topic_offline(papers: Sequence[Paper]) -> str | None:
    """The topic most of the papers share, or None when no topic has a clear share."""
    if not papers:
        return None
    votes = Counter(t for t in (_paper_topic(p) for p in papers) if t is not None)
    if not votes:
        return None
    order = [topic for topic, _ in topic_table()]
    topic, count = max(votes.items(), key=lambda item: (item[1], -order.index(item[0])))
    return topic if count >= MIN_SHARE * len(papers) else None
