"""The command line: exit statuses, error format, and the parse command's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support import ROOT, Cli, listed_units, run_cli


def test_parse_json_shows_the_whole_model() -> None:
    result = run_cli("parse", ROOT / "source" / "baclofen.md", "--json")
    assert result.code == 0, result.err
    model = json.loads(result.out)
    kinds = [block["kind"] for block in model["body"]]
    assert kinds.count("Heading") == 10
    assert kinds.count("Figure") == 3
    items = [item["text"]["text"] for block in model["body"] if block["kind"] == "ListBlock"
             for item in block["items"]]
    assert "Muscle weakness" in items and len(items) == 4 + 8 + 6 + 3 + 3
    figure = next(block for block in model["body"] if block["kind"] == "Figure")
    assert figure["credit"]["holder"] == "PubChem"
    assert figure["credit"]["title"]["role"] == "credit title"
    assert model["attribution"][0]["text"]["role"] == "attribution"
    assert [s["role"] for s in model["disclaimer"]] == ["disclaimer", "disclaimer"]
    assert model["meta"]["title"]["location"] == {"kind": "SourceLocation",
                                                  "path": str(ROOT / "source" / "baclofen.md"),
                                                  "line": 2}


def test_module_entry_point_and_summary() -> None:
    result = run_cli("parse", "source/baclofen.md", cwd=ROOT)
    assert result.code == 0
    assert result.out.startswith("source/baclofen.md: 'Baclofen' (en), 7 sections")


def test_input_error_is_one_line_path_line_message_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: T\nlang: en\ndisclaimer: x\n---\n\n> quote\n", encoding="utf-8")
    result = run_cli("parse", bad)
    assert result.code == 1
    assert result.err == f"{bad}:7: block quotes are not supported\n"
    assert "Traceback" not in result.err


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    result = run_cli("parse", tmp_path / "nope.md")
    assert result.code == 1
    assert result.err.startswith(f"{tmp_path / 'nope.md'}: cannot read the file")


def test_usage_errors_exit_2() -> None:
    assert run_cli("no-such-command").code == 2
    assert run_cli("parse").code == 2
    assert run_cli("init").code == 2  # --lang is required


def test_an_unknown_format_or_option_value_is_a_usage_error(
        cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    """Said by argparse (exit 2, usage shown) before anything is read."""
    for args in (["build", "--format", "nope"], ["units", "--format", "pdf", "--format", "x"],
                 ["check", "--threshold", "most"], ["check", "--lang"], ["update", "extra"],
                 ["pdf", "--format", "audio"]):
        with pytest.raises(SystemExit) as caught:
            cli(*args)
        assert caught.value.code == 2, args
        err = capsys.readouterr().err
        assert err.startswith("usage: pipeline"), args
    with pytest.raises(SystemExit):
        cli("build", "--format", "nope")
    assert "argument --format: invalid choice: 'nope'" in capsys.readouterr().err


def test_every_stage_has_a_subcommand() -> None:
    result = run_cli("--help")
    for command in ("extract", "init", "update", "check", "report", "pdf", "audio", "build",
                    "units", "parse"):
        assert command in result.out


def test_settings_file_chooses_the_voices(project: Path) -> None:
    """--settings reads another file's [pipeline] table: the tests' eSpeak NG voices; the
    audio unit then depends on that file; a missing file is one clear line."""
    settings = ROOT / "tests" / "fixtures" / "espeak-voices.toml"
    result = run_cli("--settings", settings, "audio", "--lang", "es", cwd=project)
    assert result.code == 0, result.err
    assert "(es: espeak es)" in result.err
    listed = run_cli("--settings", settings, "units", "--json", "--lang", "es", cwd=project)
    audio = next(u for u in listed_units(listed.out) if u["format"] == "audio")
    assert str(settings) in audio["inputs"]
    missing = run_cli("--settings", "absent.toml", "audio", cwd=project)
    assert (missing.code, missing.err) == (1, "absent.toml: no such settings file\n")
