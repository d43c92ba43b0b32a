"""Chinese: the language of the user's reference report (../shared/spec/seed-report.md).

Every string here is printed in reports exactly as written; the layout tests hold them to the
seed byte for byte.
"""

from __future__ import annotations

from . import Language

ZH = Language(
    code="zh",
    brief_head="{who}发布了《{title}》论文",
    brief_clauses={
        "method": "使用{phrase}",
        "problem": "解决了{phrase}",
        "result": "达成了{phrase}的效果",
    },
    clause_joiner="，",
    brief_end="。",
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
        "fell_back": "LLM未能生成本条简报，以上简报由离线引擎依据论文原文起草",
        "duplicate": "同一论文的另一份文件: {detail}",
        "unchecked": "核对未通过（重问一次后仍然如此，请对照原文）: {detail}",
        "offline_report": "本报告的简报由离线引擎依据论文原文摘录而成，未经大模型整理",
        "offline_some": "其中{detail}篇简报由离线引擎依据论文原文摘录而成，未经大模型整理",
    },
    former_notices={"fell_back": "LLM未能生成本条简报，以下简报由离线引擎起草: {detail}"},
    parts={"method": "方法", "problem": "所解决的问题", "result": "结果", "institutions": "机构"},
    reasons={
        "form": "简报略去了{part}：它不是一个合格的短语（{value}），请对照原文",
        "quote": "简报略去了{part}：它所引的原文在论文中找不到，请对照原文",
        "term": "简报略去了{part}：其中的{value}在论文中找不到，请对照原文",
        "figure": "简报略去了{part}：其中的数字{value}不在它所引的原文里，请对照原文",
        "name": "简报略去了{part}：未写出原文给出的方法名称{value}，请对照原文",
        "filler": "简报略去了{part}：只有空泛的说法，请对照原文",
        "institution": "简报略去了机构“{value}”：论文所列的机构中没有它",
        "chinese_name": "机构的中文名未经核实，简报中用英文名：{value}",
        "not_found": "简报略去了{part}：离线引擎在论文原文中没有找到对它的表述，请对照原文",
    },
    view={
        "contents": "目录",
        "overview": "概览",
        "by_institution": "按机构",
        "by_year": "按年份",
        "by_category": "按arXiv分类",
        "filter": "筛选：标题、机构、简报中的词",
        "shown": "显示 {shown} / {total} 篇",
        "to_details": "详细信息",
        "to_brief": "返回简报",
        "offline": "本条简报由离线引擎依据论文原文摘录而成，未经大模型整理",
        "arxiv": "arXiv",
        "doi": "DOI",
        "pdf": "PDF",
    },
)
