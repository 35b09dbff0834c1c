"""When each utterance is heard in the book: the timeline that read-along and captions use.

``mp3.assemble`` measures it while it lays the utterances end to end, in samples;
``mp3.write_book`` writes it beside the MP3 (``<slug>.timeline.json``) in the same
atomic step, with the MP3's checksum. The EPUB and WebVTT builders read it back and
refuse a timeline whose MP3 has changed, so their times are always those of the MP3
they accompany: nothing is re-aligned or estimated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from pipeline.errors import PipelineError
from pipeline.output import atomic_write

FORMAT: Final = 1  # bumped when the file's shape changes


@dataclass(frozen=True, slots=True)
class Spoken:
    """One utterance on the book's timeline: samples from ``start`` (speech begins) to
    ``end`` (speech ends, before its pause)."""

    ref: str  # id of the element it reads (``model.ref``)
    lang: str  # BCP 47
    text: str  # what the voice said
    chapter: int  # 0-based, as in the MP3's chapters
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Span:
    """A chapter of the book, in samples."""

    title: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Timeline:
    """Everything heard in one MP3, in order, in samples at ``rate``."""

    audio: str  # the MP3's file name
    sha256: str  # of the MP3 it belongs to
    rate: int
    length: int  # samples in the whole book
    chapters: tuple[Span, ...]
    spoken: tuple[Spoken, ...]

    def seconds(self, sample: int) -> float:
        return sample / self.rate

    def millisecond(self, sample: int) -> int:
        """A sample position as a whole millisecond (the unit of SMIL and WebVTT clocks),
        rounded down, so the end of the book is never past the end of its MP3."""
        return sample * 1000 // self.rate


def clock(ms: int, *, hour_digits: int = 1) -> str:
    """``1:02:03.456``: a time as SMIL clips (``hour_digits=1``) and WebVTT cues (2) write it."""
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:0{hour_digits}d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def path_for(mp3: Path) -> Path:
    """``output/es/baclofen.mp3`` -> ``output/es/baclofen.timeline.json``."""
    return mp3.with_suffix(".timeline.json")


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_timeline(mp3: Path, *, written: Path, rate: int, length: int,
                   chapters: Sequence[Span], spoken: Sequence[Spoken]) -> None:
    """Write the timeline of ``written`` (the MP3 about to be renamed to ``mp3``)."""
    timeline = Timeline(mp3.name, checksum(written), rate, length, tuple(chapters),
                        tuple(spoken))
    data = json.dumps({"format": FORMAT, **asdict(timeline)}, ensure_ascii=False, indent=1)
    atomic_write(path_for(mp3), data.encode("utf-8") + b"\n")


def read_timeline(mp3: Path) -> Timeline:
    """The timeline of ``mp3``; missing, unreadable or for another MP3 is an error."""
    path = path_for(mp3)
    # Make cannot see a missing or stale timeline (the MP3 is its target), hence the advice.
    advice = f"build the audio again: delete {mp3} and run make"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if data.pop("format") != FORMAT:
            raise ValueError("an older format")
        timeline = Timeline(**{**data, "chapters": tuple(Span(**c) for c in data["chapters"]),
                               "spoken": tuple(Spoken(**s) for s in data["spoken"])})
    except FileNotFoundError:
        raise PipelineError(f"no timeline beside the MP3: {advice}", path) from None
    except (ValueError, KeyError, TypeError) as error:
        raise PipelineError(f"unreadable timeline ({error}): {advice}", path) from None
    try:
        current = checksum(mp3)
    except FileNotFoundError:
        raise PipelineError(f"no MP3 for this timeline: {advice}", mp3) from None
    if current != timeline.sha256:
        raise PipelineError(f"the MP3 has changed since its timeline was written: {advice}",
                            mp3)
    return timeline
