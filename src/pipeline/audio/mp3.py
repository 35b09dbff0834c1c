"""Assemble the spoken utterances into the book: pauses, loudness, MP3, ID3v2.4 tags.

    utterances --pydub--> one PCM timeline with chapter marks
               --ffmpeg: gain to -16 LUFS, peak limiter, libmp3lame--> mono 22.05 kHz
                 64 kbps book, true peak below -1 dBTP; one track cut per chapter
               --mutagen--> TIT2 TLAN TPE1 TPUB COMM ... CTOC + CHAP (in time order)
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pycountry
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
from pydub import AudioSegment

from pipeline.audio import ffmpeg
from pipeline.audio.engines import SAMPLE_WIDTH, Audio
from pipeline.audio.id3order import order_chapters
from pipeline.audio.narration import Script
from pipeline.errors import PipelineError
from pipeline.output import TEMP_PREFIX, atomic_path

RATE: Final = 22_050
BITRATE: Final = "64k"
LOUDNESS: Final = -16.0  # LUFS, integrated; the standard allows +-1 LU
TOLERANCE: Final = 0.3  # LU: an encode this close to the target is kept
ATTEMPTS: Final = 3
LIMIT: Final = 10 ** (-2.5 / 20)  # sample-peak ceiling; true peaks then stay below -1 dBTP
LEAD_IN_MS: Final = 300


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


def assemble(script: Script, audios: Sequence[Audio]) -> tuple[bytes, list[ChapterMark]]:
    """One PCM timeline at ``RATE`` with each utterance's pause, and the chapter marks."""
    pieces = [_silence(LEAD_IN_MS)]
    marks: list[ChapterMark] = []
    position = len(pieces[0]) // SAMPLE_WIDTH
    spoken = iter(audios)
    for chapter in script.chapters:
        start = position
        for utterance in chapter.utterances:
            for piece in (_resampled(next(spoken)), _silence(utterance.pause_ms)):
                pieces.append(piece)
                position += len(piece) // SAMPLE_WIDTH
        marks.append(ChapterMark(chapter.title, 0 if not marks else start, position))
    return b"".join(pieces), marks


def _resampled(audio: Audio) -> bytes:
    if audio.rate == RATE:
        return audio.pcm
    segment = AudioSegment(data=audio.pcm, sample_width=SAMPLE_WIDTH, frame_rate=audio.rate,
                           channels=1)
    return bytes(segment.set_frame_rate(RATE).raw_data)


def _silence(ms: int) -> bytes:
    return bytes(AudioSegment.silent(duration=ms, frame_rate=RATE).raw_data)


_RAW = ("-f", "s16le", "-ar", str(RATE), "-ac", "1")


def loudness(source: Path, *, raw: bool) -> float:
    """Integrated loudness (EBU R128 / ITU-R BS.1770) of raw PCM or an audio file, in LUFS."""
    report = ffmpeg.run(*(_RAW if raw else ()), "-i", source,
                        "-af", "ebur128=framelog=verbose", "-f", "null", "-")
    found = re.search(r"Summary:.*?I:\s*(-?[\d.]+) LUFS", report, flags=re.DOTALL)
    if found is None:
        raise PipelineError(f"ffmpeg measured no loudness in {source.name}")
    return float(found.group(1))


def encode(source: Path, target: Path, *, gain_db: float) -> None:
    """Raw PCM to CBR MP3 (mono, no tags yet) with ``gain_db`` and a peak limiter.

    The limiter holds sample peaks at -2.5 dBFS, which keeps true peaks of the encoded
    MP3 under -1 dBTP; ``-bitexact`` keeps repeated builds byte-identical.
    """
    chain = f"volume={gain_db:.2f}dB,alimiter=limit={LIMIT:.4f}:attack=2:release=50:level=false"
    ffmpeg.run(*_RAW, "-i", source, "-af", chain, "-c:a", "libmp3lame", "-b:a", BITRATE,
               "-ar", str(RATE), "-ac", "1", "-bitexact", "-id3v2_version", "0",
               "-f", "mp3", target)


def encode_normalised(source: Path, target: Path) -> float:
    """Encode at -16 LUFS and return the loudness of the MP3 written.

    The limiter and MP3's low-pass each take a little loudness, and how much depends on
    the voice, so the encoded file is measured and the gain corrected (secant steps)
    until it is within ``TOLERANCE``, at most ``ATTEMPTS`` encodes.
    """
    gain = LOUDNESS - loudness(source, raw=True)
    tried: list[tuple[float, float]] = []  # (gain, measured loudness)
    for _ in range(ATTEMPTS):
        encode(source, target, gain_db=gain)
        measured = loudness(target, raw=False)
        tried.append((gain, measured))
        if abs(LOUDNESS - measured) <= TOLERANCE:
            break
        slope = 1.0
        if len(tried) > 1:
            (g1, m1), (g2, m2) = tried[-2:]
            slope = min(max((m2 - m1) / (g2 - g1), 0.25), 1.0) if g2 != g1 else 1.0
        gain += min((LOUDNESS - measured) / slope, 6.0)
    return measured


def iso639_2(lang: str) -> str:
    """The three-letter ISO 639-2 code ID3 wants in TLAN (``zh_Hans`` -> ``zho``)."""
    language = pycountry.languages.get(alpha_2=lang.split("_")[0])
    return str(language.alpha_3) if language is not None else "und"


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
        id3.add(CHAP(element_id=element_id, start_time=mark.start_ms, end_time=mark.end_ms,
                     sub_frames=[TIT2(encoding=3, text=[mark.title])]))
    id3.save(path, v2_version=4)
    order_chapters(path)


def tag_track(path: Path, tags: Tags, mark: ChapterMark, number: int, total: int) -> None:
    id3 = _common_frames(tags)
    id3.add(TIT2(encoding=3, text=[mark.title]))
    id3.add(TALB(encoding=3, text=[tags.title]))
    id3.add(TRCK(encoding=3, text=[f"{number}/{total}"]))
    id3.save(path, v2_version=4)


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
               tracks: Path) -> float:
    """Encode and tag the book and its per-chapter tracks; return the book's loudness.

    Both appear whole or not at all.
    """
    with tempfile.TemporaryDirectory(prefix="pipeline-audio-") as work_dir:
        raw = Path(work_dir) / "book.pcm"
        raw.write_bytes(pcm)
        with atomic_path(target) as temp:
            measured = encode_normalised(raw, temp)
            _write_tracks(temp, marks, tags, tracks)
            tag_book(temp, tags, marks)
    return measured


def _write_tracks(book: Path, marks: Sequence[ChapterMark], tags: Tags, folder: Path) -> None:
    """The chapters cut from the encoded book (no re-encoding) and an .m3u8 playlist,
    swapped in as one folder."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=folder.parent))
    try:
        playlist = ["#EXTM3U"]
        for number, mark in enumerate(marks, 1):
            name = track_name(number, mark.title)
            ffmpeg.run("-i", book, "-ss", f"{mark.start / RATE:.3f}", "-to",
                       f"{mark.end / RATE:.3f}", "-c", "copy", "-map_metadata", "-1",
                       "-bitexact", "-id3v2_version", "0", "-f", "mp3", staging / name)
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
