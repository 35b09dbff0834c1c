"""One unit that fails never stops the others, and never leaves an outdated output
looking current: it goes to ``output/.stale/``, with a record of why (``.failed/``)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import FIXTURES, Cli

FORMATS = ("--format", "audio", "--format", "pdf", "--format", "html", "--format", "epub")
DOSE = ("Take *one* tablet of 20 mg each day.", "Tome *un* comprimido de 20 mg cada día.")
VARIANT = "es_MX"  # a second translation: the Spanish catalogs under another name


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _set(project: Path, lang: str, msgid: str, msgstr: str) -> Path:
    path = project / "locales" / lang / "LC_MESSAGES" / "small.po"
    catalog = read_catalog(path)
    catalog.find(msgid).msgstr = msgstr
    write_catalog(catalog, path)
    return path


def _line(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.startswith(start))


@pytest.fixture
def two_languages(project: Path, cli: Cli) -> Path:
    """The small project with a second translation, every format built with eSpeak NG."""
    shutil.copytree(project / "locales" / "es", project / "locales" / VARIANT)
    result = cli("build", "--engine", "espeak", *FORMATS)
    assert result.code == 0, result.err
    return project


def test_a_refused_catalog_does_not_stop_the_other_languages(two_languages: Path,
                                                             cli: Cli) -> None:
    project, output = two_languages, two_languages / "output"
    before = _snapshot(output / VARIANT)
    spanish = (output / "es" / "small.pdf").stat().st_mtime_ns
    po = _set(project, VARIANT, DOSE[0], DOSE[1].replace("20 mg", "200 mg"))

    result = cli("build", "--engine", "espeak", *FORMATS)
    assert result.code == 1
    line = _line(po, 'msgstr "Tome')
    where = f"{po.relative_to(project)}:{line}: numbers differ"
    assert where in result.err
    assert f"refused: small {VARIANT} (audio, pdf, html, epub): {where}" in result.err
    # The others are built again; the refused language's outputs are set aside, whole.
    assert (output / "es" / "small.pdf").stat().st_mtime_ns > spanish
    assert not (output / VARIANT).exists() or not any((output / VARIANT).iterdir())
    assert _snapshot(output / ".stale" / VARIANT) == before
    record = json.loads((output / ".failed" / VARIANT / "small.pdf.json").read_text())
    assert record["state"] == "refused" and where in record["message"]

    status = cli("status")
    table = status.out.split("\n\n")[0].splitlines()
    assert table[0].split() == ["article", "lang", "audio", "pdf", "bilingual", "html",
                                "epub", "vtt", "site"]
    assert set(table[1]) == {"-", " "}  # the rule under the header
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in table[2:]}
    # The transcript and the site's page are made from the refused outputs.
    assert rows[("small", VARIANT)] == ["refused"] * 2 + ["missing"] + ["refused"] * 4
    assert rows[("small", "es")] == ["built"] * 2 + ["missing", "built", "built"] \
        + ["missing"] * 2
    assert f"small {VARIANT} (audio, pdf, html, epub): {where}" in status.out, status.out

    _set(project, VARIANT, DOSE[0], DOSE[1])  # the translator fixes it
    result = cli("build", "--engine", "espeak", *FORMATS)
    assert result.code == 0, result.err
    assert not (output / ".stale").exists() and not (output / ".failed").exists()
    assert (output / VARIANT / "small.pdf").is_file()


def test_a_failed_book_takes_what_is_made_from_it_along(two_languages: Path,
                                                        cli: Cli) -> None:
    """The EPUB holds the MP3: once the MP3 cannot be rebuilt, neither is current."""
    output = two_languages / "output"
    (two_languages / "pipeline.toml").write_text(
        '[pipeline.voices]\nes = { engine = "piper", voice = "es_ES-missing-medium" }\n')
    result = cli("build", "--lang", "es", *FORMATS)
    assert result.code == 1
    assert "no Piper voice 'es_ES-missing-medium'" in result.err
    assert (output / "es" / "small.pdf").is_file() and (output / "es" / "small.html").is_file()
    for name in ("small.mp3", "small.timeline.json", "small", "small.epub"):
        assert not (output / "es" / name).exists()
        assert (output / ".stale" / "es" / name).exists()
    epub = json.loads((output / ".failed" / "es" / "small.epub.json").read_text())
    assert epub["message"].startswith("needs the audio output, which could not be built")


def test_a_language_no_longer_ready_loses_its_outdated_outputs(two_languages: Path,
                                                               cli: Cli) -> None:
    output = two_languages / "output"
    _set(two_languages, VARIANT, "Ask your doctor before you change a dose.", "")
    result = cli("build", "--engine", "espeak", *FORMATS)
    assert result.code == 1
    assert f"the disclaimer is not fully translated, so '{VARIANT}' is not built" in result.err
    assert (output / ".stale" / VARIANT / "small.pdf").is_file()
    assert not (output / VARIANT / "small.pdf").exists()
    assert cli("build", "--engine", "espeak", *FORMATS).code == 1  # until it is fixed
    # A language removed is no longer a failure; what it set aside stays in .stale/.
    shutil.rmtree(two_languages / "locales" / VARIANT)
    assert cli("build", "--engine", "espeak", *FORMATS).code == 0
    assert not (output / ".failed").exists() and (output / ".stale" / VARIANT).is_dir()
    # A language just started has no outputs to lose: a notice, not a failure.
    assert cli("init", "--lang", "de").code == 0
    result = cli("build", "--engine", "espeak", *FORMATS)
    assert result.code == 0, result.err
    assert "so 'de' is left out" in result.err


def test_a_broken_article_does_not_stop_the_others(two_languages: Path, cli: Cli) -> None:
    output = two_languages / "output"
    broken = two_languages / "source" / "broken.md"
    broken.write_text((FIXTURES / "small.md").read_text().replace("lang: en", "lang: [en"))
    result = cli("build", "--engine", "espeak", "--format", "pdf")
    assert result.code == 1
    assert "source/broken.md:" in result.err and "not valid YAML" in result.err
    assert (output / "es" / "small.pdf").is_file()
    units = cli("units")
    assert units.code == 0 and "output/es/small.pdf" in units.out
    assert "so 'broken' is left out" in units.err


def test_a_crash_is_reported_and_the_others_go_on(two_languages: Path, cli: Cli,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in one format (here forced) shows its traceback; the other formats go on."""
    from pipeline.html.builder import HtmlBuilder

    def crash(self: HtmlBuilder, job: object) -> str:
        raise RuntimeError("forced for the test")

    monkeypatch.setattr(HtmlBuilder, "build", crash)
    output = two_languages / "output"
    result = cli("build", "--lang", "es", "--format", "html", "--format", "pdf")
    assert result.code == 1
    assert "Traceback" in result.err and "RuntimeError: forced for the test" in result.err
    assert "failed: small es (html): html: es small: RuntimeError" in result.err
    assert (output / ".stale" / "es" / "small.html").is_file()
    assert "pdf: es small ->" in result.err
