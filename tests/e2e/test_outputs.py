"""The real outputs, as `make` builds them: six books that meet the audio standard, and
Make rules that rebuild exactly what changed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import REAL_LANGS, ROOT

GOALS = ("pdf", "audio", "html", "epub", "vtt")
ESPEAK_SETTINGS = ROOT / "tests" / "fixtures" / "espeak-voices.toml"
TLAN = {"en": "eng", "es": "spa", "fr": "fra", "ar": "ara", "zh_Hans": "zho", "hi": "hin"}


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, **(env or {})}, check=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """`make pdf audio html epub vtt` with a scratch output and a copy of the catalogs
    (the project's speech cache keeps reruns fast); returns the scratch folder and the
    make variables.

    eSpeak NG reads the languages Kokoro reads by default (SETTINGS=, see
    tests/fixtures/espeak-voices.toml): six whole Kokoro books would take ~25 minutes.
    """
    scratch = tmp_path_factory.mktemp("make")
    shutil.copytree(ROOT / "locales", scratch / "locales")
    variables = [f"OUTPUT={scratch / 'output'}", f"LOCALES={scratch / 'locales'}",
                 f"SETTINGS={ESPEAK_SETTINGS}"]
    done = _make("-j2", *GOALS, *variables)
    assert done.returncode == 0, done.stderr[-3000:]
    return scratch, variables


@pytest.fixture(scope="module")
def books(built: tuple[Path, list[str]]) -> Path:
    return built[0] / "output"


def _ebur128(path: Path) -> tuple[float, float]:
    report = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af",
                             "ebur128=peak=true", "-f", "null", "-"], capture_output=True,
                            text=True, errors="replace", check=True).stderr
    summary = report[report.index("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak
    return float(integrated.group(1)), float(peak.group(1))


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_each_book_meets_the_audio_standard(books: Path, lang: str) -> None:
    book = books / lang / "baclofen.mp3"
    probe = json.loads(subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-show_streams", "-of", "json",
         str(book)], capture_output=True, text=True, check=True).stdout)
    stream = probe["streams"][0]
    assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == (
        "mp3", 1, "22050")
    assert 48_000 <= int(stream["bit_rate"]) <= 64_000
    starts = [float(c["start_time"]) for c in probe["chapters"]]
    assert len(starts) == 9 and starts == sorted(starts)  # opening, 7 sections, closing
    integrated, peak = _ebur128(book)
    assert -17.0 <= integrated <= -15.0 and peak <= -1.0, (integrated, peak)
    tags = ID3(book)
    assert tags.version == (2, 4, 0)
    assert tags["TLAN"].text == [TLAN[lang]]
    disclaimer = next(f for f in tags.getall("COMM") if f.desc == "").text[0]
    assert len(disclaimer) > 100
    assert len(list((books / lang / "baclofen").glob("*.mp3"))) == 9


def test_make_rebuilds_exactly_what_changed(built: tuple[Path, list[str]]) -> None:
    """Nothing changed: nothing to do. One catalog edited: only that language's files."""
    scratch, variables = built
    assert _make("-q", *GOALS, *variables).returncode == 0  # 0: all up to date
    catalog = scratch / "locales" / "fr" / "LC_MESSAGES" / "baclofen.po"
    os.utime(catalog)
    planned = _make("-n", *GOALS, *variables).stdout
    assert sorted(set(re.findall(r"--lang (\S+)", planned))) == ["fr"], planned
    asked = re.findall(r"--format (\S+)", planned)
    assert asked == list(GOALS), planned  # one process for French, asked for each goal


def test_an_edited_msgstr_rebuilds_the_reading_formats_from_cached_audio(
        built: tuple[Path, list[str]]) -> None:
    """One French sentence changed: HTML, EPUB and transcript of French are rebuilt with
    it, and the audio speaks at most that sentence again (none when an earlier run of this
    test left it in the project's speech cache)."""
    scratch, variables = built
    catalog = scratch / "locales" / "fr" / "LC_MESSAGES" / "baclofen.po"
    po = read_catalog(catalog)
    entry = po.find("Muscle weakness")
    assert entry is not None
    entry.msgstr = "Faiblesse des muscles"
    write_catalog(po, catalog)
    done = _make("html", "epub", "vtt", *variables)
    assert done.returncode == 0, done.stderr[-3000:]
    assert re.search(r"audio: fr baclofen -> .*; [01] utterances synthesised, (79|80) reused",
                     done.stderr), done.stderr
    assert sorted(set(re.findall(r"--lang (\S+)", done.stdout))) == ["fr"]
    output = scratch / "output" / "fr"
    assert "Faiblesse des muscles" in (output / "baclofen.html").read_text(encoding="utf-8")
    assert "Faiblesse des muscles" in (output / "baclofen.vtt").read_text(encoding="utf-8")
    with zipfile.ZipFile(output / "baclofen.epub") as epub:
        assert any(b"Faiblesse des muscles" in epub.read(name) for name in epub.namelist()
                   if name.endswith(".xhtml"))
    # the French PDF is now out of date (not asked for); everything asked for is not
    assert _make("-q", "audio", "html", "epub", "vtt", *variables).returncode == 0
    assert _make("-q", "pdf", *variables).returncode == 1
