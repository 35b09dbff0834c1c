"""ID3v2.4 tags for the book and its tracks (mutagen): title, language, authors,
publisher, the disclaimer as the comment, the image credits, and the chapters."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from mutagen.id3 import (
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TDRL,
    TIT2,
    TLAN,
    TPE1,
    TPUB,
    TRCK,
    TXXX,
    CTOCFlags,
)

from pipeline.audio.encoding.id3order import order_chapters
from pipeline.audio.signal.dsp import RATE


@dataclass(frozen=True, slots=True)
class Tags:
    title: str
    lang: str  # gettext name
    authors: tuple[str, ...]
    publisher: str
    disclaimer: str
    credits: str
    published: dt.date | None
    review_status: str


@dataclass(frozen=True, slots=True)
class ChapterMark:
    title: str
    start: int  # samples at RATE
    end: int

    @property
    def start_ms(self) -> int:
        return self.start * 1000 // RATE

    @property
    def end_ms(self) -> int:
        return self.end * 1000 // RATE


@cache
def iso639_2(lang: str) -> str:
    """The three-letter ISO 639-2 code ID3 wants in TLAN (``zh_Hans`` -> ``zho``), from
    pycountry's ISO 639-3 table; 'und' for a language without a two-letter code.

    Only the entry asked for is parsed. ``pycountry.languages`` makes an object of each
    of its ~8,000 languages (~100 ms in every audio process, for one code), importing
    pycountry at all loads ``importlib.metadata`` for its version (~20 ms), and parsing
    the whole 0.9 MB table takes ~28 ms: the table is found beside the package and the
    one flat JSON object holding the code is read.
    """
    code = lang.split("_")[0]
    spec = importlib.util.find_spec("pycountry")
    assert spec is not None and spec.origin is not None, "pycountry is a dependency"
    table = (Path(spec.origin).parent / "databases" / "iso639-3.json").read_text("utf-8")
    found = re.search(rf'"alpha_2":\s*"{re.escape(code)}"', table)
    if found is None:
        return "und"
    entry = json.loads(table[table.rindex("{", 0, found.start()):
                             table.index("}", found.end()) + 1])
    return str(entry["alpha_3"])


def _common_frames(tags: Tags) -> ID3:
    language = iso639_2(tags.lang)
    id3 = ID3()
    id3.add(TLAN(encoding=3, text=[language]))
    id3.add(TPE1(encoding=3, text=[", ".join(tags.authors) or tags.publisher]))
    id3.add(TPUB(encoding=3, text=[tags.publisher]))
    id3.add(COMM(encoding=3, lang=language, desc="", text=[tags.disclaimer]))
    id3.add(COMM(encoding=3, lang=language, desc="Image credits", text=[tags.credits]))
    id3.add(TXXX(encoding=3, desc="Review status", text=[tags.review_status]))
    if tags.published is not None:
        id3.add(TDRL(encoding=3, text=[tags.published.isoformat()]))
    return id3


def tag_book(path: Path, tags: Tags, marks: Sequence[ChapterMark]) -> None:
    """ID3v2.4 for the whole book, with a CTOC and one CHAP per chapter in time order."""
    id3 = _common_frames(tags)
    id3.add(TIT2(encoding=3, text=[tags.title]))
    ids = [f"ch{number:02d}" for number in range(len(marks))]
    id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                 child_element_ids=ids, sub_frames=[TIT2(encoding=3, text=[tags.title])]))
    for element_id, mark in zip(ids, marks, strict=True):
        encoding, title = chapter_title(mark.title)
        id3.add(CHAP(element_id=element_id, start_time=mark.start_ms, end_time=mark.end_ms,
                     sub_frames=[TIT2(encoding=encoding, text=[title])]))
    id3.save(path, v2_version=4)
    order_chapters(path)


SUBFRAME_LIMIT: Final = 127  # bytes: see chapter_title


def chapter_title(title: str) -> tuple[int, str]:
    """A chapter's title frame (ID3 text encoding, text) that every reader can read.

    ffmpeg (5.1, and players built on it) reads the size of a frame inside a CHAP as a
    plain integer, but ID3v2.4 writes it syncsafe; the two agree below 128 bytes, so a
    longer title makes ffmpeg drop the chapter. The shorter of UTF-8 and UTF-16 is
    used (UTF-16 is smaller for Devanagari and CJK), and a title still too long is
    cut at a word with an ellipsis. The full title stays on the section's own track.
    """
    def size(encoding: int, text: str) -> int:
        return 1 + len(text.encode("utf-8" if encoding == 3 else "utf-16"))

    words = title.split(" ")
    for count in range(len(words), 0, -1):
        text = " ".join(words[:count]) + ("" if count == len(words) else " …")
        encoding = min((3, 1), key=lambda e: size(e, text))
        if size(encoding, text) <= SUBFRAME_LIMIT:
            return encoding, text
    return 1, title[:40] + "…"


def tag_track(path: Path, tags: Tags, mark: ChapterMark, number: int, total: int) -> None:
    id3 = _common_frames(tags)
    id3.add(TIT2(encoding=3, text=[mark.title]))
    id3.add(TALB(encoding=3, text=[tags.title]))
    id3.add(TRCK(encoding=3, text=[f"{number}/{total}"]))
    id3.save(path, v2_version=4)
