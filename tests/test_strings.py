"""digest.strings: text from outside the code printed as data (Markdown, a terminal, a page)."""

from __future__ import annotations

import html
import re

import pytest

from digest.strings import markdown_text, plain, printable

# Each is Markdown's markup somewhere: at the start of a line, inside one, or in a heading.
ACTIVE = [
    "**bold** <b>b</b> [link](http://e.example/) ![i](x.png) `c` _em_ ~~gone~~ <http://e/>",
    "&#x202e; &amp; &lt;b&gt;",
    "[11]: http://evil.example/",
    "[^1]: a footnote",
    "[ ] a task box",
    "1. item",
    "2) item",
    "- item",
    "+ item",
    "* item",
    "---",
    "--",
    "===",
    "***",
    "___",
    "- - -",
    "|---|",
    ":--|",
    "> quote",
    "# heading",
    "Title #",
    "~~~",
    "```",
    "<!-- comment -->",
    "<div>",
    "back\\slash \\* \\a ends\\",
    "__init__ _x_",
]
# Where the report prints a text: a line after a label, a paragraph of its own (the seed's
# "[11]" would take a link from a definition), a heading, a list item.
PLACES = ["**L**:\n{}\n", "\n{}\n\n[11]", "# {}", "### 1. {}", "- {}: error"]
ORDINARY = [
    "吞吐提升2.8×，准确率38.9%（GSM）；LLM-as-judge与Top-1评测",
    "p<0.05, 5 > 3, a < b, R&D, 50% off, snake_case_name, a__b",
    "Mamba [11] and a special [ECHO] token",
    "C# and F#, #1 rank, 1.5B-param, +5%, -3 dB, x = y, a | b",
    "outperforms BM25 by 9%-19% (top-20); https://github.com/Ko-Lani/GSMamba.",
]


def shown(markdown: str) -> tuple[str, set[str]]:
    """The text and the tags a CommonMark renderer (with tables and strikethrough) makes."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown)
    tags = set(re.findall(r"<([a-z0-9]+)", rendered))
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)), tags


@pytest.mark.parametrize("text", ACTIVE)
@pytest.mark.parametrize("place", PLACES)
def test_markdown_text_shows_exactly_its_characters(text: str, place: str) -> None:
    text_shown, tags = shown(place.format(markdown_text(text)))
    assert text in text_shown
    assert tags <= {"p", "strong", "h1", "h3", "ul", "li"}


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_not_escaped(text: str) -> None:
    assert markdown_text(text) == text


def test_control_and_bidi_characters_are_taken_out() -> None:
    hostile = "a\x1b]0;title\x07b \x9b31m c\u202ed\u2066e\u200f \x00f\x7f"
    assert plain(hostile) == "a]0;titleb 31m cde f"
    assert markdown_text(hostile) == "a]0;titleb 31m cde f"
    assert plain("one\ntwo\r\nthree\x0bfour\x1cfive") == "one two three four five"
    assert printable("Traceback:\n\tline\x1b[2J\r\u202e") == "Traceback:\n\tline[2J"
