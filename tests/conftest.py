"""Shared fixtures: the real project, a small throwaway project, and ways to run the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# The seed article as received, kept beside the tests so a clone anywhere can check
# source/baclofen.md against it; test_source checks the copy against ../shared when
# that folder is there.
SEED = FIXTURES / "seed.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "000_8be5613c8abd27c7.txt"
REAL_LANGS = ("en", "es", "fr", "ar", "zh_Hans", "hi")
SHIPPED_CATALOGS = sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))


def shipped_strings() -> list[str]:
    """Every msgid and msgstr of every shipped catalog."""
    import polib

    return [text for path in SHIPPED_CATALOGS for entry in polib.pofile(str(path))
            for text in (entry.msgid, entry.msgstr)]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> Result:
    """Run ``python -m pipeline`` in a subprocess: real exit status, real stderr."""
    done = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
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


# The reading formats' tests share one build of the real article: left to right, right to
# left, and two complex scripts, with eSpeak NG (fast) for every voice.
READING_LANGS = ("es", "ar", "hi", "zh_Hans")
READING_FORMATS = ("audio", "html", "epub", "vtt")
EPOCH = "1700000000"


@pytest.fixture(scope="session")
def reading_books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real article's MP3, timeline, HTML, EPUB and WebVTT in ``READING_LANGS``, built
    once in a scratch project (own speech cache, ``SOURCE_DATE_EPOCH``); its output folder."""
    root = tmp_path_factory.mktemp("reading")
    shutil.copytree(ROOT / "source", root / "source")
    shutil.copytree(ROOT / "locales", root / "locales")
    formats = [option for name in READING_FORMATS for option in ("--format", name)]
    env = {**os.environ, "PIPELINE_CACHE": str(root / ".cache"), "SOURCE_DATE_EPOCH": EPOCH}
    # Two languages at a time: the machine has two cores and encoding is most of the work.
    runs = [subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--engine", "espeak",
                              *formats, *(option for lang in half for option in ("--lang", lang))],
                             cwd=root, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
            for half in (READING_LANGS[::2], READING_LANGS[1::2])]
    for run in runs:
        _, err = run.communicate()
        assert run.returncode == 0, err[-3000:]
    return root / "output"
