"""The unit list: what a build makes, from the builders, and the Make rules made from it."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from pipeline.build import registry
from pipeline.build.units import PACKAGE, code_files
from support import FIXTURES, ROOT, Cli, listed_units


def test_every_builder_names_itself_and_is_found_by_name() -> None:
    for name in registry.names():
        builder = registry.load(name)
        assert builder.name == name
        assert builder.suffix.startswith(".")
        assert all(need in registry.names() for need in builder.needs)


def test_an_unknown_format_is_a_usage_error(project: Path, cli: Cli,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli("build", "--format", "braille")
    assert exit_.value.code == 2
    assert "invalid choice: 'braille' (choose from 'audio', " in capsys.readouterr().err


def test_units_list_each_file_with_what_it_reads(project: Path, cli: Cli) -> None:
    result = cli("units", "--json")
    assert result.code == 0, result.err
    units = listed_units(result.out)
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


def test_the_site_step_plans_as_its_units_were_planned(project: Path, cli: Cli) -> None:
    """`make release`'s site publishes only what is reviewed: its collect step is told so
    (it withdraws the handouts its own plan does not make)."""
    for options, command in (((), ["site"]), (("--reviewed-only",), ["site", "--reviewed-only"])):
        listing = json.loads(cli("units", "--json", *options).out)
        assert [step["command"] for step in listing["collect"]] == [command]
    rules = cli("units", "--make", "--reviewed-only", "--threshold", "0.9").out
    assert "\t$(PIPELINE) site --reviewed-only --threshold 0.9 && touch $@" in rules


def test_a_language_not_ready_is_left_out_with_a_notice(project: Path, cli: Cli) -> None:
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
def test_make_plans_from_the_unit_list(project: Path, cli: Cli, goal: str) -> None:
    assert cli("init", "--lang", "de").code == 0
    folders = [f"{name.upper()}={project / name}" for name in ("source", "locales", "output")]
    planned = _make("-n", goal, *folders)
    assert planned.returncode == 0, planned.stderr
    # One process per article and language, asked for the formats of the goal (none
    # named: every format of it that is out of date).
    commands = [line for line in planned.stdout.splitlines() if " build --outdated " in line]
    assert sorted(re.findall(r"--lang (\S+) small$", "\n".join(commands), re.M)) == ["en", "es"]
    asked = {tuple(re.findall(r"--format (\S+)", line)) for line in commands}
    assert asked == ({("pdf",)} if goal == "pdf" else {()})
    assert not any("--lang de" in line for line in commands)
    assert "'de' is left out" in planned.stderr
    assert (project / "output" / ".make" / "units.mk").is_file()


@pytest.mark.parametrize("name", ["pipeline.toml", "pyproject.toml"])
def test_the_file_that_chooses_the_voices_is_an_input_of_the_audio(
        project: Path, cli: Cli, name: str) -> None:
    """Edit the voices in either settings file, and Make rebuilds the books."""
    table = "[pipeline.voices]" if name == "pipeline.toml" else "[tool.pipeline.voices]"
    (project / name).write_text(f'{table}\nes = {{ engine = "espeak" }}\n')
    units = listed_units(cli("units", "--json").out)
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
    assert any(" build --outdated --format pdf " in line for line in planned.stdout.splitlines())


# --- each fact about a format in one place ------------------------------------------------

def _module_file(module: str) -> Path | None:
    path = PACKAGE.parent / module.replace(".", "/")
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.is_file():
            return candidate
    return None


def _imports(module: str) -> set[str]:
    """Every pipeline module that ``module`` imports, wherever the import statement is."""
    file = _module_file(module)
    assert file is not None, module
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        found.update(n for n in names if n.startswith("pipeline") and _module_file(n))
    # Importing a module runs its packages' __init__ too.
    return found | {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count("."))}


def _runs(*modules: str) -> set[Path]:
    """The files of ``modules`` and of everything they import, transitively."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += _imports(module)
    return {path for module in seen if (path := _module_file(module)) is not None}


@pytest.mark.parametrize("name", registry.names())
def test_each_builder_declares_the_code_its_units_run(name: str) -> None:
    """A unit's code prerequisites are what it really imports: the shared stages (parse,
    translate) and its builder's module, each with all it imports."""
    declared = set(code_files(registry.load(name)))
    real = _runs(registry.BUILTIN_BUILDERS[name], "pipeline.source.documents",
                 "pipeline.catalogs.translate")
    assert real <= declared, sorted(str(p.relative_to(PACKAGE)) for p in real - declared)
    report = PACKAGE / "translators" / "report.py"
    assert report not in declared  # and nobody's output depends on the report


def test_a_second_builder_of_one_name_is_refused() -> None:
    with pytest.raises(ValueError, match="two builders named 'pdf'"):
        @registry.register
        class Another(registry.Builder):
            name = "pdf"
            suffix = ".other.pdf"
            code = ()


def test_units_carry_what_their_format_asks_of_a_scheduler(project: Path, cli: Cli) -> None:
    listing = json.loads(cli("units", "--json").out)
    resources = {u["format"]: u["resources"] for u in listed_units(json.dumps(listing))}
    assert resources["audio"] == dict(registry.load("audio").resources)
    assert resources["audio"]["mem_mb"] > resources["html"]["mem_mb"]
    # One process makes a language's formats one after another: the most memory any of
    # them needs, and the sum of their times.
    spanish = next(g for g in listing["groups"] if g["lang"] == "es")
    assert spanish["resources"] == {
        "mem_mb": max(r["mem_mb"] for r in resources.values()),
        "runtime": sum(r["runtime"] for r in resources.values())}


def test_editing_code_no_builder_runs_rebuilds_nothing(project: Path, cli: Cli) -> None:
    """make -n -W FILE: which languages would be made again if FILE changed; and, inside
    a language's process, which formats (those whose own code it is)."""
    folders = [f"{name.upper()}={project / name}" for name in ("source", "locales", "output")]
    settings = f"SETTINGS={FIXTURES / 'espeak-voices.toml'}"
    assert _make("pdf", "html", *folders, settings).returncode == 0

    def rebuilt(changed: str) -> set[str]:
        planned = _make("-n", "-W", f"src/pipeline/{changed}", "pdf", "html", *folders,
                        settings)
        assert planned.returncode == 0, planned.stderr
        return set(re.findall(r" build --outdated --format pdf --format html --lang (\S+) ",
                              planned.stdout))

    assert rebuilt("translators/report.py") == set()
    assert rebuilt("build/status.py") == set()
    assert rebuilt("print/pdf.py") == {"en", "es"}
    assert rebuilt("catalogs/translate.py") == {"en", "es"}
    units = listed_units(cli("units", "--json").out)

    def formats(changed: str) -> set[str]:
        return {u["format"] for u in units
                if u["lang"] == "es" and str(PACKAGE / changed) in u["code"]}

    assert formats("print/pdf.py") == {"pdf", "bilingual"}
    # The EPUB and the site's handout page lay out their text so too.
    assert formats("html/render.py") == {"html", "epub", "site"}
    assert formats("catalogs/translate.py") == set(registry.names())
