"""Catalog templates (golden files), new catalogs from Babel, and safe catalog reading."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.catalogs.catalog import read_catalog
from pipeline.errors import PipelineError
from support import FIXTURES, ROOT, Cli

GOLDEN = sorted((FIXTURES / "golden").glob("*.md"))


@pytest.mark.parametrize("case", GOLDEN, ids=[p.stem for p in GOLDEN])
def test_template_matches_golden_file(case: Path, tmp_path: Path, cli: Cli,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``extract`` writes exactly ``<case>.md.expect.pot`` (mdpo-style golden pairs)."""
    (tmp_path / "source").mkdir()
    shutil.copy(case, tmp_path / "source" / case.name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli("extract").code == 0
    written = (tmp_path / "locales" / f"{case.stem}.pot").read_text(encoding="utf-8")
    assert written == case.with_name(case.name + ".expect.pot").read_text(encoding="utf-8")


def test_template_is_not_rewritten_when_only_the_date_would_change(
        project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    cli("extract")
    pot = project / "locales" / "small.pot"
    before = pot.read_bytes()
    os.utime(pot, (1, 1))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    result = cli("extract")
    assert "locales/small.pot: 15 entries, unchanged" in result.out
    assert pot.read_bytes() == before and pot.stat().st_mtime == 1
    (project / "source" / "small.md").write_text(
        (project / "source" / "small.md").read_text().replace("Second step", "Last step"))
    cli("extract")
    assert b"POT-Creation-Date: 2027-01-15 08:00+0000" in pot.read_bytes()


def test_source_date_epoch_must_be_seconds(project: Path, cli: Cli,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = cli("extract")
    assert result.code == 1
    assert "SOURCE_DATE_EPOCH must be whole seconds" in result.err


@pytest.mark.parametrize(("lang", "language", "plural"), [
    ("ar", "Arabic", "nplurals=6;"),
    ("zh_Hans", "Chinese (Simplified)", "nplurals=1; plural=0;"),
    ("de_AT", "German (Austria)", "nplurals=2;"),
])
def test_init_takes_headers_from_babel(project: Path, cli: Cli, lang: str, language: str,
                                       plural: str) -> None:
    assert cli("init", "--lang", lang).code == 0
    path = project / "locales" / lang / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    assert po.metadata["Language"] == lang
    assert po.metadata["Language-Team"] == language
    assert po.metadata["Plural-Forms"].startswith(plural)
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert "X-Review-Status" not in po.metadata  # reviews are sign-offs (test_review)
    assert len(po) == 15 and all(not e.msgstr for e in po)
    assert (project / "locales" / lang / "LC_MESSAGES" / "pipeline.po").is_file()
    assert subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)]).returncode == 0


def test_init_never_overwrites_a_catalog(project: Path, cli: Cli) -> None:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    before = path.read_bytes()
    result = cli("init", "--lang", "es")
    assert result.code == 0 and "exists, left as it is" in result.out
    assert path.read_bytes() == before


def test_init_writes_no_template(project: Path, cli: Cli,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A tracked .pot is written by extract and update only; init makes its own in memory,
    dated as the one on disk when that is current."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert cli("init", "--lang", "fr").code == 0
    assert not list(project.glob("locales/*.pot"))
    assert cli("extract").code == 0
    pot = project / "locales" / "small.pot"
    before = pot.read_bytes()
    os.utime(pot, (1, 1))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    result = cli("init", "--lang", "de")
    assert result.code == 0 and ".pot" not in result.out
    assert pot.read_bytes() == before and pot.stat().st_mtime == 1
    german = read_catalog(project / "locales" / "de" / "LC_MESSAGES" / "small.po")
    assert german.metadata["POT-Creation-Date"] == "2023-11-14 22:13+0000"  # the .pot's
    updated = cli("update").out  # nothing to merge into what init made
    assert "locales/de/LC_MESSAGES/small.po: up to date" in updated
    assert "locales/de/LC_MESSAGES/pipeline.po: up to date" in updated


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_references_are_relative_to_the_project(project: Path, cli: Cli, where: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """An absolute --source, from the project or from elsewhere, writes the same #: lines
    (the project: the working directory if the source is inside it, else the source's
    parent)."""
    if where == "outside":
        elsewhere = project / "elsewhere"
        elsewhere.mkdir()
        monkeypatch.chdir(elsewhere)
    folders = ("--source", project / "source", "--locales", project / "locales")
    assert cli(*folders, "init", "--lang", "de").code == 0
    assert cli(*folders, "extract").code == 0
    for path in (project / "locales" / "small.pot",
                 project / "locales" / "de" / "LC_MESSAGES" / "small.po"):
        text = path.read_text(encoding="utf-8")
        references = [line for line in text.splitlines() if line.startswith("#: ")]
        assert references[0] == "#: source/small.md:2", path
        assert all(line.startswith("#: source/small.md:") for line in references), path
        assert str(project) not in text


def test_init_unknown_locale_is_a_clear_error(project: Path, cli: Cli) -> None:
    result = cli("init", "--lang", "xx")
    assert result.code == 1
    assert "unknown language or locale 'xx'" in result.err
    assert not (project / "locales" / "xx").exists()


HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
MALFORMED = [
    ("unterminated string", HEADER + 'msgid "Hello\nmsgstr "Hola"\n', 5, "end-of-line within"),
    ("broken header", 'msgid ""\nmsgstr ""\n"Language es\\n"\n\nmsgid "a"\nmsgstr "b"\n', 1,
     "Content-Type"),
    ("keyword typo", HEADER + 'msgid "a"\nmsgstrr "b"\n', 6, ""),
    ("duplicate entry", HEADER + 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', 8,
     "duplicate"),
]


@pytest.mark.parametrize(("text", "line", "words"), [c[1:] for c in MALFORMED],
                         ids=[c[0] for c in MALFORMED])
def test_malformed_catalog_is_a_path_line_error(tmp_path: Path, text: str, line: int,
                                                words: str) -> None:
    path = tmp_path / "x.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        read_catalog(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")
    assert words in str(caught.value)


def test_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(HEADER.encode() + b'msgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(PipelineError) as caught:
        read_catalog(path)
    assert str(caught.value) == f"{path}:5: not UTF-8: catalogs must be saved as UTF-8"


def test_shipped_templates_are_current(tmp_path: Path, cli: Cli,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """locales/*.pot hold what ``extract`` would write now (dates aside)."""
    shutil.copytree(ROOT / "source", tmp_path / "source")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    result = cli("extract")
    assert "baclofen.pot: 76 entries, unchanged" in result.out
    assert "pipeline.pot: 33 entries, unchanged" in result.out
