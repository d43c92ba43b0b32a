"""--format html in a real browser: headless Chromium loads the page from a file and runs its
script; the DOM it ends with is checked (links, charts, the filter). Skipped, saying so, where
Chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import respx
from test_html import SCRIPT_FOLDER, Page, hostile_links
from test_pipeline import PAPERS, answer

from digest import Settings, run
from digest.html import render_html

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not found (apt-get install -y chromium): browser test skipped",
)


def dom(url: str, *flags: str) -> str:
    """The page's DOM after its script ran, as Chromium serialises it."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", *flags, "--dump-dom", url],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


@pytest.fixture
def page(llm: respx.MockRouter, tmp_path: Path) -> Path:
    llm.post("/chat/completions").mock(side_effect=answer)
    path = tmp_path / "report.html"
    path.write_text(render_html(run([PAPERS], Settings.from_env())), encoding="utf-8")
    return path


def test_the_page_loads_with_its_links_charts_and_filter(page: Path) -> None:
    loaded = dom(page.as_uri())
    parsed = Page(loaded)
    anchors = [link[1:] for link in parsed.links if link.startswith("#")]
    assert anchors and all(a in parsed.ids for a in anchors)  # the contents' links resolve
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', loaded)]
    assert widths and all(w > 0 for w in widths)  # the overview's bars are drawn
    assert re.search(r'id="shown"[^>]*>显示 3 / 3 篇<', loaded)  # the script ran
    assert ' class="hidden"' not in loaded

    narrowed = dom(page.as_uri() + "?q=dense")  # the filter, as typed into the box
    assert re.search(r'id="shown"[^>]*>显示 1 / 3 篇<', narrowed)
    shown = re.findall(r'<li data-search="[^"]*"(?! class="hidden")>', narrowed)
    assert len(shown) == 1 and "dense passage retrieval" in shown[0]


def test_clicking_the_pdf_link_of_a_folder_named_like_a_script_runs_nothing(
    tmp_path: Path,
) -> None:
    """The PDF link of a file in a folder named "javascript:void(...)", clicked in Chromium:
    the browser goes to the file beside the report, and the folder's name never runs."""
    page = render_html(hostile_links())
    click = "<script>document.querySelector('a[href$=\"paper.pdf\"]').click();</script>"
    path = tmp_path / "report.html"
    path.write_text(page.replace("</body>", click + "</body>"), encoding="utf-8")
    loaded = dom(path.as_uri(), "--virtual-time-budget=3000")
    assert "data-pwned" not in loaded  # the script in the folder's name did not run
    went_to = tmp_path.as_uri() + "/javascript%3Avoid%28document.body.dataset.pwned%3D1%29"
    assert went_to + "/paper.pdf" in loaded  # Chromium's page for the missing file names it
    assert SCRIPT_FOLDER not in loaded
