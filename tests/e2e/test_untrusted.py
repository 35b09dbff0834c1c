"""Untrusted catalogs and sources: no build reads a file outside the article's folder,
reaches the network, or puts active content into an output.

Each hostile case is refused by `pipeline check` and by the build, with `path:line`;
the observer is a Python audit hook that records every file the build process opens
(tests/support/audit_build.py), not our own idea of what the code does.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pikepdf
import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.errors import PipelineError
from pipeline.html.render import render_page
from pipeline.print.html import PrintOptions, render
from pipeline.print.pdf import write_pdf
from pipeline.source.parse import parse_file
from support import ROOT, run_cli

AUDIT = ROOT / "tests" / "support" / "audit_build.py"
SMALL_PO = Path("locales/es/LC_MESSAGES/small.po")
PARAGRAPH = "Read our [guide](https://example.org/guide/) for more."
CAPTION = "A tablet of 20 mg."
ALT = "A round white tablet."


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny grey PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """An image elsewhere on the machine that no handout may ever show."""
    path = tmp_path / "outside" / "scan.png"
    path.parent.mkdir()
    path.write_bytes(png())
    return path


def _audited(root: Path, *arguments: str, cache: Path | None = None
             ) -> tuple[int, str, list[str]]:
    """Run the pipeline in ``root`` under the audit hook: exit code, stderr, files opened."""
    record = root / "opened.json"
    (root / "tmp").mkdir(exist_ok=True)
    done = subprocess.run([sys.executable, str(AUDIT), str(record), "--", *arguments],
                          cwd=root, capture_output=True, text=True, check=False,
                          env={**os.environ, "TMPDIR": str(root / "tmp"),
                               "PIPELINE_CACHE": str(cache or root / ".cache")})
    opened = json.loads(record.read_text()) if record.exists() else []
    return done.returncode, done.stderr, opened


CATALOG_CASES = {
    "absolute path": (PARAGRAPH, " ![x]({secret})"),
    "traversal": (PARAGRAPH, " ![x](../../outside/scan.png)"),
    "file URL": (PARAGRAPH, " ![x](file://{secret})"),
    "remote image": (PARAGRAPH, " ![x](https://tracker.example/p.png)"),
    "data URL": (PARAGRAPH, " ![x](data:image/png;base64,iVBORw0KGgo=)"),
    "script": (PARAGRAPH, " <script>alert(1)</script>"),
    "raw HTML image": (PARAGRAPH, ' <img src="file://{secret}">'),
    "javascript link": (PARAGRAPH, " [click](javascript:alert(1))"),
    "autolink": (PARAGRAPH, " <https://tracker.example/p>"),
    "reference definition": (PARAGRAPH, "\n\n[guía]: https://tracker.example/"),
    "image in a caption": (CAPTION, " ![x]({secret})"),
    "image in alt text": (ALT, " ![x]({secret})"),
}


@pytest.mark.parametrize("case", CATALOG_CASES)
def test_a_hostile_translation_is_refused_by_check_and_build(project: Path, secret: Path,
                                                            case: str) -> None:
    msgid, addition = CATALOG_CASES[case]
    po = read_catalog(project / SMALL_PO)
    entry = next(e for e in po if e.msgid == msgid)
    entry.msgstr += addition.format(secret=secret)
    write_catalog(po, project / SMALL_PO)
    line = next(n for n, text in enumerate((project / SMALL_PO).read_text().splitlines(), 1)
                if text.startswith("msgstr") and n > entry.linenum)

    checked = run_cli("check", cwd=project)
    assert checked.code == 1
    assert f"{SMALL_PO}:{line}: " in checked.out, checked.out

    code, err, opened = _audited(project, "build", "--engine", "espeak", "--lang", "es")
    assert code == 1
    assert err.startswith(f"{SMALL_PO}:{line}: "), err
    assert "Traceback" not in err
    assert str(secret) not in opened
    assert not (project / "output" / "es").exists() or not any(
        (project / "output" / "es").iterdir())


SOURCE_IMAGE = "![A round white tablet.](images/tablet.png"
SOURCE_CASES = {
    "absolute path": "![A round white tablet.]({secret}",
    "traversal": "![A round white tablet.](../outside/scan.png",
    "file URL": "![A round white tablet.](file://{secret}",
    "remote image": "![A round white tablet.](https://tracker.example/p.png",
    "data URL": "![A round white tablet.](data:image/png;base64,iVBORw0KGgo=",
}


@pytest.mark.parametrize("case", [*SOURCE_CASES, "javascript link", "symlink out"])
def test_a_hostile_source_is_refused_by_check_and_build(project: Path, secret: Path,
                                                       case: str) -> None:
    article = project / "source" / "small.md"
    text = article.read_text()
    if case == "symlink out":  # the file is where the article says, but leads outside
        (project / "source" / "images").mkdir()
        (project / "source" / "images" / "tablet.png").symlink_to(secret)
    elif case == "javascript link":
        text = text.replace("(https://example.org/guide/)", "(javascript:alert(1))")
    else:
        text = text.replace(SOURCE_IMAGE, SOURCE_CASES[case].format(secret=secret))
    article.write_text(text)
    marker = "[guide]" if case == "javascript link" else "![A round white tablet.]"
    line = next(n for n, text in enumerate(text.splitlines(), 1) if marker in text)

    checked = run_cli("check", cwd=project)
    assert checked.code == 1
    assert checked.err.startswith(f"source/small.md:{line}: "), checked.err

    code, err, opened = _audited(project, "build", "--engine", "espeak", "--lang", "es")
    assert code == 1
    assert err.startswith(f"source/small.md:{line}: "), err
    assert str(secret) not in opened and str(secret.resolve()) not in opened


HOSTILE = ("file://{secret}", "https://tracker.example/p.png", "{secret}", "{relative}",
           "data:image/png;base64,iVBORw0KGgo=")


def _address(how: str, secret: Path, project: Path) -> str:
    return how.format(secret=secret, relative=os.path.relpath(secret, project / "source"))


@pytest.mark.parametrize("how", HOSTILE)
def test_an_image_in_text_never_becomes_an_image(project: Path, secret: Path, how: str
                                                 ) -> None:
    """Even markup that got past the checks (the document is changed after parsing) is
    shown as text: no renderer turns a segment's ``![..](..)`` into an image."""
    document = parse_file(project / "source" / "small.md")
    figure = document.figures()[0]
    assert figure.caption is not None
    caption = dataclasses.replace(figure.caption,
                                  text=f"![x]({_address(how, secret, project)})")
    body = tuple(dataclasses.replace(block, caption=caption) if block is figure else block
                 for block in document.body)
    changed = dataclasses.replace(document, body=body)
    page = render(changed, PrintOptions(paper="A4", images=project / "source"))
    assert "<img" not in page.html
    target = project / "out.pdf"
    write_pdf(page, target, base_url=project / "source")
    with pikepdf.open(target) as pdf:
        assert not any(page.get_images() for page in pdf.pages)
    assert "<img" not in render_page(changed, project / "source", created=None)


