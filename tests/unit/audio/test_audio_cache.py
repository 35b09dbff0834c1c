"""The segment cache: nothing synthesised twice, damage noticed (cache, synthesis, CLI)."""

from __future__ import annotations

import multiprocessing
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.audio.caches.speech import MAGIC, SegmentCache, cache_key
from pipeline.audio.caches.store import Store
from pipeline.audio.speech.engines import Audio
from pipeline.audio.speech.espeak import RATE_WPM, EspeakEngine
from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import Cli

TALLY = re.compile(r"audio: es small -> \S+: .*; (\d+) utterances synthesised, (\d+) reused "
                   r"\(.*?\); (\d+) utterances encoded")
UTTERANCES = 21  # in the Spanish fixture, all different


@dataclass(frozen=True)
class Voice:
    """The fields a cache key is made of, each free to vary (no synthesis needed)."""

    name: str = "espeak"
    voice: str = "es"
    version: str = "espeak-ng 1.52.0"
    settings: str = f"rate={RATE_WPM}wpm"


def build(cli: Cli) -> tuple[int, int]:
    """Build the Spanish fixture's audio; (synthesised, reused) as the CLI reports them.

    eSpeak NG reads it: the cache works the same for every engine, and it is fast."""
    return built(cli)[:2]


def built(cli: Cli) -> tuple[int, int, int]:
    """(synthesised, reused, chapters encoded) as the CLI reports them."""
    result = cli("audio", "--lang", "es", "--engine", "espeak")
    assert result.code == 0, result.err
    found = TALLY.search(result.err)
    assert found is not None, result.err
    synthesised, reused, encoded = map(int, found.groups())
    return synthesised, reused, encoded


def entries(project: Path, layer: str = "tts") -> list[Path]:
    return sorted((project / ".cache" / layer).glob("*/*.*"))


