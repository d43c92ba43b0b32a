"""Compose: the one-paragraph brief, assembled by code so its form never drifts.

    {机构}发布了《{title}》论文，使用{method}，解决了{problem}，达成了{result}的效果。

The LLM (or the offline engine) only fills the three phrases and the institutions; the frame, the
punctuation and the full original title inside 《》 come from the report's language
(digest.language). A phrase its evidence does not support (digest.checks) is left out with its
clause: "{机构}发布了《{title}》论文，使用{method}，解决了{problem}。" is still one sentence.
"""

from __future__ import annotations

from collections.abc import Collection

from .facts import Institution, PaperFacts
from .institutions import merge_institutions
from .language import Language
from .language.zh import ZH
from .strings import one_line

__all__ = ["compose_brief"]


def _who(institutions: list[Institution], language: Language) -> str:
    names = merge_institutions((i.name_zh or i.name) for i in institutions)
    if not names:
        return language.no_institution
    if len(names) > language.max_named:
        shown = language.name_joiner.join(names[: language.max_named])
        return language.more_institutions.format(names=shown)
    return language.name_joiner.join(names)


def compose_brief(
    title: str,
    facts: PaperFacts,
    language: Language = ZH,
    *,
    left_out: Collection[str] = (),
    institutions: list[Institution] | None = None,
) -> str:
    """The brief paragraph: one line, the full title in the language's quotation marks, a
    clause per phrase except the phrases in `left_out` (their evidence does not support them).
    `institutions` stand in for the facts' when given (the parser's, when the LLM named none)."""
    clean_title = one_line(title)
    for mark, inside in zip(language.title_quotes, language.title_quotes_inside, strict=True):
        clean_title = clean_title.replace(mark, inside)
    head = language.brief_head.format(
        who=_who(facts.institutions if institutions is None else institutions, language),
        title=clean_title,
    )
    clauses = [
        template.format(phrase=one_line(getattr(facts, part)))
        for part, template in language.brief_clauses.items()
        if part not in left_out
    ]
    return language.clause_joiner.join([head, *clauses]) + language.brief_end
