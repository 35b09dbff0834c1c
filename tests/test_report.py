"""The coverage report: figures for a fixture, table and JSON agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.catalog import read_catalog, write_catalog


def test_report_figures_for_a_fixture(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    po.find("First step").msgstr = ""                 # 2 words untranslated
    po.find("Do **not** stop suddenly.").flags.append("fuzzy")  # 4 words fuzzy
    po.find("This is not medical advice.").msgstr = ""
    write_catalog(po, path)
    result = cli("report")
    assert result.code == 0
    report = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    assert report == [{
        "article": "small", "language": "es", "name_en": "Spanish", "name_native": "español",
        "entries": {"total": 15, "translated": 12, "fuzzy": 1, "untranslated": 2},
        "words": {"translated": 52, "fuzzy": 4, "untranslated": 7},
        "percent": 80.0, "disclaimer_translated": False, "review_status": "unreviewed",
        "labels_percent": 100.0,
    }]
    row = next(line for line in result.out.splitlines() if line.startswith("small"))
    assert row.split()[:9] == ["small", "es", "Spanish", "(español)", "12", "1", "2",
                               "52/63", "80.0"]
    assert "MISSING" in row


def test_report_on_the_shipped_catalogs_is_complete(tmp_path: Path, cli,  # type: ignore[no-untyped-def]
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert cli("--output", tmp_path, "report").code == 0
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert sorted(r["language"] for r in report) == ["ar", "es", "fr", "hi", "zh_Hans"]
    for row in report:
        assert row["percent"] == 100.0 and row["entries"]["fuzzy"] == 0, row
        assert row["disclaimer_translated"] and row["labels_percent"] == 100.0
        assert row["review_status"] == "unreviewed"
    assert {r["name_native"] for r in report} >= {"العربية", "हिन्दी", "中文 (简体)"}
