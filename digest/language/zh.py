"""Chinese: the language of the user's reference report (../shared/spec/seed-report.md).

Every string here is printed in reports exactly as written; the layout tests hold them to the
seed byte for byte.
"""

from __future__ import annotations

from . import Language

ZH = Language(
    code="zh",
    brief="{who}发布了《{title}》论文，使用{method}，解决了{problem}，达成了{result}的效果。",
    no_institution="相关研究机构",
    name_joiner="、",
    more_institutions="{names}等机构",
    max_named=3,
    title_quotes=("《", "》"),
    title_quotes_inside=("〈", "〉"),
    frame_prefixes=("使用了", "使用", "采用", "解决了", "解决", "达成了", "达成", "实现了"),
    result_suffix="的效果",
    report_title="{topic}技术论文分析报告",
    untitled="论文分析报告",
    topic_suffixes=("技术论文分析报告", "论文分析报告", "分析报告", "技术", "论文"),
    generated_at="生成时间: {time}",
    paper_count="分析论文数量: {count}篇",
    briefs_heading="## 论文技术简报",
    details_heading="## 论文详细信息",
    failed_heading="## 处理失败的文件",
    institutions_line="**主要机构**: {names}",
    institutions_separator=", ",
    authors_line="**作者数量**: {count}",
    author_count="{count}人",
    unknown_count="未知",
    abstract_label="**摘要**:",
    note_line="> 注意: {text}",
    notices={
        "no_abstract": "未能从PDF中提取到摘要，请核对原文",
        "no_authors": "未能从PDF中识别出作者，作者数量未知",
        "fell_back": "LLM未能生成本条简报，以下简报由离线引擎起草: {detail}",
        "duplicate": "同一论文的另一份文件: {detail}",
        "unchecked": "核对未通过（重问一次后仍然如此，请对照原文）: {detail}",
    },
)
