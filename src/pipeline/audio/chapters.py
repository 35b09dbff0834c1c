"""Each chapter levelled, limited and encoded once, and kept: an edit re-encodes only
the chapters it touches.

    prepared utterances --on the bin grid, with their pauses--> the chapter's bins
      --gain to LOUDNESS (+ the codec's loss), corrected for what the limiter takes-->
      --true-peak limiter, only on utterances whose peak x gain passes CEILING-->
      --encode (LAME)--> frames --decode, 4x true peak <= PEAK_LIMIT, else again lower-->

Every chapter is brought to the target loudness on its own, so each track meets the
standard by itself, the book (their gated mean) does too, and a chapter's frames depend
on nothing outside it. Entries live in ``.cache/chapters/``, keyed by the prepared
utterances, their pauses and every setting that shapes the sound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from pipeline.audio import encoder
from pipeline.audio.dsp import BIN, RATE, Floats, Prepared
from pipeline.audio.loudness import CODEC_LOSS, LOUDNESS, decibels, integrated
from pipeline.audio.peaks import limit, limited_bins, true_peak
from pipeline.audio.store import Store, digest
from pipeline.errors import PipelineError

FORMAT: Final = 1
CEILING: Final = -2.0  # dBTP: the limiter's ceiling on the PCM, 4x oversampled
PEAK_LIMIT: Final = -1.2  # dBTP of the decoded chapter (ffmpeg's meter reads up to ~0.1 more)
ATTEMPTS: Final = 4  # encodes at most; the ceiling comes down by the excess each time
LEAD_IN_MS: Final = 300  # silence before the first chapter


@dataclass(frozen=True, slots=True)
class Encoded:
    """One chapter as MP3 frames, and what the book needs to know about it."""

    frames: bytes
    count: int  # frames: the chapter decodes to count * FRAME samples
    spans: tuple[tuple[int, int], ...]  # each utterance's speech in the chapter's PCM
    bins: Floats  # K-weighted energies of the chapter as encoded
    gain_db: float
    true_peak: float  # dBTP of the decoded frames
    limited: int  # utterances the limiter worked on
    encodes: int  # 0 when it came from the cache


def chapter_key(lead_bins: int, utterances: Sequence[tuple[str, int]]) -> str:
    """The key of a chapter: its lead-in, its (prepared key, pause in ms) and the settings."""
    return digest("chapter", FORMAT, encoder.settings(), LOUDNESS, CODEC_LOSS,
                  CEILING, PEAK_LIMIT, lead_bins, list(utterances))


def pause_samples(prepared: Prepared, pause_ms: int) -> int:
    """Silence after an utterance, in whole bins, counting the padding its PCM ends with."""
    wanted = pause_ms * RATE // 1000 - (len(prepared.pcm) - prepared.samples)
    return max(0, round(wanted / BIN)) * BIN


def encode_chapter(lead_bins: int, utterances: Sequence[tuple[Prepared, int]]) -> Encoded:
    """Level, limit, encode and check one chapter; ``utterances``: (prepared, pause ms)."""
    grid = _grid(lead_bins, utterances)
    ceiling = CEILING
    for attempt in range(1, ATTEMPTS + 1):
        gain, pcm, bins, limited = _levelled(grid, utterances, 10 ** (ceiling / 20))
        frames = encoder.encode(pcm)
        peak = decibels(true_peak(encoder.decode(frames)))
        if peak <= PEAK_LIMIT:
            spans = tuple((start, start + p.samples)
                          for start, (p, _) in zip(grid, utterances, strict=False))
            return Encoded(frames, encoder.frame_count(frames), spans, bins,
                           round(decibels(gain), 2), peak, limited, attempt)
        # The codec lifted a peak: limit harder, by twice the excess (the gain rises to make
        # up for what the limiter takes, and with it what the codec adds)
        ceiling -= 2 * (peak - PEAK_LIMIT) + 0.1
    raise PipelineError(f"a chapter's true peak stays at {peak:.1f} dBTP after {ATTEMPTS} "
                        f"encodes (limit {PEAK_LIMIT} dBTP)")


def _grid(lead_bins: int, utterances: Sequence[tuple[Prepared, int]]) -> list[int]:
    """Where each utterance starts in the chapter's PCM, and (last) the chapter's length."""
    starts, position = [], lead_bins * BIN
    for prepared, pause_ms in utterances:
        starts.append(position)
        position += len(prepared.pcm) + pause_samples(prepared, pause_ms)
    return [*starts, position]


def _levelled(grid: Sequence[int], utterances: Sequence[tuple[Prepared, int]], ceiling: float
              ) -> tuple[float, bytearray, Floats, int]:
    """(gain, 16-bit PCM, bins as encoded, utterances limited) of the chapter at the gain
    that brings it to the target, limited where an utterance passes ``ceiling``.

    The gain comes from the bins; when the limiter takes enough to show (0.05 LU), the
    gain is raised by what it took and the chapter rendered once more."""
    bins = np.zeros(grid[-1] // BIN)
    for (prepared, _), start in zip(utterances, grid, strict=False):
        bins[start // BIN:start // BIN + len(prepared.bins)] = prepared.bins
    if not bins.any():
        return 1.0, bytearray(2 * grid[-1]), bins, 0
    aim = LOUDNESS + CODEC_LOSS
    gain = 10 ** (round(aim - integrated(bins), 2) / 20)
    pcm, levelled, limited = _render(grid, utterances, bins, gain, ceiling)
    shortfall = aim - integrated(levelled)
    if abs(shortfall) >= 0.05:
        gain *= 10 ** (round(shortfall, 2) / 20)
        pcm, levelled, limited = _render(grid, utterances, bins, gain, ceiling)
    return gain, pcm, levelled, limited


def _render(grid: Sequence[int], utterances: Sequence[tuple[Prepared, int]], bins: Floats,
            gain: float, ceiling: float) -> tuple[bytearray, Floats, int]:
    """The chapter's PCM at ``gain``, its bins, and how many utterances were limited."""
    pcm = bytearray(2 * grid[-1])
    levelled = bins * gain * gain
    limited = 0
    for (prepared, _), start in zip(utterances, grid, strict=False):
        signal = prepared.signal() * gain
        if prepared.peak * gain > ceiling:
            reduction = limit(signal, ceiling)
            where = slice(start // BIN, start // BIN + len(prepared.bins))
            levelled[where] = limited_bins(levelled[where], signal, reduction, BIN)
            signal *= reduction
            limited += 1
        speech = np.clip(np.round(signal * 32768), -32768, 32767).astype("<i2")
        pcm[2 * start:2 * (start + len(speech))] = speech.tobytes()
    return pcm, levelled, limited  # not copied into bytes: a chapter's PCM is large


class ChapterCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> Encoded | None:
        entry = self.store.get(key)
        return None if entry is None else _encoded(*entry, encodes=0)

    def put(self, key: str, chapter: Encoded) -> Encoded:
        """Store ``chapter`` unless an entry is stored already; return the stored one."""
        header = {"count": chapter.count, "spans": chapter.spans, "gain_db": chapter.gain_db,
                  "true_peak": chapter.true_peak, "limited": chapter.limited}
        stored = self.store.put(key, header, chapter.bins.astype("<f8").tobytes(),
                                chapter.frames)
        return _encoded(*stored, encodes=chapter.encodes)


def _encoded(header: dict[str, Any], parts: list[bytes], *, encodes: int) -> Encoded:
    bins, frames = parts
    return Encoded(frames, int(header["count"]),
                   tuple((int(a), int(b)) for a, b in header["spans"]),
                   np.frombuffer(bins, "<f8"), float(header["gain_db"]),
                   float(header["true_peak"]), int(header["limited"]), encodes)

