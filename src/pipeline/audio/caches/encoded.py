"""Each utterance levelled, limited and encoded once, and kept: an edit re-encodes only
the utterances it changes.

    prepared utterance (+ its pause, + the lead-in before the book's first)
      --gain to LOUDNESS (+ the codec's loss), corrected for what the limiter takes-->
      --true-peak limiter, only if its peak x gain passes CEILING-->
      --encode (LAME)--> frames --decode, 4x true peak <= PEAK_LIMIT, else again lower-->

Every utterance is brought to the target loudness on its own, so the book is evenly
loud, each chapter (their gated mean) meets the standard, and so does the book; an
utterance's frames depend on nothing outside it. Chapters and the book are these frames
end to end (``mp3``). Entries live in ``.cache/encoded/``, keyed by the prepared
utterance, its pause and every setting that shapes the sound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from pipeline.audio.caches.store import Store, digest
from pipeline.audio.encoding import encoder
from pipeline.audio.encoding.encoder import DELAY, FRAME
from pipeline.audio.signal.dsp import BIN, RATE, Floats, Prepared
from pipeline.audio.signal.loudness import CODEC_LOSS, LOUDNESS, decibels, level
from pipeline.audio.signal.peaks import limit, limited_bins, true_peak
from pipeline.errors import PipelineError

FORMAT: Final = 1
CEILING: Final = -2.0  # dBTP: the limiter's ceiling on the PCM, 4x oversampled
PEAK_LIMIT: Final = -1.2  # dBTP of the decoded frames (ffmpeg's meter reads up to ~0.1 more)
ATTEMPTS: Final = 4  # encodes at most; the ceiling comes down each time
LEAD_IN_MS: Final = 300  # silence before the book's first utterance


@dataclass(frozen=True, slots=True)
class Encoded:
    """One utterance and its pause as MP3 frames, and what the book needs to know."""

    frames: bytes
    count: int  # frames: they decode to count * FRAME samples
    span: tuple[int, int]  # the speech in the PCM encoded (decoded: DELAY samples later)
    bins: Floats  # K-weighted energies of the PCM as encoded
    true_peak: float  # dBTP of the decoded frames
    limited: bool  # whether the limiter worked on it
    encodes: int  # 0 when it came from the cache


def encoded_key(lead_bins: int, prepared_key: str, pause_ms: int) -> str:
    """The key of an encoded utterance: its lead-in, prepared key, pause and the settings."""
    return digest("encoded", FORMAT, encoder.settings(), LOUDNESS, CODEC_LOSS, CEILING,
                  PEAK_LIMIT, lead_bins, prepared_key, pause_ms)


def pause_bins(prepared: Prepared, pause_ms: int) -> int:
    """Silence after an utterance, in whole bins: the pause less the padding its PCM
    ends with and what encoding adds (the next utterance's DELAY, half a frame on
    average of this one's last frame)."""
    wanted = pause_ms * RATE // 1000 - (len(prepared.pcm) - prepared.samples)
    return max(0, round((wanted - DELAY - FRAME // 2) / BIN))


def encode_utterance(lead_bins: int, prepared: Prepared, pause_ms: int) -> Encoded:
    """Level, limit, encode and check one utterance and its pause."""
    start = lead_bins * BIN
    length = start + len(prepared.pcm) + pause_bins(prepared, pause_ms) * BIN
    ceiling = CEILING
    for attempt in range(1, ATTEMPTS + 1):
        gain, pcm, bins, limited = _levelled(prepared, start, length, 10 ** (ceiling / 20))
        frames = encoder.encode(pcm)
        peak = decibels(true_peak(encoder.decode(frames)))
        if peak <= PEAK_LIMIT:
            return Encoded(frames, encoder.frame_count(frames),
                           (start, start + prepared.samples), bins, peak, limited, attempt)
        # The codec lifted a peak over the limit: limit again, from where the PCM's peak
        # was (the ceiling, or below it if nothing reached it), by twice the excess (the
        # gain rises to make up for what the limiter takes, and with it what the codec adds)
        reached = min(ceiling, decibels(prepared.peak * gain))
        ceiling = reached - 2 * (peak - PEAK_LIMIT) - 0.1
    raise PipelineError(f"an utterance's true peak stays at {peak:.1f} dBTP after "
                        f"{ATTEMPTS} encodes (limit {PEAK_LIMIT} dBTP)")


def _levelled(prepared: Prepared, start: int, length: int, ceiling: float
              ) -> tuple[float, bytes, Floats, bool]:
    """(gain, 16-bit PCM, bins as encoded, limited?) of the utterance at the gain that
    brings it to the target, limited if it passes ``ceiling``; silence around it.

    The gain comes from the bins; when the limiter takes enough to show (0.05 LU), the
    gain is raised by what it took and the utterance rendered once more."""
    bins = np.zeros(length // BIN)
    bins[start // BIN:start // BIN + len(prepared.bins)] = prepared.bins
    loudness = level(bins)
    if loudness == -math.inf:  # silence: nothing to bring up
        return 1.0, bytes(2 * length), bins, False
    aim = LOUDNESS + CODEC_LOSS
    gain = 10 ** (round(aim - loudness, 2) / 20)
    pcm, levelled, limited = _render(prepared, start, length, bins, gain, ceiling)
    shortfall = aim - level(levelled)
    if abs(shortfall) >= 0.05:
        gain *= 10 ** (round(shortfall, 2) / 20)
        pcm, levelled, limited = _render(prepared, start, length, bins, gain, ceiling)
    return gain, pcm, levelled, limited


def _render(prepared: Prepared, start: int, length: int, bins: Floats, gain: float,
            ceiling: float) -> tuple[bytes, Floats, bool]:
    """The utterance's PCM at ``gain`` (silence around it), its bins, limited or not."""
    signal = prepared.signal() * gain
    levelled = bins * gain * gain
    limited = prepared.peak * gain > ceiling
    if limited:
        reduction = limit(signal, ceiling)
        where = slice(start // BIN, start // BIN + len(prepared.bins))
        levelled[where] = limited_bins(levelled[where], signal, reduction, BIN)
        signal *= reduction
    pcm = np.zeros(length, "<i2")
    pcm[start:start + len(signal)] = np.clip(np.round(signal * 32768), -32768, 32767)
    return pcm.tobytes(), levelled, limited


class EncodedCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> Encoded | None:
        entry = self.store.get(key)
        return None if entry is None else _encoded(*entry, encodes=0)

    def put(self, key: str, encoded: Encoded) -> Encoded:
        """Store ``encoded`` unless an entry is stored already; return the stored one."""
        header = {"count": encoded.count, "span": encoded.span,
                  "true_peak": encoded.true_peak, "limited": encoded.limited}
        stored = self.store.put(key, header, encoded.bins.astype("<f8").tobytes(),
                                encoded.frames)
        return _encoded(*stored, encodes=encoded.encodes)


def _encoded(header: dict[str, Any], parts: list[bytes], *, encodes: int) -> Encoded:
    bins, frames = parts
    start, end = header["span"]
    return Encoded(frames, int(header["count"]), (int(start), int(end)),
                   np.frombuffer(bins, "<f8"), float(header["true_peak"]),
                   bool(header["limited"]), encodes)
