"""Assemble the spoken utterances into the book and its tracks.

    utterances --pydub--> one PCM timeline with chapter marks and each utterance's span
               --loudness (ffmpeg, libmp3lame)--> mono 22.05 kHz 64 kbps book at -16 LUFS
               --ffmpeg segment--> one track per chapter, cut without re-encoding
               --tags (mutagen)--> TIT2 TLAN TPE1 TPUB COMM ... CTOC + CHAP
               --timeline--> <slug>.timeline.json beside the book, for read-along
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pydub import AudioSegment

from pipeline.audio import ffmpeg
from pipeline.audio.engines import SAMPLE_WIDTH, Audio
from pipeline.audio.loudness import RATE, encode_normalised
from pipeline.audio.narration import Script
from pipeline.audio.tags import ChapterMark, Tags, tag_book, tag_track
from pipeline.audio.timeline import Span, Spoken, write_timeline
from pipeline.output import TEMP_PREFIX, atomic_path

LEAD_IN_MS: Final = 300
FRAME_SAMPLES: Final = 1152  # two MPEG-2 Layer III frames (576 samples each)


def assemble(script: Script, audios: Sequence[Audio]
             ) -> tuple[bytes, list[ChapterMark], list[Spoken]]:
    """One PCM timeline at ``RATE`` with each utterance's pause, the chapter marks, and
    where each utterance's speech starts and ends (in samples)."""
    pieces = [_silence(LEAD_IN_MS)]
    marks: list[ChapterMark] = []
    spans: list[Spoken] = []
    position = len(pieces[0]) // SAMPLE_WIDTH
    audio = iter(audios)
    for number, chapter in enumerate(script.chapters):
        start = position
        for utterance in chapter.utterances:
            speech = _resampled(next(audio))
            end = position + len(speech) // SAMPLE_WIDTH
            spans.append(Spoken(utterance.ref, utterance.lang, utterance.text, number,
                                position, end))
            pieces += [speech, _silence(utterance.pause_ms)]
            position = end + len(pieces[-1]) // SAMPLE_WIDTH
        marks.append(ChapterMark(chapter.title, 0 if not marks else start, position))
    # A whole number of MP3 frames: ffmpeg's decoder then gives back exactly the samples
    # encoded (for some other lengths its gapless trimming leaves 30-50 extra at the end).
    extra = -position % FRAME_SAMPLES
    if marks and extra:
        pieces.append(bytes(extra * SAMPLE_WIDTH))
        last = marks[-1]
        marks[-1] = ChapterMark(last.title, last.start, position + extra)
    return b"".join(pieces), marks, spans


def _resampled(audio: Audio) -> bytes:
    if audio.rate == RATE:
        return audio.pcm
    segment = AudioSegment(data=audio.pcm, sample_width=SAMPLE_WIDTH, frame_rate=audio.rate,
                           channels=1)
    return bytes(segment.set_frame_rate(RATE).raw_data)


def _silence(ms: int) -> bytes:
    return bytes(AudioSegment.silent(duration=ms, frame_rate=RATE).raw_data)


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


def write_book(pcm: bytes, marks: Sequence[ChapterMark], tags: Tags, *, target: Path,
               tracks: Path, spoken: Sequence[Spoken]) -> tuple[float, float]:
    """Encode and tag the book and its per-chapter tracks, and write its timeline; return
    the book's loudness (LUFS) and true peak (dBTP), as measured on the MP3.

    Each appears whole or not at all; the timeline names the finished MP3's checksum,
    so a timeline left beside another MP3 (a build killed in between) is refused.
    """
    with tempfile.TemporaryDirectory(prefix="pipeline-audio-") as work_dir:
        raw = Path(work_dir) / "book.pcm"
        raw.write_bytes(pcm)
        with atomic_path(target) as temp:
            measured = encode_normalised(raw, temp)
            _write_tracks(temp, marks, tags, tracks)
            tag_book(temp, tags, marks)
            write_timeline(target, written=temp, rate=RATE, length=len(pcm) // SAMPLE_WIDTH,
                           chapters=[Span(m.title, m.start, m.end) for m in marks],
                           spoken=spoken)
    return measured


def _write_tracks(book: Path, marks: Sequence[ChapterMark], tags: Tags, folder: Path) -> None:
    """The chapters cut from the encoded book (no re-encoding, one ffmpeg run) and an
    .m3u8 playlist, swapped in as one folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=folder.parent))
    try:
        cuts = ",".join(f"{mark.start / RATE:.3f}" for mark in marks[1:]) or "0"
        ffmpeg.run("-i", book, "-map", "0:a", "-c", "copy", "-map_metadata", "-1",
                   "-bitexact", "-f", "segment", "-segment_times", cuts,
                   "-segment_format", "mp3", "-segment_format_options", "id3v2_version=0",
                   "-reset_timestamps", "1", staging / "%03d.mp3")
        playlist = ["#EXTM3U"]
        for number, mark in enumerate(marks, 1):
            name = track_name(number, mark.title)
            (staging / f"{number - 1:03d}.mp3").rename(staging / name)
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
