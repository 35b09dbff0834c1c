"""Render page 1 of each language's PDF to docs/print/<lang>-page1.png with poppler's pdftoppm.

    .venv/bin/python tools/render_pages.py                 # from output/, after `make pdf`
    .venv/bin/python tools/render_pages.py --output /tmp/x --slug baclofen --dpi 60
    .venv/bin/python tools/render_pages.py --bilingual es  # also es-bilingual-page1.png

At 60 dpi a large-print page is about 500 x 700 pixels and well under 150 KB, small
enough to keep in the repository as a picture of what each language looks like.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 150 * 1024  # bytes per picture


def render_first_page(pdf: Path, target: Path, *, dpi: int) -> int:
    """Write page 1 of ``pdf`` as the PNG ``target``; return its size in bytes."""
    target.parent.mkdir(parents=True, exist_ok=True)
    # pdftoppm adds ".png" to the root it is given; -singlefile drops the page number.
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-png", "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True)
    return target.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "output",
                        help="folder of built PDFs, <lang>/<slug>.pdf (default: output)")
    parser.add_argument("--slug", default="baclofen", help="article (default: baclofen)")
    parser.add_argument("--docs", type=Path, default=ROOT / "docs" / "print",
                        help="folder for the pictures (default: docs/print)")
    parser.add_argument("--dpi", type=int, default=60, help="resolution (default: 60)")
    parser.add_argument("--bilingual", action="append", default=[], metavar="LANG",
                        help="also render this language's bilingual PDF (repeatable)")
    args = parser.parse_args(argv)

    pdfs = sorted(args.output.glob(f"*/{args.slug}.pdf"))
    pdfs += [args.output / lang / f"{args.slug}.bilingual.pdf" for lang in args.bilingual]
    missing = [pdf for pdf in pdfs if not pdf.is_file()]
    if not pdfs or missing:
        print(f"{args.output}: no */{args.slug}.pdf or {', '.join(map(str, missing))}; "
              "build them first (make pdf bilingual)", file=sys.stderr)
        return 1
    too_big = []
    for pdf in pdfs:
        lang = pdf.parent.name
        kind = "-bilingual" if pdf.name.endswith(".bilingual.pdf") else ""
        target = args.docs / f"{lang}{kind}-page1.png"
        size = render_first_page(pdf, target, dpi=args.dpi)
        print(f"{pdf} -> {target} ({size / 1024:.0f} KB)")
        if size > LIMIT:
            too_big.append(target)
    for target in too_big:
        print(f"{target}: larger than {LIMIT // 1024} KB; try a lower --dpi", file=sys.stderr)
    return 1 if too_big else 0


if __name__ == "__main__":
    sys.exit(main())
