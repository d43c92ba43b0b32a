"""Render: the report as Markdown (the seed report's layout, byte for byte) or JSON.

Layout (see ../shared/spec/seed-report.md; every word comes from the report's language,
digest.language):

    # {title}
    生成时间: YYYY-MM-DD HH:MM:SS
    分析论文数量: N篇

    ## 论文技术简报

    ### 1. {paper title}

    {brief}

    ## 论文详细信息

    ### 1. {paper title}

    **主要机构**: {institutions, comma-separated}
    **作者数量**: N人

    **摘要**:
    {abstract}

Beyond the seed: a paper with notices (e.g. no abstract found) shows them as `> 注意:` lines
where the reader looks, instead of an empty field, and papers that could not be processed are
listed under `## 处理失败的文件` with the cause.
"""

from __future__ import annotations

from .language import Language
from .language.zh import ZH
from .models import BRIEF_NOTICES, Notice, PaperResult, Report
from .strings import markdown_text

__all__ = ["engine_note", "render_json", "render_markdown", "rewrite_brief"]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def render_markdown(report: Report, language: Language = ZH) -> str:
    papers = report.succeeded
    lines = [
        f"# {_line(report.title)}",
        language.generated_at.format(time=report.generated_at.strftime(TIME_FORMAT)),
        language.paper_count.format(count=len(papers)),
        *engine_note(papers, language),
        "",
        language.briefs_heading,
        "",
    ]
    for i, result in enumerate(papers, 1):
        lines += [*_brief_block(i, result, language), ""]
    lines += [language.details_heading, ""]
    for i, result in enumerate(papers, 1):
        lines += [*_details_block(i, result, language), ""]
    if report.failed:
        lines += [language.failed_heading, ""]
        lines += [f"- {_line(result.source)}: {_line(result.error)}" for result in report.failed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def engine_note(papers: list[PaperResult], language: Language) -> list[str]:
    """Once, under the header: which briefs were drafted without a model (none: no line)."""
    offline = sum(1 for r in papers if r.extraction and r.extraction.engine == "offline")
    if not offline:
        return []
    if offline == len(papers):
        return [language.note_line.format(text=language.notice("offline_report"))]
    return [language.note_line.format(text=language.notice("offline_some", str(offline)))]


def _details(result: PaperResult, language: Language) -> list[str]:
    paper = result.paper
    assert paper is not None, "only successful papers have details"
    count = len(paper.authors)
    authors = language.author_count.format(count=count) if count else language.unknown_count
    lines = [
        language.institutions_line.format(
            names=language.institutions_separator.join(map(_line, result.institutions))
        ),
        language.authors_line.format(count=authors),
        "",
        language.abstract_label,
    ]
    if paper.abstract:
        lines.append(_line(paper.abstract))
    lines += [_note(n, language) for n in result.warnings if n.code not in BRIEF_NOTICES]
    return lines


def _note(notice: Notice, language: Language) -> str:
    return language.note_line.format(text=_line(language.notice(notice.code, notice.detail)))


def _line(text: str | None) -> str:
    """Every text the report prints, whatever its origin (the paper, the LLM, an endpoint's
    error page), as one line of plain text: it can never open a heading, a list or a new
    paragraph, make a link, emphasis or HTML, nor send a control character to a terminal."""
    return markdown_text(text)


def rewrite_brief(
    markdown: str, report: Report, index: int, previous: PaperResult, language: Language = ZH
) -> tuple[str, str | None]:
    """The Markdown report with paper `index`'s brief and details changed from `previous` to
    its own in `report`, and nothing else touched. When that cannot be done (the paper had
    failed, so the numbering changes; the text no longer holds them as they were rendered) the
    whole report is rendered again. Returns the new text and, when it was re-rendered, why."""
    fresh = report.papers[index]
    number = sum(1 for r in report.papers[: index + 1] if r.status == "ok")
    if previous.status != "ok":
        why = "the paper had failed, so the report's numbering changes"
        return render_markdown(report, language), why
    briefs_at = markdown.find(f"\n{language.briefs_heading}\n")
    details_at = markdown.find(f"\n{language.details_heading}\n")
    block = "\n" + "\n".join(_brief_block(number, previous, language)) + "\n"
    at = markdown.find(block, briefs_at)
    if briefs_at < 0 or at < 0 or (details_at >= 0 and at > details_at):
        why = f"brief {number} ({fresh.title}) is not in the report as it was rendered"
        return render_markdown(report, language), why
    updated = "\n" + "\n".join(_brief_block(number, fresh, language)) + "\n"
    text = markdown[:at] + updated + markdown[at + len(block) :]
    # the paper's details carry notes and institutions of the old answer too
    old_details = "\n".join(_details_block(number, previous, language)) + "\n"
    details_at = text.find(f"\n{language.details_heading}\n")
    found = text.find("\n" + old_details, details_at) if details_at >= 0 else -1
    if found < 0:
        why = f"the details of paper {number} are not in the report as they were rendered"
        return render_markdown(report, language), why
    new_details = "\n".join(_details_block(number, fresh, language)) + "\n"
    text = text[: found + 1] + new_details + text[found + 1 + len(old_details) :]
    return _withengine_note(text, report, index, previous, language), None


def _withengine_note(
    text: str, report: Report, index: int, previous: PaperResult, language: Language
) -> str:
    """The header's note on offline briefs as it is now that paper `index` was redone."""
    before = [previous if i == index else r for i, r in enumerate(report.papers)]
    old = engine_note([r for r in before if r.status == "ok"], language)
    new = engine_note(report.succeeded, language)
    if old == new:
        return text
    count = language.paper_count.format(count=len(report.succeeded))
    head = "\n".join([count, *old]) + "\n"
    at = text.find(head)
    if at < 0:  # the header is not as rendered: leave it
        return text
    return text[:at] + "\n".join([count, *new]) + "\n" + text[at + len(head) :]


def _details_block(number: int, result: PaperResult, language: Language) -> list[str]:
    return [f"### {number}. {_line(result.title)}", "", *_details(result, language)]


def _brief_block(number: int, result: PaperResult, language: Language) -> list[str]:
    """A brief as the report prints it: its heading, the paragraph, and right under it the
    notes on what it left out."""
    notes = [_note(n, language) for n in result.warnings if n.code in BRIEF_NOTICES]
    return [f"### {number}. {_line(result.title)}", "", _line(result.brief), *notes]


def render_json(report: Report, language: Language = ZH) -> str:
    """Every field of every paper; notices worded in the report's language."""
    return report.model_dump_json(indent=2, context={"language": language}) + "\n"