@pytest.mark.parametrize("how", HOSTILE)
def test_the_pdf_renderer_fetches_nothing_it_was_not_given(project: Path, secret: Path,
                                                           how: str) -> None:
    """Defence in depth: HTML that names any file but the article's own images and our
    fonts makes WeasyPrint's fetcher refuse it, and nothing is written."""
    page = render(parse_file(project / "source" / "small.md"),
                  PrintOptions(paper="A4", images=project / "source"))
    html = page.html.replace("<main>", f'<main><img src="{_address(how, secret, project)}" '
                                       'alt="x">')
    target = project / "out.pdf"
    with pytest.raises(PipelineError, match="refused to read"):
        write_pdf(dataclasses.replace(page, html=html), target, base_url=project / "source")
    assert not target.exists()


def _allowed_roots(project: Path, cache: Path) -> list[Path]:
    import pipeline

    return [project / "source", project / "locales", project / "output", cache,
            project / "tmp", Path(pipeline.__file__).parent, Path(sys.prefix),
            Path(sys.base_prefix), Path("/usr/share/zoneinfo"), Path("/etc/mime.types"),
            Path("/dev/null"),
            # the process's own list of loaded libraries: threadpoolctl finds BLAS there
            Path("/proc/self/maps")]


def test_a_whole_build_opens_nothing_outside_the_allowed_roots(tmp_path: Path) -> None:
    """Every format, three scripts, and a real image in the article's folder."""
    project = tmp_path / "library"
    shutil.copytree(ROOT / "source", project / "source")
    shutil.copytree(ROOT / "locales", project / "locales")
    image = project / "source" / "images" / "baclofen-20-mg-tablet.png"
    image.parent.mkdir()
    image.write_bytes(png(64, 48))
    arguments = ["build", "--engine", "espeak"]
    for lang in ("en", "ar", "hi"):
        arguments += ["--lang", lang]
    cache = ROOT / ".cache"  # shared with the other tests that speak the real catalogs
    code, err, opened = _audited(project, *arguments, cache=cache)
    assert code == 0, err[-2000:]
    roots = [root.resolve() for root in _allowed_roots(project, cache)]
    outside = [path for path in opened
               if not any(Path(path).resolve().is_relative_to(root) for root in roots)]
    assert outside == []
    assert str(image.resolve()) in opened  # the observer sees what is really read
    assert any(path.startswith(str(project / "locales")) for path in opened)
