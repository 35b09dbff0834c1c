"""A build process stays under 500 MB: eSpeak NG and Piper, each in its own process,
measured by the kernel (getrusage of the waited-for child)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import ROOT

LIMIT_MB = 500
ESPEAK_SETTINGS = ROOT / "tests" / "fixtures" / "espeak-voices.toml"
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


def peak_mb(project: Path, *arguments: str) -> int:
    """Run ``pipeline ARGUMENTS`` in a child process (its cache in the project); its peak
    resident memory in MB."""
    command = [sys.executable, "-m", "pipeline", *arguments]
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
    megabytes = peak_mb(tmp_path, "audio", "--lang", "en", "--engine", engine)
    assert 30 < megabytes <= LIMIT_MB



def test_a_languages_process_peaks_no_higher_than_its_book(tmp_path: Path) -> None:
    """A language's one process makes its PDF after its book: the voice's model is given
    back once the book is made, so the PDF's memory does not come on top of it. Chinese
    (eSpeak NG, its English names read by Piper; a PDF with CJK fonts) peaked at 547 MB
    with the model kept, against 426 MB for the book alone."""
    def peak(name: str, *formats: str) -> int:
        project = tmp_path / name
        project.mkdir()
        return peak_mb(project, "--settings", str(ESPEAK_SETTINGS),
                       "--source", str(ROOT / "source"), "--locales", str(ROOT / "locales"),
                       "--output", str(project / "output"), "build", "--lang", "zh_Hans",
                       *(f"--format={f}" for f in formats), "baclofen")

    book = peak("book", "audio")
    both = peak("both", "audio", "pdf")
    assert both <= book + 40, (book, both)
