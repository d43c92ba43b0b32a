"""The report as one self-contained HTML page: the Markdown report's sections and wording, with
a table of contents, briefs linked to their details and back, links to arXiv / DOI / the PDF,
visible notes beside a brief drafted offline or carrying a check, an overview drawn as inline
SVG bars, and a filter box. No network: CSS, script and charts are inline.

The overview's charts: institutions as the report names them (each paper's institutions line),
the BARS most frequent (a tie across the cut left out whole), the rest counted in one line of
text; years in order (digest.venues.
paper_year), in spans of 2, 5, 10... years when there are more than BARS, papers without one
last as one bar (a chart with no year known is left out); arXiv categories like institutions.

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
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_from_bytes

from .ids import arxiv_url, doi_url
from .language import Language
from .language.zh import ZH
from .models import BRIEF_NOTICES, PaperResult, Report
from .render import engine_note
from .strings import plain
from .venues import paper_year

if TYPE_CHECKING:
    import jinja2

__all__ = ["render_html"]

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
BARS = 10  # the most bars a chart draws (the rest are one line of text under it)
YEAR_SPANS = (1, 2, 5, 10, 20, 50, 100)  # years a bar of the years chart may cover


@dataclass
class Bar:
    label: str
    count: int
    width: float  # percent of the chart's width


@dataclass
class Chart:
    name: str
    bars: list[Bar]
    rest: str = ""  # what the bars leave out, in the language's words (view "more_...")


def render_html(report: Report, language: Language = ZH) -> str:
    papers = report.succeeded
    view = language.view
    items = [_item(i, result, language) for i, result in enumerate(papers, 1)]
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
        charts=[chart for chart in _charts(papers, view) if chart.bars],
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


def _charts(papers: list[PaperResult], view: Mapping[str, str]) -> list[Chart]:
    institutions = Counter(plain(name) for r in papers for name in r.institutions)
    categories = Counter(c for r in papers if (c := _category(r)))
    years = [paper_year(r.paper) if r.paper else None for r in papers]
    return [
        _ranked(view["by_institution"], institutions, view["more_institutions"]),
        Chart(view["by_year"], _bars(_years(years, view)) if any(years) else []),
        _ranked(view["by_category"], categories, view["more_categories"]),
    ]


def _ranked(name: str, counts: Counter[str], more: str) -> Chart:
    """The BARS most frequent, most first; the others in words. A tie across the cut is left
    out whole (no bar of one paper picked from sixty), unless every bar would go."""
    ranked = counts.most_common()  # ties in the report's order
    shown = ranked[:BARS]
    if len(ranked) > BARS:
        shown = [row for row in shown if row[1] > ranked[BARS][1]] or shown
    rest = len(ranked) - len(shown)
    return Chart(name, _bars(shown), more.format(count=rest) if rest else "")


def _years(years: list[int | None], view: Mapping[str, str]) -> list[tuple[str, int]]:
    """Papers per year in order, or per span of years when there are more years than bars;
    the papers without a year last."""
    known = Counter(year for year in years if year)
    unknown = len(years) - known.total()
    room = BARS - (1 if unknown else 0)
    span = next((s for s in YEAR_SPANS if len({y // s for y in known}) <= room), YEAR_SPANS[-1])
    spans: Counter[int] = Counter()
    for year, count in known.items():
        spans[year // span * span] += count
    rows = [(_span(first, span, view), count) for first, count in sorted(spans.items())]
    return rows + ([(view["no_year"], unknown)] if unknown else [])


def _span(first: int, span: int, view: Mapping[str, str]) -> str:
    last = first + span - 1
    return str(first) if span == 1 else view["year_span"].format(first=first, last=last)


def _bars(rows: list[tuple[str, int]]) -> list[Bar]:
    top = max((count for _, count in rows), default=0)
    return [Bar(label, count, round(100 * count / top, 1)) for label, count in rows]


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
