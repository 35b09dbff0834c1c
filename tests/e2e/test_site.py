"""The published site of the real build, checked by the real tools: linkchecker (no broken
link), axe-core in Chromium (every page, 320 and 1280 px, light and dark), feedparser
(every feed), sha256sum -c, two builds byte for byte; and the QR code on page 1 of the
large-print and bilingual PDFs, read back by zbarimg."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import feedparser
import page as page_validation
import pytest
from axe_playwright_python.sync_playwright import Axe

from support import EPOCH, FIXTURES, READING_LANGS, ROOT, RealBuild, run_cli
from support.validators import WCAG_TAGS, chromium

SLUG = "baclofen"
BASE = "https://example.org/handouts/"
PODCAST = "{https://podcastindex.org/namespace/1.0}"


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _publish(real_build: RealBuild, output: Path) -> Path:
    """The site of the real build's reading languages, published into ``output``."""
    for lang in READING_LANGS:
        shutil.copytree(real_build.output / lang, output / lang, copy_function=_link_or_copy)
    env = {"SOURCE_DATE_EPOCH": EPOCH, "PIPELINE_CACHE": str(output.parent / ".cache")}
    langs = [option for lang in READING_LANGS for option in ("--lang", lang)]
    for command in (("build", "--format", "site", *langs, SLUG), ("site",)):
        result = run_cli("--output", output, "--base-url", BASE, *command,
                         cwd=real_build.output.parent, env=env)
        assert result.code == 0, result.err[-3000:]
    return output / "site"


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    """A folder anyone may read: linkchecker, run as root, reads as 'nobody'."""
    folder = Path(tempfile.mkdtemp(prefix="pipeline-site-"))
    os.chmod(folder, 0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def site(real_build: RealBuild, scratch: Path) -> Path:
    return _publish(real_build, scratch / "first" / "output")


def test_linkchecker_finds_no_broken_link(site: Path) -> None:
    done = subprocess.run(["linkchecker", "--no-status", "--no-warnings",
                           (site / "index.html").as_uri()],
                          capture_output=True, text=True, check=False)
    report = done.stdout + done.stderr
    assert done.returncode == 0, report[-3000:]
    assert "0 errors found" in report
    checked = re.search(r"(\d+) links? in (\d+) URLs? checked", report)
    assert checked is not None, report[-2000:]
    # Every page, every download of every handout: it walked the whole site.
    assert int(checked.group(2)) >= len(READING_LANGS) * 20


def test_axe_finds_no_violation_on_any_page(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert len(pages) == 1 + 2 * len(READING_LANGS)
    found = []
    with chromium() as browser:
        for width in (320, 1280):
            for scheme in ("light", "dark"):
                context = browser.new_context(viewport={"width": width, "height": 800},
                                              color_scheme=scheme)
                tab = context.new_page()
                for path in pages:
                    tab.goto(path.as_uri())
                    result = Axe().run(tab, options={"runOnly": {"type": "tag",
                                                                 "values": WCAG_TAGS}})
                    found += [f"{path.relative_to(site)} {width}px {scheme}: {v['id']}"
                              for v in result.response["violations"]]
                    scroll, client = tab.evaluate("[document.documentElement.scrollWidth, "
                                                  "document.documentElement.clientWidth]")
                    if scroll > client:
                        found.append(f"{path.relative_to(site)} {width}px: scrolls sideways")
                context.close()
    assert found == []


def _in_site(site: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return site / url.removeprefix(BASE)


def test_every_feed_parses_and_points_at_files_of_the_site(site: Path) -> None:
    for lang in READING_LANGS:
        path = site / lang / "feed.xml"
        parsed = feedparser.parse(path.read_bytes())
        assert parsed.bozo == 0, (lang, parsed.get("bozo_exception"))
        assert parsed.feed.language == lang.replace("_", "-")
        (item,) = parsed.entries
        (enclosure,) = item.enclosures
        mp3 = _in_site(site, enclosure.href)
        assert int(enclosure.length) == mp3.stat().st_size == (
            site / lang / SLUG / f"{SLUG}.mp3").stat().st_size
        (xml_item,) = ET.parse(path).getroot().iter("item")
        for tag in ("transcript", "chapters"):
            (element,) = xml_item.iter(PODCAST + tag)
            assert _in_site(site, element.attrib["url"]).is_file(), element.attrib


def test_sha256sum_checks_every_file(site: Path) -> None:
    done = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=site,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    listed = len((site / "SHA256SUMS").read_text("utf-8").splitlines())
    assert listed == sum(1 for p in site.rglob("*") if p.is_file()) - 1


def test_two_builds_are_byte_identical(site: Path, real_build: RealBuild,
                                       scratch: Path) -> None:
    again = _publish(real_build, scratch / "second" / "output")
    assert (again / "SHA256SUMS").read_bytes() == (site / "SHA256SUMS").read_bytes()
    for lang in READING_LANGS:
        name = f"{lang}/{SLUG}-{lang}.zip"
        assert (again / name).read_bytes() == (site / name).read_bytes(), name


@pytest.mark.parametrize("suffix", [".pdf", ".bilingual.pdf"])
def test_the_qr_code_on_page_1_leads_to_the_handout(real_build: RealBuild, tmp_path: Path,
                                                    suffix: str) -> None:
    fmt = "pdf" if suffix == ".pdf" else "bilingual"
    env = {"SOURCE_DATE_EPOCH": EPOCH, "PIPELINE_CACHE": str(tmp_path / ".cache")}
    result = run_cli("--output", tmp_path, "--base-url", BASE, "build", "--format", fmt,
                     "--lang", "es", SLUG, cwd=real_build.output.parent, env=env)
    assert result.code == 0, result.err[-3000:]
    pdf = tmp_path / "es" / f"{SLUG}{suffix}"
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-singlefile", "-png",
                    str(pdf), str(tmp_path / "page1")], check=True)
    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", str(tmp_path / "page1.png")],
                             capture_output=True, text=True, check=False)
    assert decoded.stdout.split() == [f"{BASE}es/{SLUG}/"], decoded.stderr
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert f"example.org/handouts/es/{SLUG}/" in "".join(text.split())
    report = page_validation.validate_pdf(str(pdf), profile="ua1")
    assert report.is_compliant, str(report)


def test_make_site_withdraws_a_deleted_translation(project: Path) -> None:
    """No file is newer when a catalog is deleted: Make's site step still runs again (its
    unit list changed) and takes the language off the site."""
    folders = [f"{name.upper()}={project / name}" for name in ("source", "locales", "output")]
    settings = f"SETTINGS={FIXTURES / 'espeak-voices.toml'}"

    def make_site() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["make", "--no-print-directory", "site", *folders, settings],
                              cwd=ROOT, text=True, capture_output=True, check=False,
                              env={**os.environ, "MAKEFLAGS": ""})

    first = make_site()
    assert first.returncode == 0, first.stderr[-3000:]
    site = project / "output" / "site"
    assert (site / "es" / "small" / "index.html").is_file()
    shutil.rmtree(project / "locales" / "es")
    again = make_site()
    assert again.returncode == 0, again.stderr[-3000:]
    assert "output/site/es/small/: withdrawn" in again.stderr
    assert not (site / "es").exists() and (site / "en" / "small" / "index.html").is_file()
    assert "es/" not in (site / "SHA256SUMS").read_text("utf-8")
