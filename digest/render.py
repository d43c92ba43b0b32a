"""Render: the report as Markdown (the seed report's layout, byte for byte) or JSON.

Layout (see ../shared/spec/seed-report.md):

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

Beyond the seed: a paper with warnings (e.g. no abstract found) shows them as `> 注意:` lines
where the reader looks, instead of an empty field, and papers that could not be processed are
listed under `## 处理失败的文件` with the cause.
"""

from __future__ import annotations

from .models import PaperResult, Report

__all__ = ["render_json", "render_markdown", "replace_brief"]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


def render_markdown(report: Report) -> str:
    papers = report.succeeded
    lines = [
        f"# {report.title}",
        f"生成时间: {report.generated_at.strftime(TIME_FORMAT)}",
        f"分析论文数量: {len(papers)}篇",
        "",
        "## 论文技术简报",
        "",
    ]
    for i, result in enumerate(papers, 1):
        lines += [f"### {i}. {result.title}", "", result.brief or "", ""]
    lines += ["## 论文详细信息", ""]
    for i, result in enumerate(papers, 1):
        lines += [f"### {i}. {result.title}", "", *_details(result), ""]
    if report.failed:
        lines += ["## 处理失败的文件", ""]
        lines += [f"- {result.source}: {result.error}" for result in report.failed]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _details(result: PaperResult) -> list[str]:
    paper = result.paper
    assert paper is not None, "only successful papers have details"
    authors = f"{len(paper.authors)}人" if paper.authors else "未知"
    lines = [
        f"**主要机构**: {', '.join(result.institutions)}",
        f"**作者数量**: {authors}",
        "",
        "**摘要**:",
    ]
    if paper.abstract:
        lines.append(paper.abstract)
    for warning in result.warnings:
        lines.append(f"> 注意: {warning}")
    return lines


def replace_brief(markdown: str, number: int, title: str, old: str, new: str) -> str:
    """The report with brief `number` changed from `old` to `new` and nothing else touched.

    Raises ValueError when the report no longer holds that brief as it was rendered.
    """
    briefs_at = markdown.find("\n## 论文技术简报\n")
    details_at = markdown.find("\n## 论文详细信息\n")
    block = f"\n### {number}. {title}\n\n{old}\n"
    at = markdown.find(block, briefs_at)
    if briefs_at < 0 or at < 0 or (details_at >= 0 and at > details_at):
        raise ValueError(f"brief {number} ({title}) is not in the report as it was rendered")
    fresh = f"\n### {number}. {title}\n\n{new}\n"
    return markdown[:at] + fresh + markdown[at + len(block) :]


def render_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"
