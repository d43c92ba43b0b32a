"""The HTML report's first screen, as a reader sees it: renders a batch with `digest run
--format html` and has headless Chromium take a screenshot (desktop and phone widths).

    python scripts/shot_html.py [INPUT ...] [--out build/html]

INPUT defaults to fixtures/papers with the offline engine (no key, no network); the page, the
PNGs and how long the run and each screenshot took are printed. Needs Chromium (Debian:
apt-get install -y chromium).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCREENS = {"desktop": "1280,900", "phone": "390,844"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", default=[str(REPO / "fixtures" / "papers")])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "html")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("headless Chromium not found: apt-get install -y chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    page = args.out / "report.html"
    env = dict(os.environ, DIGEST_LOOKUP="0")
    command = [sys.executable, "-m", "digest", "run", *args.inputs, "--format", "html"]
    command += ["-o", str(page), "--store", str(args.out / "store.db")]
    if "OPENAI_API_KEY" not in env:
        command += ["--engine", "offline"]
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, check=True, capture_output=True)
    print(f"{page}: {page.stat().st_size:,} bytes, run {time.perf_counter() - start:.1f} s")
    for name, size in SCREENS.items():
        shot = args.out / f"first-screen-{name}.png"
        start = time.perf_counter()
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size={size}", f"--screenshot={shot}", page.as_uri()],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        took = time.perf_counter() - start
        print(f"{shot}: {shot.stat().st_size:,} bytes ({size}), {took:.1f} s")


if __name__ == "__main__":
    main()
