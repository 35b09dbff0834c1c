"""The coverage report: figures for a fixture, table and JSON agree."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import ROOT, Cli


def test_report_figures_for_a_fixture(project: Path, cli: Cli) -> None:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    po.find("First step").msgstr = ""                 # 2 words untranslated
    po.find("Do **not** stop suddenly.").flags.append("fuzzy")  # 4 words fuzzy
    po.find("This is not medical advice.").msgstr = ""
    write_catalog(po, path)
    result = cli("report")
    assert result.code == 0
    report = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    readability = [entry.pop("readability") for entry in report]
    assert report == [{
        "article": "small", "language": "en", "name_en": "English", "name_native": "English",
        "catalog": True,
        "entries": {"total": 15, "translated": 15, "fuzzy": 0, "untranslated": 0},
        "words": {"translated": 63, "fuzzy": 0, "untranslated": 0},
        "percent": 100.0, "disclaimer_translated": True, "fallback": 0,
        "review_status": "source", "review": None, "labels_percent": None,
    }, {
        "article": "small", "language": "es", "name_en": "Spanish", "name_native": "español",
        "catalog": True,
        "entries": {"total": 15, "translated": 12, "fuzzy": 1, "untranslated": 2},
        "words": {"translated": 52, "fuzzy": 4, "untranslated": 7},
        "percent": 80.0, "disclaimer_translated": False, "fallback": 3,
        "review_status": "unreviewed", "review": None, "labels_percent": 100.0,
    }]
    assert set(readability[0]) == {"sentences", "words", "words_per_sentence", "warning",
                                   "flesch_kincaid_grade", "smog_index",
                                   "flesch_reading_ease"}
    assert set(readability[1]) == {"sentences", "words", "words_per_sentence", "warning",
                                   "fernandez_huerta", "szigriszt_pazos", "inflesz"}
    rows = [line.split() for line in result.out.splitlines() if line.startswith("small")]
    assert rows[1][:9] == ["small", "es", "Spanish", "(español)", "12", "1", "2", "52/63",
                           "80.0"]
    assert "MISSING" in rows[1]
    # The readability table: one row per language, its formulas by name.
    assert rows[2][:5] == ["small", "en", "Flesch-Kincaid", "grade",
                           f"{readability[0]['flesch_kincaid_grade']},"]
    assert rows[3][:4] == ["small", "es", "Fernández-Huerta",
                           f"{readability[1]['fernandez_huerta']},"]


def test_report_on_the_shipped_catalogs_is_complete(tmp_path: Path, cli: Cli,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert cli("--output", tmp_path, "report").code == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [r["language"] for r in report] == ["en", "ar", "es", "fr", "hi", "zh_Hans"]
    source, *translations = report
    assert source["review_status"] == "source" and source["percent"] == 100.0
    grade = source["readability"]["flesch_kincaid_grade"]
    assert grade > 8 and "above grade 8" in source["readability"]["warning"]
    for row in translations:
        assert row["percent"] == 100.0 and row["entries"]["fuzzy"] == 0, row
        assert row["disclaimer_translated"] and row["labels_percent"] == 100.0
        assert row["review_status"] == "unreviewed"
    assert {r["name_native"] for r in report} >= {"العربية", "हिन्दी", "中文 (简体)"}
    measures = {r["language"]: set(r["readability"]) - {"sentences", "words", "warning"}
                for r in report}
    assert measures == {
        "en": {"words_per_sentence", "flesch_kincaid_grade", "smog_index",
               "flesch_reading_ease"},
        "es": {"words_per_sentence", "fernandez_huerta", "szigriszt_pazos", "inflesz"},
        "fr": {"words_per_sentence", "kandel_moles"},
        **{lang: {"words_per_sentence", "characters_per_word"}
           for lang in ("ar", "hi", "zh_Hans")}}


def test_report_lists_a_language_an_article_has_no_catalog_in(project: Path, cli: Cli) -> None:
    """A second article not yet started in Spanish: a row says so, not silence."""
    shutil.copy(project / "source" / "small.md", project / "source" / "second.md")
    result = cli("report")
    assert result.code == 0, result.err
    rows = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    second = {row["language"]: row for row in rows if row["article"] == "second"}
    assert second["es"]["catalog"] is False and second["es"]["review_status"] == "no catalog"
    assert second["es"]["percent"] == 0.0 and second["es"]["fallback"] is None
    assert second["en"]["review_status"] == "source"
    row = next(line.split() for line in result.out.splitlines()
               if line.split()[:2] == ["second", "es"])
    assert row[-2:] == ["no", "catalog"] and row[-5:-3] == ["MISSING", "-"]
