"""Loudness to the podcast standard: -16 LUFS integrated, true peak at most -1 dBTP.

Integrated loudness is ITU-R BS.1770-4 computed from the K-weighted energy of each 20 ms
bin (``dsp``): 400 ms blocks every 100 ms, an absolute gate at -70 LUFS and a relative
gate 10 LU below the loudness of the blocks that pass it. For a book that is a few
thousand sums, milliseconds, and no audio is read. ffmpeg's EBU R128 meter is the
independent check the tests and ``make bench`` use (``tests/support/validators.py``).
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from pipeline.audio.signal.dsp import BIN, Floats

LOUDNESS: Final = -16.0  # LUFS, integrated; the standard allows +-1 LU
# LU that 64 kbps LAME takes from the K-weighted loudness of band-limited speech,
# measured by ffmpeg on the MP3s of every engine (tests/unit/audio/test_audio_loudness.py).
CODEC_LOSS: Final = 0.6
# Peaks standing more than this over an utterance's own loudness are limited when it is
# prepared: CEILING - LOUDNESS - CODEC_LOSS (13.4 dB) less a margin, so that at its
# chapter's gain an utterance reaches the ceiling only if it is louder than the chapter.
PEAK_TO_LOUDNESS: Final = 12.0
BLOCK: Final = 400 * 22_050 // 1000 // BIN  # bins in a 400 ms gating block (20)
HOP: Final = BLOCK // 4  # bins between blocks: 100 ms (5)
ABSOLUTE_GATE: Final = -70.0
RELATIVE_GATE: Final = -10.0


def integrated(bins: Floats) -> float:
    """BS.1770 integrated loudness (LUFS) of a signal given as K-weighted bin energies
    (full scale 1.0); ``-inf`` when no block passes the gates."""
    if len(bins) < BLOCK:
        return -math.inf
    sums = np.concatenate([[0.0], np.cumsum(bins)])
    starts = np.arange(0, len(bins) - BLOCK + 1, HOP)
    power = (sums[starts + BLOCK] - sums[starts]) / (BLOCK * BIN)
    above = power[power > _power(ABSOLUTE_GATE)]
    if len(above) == 0:
        return -math.inf
    gate = _loudness(float(above.mean())) + RELATIVE_GATE
    kept = above[above > _power(gate)]
    return _loudness(float(kept.mean()))


def level(bins: Floats) -> float:
    """The loudness (LUFS) an utterance is levelled by: integrated, or for one shorter
    than a gating block, the mean power of its bins above the absolute gate; ``-inf``
    for silence."""
    found = integrated(bins)
    if found > -math.inf:
        return found
    heard = bins[bins > _power(ABSOLUTE_GATE) * BIN]
    return _loudness(float(heard.mean()) / BIN) if len(heard) else -math.inf


def _loudness(power: float) -> float:
    return -0.691 + 10 * math.log10(power)


def _power(lufs: float) -> float:
    return float(10 ** ((lufs + 0.691) / 10))


def decibels(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else -math.inf
