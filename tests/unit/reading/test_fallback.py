"""Text left in English in a translation is visible as such: labelled in the reader's
language in every output a reader sees, counted in the build line and the report, and
still read by an English voice."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pikepdf
import pytest

from pipeline.build import registry
from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.markup import fallback_label
from pipeline.model import Role, Segment, SourceLocation
from support import Cli, Result, pdftags
from support.pdftext import pdftotext

LEFT = ("Second step", "A tablet of 20 mg.")  # a list item and a caption


@pytest.fixture
def built(project: Path, cli: Cli) -> tuple[Path, Result]:
    """The small project's Spanish outputs with two entries left untranslated."""
    path = project / "locales/es/LC_MESSAGES/small.po"
    catalog = read_catalog(path)
    for msgid in LEFT:
        catalog.find(msgid).msgstr = ""
    write_catalog(catalog, path)
    result = cli("build", "--lang", "es", "--engine", "espeak")
    assert result.code == 0, result.err
    return project / "output" / "es", result


def test_the_build_line_counts_them(built: tuple[Path, Result]) -> None:
    _, result = built
    lines = [line for line in result.err.splitlines() if ": es small -> " in line]
    assert len(lines) == len(registry.names())  # every format of a translation
    assert all("; 2 entries in English (not translated); " in line for line in lines)


def test_the_report_counts_them(built: tuple[Path, Result], cli: Cli) -> None:
    output, _ = built
    result = cli("report")
    rows = json.loads((output.parent / "report.json").read_text(encoding="utf-8"))
    assert [(r["language"], r["fallback"]) for r in rows] == [("en", 0), ("es", 2)]
    header = result.out.splitlines()[0].split()
    spanish = next(line.split() for line in result.out.splitlines()
                   if line.startswith("small") and " es " in line)
    assert spanish[header.index("fallback") + 1] == "2"  # "Spanish (español)": two words


def test_pages_label_them_in_the_readers_language(built: tuple[Path, Result]) -> None:
    output, _ = built
    page = (output / "small.html").read_text(encoding="utf-8")
    assert '<li id="s-2-3-2" lang="en">Second step <span class="fallback" lang="es">' \
           '(inglés)</span></li>' in page
    assert '<span lang="en">A tablet of 20 mg. <span class="fallback" lang="es">' \
           '(inglés)</span></span>' in page
    with zipfile.ZipFile(output / "small.epub") as book:
        chapters = "".join(book.read(n).decode() for n in book.namelist()
                           if n.endswith(".xhtml"))
    assert chapters.count('<span class="fallback" lang="es" xml:lang="es">(inglés)</span>') \
        == 2


@pytest.mark.parametrize("name", ["small.pdf", "small.bilingual.pdf"])
def test_print_labels_them_in_the_text_layer(built: tuple[Path, Result], name: str) -> None:
    output, _ = built
    text = " ".join(pdftotext(output / name).split())
    assert "Second step (inglés)" in text and "A tablet of 20 mg. (inglés)" in text
    with pikepdf.open(output / name) as pdf:
        english = [e for e in pdftags.elements(pdf.Root.StructTreeRoot)
                   if str(e.get("/Lang", "")) == "en"]
        spanish = [e for e in pdftags.elements(pdf.Root.StructTreeRoot)
                   if str(e.get("/Lang", "")) == "es"]
    assert len(english) >= 2 and spanish  # the passages, and their labels back in Spanish


def test_the_narration_keeps_its_english_voice(built: tuple[Path, Result]) -> None:
    output, _ = built
    spoken = json.loads((output / "small.timeline.json").read_text(encoding="utf-8"))
    step = next(u for u in spoken["spoken"] if u["ref"] == "s-2-3-2")
    assert (step["lang"], step["text"]) == ("en", "2. Second step")  # no label read aloud


@pytest.mark.parametrize(("lang", "html"), [
    ("es", ' <span class="fallback" lang="es">(inglés)</span>'),
    ("ar", ' <span class="fallback" lang="ar" dir="rtl">(الإنجليزية)</span>'),
    ("zh-Hans", '<span class="fallback" lang="zh-Hans">（英语）</span>'),
    ("en", ""),
])
def test_the_label_names_the_language_in_the_readers_own(lang: str, html: str) -> None:
    english = Segment("Second step", Role.LIST_ITEM, SourceLocation("x.md", 1), "en")
    assert str(fallback_label(english, lang)) == html
