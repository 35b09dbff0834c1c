"""Translating a document: fallbacks keep the source language; thresholds gate a build."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.catalogs.translate import coverage, fallbacks, load_translation
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.model import Document, iter_segments
from pipeline.source.parse import parse_file


def _config(project: Path, *, threshold: float = 0.8, strict: bool = False) -> Config:
    return Config(source=project / "source", locales=project / "locales",
                  output=project / "output", threshold=threshold, strict=strict)


def _edit(project: Path, change: dict[str, str], *, fuzzy: tuple[str, ...] = (),
          header: dict[str, str] | None = None) -> None:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    for msgid, msgstr in change.items():
        po.find(msgid).msgstr = msgstr
    for msgid in fuzzy:
        po.find(msgid).flags.append("fuzzy")
    po.metadata.update(header or {})
    write_catalog(po, path)


@pytest.fixture
def source(project: Path) -> Document:
    return parse_file(project / "source" / "small.md")


def test_complete_catalog_translates_every_segment(project: Path, source: Document) -> None:
    doc = load_translation(_config(project), source, "es")
    assert doc.lang == "es"
    assert doc.meta.title.text == "Artículo de prueba breve"
    assert {s.lang for s in iter_segments(doc)} == {"es"}
    assert doc.labels.disclaimer.text == "Descargo de responsabilidad"
    assert fallbacks(doc) == []
    assert not doc.reviewed and doc.review is None  # no sign-off


def test_untranslated_and_fuzzy_entries_fall_back_to_the_source(project: Path,
                                                                source: Document) -> None:
    _edit(project, {"First step": ""}, fuzzy=("Second step",))
    doc = load_translation(_config(project), source, "es")
    texts = {s.text: s.lang for s in iter_segments(doc)}
    assert texts["First step"] == "en"
    assert texts["Second step"] == "en"
    assert texts["Puntos clave"] == "es"
    assert [s.text for s in fallbacks(doc)] == ["First step", "Second step"]


def test_strict_fails_on_any_fallback(project: Path, source: Document) -> None:
    _edit(project, {"First step": ""})
    with pytest.raises(PipelineError) as caught:
        load_translation(_config(project, strict=True), source, "es")
    assert "1 segments would fall back" in str(caught.value)
    assert str(caught.value).startswith(f"{project / 'source' / 'small.md'}:")


def test_below_threshold_is_not_built(project: Path, source: Document) -> None:
    _edit(project, {m: "" for m in ("First step", "Second step", "More", "Key points")})
    counts = coverage(source, read_catalog(project / "locales/es/LC_MESSAGES/small.po"))
    assert (counts.entries, counts.translated, counts.untranslated) == (15, 11, 4)
    with pytest.raises(PipelineError) as caught:
        load_translation(_config(project), source, "es")
    assert "only 73% of entries are translated (threshold 80%)" in str(caught.value)
    assert load_translation(_config(project, threshold=0.7), source, "es").lang == "es"


def test_untranslated_disclaimer_blocks_the_build_whatever_the_threshold(
        project: Path, source: Document) -> None:
    _edit(project, {"Ask your doctor before you change a dose.": ""})
    with pytest.raises(PipelineError) as caught:
        load_translation(_config(project, threshold=0.0), source, "es")
    assert "disclaimer is not fully translated" in str(caught.value)


@pytest.mark.parametrize(("msgstr", "words"), [
    ("Ask your doctor before you change a dose.", "disclaimer copied from the source"),
    ("Esto no es un consejo médico.", "disclaimer paragraph repeated"),
    ("Consulte.", "disclaimer too short"),
])
def test_a_disclaimer_that_loses_content_is_refused_at_its_line(
        project: Path, source: Document, msgstr: str, words: str) -> None:
    _edit(project, {"Ask your doctor before you change a dose.": msgstr})
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if text == f'msgstr "{msgstr}"' and n > 90)
    with pytest.raises(PipelineError) as caught:
        load_translation(_config(project, threshold=0.0), source, "es")
    assert str(caught.value).startswith(f"{path}:{line}: {words}")
    assert "'es' is not built" in str(caught.value)


def test_a_header_is_no_review(project: Path, source: Document) -> None:
    """Anyone can type a header: only a sign-off bound to the text (``pipeline review``)
    clears the notice (tests/test_review.py)."""
    _edit(project, {}, header={"X-Review-Status": "reviewed"})
    document = load_translation(_config(project), source, "es")
    assert not document.reviewed and document.review is None


def test_source_language_needs_no_catalog(project: Path, source: Document) -> None:
    doc = load_translation(_config(project), source, "en")
    assert doc.reviewed and doc.lang == "en" and fallbacks(doc) == []


def test_missing_catalog_and_unknown_language_are_clear_errors(project: Path,
                                                               source: Document) -> None:
    with pytest.raises(PipelineError, match="pipeline init --lang fr"):
        load_translation(_config(project), source, "fr")
    with pytest.raises(PipelineError, match="unknown language or locale 'xx'"):
        load_translation(_config(project), source, "xx")
