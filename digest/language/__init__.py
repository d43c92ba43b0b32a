"""The report's language: every string a reader of the report sees, in one place per language.

Code builds the report's frame (headings, labels, the brief's sentence, notes) from a
:class:`Language`; the LLM and the offline engine only fill its slots. Notices are stored as
codes with their data (:class:`~digest.models.Notice`) and worded here, when the report is
rendered, so stored runs never depend on the wording.

To add a language: a module beside ``zh.py`` that builds a ``Language``, and an entry in
``LANGUAGES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["LANGUAGES", "Language", "get_language"]


@dataclass(frozen=True)
class Language:
    """Every reader-facing string of a report, and the brief's frame."""

    code: str
    # -- the brief: a head "{who}...{title}...", then one clause per phrase ("...{method}",
    # "...{problem}", "...{result}..."), joined, and an end mark; a clause its evidence does
    # not support is left out
    brief_head: str
    brief_clauses: Mapping[str, str]  # "method" | "problem" | "result" -> "...{phrase}..."
    clause_joiner: str
    brief_end: str
    no_institution: str  # `who` when no institution is known
    name_joiner: str  # between institution names in `who`
    more_institutions: str  # `who` when more than `max_named` are known: "{names}..."
    max_named: int
    title_quotes: tuple[str, str]  # around the title in the brief
    title_quotes_inside: tuple[str, str]  # what the same marks become inside a title
    frame_prefixes: tuple[str, ...]  # words the frame adds before a phrase: stripped from it
    result_suffix: str  # words the frame adds after the result: stripped from it
    # -- the report
    report_title: str  # "{topic}..." when the batch's topic is known
    untitled: str  # the heading when it is not
    topic_suffixes: tuple[str, ...]  # a topic must not end with these (report_title adds them)
    generated_at: str  # "...{time}"
    paper_count: str  # "...{count}..."
    briefs_heading: str
    details_heading: str
    failed_heading: str
    institutions_line: str  # "...{names}"
    institutions_separator: str
    authors_line: str  # "...{count}"
    author_count: str  # "{count}..."
    unknown_count: str
    abstract_label: str
    note_line: str  # "...{text}": a notice under a paper's details (or under its brief)
    notices: Mapping[str, str]  # Notice.code -> "...{detail}..." (a wording may leave out
    # its detail: an LLM's error text is for the JSON and stderr, not the reader's language)
    # -- what the brief left out, and why: the "unsupported" notice, worded from its data
    parts: Mapping[str, str]  # Unsupported.part -> its name in the reader's words
    reasons: Mapping[str, str]  # Unsupported.reason -> "...{part}...{value}..." (and
    # "{reason}_unnamed": its wording when there is no value to name)
    # -- the HTML view's own words (digest.html): table of contents, overview, links, filter
    view: Mapping[str, str] = field(default_factory=dict)
    # -- wordings of notices used before (Notice.code -> template): read_notice still knows them
    former_notices: Mapping[str, str] = field(default_factory=dict)

    def notice(self, code: str, detail: str = "") -> str:
        """A notice in words. Codes without a template (free text kept from an older store)
        print their detail as it is. An "unsupported" notice's detail is "part|reason|value"."""
        if code == "unsupported":
            part, reason, value = [*detail.split("|", 2), "", ""][:3]
            unnamed = self.reasons.get(f"{reason}_unnamed") if not value else None
            return (unnamed or self.reasons.get(reason, "{part}: {value}")).format(
                part=self.parts.get(part, part), value=value
            )
        template = self.notices.get(code)
        return detail if template is None else template.format(detail=detail)

    def read_notice(self, text: str) -> tuple[str, str]:
        """(code, detail) of a notice worded by this language: only for records stored before
        notices were kept as codes. Text no template words is kept as free text ("text")."""
        wordings = [*self.notices.items(), *self.former_notices.items()]
        for code, template in wordings:
            head, placeholder, _ = template.partition("{detail}")
            if placeholder and text.startswith(head):
                return code, text[len(head) :]
            if not placeholder and text == template:
                return code, ""
        return "text", text


def get_language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise ValueError(f"unknown report language {code!r}; known: {sorted(LANGUAGES)}") from None


def _languages() -> dict[str, Language]:
    from .zh import ZH

    return {ZH.code: ZH}


LANGUAGES: Mapping[str, Language] = _languages()
