"""The book and its tracks from the encoded utterances: frames joined, tags, timeline.

    utterances' frames --joined--> the book (+ ID3v2.4: TIT2 TLAN TPE1 ... CTOC + CHAP)
                       --a chapter's joined--> one track per chapter (+ its tags), a playlist
                       --their layout--> <slug>.timeline.json beside the book

Nothing is encoded here: the book is its utterances' frames end to end, and a track is
its chapter's, so both decode to exactly the samples the timeline counts.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.audio.caches.encoded import Encoded
from pipeline.audio.encoding.encoder import DELAY, FRAME
from pipeline.audio.encoding.tags import ChapterMark, Tags, tag_book, tag_track
from pipeline.audio.script.narration import Script
from pipeline.audio.signal.dsp import RATE
from pipeline.audio.signal.loudness import CODEC_LOSS, integrated
from pipeline.audio.timeline import Span, Spoken, write_timeline
from pipeline.output import TEMP_PREFIX, atomic_path


@dataclass(frozen=True, slots=True)
class Written:
    """What was written: the book's length (samples), loudness and true peak."""

    length: int
    loudness: float  # LUFS: BS.1770 of the chapters as encoded, less the codec's loss
    true_peak: float  # dBTP: the highest of the decoded chapters'


def track_name(number: int, title: str) -> str:
    """``03-how-is-baclofen-used.mp3``: letters of any script kept, the rest dashes.

    Accents on Latin letters are dropped (``qué`` -> ``que``) for players that only
    handle ASCII names; other scripts keep their marks, which are part of the letters.
    """
    decomposed = unicodedata.normalize("NFD", title.lower())
    plain = "".join(ch for i, ch in enumerate(decomposed)
                    if not (unicodedata.combining(ch) and i and decomposed[i - 1].isascii()))
    kept = "".join(ch if unicodedata.category(ch)[0] in "LMN" else " "
                   for ch in unicodedata.normalize("NFC", plain))
    slug = re.sub(r"\s+", "-", kept.strip())[:60].strip("-") or "section"
    return f"{number:02d}-{slug}.mp3"


def layout(script: Script, chapters: Sequence[Sequence[Encoded]]
           ) -> tuple[list[ChapterMark], list[Spoken]]:
    """Where each chapter and each utterance's speech is in the decoded book, in samples."""
    marks: list[ChapterMark] = []
    spoken: list[Spoken] = []
    start = 0
    for number, (chapter, encoded) in enumerate(zip(script.chapters, chapters, strict=True)):
        position = start
        for utterance, unit in zip(chapter.utterances, encoded, strict=True):
            begin, end = unit.span
            spoken.append(Spoken(utterance.ref, utterance.lang, utterance.text, number,
                                 position + DELAY + begin, position + DELAY + end))
            position += unit.count * FRAME
        marks.append(ChapterMark(chapter.title, start, position))
        start = position
    return marks, spoken


def write_book(script: Script, chapters: Sequence[Sequence[Encoded]], tags: Tags, *,
               target: Path, tracks: Path) -> Written:
    """Write the book, its tracks and its timeline, each whole or not at all.

    The timeline names the finished MP3's checksum, so a timeline left beside another MP3
    (a build killed in between) is refused.
    """
    marks, spoken = layout(script, chapters)
    frames = [b"".join(unit.frames for unit in chapter) for chapter in chapters]
    with atomic_path(target) as temp:
        temp.write_bytes(b"".join(frames))
        _write_tracks(frames, marks, tags, tracks)
        tag_book(temp, tags, marks)
        write_timeline(target, written=temp, rate=RATE, length=marks[-1].end,
                       chapters=[Span(m.title, m.start, m.end) for m in marks],
                       spoken=spoken)
    units = [unit for chapter in chapters for unit in chapter]
    bins = np.concatenate([unit.bins for unit in units])
    return Written(marks[-1].end, round(integrated(bins) - CODEC_LOSS, 2),
                   max(unit.true_peak for unit in units))


def _write_tracks(chapters: Sequence[bytes], marks: Sequence[ChapterMark], tags: Tags,
                  folder: Path) -> None:
    """One file per chapter (its frames) and an .m3u8 playlist, swapped in as one folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=folder.parent))
    try:
        playlist = ["#EXTM3U"]
        for number, (frames, mark) in enumerate(zip(chapters, marks, strict=True), 1):
            name = track_name(number, mark.title)
            (staging / name).write_bytes(frames)
            tag_track(staging / name, tags, mark, number, len(marks))
            seconds = round((mark.end - mark.start) / RATE)
            playlist += [f"#EXTINF:{seconds},{mark.title}", name]
        (staging / f"{folder.name}.m3u8").write_text("\n".join(playlist) + "\n",
                                                     encoding="utf-8")
        staging.chmod(0o755)
        old = folder.with_name(f"{TEMP_PREFIX}old-{folder.name}")
        if folder.exists():
            folder.rename(old)
        staging.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
