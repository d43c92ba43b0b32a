"""The report as one self-contained HTML page: the Markdown report's sections and wording, with
a table of contents, briefs linked to their details and back, links to arXiv / DOI / the PDF,
visible notes beside a brief drafted offline or carrying a check, an overview drawn as inline
SVG bars, and a filter box. No network: CSS, script and charts are inline.

Rendered with Jinja2, escaped by default: paper text and endpoint errors are always text, never
markup, and pass `digest.strings.plain` (one line, no control or bidi character); a link is an
https URL made from an arXiv ID or DOI, or a PDF's file: or relative URL, never a raw string.
The words are the report language's (digest.language): its Markdown strings with their markup
taken off, and its `view` words for what only the HTML has.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_from_bytes

from .ids import arxiv_url, arxiv_year, doi_url
from .language import Language
from .language.zh import ZH
from .models import BRIEF_NOTICES, PaperResult, Report
from .render import engine_note
from .strings import plain

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BARS = 10  # the most bars a chart draws (the rest are summed as one)


@dataclass
class Bar:
    label: str
    count: int
    width: float  # percent of the chart's width


def render_html(report: Report, language: Language = ZH) -> str:
    papers = report.succeeded
    view = language.view
    items = [_item(i, result, language) for i, result in enumerate(papers, 1)]
    charts = [
        (view["by_institution"], _bars(Counter(plain(n) for r in papers for n in r.institutions))),
        (view["by_year"], _bars(Counter(y for r in papers if (y := _year(r))))),
        (view["by_category"], _bars(Counter(c for r in papers if (c := _category(r))))),
    ]
    return _template().render(
        lang=language.code,
        title=plain(report.title),
        generated=_plain(
            language.generated_at.format(time=report.generated_at.strftime(TIME_FORMAT))
        ),
        count=_plain(language.paper_count.format(count=len(papers))),
        engine_note=[line.removeprefix(">").strip() for line in engine_note(papers, language)],
        briefs_heading=_plain(language.briefs_heading),
        details_heading=_plain(language.details_heading),
        failed_heading=_plain(language.failed_heading),
        institutions_label=_label(language.institutions_line),
        authors_label=_label(language.authors_line),
        abstract_label=_plain(language.abstract_label).rstrip(":："),
        view=view,
        items=items,
        charts=[(name, bars) for name, bars in charts if bars],
        failed=[(plain(r.source), plain(r.error)) for r in report.failed],
    )


def _item(number: int, result: PaperResult, language: Language) -> dict[str, Any]:
    paper = result.paper
    assert paper is not None, "only papers that were read are listed"
    count = len(paper.authors)
    notes = [
        (n.code in BRIEF_NOTICES, plain(language.notice(n.code, n.detail))) for n in result.warnings
    ]
    links = [
        (language.view[kind], url)
        for kind, url in (
            ("arxiv", arxiv_url(paper.arxiv_id)),
            ("doi", doi_url(paper.doi)),
            ("pdf", _file_url(Path(result.source))),
        )
        if url
    ]
    engine = result.extraction.engine if result.extraction else None
    return {
        "number": number,
        "title": plain(result.title),
        "brief": plain(result.brief),
        "brief_notes": [text for under_brief, text in notes if under_brief],
        "detail_notes": [text for under_brief, text in notes if not under_brief],
        "offline": engine == "offline",
        "institutions": [plain(n) for n in result.institutions],
        "authors": language.author_count.format(count=count) if count else language.unknown_count,
        "abstract": plain(paper.abstract),
        "links": links,
        "search": plain(
            " ".join([result.title, result.brief or "", *result.institutions])
        ).casefold(),
    }


def _file_url(path: Path) -> str | None:
    """A PDF's link: a file: URL, or the relative path as it was given made a relative URL
    ("./", percent-encoded), so a folder named "javascript:..." is a folder, never a scheme.
    None when it is no PDF."""
    if path.suffix.lower() != ".pdf":
        return None
    if path.is_absolute():
        return path.as_uri()
    return "./" + quote_from_bytes(os.fsencode(path.as_posix()), safe="/")


def _bars(counts: Counter[str]) -> list[Bar]:
    if not counts:
        return []
    ranked = counts.most_common()
    shown = ranked[:BARS]
    rest = sum(n for _, n in ranked[BARS:])
    if rest:
        shown.append(("…", rest))
    top = max(n for _, n in shown)
    return [Bar(label, n, round(100 * n / top, 1)) for label, n in shown]


def _year(result: PaperResult) -> str | None:
    paper = result.paper
    if paper is None:
        return None
    year = (paper.published or "")[:4]
    return year if year.isdigit() else arxiv_year(paper.arxiv_id)


def _category(result: PaperResult) -> str | None:
    paper = result.paper
    return plain(paper.categories[0]) if paper and paper.categories else None


_MARKUP = re.compile(r"^#+\s*|\*\*")


def _plain(markdown: str) -> str:
    """A line of the Markdown report without its markup ("## 论文技术简报" -> "论文技术简报")."""
    return _MARKUP.sub("", markdown).strip()


def _label(line: str) -> str:
    """The label of a "**主要机构**: {names}" line."""
    return _plain(line.split("{", 1)[0]).rstrip(":： ")


@cache
def _template() -> jinja2.Template:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("digest", "templates"),
        autoescape=True,  # every value is text unless the template says otherwise
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2")
