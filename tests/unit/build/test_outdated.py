"""One process per article and language (`pipeline build --outdated`, what Make's and
Snakemake's rules run): it makes exactly the formats that are out of date, the same
bytes as one process per format, and leaves the rule up to date afterwards."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from pipeline.build import registry
from support import Cli

EPOCH = "1510272000"


def _built(err: str) -> list[str]:
    """The formats a build made, in the order it made them (its one line per output)."""
    return re.findall(r"^(\w+): es small -> ", err, re.MULTILINE)


def _outputs(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not {".make", ".failed"} & set(p.parts)}


@pytest.fixture
def spanish(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The small article's Spanish, every format built by one process."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for path in [*(project / "source").rglob("*"), *(project / "locales").rglob("*")]:
        _age(path, 60)  # written a minute before the build, as a project's files are
    result = cli("build", "--outdated", "--engine", "espeak", "--lang", "es")
    assert result.code == 0, result.err
    assert _built(result.err) == list(registry.names())
    return project


def _targets(project: Path) -> list[Path]:
    return [registry.load(name).target(project / "output", "small", "es")
            for name in registry.names()]


def _age(path: Path, seconds: int) -> None:
    """Make ``path`` look ``seconds`` older (rather than sleeping for an mtime step)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - seconds * 10**9))


def test_a_lexicon_edit_remakes_the_audio_and_what_is_made_from_it(spanish: Path,
                                                                   cli: Cli) -> None:
    lexicon = spanish / "locales" / "es" / "lexicon.tsv"
    lexicon.write_text("baclofeno\tbaclofeno\n", encoding="utf-8")
    result = cli("build", "--outdated", "--engine", "espeak", "--lang", "es")
    assert result.code == 0, result.err
    assert _built(result.err) == ["audio", "epub", "vtt", "site"]
    # The PDFs and the page were current: their time now says so, so that Make's one
    # rule for the language (every format's prerequisites together) is up to date.
    newest = lexicon.stat().st_mtime_ns
    assert all(t.stat().st_mtime_ns >= newest for t in _targets(spanish))
    again = cli("build", "--outdated", "--engine", "espeak", "--lang", "es")
    assert again.code == 0 and _built(again.err) == []


def test_a_format_asked_for_brings_what_it_is_made_from(spanish: Path, cli: Cli) -> None:
    audio = registry.load("audio").target(spanish / "output", "small", "es")
    audio.unlink()
    result = cli("build", "--outdated", "--engine", "espeak", "--format", "epub",
                 "--lang", "es")
    assert result.code == 0, result.err
    assert _built(result.err) == ["audio", "epub"]  # not the vtt: not asked for


def test_one_process_makes_the_same_bytes_as_one_per_format(spanish: Path, cli: Cli) -> None:
    together = _outputs(spanish / "output")
    for name in registry.names():
        result = cli("--output", "apart", "build", "--engine", "espeak", "--format", name,
                     "--lang", "es")
        assert result.code == 0, result.err
    apart = _outputs(spanish / "apart")
    assert sorted(apart) == sorted(together)
    assert [name for name in together if together[name] != apart[name]] == []


def test_a_failed_format_is_tried_again_and_the_others_are_kept(spanish: Path,
                                                                 cli: Cli) -> None:
    (spanish / "pipeline.toml").write_text(
        '[pipeline.voices]\nes = { engine = "piper", voice = "es_ES-missing-medium" }\n')
    pdf = registry.load("pdf").target(spanish / "output", "small", "es")
    made = pdf.read_bytes()
    failed = cli("build", "--outdated", "--lang", "es")  # the voices file changed
    assert failed.code == 1 and "no Piper voice 'es_ES-missing-medium'" in failed.err
    assert _built(failed.err) == []  # the PDFs do not read the voices: current
    assert pdf.read_bytes() == made
    again = cli("build", "--outdated", "--lang", "es")
    assert again.code == 1 and "no Piper voice" in again.err  # not taken for current
