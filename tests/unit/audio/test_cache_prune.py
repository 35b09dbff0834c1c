"""``pipeline cache prune``: the entries of the current books stay, the rest goes (a
rebuild then synthesises nothing and makes the same bytes); every cache, jieba's
included, stays in the cache folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.audio.speech import chinese
from pipeline.build.cache import ABANDONED_AFTER
from pipeline.errors import PipelineError
from pipeline.output import exclusive
from support import EPOCH, Cli

STALE = """[pipeline.voices]
en = { engine = "espeak" }
es = { engine = "espeak", voice = "es-419" }
"""
CURRENT = """[pipeline.voices]
en = { engine = "espeak" }
es = { engine = "espeak" }
"""
CACHES = ("tts", "prepared", "encoded")
SYNTHESISED = re.compile(r"^audio: (\w+) small -> .*; (\d+) utterances synthesised, "
                         r"(\d+) reused", re.MULTILINE)
ROW = re.compile(r"^(.+?)\s{2,}(\d+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)$", re.MULTILINE)


def entries(cache: Path) -> dict[str, int]:
    """The audio entries under ``cache``: relative path -> size."""
    return {str(p.relative_to(cache)): p.stat().st_size
            for name in CACHES for p in (cache / name).glob("??/*")}


def everything(cache: Path) -> dict[str, tuple[int, float]]:
    """Every file under ``cache``: relative path -> (size, mtime)."""
    return {str(p.relative_to(cache)): (p.stat().st_size, p.stat().st_mtime)
            for p in cache.rglob("*") if p.is_file()}


def books(output: Path) -> dict[str, bytes]:
    return {str(p.relative_to(output)): p.read_bytes() for p in sorted(output.rglob("*"))
            if p.is_file() and p.suffix in (".mp3", ".json", ".m3u8")
            and ".failed" not in p.parts}


def rows(text: str) -> dict[str, tuple[int, float, int, float]]:
    """The prune table: part -> (kept, MB, removed, MB)."""
    return {m[1]: (int(m[2]), float(m[3]), int(m[4]), float(m[5])) for m in ROW.finditer(text)}


def built(cli: Cli, settings: Path) -> dict[str, int]:
    """Build the audio in every language; utterances synthesised per language."""
    result = cli("--settings", settings, "audio")
    assert result.code == 0, result.err
    found = {lang: int(count) for lang, count, _ in SYNTHESISED.findall(result.err)}
    assert set(found) == {"en", "es"}, result.err
    return found


@pytest.fixture
def settings(project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    (project / "stale.toml").write_text(STALE, encoding="utf-8")
    (project / "current.toml").write_text(CURRENT, encoding="utf-8")
    return project / "stale.toml", project / "current.toml"


def test_prune_keeps_what_the_books_use(cli: Cli, project: Path, settings: tuple[Path, Path],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache holding the current books' entries and those of another Spanish voice:
    a dry run removes nothing and counts what a prune removes, which is exactly the
    other voice's entries; then a rebuild synthesises nothing and makes the same bytes."""
    stale, current = settings
    cache = project / ".cache"
    # The other voice's entries, made in a cache of their own, then merged in: the
    # entries to remove are known without asking prune.
    monkeypatch.setenv("PIPELINE_CACHE", str(project / "old-cache"))
    built(cli, stale)
    monkeypatch.setenv("PIPELINE_CACHE", str(cache))
    shutil.rmtree(project / "output")
    assert built(cli, current)["es"] > 0
    made = books(project / "output")
    kept = entries(cache)
    old = entries(project / "old-cache")
    for name in old:
        if not (cache / name).exists():
            (cache / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(project / "old-cache" / name, cache / name)
    extra = {name: size for name, size in old.items() if name not in kept}
    assert {name.split("/")[0] for name in extra} == set(CACHES)  # all three caches

    before = everything(cache)
    dry = cli("--settings", current, "cache", "prune", "--dry-run")
    assert dry.code == 0, dry.err
    assert everything(cache) == before  # nothing removed, not even a lock
    table = rows(dry.out)
    for name in CACHES:
        removed = {k: v for k, v in extra.items() if k.startswith(name + "/")}
        assert table[name][2] == len(removed), dry.out
        assert table[name][3] == round(sum(removed.values()) / 1e6, 1), dry.out
        assert table[name][0] == sum(1 for k in kept if k.startswith(name + "/")), dry.out
    assert "nothing removed" in dry.out

    pruned = cli("--settings", current, "cache", "prune")
    assert pruned.code == 0, pruned.err
    assert rows(pruned.out)["tts"] == table["tts"]
    assert entries(cache) == kept
    assert not list((cache / "locks").glob("*.lock"))  # no build holds one: all stale

    shutil.rmtree(project / "output")
    assert built(cli, current) == {"en": 0, "es": 0}
    assert books(project / "output") == made


def test_held_locks_and_recent_writes_stay(cli: Cli, project: Path) -> None:
    """A lock a build holds stays (and still locks), one nobody holds goes; a write
    interrupted long ago goes, one under way stays; other files are left alone."""
    cache = project / ".cache"
    with exclusive(project / "output" / "held.mp3", cache / "locks"):
        held = list((cache / "locks").glob("*.lock"))
        with exclusive(project / "output" / "done.mp3", cache / "locks"):
            pass
        assert len(list((cache / "locks").glob("*.lock"))) == 2
        old, new = cache / "tts" / "ab" / ".tmp-old.pcm", cache / "tts" / "ab" / ".tmp-new.pcm"
        jieba_temp = cache / "tmpab12cd"
        for path in (old, new, jieba_temp):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x" * 1000)
        long_ago = time.time() - ABANDONED_AFTER - 60
        for path in (old, jieba_temp):
            os.utime(path, (long_ago, long_ago))
        (cache / "notes.txt").write_text("mine", encoding="utf-8")

        result = cli("cache", "prune", "--engine", "espeak")
        assert result.code == 0, result.err
        kept, _, removed, _ = rows(result.out)["locks"]
        assert (kept, removed) == (1, 1)
        assert rows(result.out)["interrupted writes"][2] == 2
        assert list((cache / "locks").glob("*.lock")) == held
        assert not old.exists() and not jieba_temp.exists() and new.exists()
        assert (cache / "notes.txt").read_text(encoding="utf-8") == "mine"
        assert rows(result.out)["other (left alone)"][:2] == (1, 0.0)
        with pytest.raises(PipelineError, match="another build of this file is running"), \
                exclusive(project / "output" / "held.mp3", cache / "locks"):
            pass
    with exclusive(project / "output" / "done.mp3", cache / "locks"):
        assert len(list((cache / "locks").glob("*.lock"))) == 2


def test_a_broken_part_of_the_library_stops_the_prune(cli: Cli, project: Path) -> None:
    """An article that cannot be read would make its entries look unused: nothing goes."""
    (project / ".cache" / "tts" / "ab").mkdir(parents=True)
    entry = project / ".cache" / "tts" / "ab" / ("ab" + "0" * 62 + ".pcm")
    entry.write_bytes(b"not used by anything")
    (project / "source" / "broken.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = cli("cache", "prune", "--engine", "espeak")
    assert result.code == 1
    assert "broken.md" in result.err and "nothing was removed" in result.err
    assert entry.exists()


def test_jieba_writes_only_in_the_cache_folder(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """misaki's jieba keeps its index in the cache folder, nothing in the temp folder."""
    temp, cache = tmp_path / "tmp", tmp_path / "cache"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    assert chinese.apart(["每天10毫克。"], cache)[0]
    assert list(temp.iterdir()) == []
    assert (cache / "jieba.cache").stat().st_size > 1_000_000


def test_onnxruntime_writes_nothing_outside(tmp_path: Path) -> None:
    """The engines' runtime keeps no telemetry files: none in the temporary folder, none
    in the home folder (onnxruntime 1.32 writes both unless opted out)."""
    temp, home = tmp_path / "tmp", tmp_path / "home"
    temp.mkdir()
    home.mkdir()
    script = ("from pipeline.audio.speech import piper\n"
              "import onnxruntime\n"
              "model = piper.find_voice('en', piper.Path('voices'))\n"
              "onnxruntime.InferenceSession(str(model), providers=['CPUExecutionProvider'])\n")
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp_path,
                   env={**os.environ, "TMPDIR": str(temp), "HOME": str(home)})
    assert list(temp.iterdir()) == []
    assert list(home.rglob("*")) == []
