"""Assemble the spoken utterances into the book: pauses, loudness, MP3, ID3v2.4 tags.

    utterances --pydub--> one PCM timeline with chapter marks
               --ffmpeg: gain to -16 LUFS, peak limiter, libmp3lame--> mono 22.05 kHz
                 64 kbps book, true peak at most -1 dBTP; one track cut per chapter
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
TOLERANCE: Final = 0.5  # LU: an MP3 this close to the target is kept
TRUE_PEAK: Final = -1.0  # dBTP: the most the standard allows
CEILING: Final = -2.5  # dBFS: the limiter's ceiling, on a 4x oversampled signal
CODEC_LOSS: Final = 0.45  # LU that LAME at 64 kbps takes from K-weighted loudness (measured)
LOWPASS_HZ: Final = 7500  # band-limit before limiting, so MP3 coding cannot lift the peaks
ATTEMPTS: Final = 3
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
    return _measure(source, raw=raw, peak=False)[0]


def loudness_and_peak(source: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file."""
    return _measure(source, raw=False, peak=True)


def _measure(source: Path, *, raw: bool, peak: bool) -> tuple[float, float]:
    report = ffmpeg.run(*(_RAW if raw else ()), "-i", source, "-af",
                        f"ebur128=framelog=verbose{':peak=true' if peak else ''}",
                        "-f", "null", "-")
    return _summary(report, source)


def _summary(report: str, source: Path) -> tuple[float, float]:
    """(integrated loudness, true peak or NaN) from ffmpeg's ebur128 summary."""
    found = re.search(r"Summary:.*?I:\s*(-?[\d.]+) LUFS", report, flags=re.DOTALL)
    if found is None:
        raise PipelineError(f"ffmpeg measured no loudness in {source.name}")
    top = re.search(r"True peak:\s*Peak:\s*(-?[\d.]+|-inf)", report)
    return float(found.group(1)), float(top.group(1)) if top else float("nan")


def _chain(gain_db: float, ceiling_db: float, *, oversample: bool = True) -> str:
    """Gain, a gentle low-pass, and a limiter working at four times the sample rate.

    LAME low-passes a 64 kbps mono stream near 8 kHz anyway; doing it first, and
    steeply, means the limited peaks are not re-shaped by the codec's filter, which
    otherwise lifts true peaks up to 2.5 dB over the ceiling (measured on Piper's
    voice). Oversampling lets the limiter see the peaks between samples; a short
    release costs the least loudness on speech.
    """
    limit = max(10 ** (ceiling_db / 20), 0.0625)  # alimiter's lowest ceiling is -24 dB
    limiter = f"alimiter=limit={limit:.4f}:attack=2:release=20:level=false"
    if oversample:
        limiter = f"aresample={RATE * 4},{limiter},aresample={RATE}"
    lowpass = f"lowpass=f={LOWPASS_HZ}:poles=2"  # twice: a 4th-order slope
    return f"volume={gain_db:.2f}dB,{lowpass},{lowpass},{limiter}"


def encode(source: Path, target: Path, *, gain_db: float, ceiling_db: float = CEILING
           ) -> None:
    """Raw PCM to CBR MP3 (mono, no tags yet) through ``_chain``; ``-bitexact`` keeps
    repeated builds byte-identical."""
    ffmpeg.run(*_RAW, "-i", source, "-af", _chain(gain_db, ceiling_db), "-c:a", "libmp3lame",
               "-b:a", BITRATE, "-ar", str(RATE), "-ac", "1", "-bitexact",
               "-id3v2_version", "0", "-f", "mp3", target)


def _gain_for(source: Path) -> float:
    """The gain that brings the limited PCM to the target plus the codec's loss.

    Measured, not assumed: the limiter takes more loudness the harder it works, so
    one trial run (two when the first misses) fixes the gain by a secant step. Trials
    limit at the plain sample rate: a third of the time, within 0.1 LU of the real run.
    """
    aim = LOUDNESS + CODEC_LOSS
    raw = loudness(source, raw=True)
    trials = [(aim - raw, _limited_loudness(source, aim - raw))]
    if abs(aim - trials[0][1]) > 0.15:
        gain = trials[0][0] + aim - trials[0][1]
        trials.append((gain, _limited_loudness(source, gain)))
    if len(trials) == 1:
        return trials[0][0]
    (g1, m1), (g2, m2) = trials
    slope = min(max((m2 - m1) / (g2 - g1), 0.25), 1.0) if g2 != g1 else 1.0
    return g2 + (aim - m2) / slope


def _limited_loudness(source: Path, gain_db: float) -> float:
    report = ffmpeg.run(*_RAW, "-i", source, "-af",
                        f"{_chain(gain_db, CEILING, oversample=False)},ebur128=framelog=verbose",
                        "-f", "null", "-")
    return _summary(report, source)[0]


def encode_normalised(source: Path, target: Path) -> tuple[float, float]:
    """Encode at -16 LUFS with true peaks at most -1 dBTP; return the MP3's (LUFS, dBTP).

    The encoded file is measured; in the rare case it misses, it is encoded again with
    the gain corrected and, for a high peak, the ceiling lowered by the excess.
    """
    gain, ceiling = _gain_for(source), CEILING
    for _ in range(ATTEMPTS):
        encode(source, target, gain_db=gain, ceiling_db=ceiling)
        measured, peak = loudness_and_peak(target)
        if abs(LOUDNESS - measured) <= TOLERANCE and peak <= TRUE_PEAK:
            break
        if peak > TRUE_PEAK:
            ceiling -= peak - TRUE_PEAK + 0.3
        gain += LOUDNESS - measured
    if peak > TRUE_PEAK:  # still over: rather a little quieter than over the peak limit
        encode(source, target, gain_db=gain - (peak - TRUE_PEAK + 0.3), ceiling_db=ceiling)
        measured, peak = loudness_and_peak(target)
    return measured, peak


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
               tracks: Path) -> tuple[float, float]:
    """Encode and tag the book and its per-chapter tracks; return the book's loudness
    (LUFS) and true peak (dBTP), as measured on the MP3.

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
