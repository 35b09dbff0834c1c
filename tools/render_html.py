"""Screenshot the top of the HTML page in a few scripts to docs/html/<lang>-<width>.png.

    .venv/bin/python tools/render_html.py            # from output/, after `make html`
    .venv/bin/python tools/render_html.py --view es:900 --view ar:900 --view hi:360

Headless Debian chromium draws each page at the given width (360 px is a phone, or a
1440 px window at 400 % zoom); pictures over 150 KB are reported, as for the print.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 150 * 1024  # bytes per picture
HEIGHT = 1000
VIEWS = ("es:900", "ar:900", "hi:360")


def screenshot(page: Path, target: Path, *, width: int, height: int = HEIGHT) -> int:
    """Write the first ``width`` x ``height`` CSS pixels of ``page`` to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--force-device-scale-factor=1",
                    f"--window-size={width},{height}", f"--screenshot={target}",
                    page.resolve().as_uri()], check=True, capture_output=True)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "output",
                        help="folder of built pages, <lang>/<slug>.html (default: output)")
    parser.add_argument("--slug", default="baclofen", help="article (default: baclofen)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "html",
                        help="folder for the pictures (default: docs/html)")
    parser.add_argument("--view", action="append", metavar="LANG:WIDTH",
                        help=f"language and width in CSS px (default: {' '.join(VIEWS)})")
    args = parser.parse_args(argv)

    problems = []
    for view in args.view or VIEWS:
        lang, _, width = view.partition(":")
        page = args.output / lang / f"{args.slug}.html"
        if not page.is_file():
            problems.append(f"{page}: missing; build it first (make html)")
            continue
        target = args.docs / f"{lang}-{width}.png"
        size = screenshot(page, target, width=int(width))
        print(f"{page} -> {target} ({size / 1024:.0f} KB)")
        if size > LIMIT:
            problems.append(f"{target}: larger than {LIMIT // 1024} KB")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