def damage(victim: Path, how: str) -> bytes:
    """Flip a byte in the middle of a file or cut it there; the damaged bytes."""
    data = bytearray(victim.read_bytes())
    if how == "flip":
        data[len(data) // 2] ^= 0x40
    else:
        del data[len(data) // 2:]
    victim.write_bytes(bytes(data))
    return bytes(data)


def edit(project: Path, msgid: str, msgstr: str) -> None:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    entry = po.find(msgid)
    assert entry is not None
    entry.msgstr = msgstr
    write_catalog(po, path)


def test_second_build_synthesises_nothing(cli: Cli, project: Path) -> None:
    """A rebuild with nothing changed takes every utterance from the cache."""
    assert built(cli) == (UTTERANCES, 0, UTTERANCES)
    assert len(entries(project)) == UTTERANCES
    assert built(cli) == (0, UTTERANCES, 0)
    assert len(entries(project)) == UTTERANCES


def test_one_edited_entry_synthesises_one(cli: Cli, project: Path) -> None:
    """Editing one msgstr re-synthesises and re-encodes exactly that utterance."""
    build(cli)
    edit(project, "First step", "Paso uno")
    assert built(cli) == (1, UTTERANCES - 1, 1)
    assert len(entries(project)) == UTTERANCES + 1


@pytest.mark.parametrize("how", ["flip", "truncate"])
def test_damaged_entry_is_synthesised_again(cli: Cli, project: Path, how: str) -> None:
    """A flipped byte or a cut-short file in the speech cache is noticed and replaced
    (the prepared and encoded layers above it lost, so that it is read)."""
    build(cli)
    victim = entries(project)[7]
    data = damage(victim, how)
    shutil.rmtree(project / ".cache" / "prepared")
    shutil.rmtree(project / ".cache" / "encoded")
    assert built(cli) == (1, UTTERANCES - 1, UTTERANCES)
    # Synthesised again and stored whole (eSpeak NG's samples vary a little run to run,
    # so the new entry is checked, not compared with the old one).
    assert victim.read_bytes() != bytes(data)
    assert SegmentCache(victim.parents[1]).get(victim.stem) is not None
    assert (project / "output" / "es" / "small.mp3").stat().st_size > 0


@pytest.mark.parametrize("layer", ["prepared", "encoded"])
def test_damaged_layer_is_made_again_the_same(cli: Cli, project: Path, layer: str) -> None:
    """A damaged prepared or encoded utterance is made again from the layer below it,
    without synthesis, into the very same book."""
    build(cli)
    book = project / "output" / "es" / "small.mp3"
    before = book.read_bytes()
    damage(entries(project, layer)[1], "flip")
    if layer == "prepared":  # read only when its utterance must be encoded
        shutil.rmtree(project / ".cache" / "encoded")
    synthesised, _, encoded = built(cli)
    assert synthesised == 0
    assert encoded == (UTTERANCES if layer == "prepared" else 1)
    assert book.read_bytes() == before


def test_round_trip(tmp_path: Path) -> None:
    """What is put is what is got; a key never put is a miss."""
    cache = SegmentCache(tmp_path)
    audio = Audio(bytes(range(200)), 22050)
    cache.put("ab" + "0" * 62, audio)
    assert cache.get("ab" + "0" * 62) == audio
    assert cache.get("cd" + "0" * 62) is None
    assert cache.path("ab" + "0" * 62).parent.name == "ab"


def test_any_flipped_byte_is_noticed(tmp_path: Path) -> None:
    """Whichever byte of an entry is damaged (header, rate, checksum, audio), the entry is
    not used and is removed."""
    cache = SegmentCache(tmp_path)
    key = "0" * 64
    cache.put(key, Audio(bytes(range(100)), 22050))
    good = cache.path(key).read_bytes()
    assert good.startswith(MAGIC)
    for offset in range(len(good)):
        damaged = bytearray(good)
        damaged[offset] ^= 0x80
        cache.path(key).write_bytes(bytes(damaged))
        assert cache.get(key) is None, f"byte {offset} flipped went unnoticed"
        assert not cache.path(key).exists()


@pytest.mark.parametrize("length", [0, 5, len(MAGIC), len(MAGIC) + 20, len(MAGIC) + 36 + 51])
def test_truncated_entry_is_removed(tmp_path: Path, length: int) -> None:
    """An entry cut short anywhere (header or audio) is a miss and is removed."""
    cache = SegmentCache(tmp_path)
    key = "1" * 64
    cache.put(key, Audio(bytes(100), 16000))
    cache.path(key).write_bytes(cache.path(key).read_bytes()[:length])
    assert cache.get(key) is None
    assert not cache.path(key).exists()


def test_key_depends_on_every_field() -> None:
    """Engine, voice, version, settings and text each change the key; equal fields, equal key."""
    base = Voice()
    key = cache_key(base, "Hola")
    assert cache_key(Voice(), "Hola") == key
    variants = [cache_key(Voice(name="piper"), "Hola"),
                cache_key(Voice(voice="es-419"), "Hola"),
                cache_key(Voice(version="espeak-ng 1.53.0"), "Hola"),
                cache_key(Voice(settings="rate=175wpm"), "Hola"),
                cache_key(base, "Hola."),
                cache_key(base, "hola")]
    assert len({key, *variants}) == 1 + len(variants)
    assert re.fullmatch(r"[0-9a-f]{64}", key)


def test_real_engine_keys() -> None:
    """Two eSpeak NG voices give different keys; the rate setting is part of the key."""
    spanish = EspeakEngine(voice="es", version="espeak-ng 1.52.0", rate=22050)
    latin = EspeakEngine(voice="es-419", version="espeak-ng 1.52.0", rate=22050)
    assert cache_key(spanish, "Hola") != cache_key(latin, "Hola")
    assert cache_key(spanish, "Hola") == cache_key(Voice(), "Hola")


AUDIO = Audio(bytes(range(256)) * 2000, 22_050)  # half a megabyte: a write takes a while


def _write_often(folder: str, key: str, rounds: int) -> None:
    cache = SegmentCache(Path(folder))
    for _ in range(rounds):
        cache.put(key, AUDIO)


def test_processes_writing_one_entry_at_once_never_leave_it_damaged(tmp_path: Path) -> None:
    """Jobs on a cluster share one cache: two writing the same utterance at once, while
    a third reads it, must never see (or leave) a torn entry."""
    key = "ab" * 32
    cache = SegmentCache(tmp_path)
    writers = [multiprocessing.get_context("fork").Process(
        target=_write_often, args=(str(tmp_path), key, 150)) for _ in range(2)]
    for writer in writers:
        writer.start()
    seen = reads = 0
    while any(writer.is_alive() for writer in writers):
        got = cache.get(key)
        reads += 1
        if seen:  # once there, an entry is only ever replaced whole, never missing
            assert got == AUDIO
        seen += got is not None
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert seen > 10 and reads > seen // 2
    assert cache.get(key) == AUDIO
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{key}.pcm"]


def test_the_first_take_stored_is_the_one_kept(tmp_path: Path) -> None:
    """A second, different take of a stored utterance is dropped, and its maker is handed
    the stored one: a neural voice's takes differ, and a book must match the cache."""
    cache = SegmentCache(tmp_path)
    first, second = Audio(bytes(100), 22_050), Audio(bytes(range(100)), 22_050)
    assert cache.put("cd" * 32, first) == first
    assert cache.put("cd" * 32, second) == first
    assert cache.get("cd" * 32) == first


def _put_take(folder: str, key: str, fill: int, results: Any) -> None:
    results.put(SegmentCache(Path(folder)).put(key, Audio(bytes([fill]) * 400_000, 22_050)).pcm)


def test_racing_takes_agree(tmp_path: Path) -> None:
    """Several processes speak one utterance at once, each its own take: every one of
    them ends up with the same take, the one in the cache."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    for round_ in range(20):
        key = f"{round_:064x}"
        racers = [context.Process(target=_put_take, args=(str(tmp_path), key, fill, results))
                  for fill in (1, 2, 3)]
        for racer in racers:
            racer.start()
        takes = {results.get(timeout=60) for _ in racers}
        for racer in racers:
            racer.join()
        assert len(takes) == 1
        assert SegmentCache(tmp_path).get(key).pcm in takes


def test_store_keeps_the_first_entry(tmp_path: Path) -> None:
    """The prepared and chapter layers keep the first entry stored under a key: a second
    writer gets that one back and leaves it; a damaged entry is replaced."""
    store = Store(tmp_path, ".bin")
    key = "ef" * 32
    assert store.put(key, {"take": 1}, b"first", b"") == ({"take": 1}, [b"first", b""])
    assert store.put(key, {"take": 2}, b"second", b"") == ({"take": 1}, [b"first", b""])
    assert store.get(key) == ({"take": 1}, [b"first", b""])
    store.path(key).write_bytes(store.path(key).read_bytes()[:-1])
    assert store.put(key, {"take": 3}, b"third", b"") == ({"take": 3}, [b"third", b""])
    assert store.get(key) == ({"take": 3}, [b"third", b""])
