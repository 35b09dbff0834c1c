"""Shared fixtures: a small throwaway project, the CLI in this process, and the one real
build of the article the end-to-end tests read. Tests under ``e2e/`` are marked ``e2e``:
``pytest -m "not e2e"`` is the quick loop."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from support import (
    EPOCH,
    FIXTURES,
    READING_FORMATS,
    READING_LANGS,
    REAL_LANGS,
    ROOT,
    Cli,
    RealBuild,
    Result,
)

E2E = Path(__file__).parent / "e2e"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e/ is an end-to-end test: real builds, real validators."""
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the CLI in this process (fast); returns exit status, stdout and stderr."""
    def call(*args: str | Path) -> Result:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return call


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throwaway project in the current directory: source/small.md and its Spanish
    catalogs, with its own speech cache."""
    (tmp_path / "source").mkdir()
    shutil.copy(FIXTURES / "small.md", tmp_path / "source" / "small.md")
    shutil.copytree(FIXTURES / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_CACHE", str(tmp_path / ".cache"))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


_LINE = re.compile(r"^(\w+): (\S+) baclofen -> .*; ([\d.]+) s$", re.MULTILINE)


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> RealBuild:
    """The real article, built once (see ``RealBuild``): three builds at a time on the
    machine's two cores, the print in one, the reading formats of two languages in each
    of the others (encoding the audio is most of the work)."""
    root = tmp_path_factory.mktemp("real")
    shutil.copytree(ROOT / "source", root / "source")
    shutil.copytree(ROOT / "locales", root / "locales")
    env = {**os.environ, "PIPELINE_CACHE": str(root / ".cache"), "SOURCE_DATE_EPOCH": EPOCH}

    def options(flag: str, values: tuple[str, ...]) -> list[str]:
        return [option for value in values for option in (flag, value)]

    builds = [[*options("--format", ("pdf", "bilingual")), *options("--lang", REAL_LANGS)],
              *([*options("--format", READING_FORMATS), *options("--lang", half)]
                for half in (READING_LANGS[::2], READING_LANGS[1::2]))]
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--engine", "espeak",
                              *arguments], cwd=root, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for arguments in builds]
    seconds: dict[tuple[str, str], float] = {}
    for run in runs:
        _, err = run.communicate()
        assert run.returncode == 0, err[-3000:]
        seconds |= {(fmt, lang): float(s) for fmt, lang, s in _LINE.findall(err)}
    return RealBuild(root / "output", seconds)


@pytest.fixture(scope="session")
def reading_books(real_build: RealBuild) -> Path:
    """The output folder of the real build (its reading formats are in READING_LANGS)."""
    return real_build.output
