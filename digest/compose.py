"""Compose: the one-paragraph brief, assembled by code so its form never drifts.

    {机构}发布了《{title}》论文，使用{method}，解决了{problem}，达成了{result}的效果。

The LLM (or the offline engine) only fills the three phrases and the institutions; the frame, the
punctuation and the full original title inside 《》 come from the report's language
(digest.language).
"""

from __future__ import annotations

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


def compose_brief(title: str, facts: PaperFacts, language: Language = ZH) -> str:
    """The brief paragraph: one line, the full title in the language's quotation marks."""
    clean_title = one_line(title)
    for mark, inside in zip(language.title_quotes, language.title_quotes_inside, strict=True):
        clean_title = clean_title.replace(mark, inside)
    return language.brief.format(
        who=_who(facts.institutions, language),
        title=clean_title,
        method=one_line(facts.method),
        problem=one_line(facts.problem),
        result=one_line(facts.result),
    )
