"""Review sign-offs: recorded by `pipeline review`, bound to the text they approve, shown
in every output while current, and stale (with what changed) after any edit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import FIXTURES, ROOT, Cli
from support.pdftext import pdftotext

SIGN_OFF = ("review", "small", "--lang", "es", "--by", "Ana García", "--role",
            "traductora médica", "--date", "2026-12-01")
SHOWN = "Traducción revisada por Ana García (traductora médica), 1 de diciembre de 2026."
NOT_REVIEWED = "Esta traducción todavía no ha sido revisada por un traductor médico."
ESPEAK = ("--engine", "espeak")


def _report(project: Path, cli: Cli) -> dict[str, dict[str, object]]:
    result = cli("report")
    assert result.code == 0, result.err
    rows = json.loads((project / "output" / "report.json").read_text(encoding="utf-8"))
    return {row["language"]: row for row in rows}


def _set(project: Path, msgid: str, msgstr: str) -> None:
    path = project / "locales/es/LC_MESSAGES/small.po"
    catalog = read_catalog(path)
    catalog.find(msgid).msgstr = msgstr
    write_catalog(catalog, path)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_sign_off_is_shown_in_every_output(project: Path, cli: Cli) -> None:
    assert _report(project, cli)["es"]["review_status"] == "unreviewed"
    result = cli(*SIGN_OFF)
    assert result.code == 0, result.err
    signed = tomllib.loads((project / "locales/es/small.review.toml").read_text())["small"]
    assert (signed["by"], signed["role"], signed["date"].isoformat()) == (
        "Ana García", "traductora médica", "2026-12-01")
    assert len(signed["entries"]) == 48  # 15 article entries and 33 labels

    row = _report(project, cli)["es"]
    assert row["review_status"] == "reviewed" and row["review"]["by"] == "Ana García"
    result = cli("build", "--lang", "es", *ESPEAK, "--format", "pdf", "--format", "html",
                 "--format", "audio", "--format", "bilingual")
    assert result.code == 0, result.err
    output = project / "output" / "es"
    page = (output / "small.html").read_text(encoding="utf-8")
    assert f'<p class="review" id="notice">{SHOWN}</p>' in page
    assert 'class="notice"' not in page
    for pdf in ("small.pdf", "small.bilingual.pdf"):
        text = _flat(pdftotext(output / pdf))
        assert SHOWN in text and NOT_REVIEWED not in text, pdf
    spoken = json.loads((output / "small.timeline.json").read_text(encoding="utf-8"))
    notice = [u["text"] for u in spoken["spoken"] if u["ref"] == "notice"]
    assert notice and "Ana García" in notice[0]


def test_any_edit_makes_the_review_stale_and_brings_the_notice_back(project: Path,
                                                                   cli: Cli) -> None:
    assert cli(*SIGN_OFF).code == 0
    _set(project, "More", "Más información")
    row = _report(project, cli)["es"]
    assert row["review_status"] == "stale"
    assert row["review"]["changes"] == [
        "the translation of 'More' (source/small.md:30) changed"]
    assert cli("build", "--lang", "es", "--format", "pdf", "--format", "html").code == 0
    page = (project / "output/es/small.html").read_text(encoding="utf-8")
    assert 'class="review"' not in page and NOT_REVIEWED in page
    assert NOT_REVIEWED in _flat(pdftotext(project / "output/es/small.pdf"))

    # Signed off again, then the source changes: stale again, saying so.
    assert cli(*SIGN_OFF).code == 0
    assert _report(project, cli)["es"]["review_status"] == "reviewed"
    article = project / "source/small.md"
    article.write_text(article.read_text().replace("2. Second step", "2. Next step"))
    changes = _report(project, cli)["es"]["review"]["changes"]
    assert "the source text 'Next step' (source/small.md:37) is new or changed" in changes
    assert "1 source text reviewed then are gone" in changes


def test_a_language_shown_partly_in_english_cannot_be_signed_off(project: Path,
                                                                 cli: Cli) -> None:
    _set(project, "Second step", "")
    result = cli(*SIGN_OFF)
    assert result.code == 1
    assert result.err.startswith("source/small.md:37: 'small' in 'es' still shows 1 text in "
                                 "the source language (the first: 'Second step')")
    assert not (project / "locales/es/small.review.toml").exists()


@pytest.mark.parametrize(("args", "code", "words"), [
    (("review", "small", "--lang", "en", "--by", "A"), 1, "only translations are reviewed"),
    (("review", "small", "--lang", "es", "--by", "A", "--date", "2026-13-01"), 2,
     "invalid fromisoformat value"),
    (("review", "small", "--lang", "es"), 2, "the following arguments are required: --by"),
])
def test_bad_review_commands(project: Path, cli: Cli, args: tuple[str, ...], code: int,
                             words: str, capsys: pytest.CaptureFixture[str]) -> None:
    if code == 2:
        with pytest.raises(SystemExit) as exit_:
            cli(*args)
        assert exit_.value.code == 2 and words in capsys.readouterr().err
    else:
        result = cli(*args)
        assert result.code == code and words in result.err


def test_a_damaged_reviews_file_refuses_the_language_at_its_line(project: Path,
                                                                 cli: Cli) -> None:
    assert cli(*SIGN_OFF).code == 0
    path = project / "locales/es/small.review.toml"
    path.write_text(path.read_text().replace('by = "Ana García"', 'by = "Ana García'))
    result = cli("pdf", "--lang", "es")
    assert result.code == 1
    assert re.search(r"locales/es/small\.review\.toml:7: not a valid reviews file", result.err)


def test_release_holds_the_source_and_reviewed_translations_only(project: Path,
                                                                  cli: Cli) -> None:
    shutil.copytree(project / "locales/es", project / "locales/es_MX")  # never reviewed
    assert cli(*SIGN_OFF).code == 0
    assert cli("build", *ESPEAK).code == 0
    assert cli("release").code == 0
    release = project / "output" / "release"
    manifest = json.loads((release / "release.json").read_text(encoding="utf-8"))
    assert [(m["language"], m["review"]) for m in manifest] == [
        ("en", "source"), ("es", {"by": "Ana García", "role": "traductora médica",
                                  "date": "2026-12-01"})]
    listed = {f["path"] for m in manifest for f in m["files"]}
    assert listed == {str(p.relative_to(release)) for p in release.rglob("*")
                      if p.is_file() and p.name != "release.json"}
    assert "es/small.bilingual.pdf" in listed and "es/small/small.m3u8" in listed
    assert not any(path.startswith("es_MX/") for path in listed)
    checked = subprocess.run(["sha256sum", "--check", "--quiet"], cwd=release, text=True,
                             input="".join(f"{f['sha256']}  {f['path']}\n" for m in manifest
                                           for f in m["files"]), capture_output=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    _set(project, "More", "Más información")  # the review is stale: es leaves the release
    assert cli("build", *ESPEAK).code == 0
    assert cli("release").code == 0
    manifest = json.loads((release / "release.json").read_text(encoding="utf-8"))
    assert [m["language"] for m in manifest] == ["en"]
    assert not (release / "es").exists()


def test_make_release_builds_only_what_it_releases(tmp_path: Path) -> None:
    (tmp_path / "source").mkdir()
    shutil.copy(FIXTURES / "small.md", tmp_path / "source")
    shutil.copytree(FIXTURES / "locales", tmp_path / "locales")
    settings = tmp_path / "voices.toml"
    settings.write_text('[pipeline.voices]\nen = { engine = "espeak", voice = "en-us" }\n'
                        'es = { engine = "espeak" }\n')
    variables = [f"{name.upper()}={tmp_path / name}" for name in ("source", "locales",
                                                                   "output")]
    made = subprocess.run(["make", "--no-print-directory", "release", *variables,
                           f"SETTINGS={settings}"], cwd=ROOT, text=True, capture_output=True,
                          check=False, env={**os.environ, "MAKEFLAGS": "",
                                            "PIPELINE_CACHE": str(tmp_path / ".cache")})
    assert made.returncode == 0, made.stderr[-2000:]
    assert not (tmp_path / "output" / "es").exists()  # no sign-off: not built
    manifest = json.loads((tmp_path / "output/release/release.json").read_text())
    assert [m["language"] for m in manifest] == ["en"]
