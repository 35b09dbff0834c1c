"""A build process stays under 500 MB: eSpeak NG and Piper, each in its own process,
measured by the kernel (getrusage of the waited-for child)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import Cli

LIMIT_MB = 500
MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
print(done.stderr, file=sys.stderr)
"""
LONG = ("Baclofen is a medicine that relaxes the muscles, and people with a spinal cord "
        "injury often take it to ease spasticity, the stiffness and the sudden spasms "
        "that can make it hard to move, to sit comfortably, to sleep through the night "
        "or to take care of themselves, and it can be taken by mouth as tablets or a "
        "liquid, or given through a small pump placed under the skin that sends it "
        "straight into the fluid around the spinal cord.")
ARTICLE = f"""---
title: Memory test
lang: en
authors:
  - Test Team
publisher: Test Project
disclaimer: This is not medical advice.
---

# Memory test

## What it is

{LONG}

{LONG.replace("Baclofen", "This medicine")}
"""


def peak_mb(project: Path, *options: str) -> int:
    """Build the article's audio in a child process; its peak resident memory in MB."""
    command = [sys.executable, "-m", "pipeline", "audio", "--lang", "en", *options]
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], cwd=project,
                          capture_output=True, text=True, check=True,
                          env={**os.environ, "PIPELINE_CACHE": str(project / ".cache")})
    code, megabytes = map(int, done.stdout.split())
    assert code == 0, done.stderr
    return megabytes


@pytest.mark.parametrize("engine", ["espeak", "piper"])
def test_a_build_process_stays_under_500_mb(tmp_path: Path, engine: str) -> None:
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "memory.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    megabytes = peak_mb(tmp_path, "--engine", engine)
    assert 30 < megabytes <= LIMIT_MB



def test_a_book_gives_its_model_back_before_the_other_formats(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli: Cli) -> None:
    """A language's one process makes its PDFs after its book: the voice's model is
    forgotten once the book is made, so their memory does not come on top of it."""
    from pipeline.audio.speech import engines, piper

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "memory.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_CACHE", str(tmp_path / ".cache"))
    loaded = []
    release = engines.release

    def spied() -> None:
        loaded.append(piper._load.cache_info().currsize)  # type: ignore[attr-defined]
        release()

    monkeypatch.setattr(engines, "release", spied)
    result = cli("audio", "--lang", "en", "--engine", "piper")
    assert result.code == 0, result.err
    assert loaded == [1]  # the model was loaded for the book, then forgotten
    assert piper._load.cache_info().currsize == 0  # type: ignore[attr-defined]
