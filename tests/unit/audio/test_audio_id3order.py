"""Putting CHAP frames back in time order after mutagen sorted them by size (id3order)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import CHAP, COMM, CTOC, ID3, TIT2, TPE1, CTOCFlags

from pipeline.audio.encoding.id3order import order_chapters

# Early chapters get long titles, so mutagen (smallest frame first) writes them last.
# Each stays under 127 bytes: ffmpeg 5.1 reads a CHAP's sub-frame size as a plain integer,
# not syncsafe, and drops a chapter whose title frame is 128 bytes or more.
TITLES = ["A very long opening chapter title, " * 3, "A middling title " * 2, "Short",
          "Mid-size t"]
STARTS = [0, 1000, 2000, 3000]


def frames(path: Path) -> tuple[bytes, list[tuple[int, bytes, bytes]]]:
    """The tag header and (offset, id, bytes) of each frame, read from the raw file."""
    data = path.read_bytes()
    size = sum(b << (7 * (3 - i)) for i, b in enumerate(data[6:10]))
    tag = data[10:10 + size]
    found = []
    offset = 0
    while offset + 10 <= len(tag) and tag[offset] != 0:
        length = sum(b << (7 * (3 - i)) for i, b in enumerate(tag[offset + 4:offset + 8]))
        found.append((offset, tag[offset:offset + 4], tag[offset:offset + 10 + length]))
        offset += 10 + length
    return data[:10], found


def chapter_order(path: Path) -> list[str]:
    """Element ids of the CHAP frames in the order the file stores them."""
    return [raw[10:14].decode() for _, frame_id, raw in frames(path)[1] if frame_id == b"CHAP"]


@pytest.fixture
def scrambled(tmp_path: Path) -> Path:
    """A one-second MP3 whose CHAP frames mutagen saved out of time order."""
    path = tmp_path / "book.mp3"
    subprocess.run(["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi",
                    "-i", "sine=frequency=440:sample_rate=22050:duration=4", "-ac", "1",
                    "-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "0", str(path)],
                   check=True)
    tag = ID3()
    tag.add(TIT2(encoding=3, text=["Book"]))
    tag.add(TPE1(encoding=3, text=["Test Team"]))
    tag.add(COMM(encoding=3, lang="eng", desc="", text=["Not medical advice."]))
    ids = [f"ch{n:02d}" for n in range(len(TITLES))]
    tag.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                 child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=["Book"])]))
    for element_id, title, start in zip(ids, TITLES, STARTS, strict=True):
        tag.add(CHAP(element_id=element_id, start_time=start, end_time=start + 1000,
                     sub_frames=[TIT2(encoding=3, text=[title])]))
    tag.save(path, v2_version=4)
    return path


def ffprobe_chapters(path: Path) -> list[dict[str, Any]]:
    out = subprocess.run(["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    chapters: list[dict[str, Any]] = json.loads(out)["chapters"]
    return chapters


def test_mutagen_scrambles_the_chapters(scrambled: Path) -> None:
    """Before: mutagen stored the CHAP frames by size, and ffprobe lists them so."""
    order = chapter_order(scrambled)
    assert sorted(order) == ["ch00", "ch01", "ch02", "ch03"]
    assert order != sorted(order)
    starts = [int(c["start"]) for c in ffprobe_chapters(scrambled)]
    assert sorted(starts) == STARTS
    assert starts != STARTS


def test_chapters_come_back_in_time_order(scrambled: Path) -> None:
    """After: the CHAP frames are stored by start time; ffprobe lists them so."""
    order_chapters(scrambled)
    assert chapter_order(scrambled) == ["ch00", "ch01", "ch02", "ch03"]
    listed = ffprobe_chapters(scrambled)
    assert [c["tags"]["title"] for c in listed] == TITLES
    assert [int(c["start"]) for c in listed] == STARTS


def test_nothing_else_moves(scrambled: Path) -> None:
    """Frames keep their sequence; other frames and the CHAP frames keep their bytes; the
    tag header (so its size), the padding and the audio are unchanged."""
    header, before = frames(scrambled)
    data = scrambled.read_bytes()
    order_chapters(scrambled)
    header_after, after = frames(scrambled)
    assert header_after == header
    assert [f[1] for f in after] == [f[1] for f in before]
    assert [f[2] for f in after if f[1] != b"CHAP"] == [f[2] for f in before if f[1] != b"CHAP"]
    assert sorted(f[2] for f in after) == sorted(f[2] for f in before)
    end = before[-1][0] + len(before[-1][2]) + 10  # after the last frame: padding, audio
    assert scrambled.read_bytes()[end:] == data[end:]
    assert len(scrambled.read_bytes()) == len(data)


def test_mutagen_reads_the_same_tag(scrambled: Path) -> None:
    """mutagen loads the reordered tag with the same frames and chapter contents."""
    before = ID3(scrambled)
    order_chapters(scrambled)
    after = ID3(scrambled)
    assert sorted(after.keys()) == sorted(before.keys())
    for key in before:
        assert after[key] == before[key], key
    assert [c.element_id for c in after.getall("CHAP")] == ["ch00", "ch01", "ch02", "ch03"]


def test_refuses_other_tag_versions(scrambled: Path) -> None:
    """An ID3v2.3 tag is not rewritten: a ValueError naming the file."""
    ID3(scrambled).save(scrambled, v2_version=3)
    data = scrambled.read_bytes()
    with pytest.raises(ValueError, match=re.escape(str(scrambled))):
        order_chapters(scrambled)
    assert scrambled.read_bytes() == data
