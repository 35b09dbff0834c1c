"""The unit list: what a build makes, from the builders, and the Make rules made from it."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.build import registry


def test_every_builder_names_itself_and_is_found_by_name() -> None:
    for name in registry.names():
        builder = registry.load(name)
        assert builder.name == name
        assert builder.suffix.startswith(".")
        assert all(need in registry.names() for need in builder.needs)


def test_an_unknown_format_is_a_usage_error(project: Path, cli,  # type: ignore[no-untyped-def]
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli("build", "--format", "braille")
    assert exit_.value.code == 2
    assert "invalid choice: 'braille' (choose from 'audio', " in capsys.readouterr().err


def test_units_list_each_file_with_what_it_reads(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("units", "--json")
    assert result.code == 0, result.err
    units = json.loads(result.out)
    assert {(u["lang"], u["format"]) for u in units} == {
        (lang, name) for lang in ("en", "es") for name in registry.names()
        if not (lang == "en" and registry.load(name).translations_only)}
    spanish_pdf = next(u for u in units if u["lang"] == "es" and u["format"] == "pdf")
    assert spanish_pdf["target"] == "output/es/small.pdf"
    assert "source/small.md" in spanish_pdf["inputs"]
    assert "locales/es/LC_MESSAGES/small.po" in spanish_pdf["inputs"]
    assert "locales/es/LC_MESSAGES/pipeline.po" in spanish_pdf["inputs"]
    assert any(path.endswith("pipeline/print/pdf.py") for path in spanish_pdf["code"])
    assert not any("/audio/" in path for path in spanish_pdf["code"])
    assert spanish_pdf["command"] == ["build", "--format", "pdf", "--lang", "es", "small"]


def test_a_language_not_ready_is_left_out_with_a_notice(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """A translator who has just run `pipeline init` must not break everyone's build."""
    assert cli("init", "--lang", "de").code == 0
    result = cli("units")
    assert result.code == 0
    assert "/de/" not in result.out and "output/es/small.pdf" in result.out
    notice = [line for line in result.err.splitlines() if "'de'" in line]
    assert len(notice) == 1
    assert notice[0].startswith("locales/de/LC_MESSAGES/small.po: notice: the disclaimer is "
                                "not fully translated, so 'de' is left out")
    named = cli("pdf", "--lang", "de")  # asked for by name: an error, as before
    assert named.code == 1
    assert "'de' is not built" in named.err


def _make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, text=True,
                          capture_output=True, check=False, env={**os.environ, "MAKEFLAGS": ""})


@pytest.mark.parametrize("goal", ["pdf", "all"])
def test_make_plans_from_the_unit_list(project: Path, cli, goal: str) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--lang", "de").code == 0
    folders = [f"{name.upper()}={project / name}" for name in ("source", "locales", "output")]
    planned = _make("-n", goal, *folders)
    assert planned.returncode == 0, planned.stderr
    commands = [line for line in planned.stdout.splitlines() if " build --format " in line]
    wanted = {"pdf"} if goal == "pdf" else set(registry.names())
    assert {line.split(" --format ")[1].split()[0] for line in commands} == wanted
    assert not any("--lang de" in line for line in commands)
    assert any("--lang es small" in line for line in commands)
    assert "'de' is left out" in planned.stderr
    assert (project / "output" / ".make" / "units.mk").is_file()


@pytest.mark.parametrize("name", ["pipeline.toml", "pyproject.toml"])
def test_the_file_that_chooses_the_voices_is_an_input_of_the_audio(
        project: Path, cli, name: str) -> None:  # type: ignore[no-untyped-def]
    """Edit the voices in either settings file, and Make rebuilds the books."""
    table = "[pipeline.voices]" if name == "pipeline.toml" else "[tool.pipeline.voices]"
    (project / name).write_text(f'{table}\nes = {{ engine = "espeak" }}\n')
    units = json.loads(cli("units", "--json").out)
    audio = next(u for u in units if u["lang"] == "es" and u["format"] == "audio")
    pdf = next(u for u in units if u["lang"] == "es" and u["format"] == "pdf")
    assert name in audio["inputs"] and name not in pdf["inputs"]


def test_a_library_too_large_for_a_command_line_is_planned(project: Path) -> None:
    """Make's list of inputs can pass what one shell argument may hold (128 KiB on Linux):
    a few hundred articles in ten languages do. The unit list must still be made."""
    images = project / "source" / "images"
    images.mkdir(exist_ok=True)
    for number in range(800):  # 800 paths of ~300 characters: ~240 KiB of file names
        (images / f"{number:03d}-{'x' * 200}.png").write_bytes(b"")
    folders = [f"{name.upper()}={project / name}" for name in ("source", "locales", "output")]
    planned = _make("-n", "pdf", *folders)
    assert planned.returncode == 0, planned.stderr[-2000:]
    assert "Argument list too long" not in planned.stderr
    key = (project / "output" / ".make" / "key").read_text()
    assert len(key) > 128 * 1024 and f"799-{'x' * 200}.png" in key
    assert any(" build --format pdf " in line for line in planned.stdout.splitlines())
