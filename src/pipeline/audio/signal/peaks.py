"""True peaks (4x oversampled, as ITU-R BS.1770 annex 2 measures them) and a limiter that
keeps them under a ceiling, in numpy.

Speech peaks are sparse: only the intervals next to a local maximum of the magnitude
within ``SCREEN_DB`` of the level of interest are interpolated (a windowed-sinc
interpolator at 1/4, 2/4 and 3/4 of the interval). The book is band-limited to 7.5 kHz,
and a 7.5 kHz tone loses at most 6.3 dB to sampling; measured on every engine's speech,
the intervals that come within 3 dB of an utterance's true peak rise at most 0.3 dB
above their samples (test_audio_peaks checks the screen against full oversampling).

The limiter works on the required gain, sample by sample: the ceiling over each
interval's peak, spread over the interpolator's reach, then a minimum filter and a
moving average of the same width (``2 * HOLD + 1``): a smooth gain that is nowhere above
what any sample requires. The gain changes what the interpolator sees, so the result is
measured again and tightened where needed, a few rounds at most; deterministic.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from pipeline.audio.signal.dsp import Floats, Singles

OVERSAMPLE: Final = 4
HALF: Final = 12  # interpolator taps on each side of an interval
SCREEN_DB: Final = 6.0
HOLD: Final = 44  # samples (2 ms): the limiter's gain moves over 2 * HOLD + 1 samples
REACH: Final = HALF + 2 * HOLD + 1  # samples from a requirement to where the gain is 1 again
ROUNDS: Final = 8
WATCH_DB: Final = 1.0  # intervals this close to the ceiling are measured again each round
CHUNK: Final = 1 << 15  # intervals interpolated at once
BLOCK: Final = 1 << 18  # samples measured at once: bounded memory on a whole chapter


@cache
def _kernel() -> Floats:
    """(2 * HALF, OVERSAMPLE - 1): Kaiser-windowed sinc taps for each fractional position."""
    taps = np.arange(-HALF + 1, HALF + 1)
    fractions = np.arange(1, OVERSAMPLE) / OVERSAMPLE
    offsets = fractions[None, :] - taps[:, None]
    window = np.i0(8.0 * np.sqrt(np.clip(1 - (offsets / HALF) ** 2, 0, None))) / np.i0(8.0)
    kernel: Floats = np.sinc(offsets) * window
    return kernel


def _between(signal: Floats | Singles, starts: npt.NDArray[np.intp]) -> Floats:
    """The highest magnitude of each interval: its two samples and the three points
    interpolated between them."""
    padded = np.concatenate([np.zeros(HALF), signal, np.zeros(HALF)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * HALF)
    values = np.empty(len(starts))
    for first in range(0, len(starts), CHUNK):  # bounded memory on long signals
        some = starts[first:first + CHUNK]
        between = np.abs(windows[some + 1] @ _kernel()).max(axis=1)
        ends = np.maximum(np.abs(signal[some]), np.abs(signal[some + 1]))
        values[first:first + CHUNK] = np.maximum(between, ends)
    return values


def interval_peaks(signal: Floats | Singles, level: float) -> tuple[npt.NDArray[np.intp], Floats]:
    """The intervals (start sample) that may reach ``level``, with the highest magnitude
    each reaches: its two samples and the three points interpolated between them."""
    return _intervals(signal, np.abs(signal), level)


def _intervals(signal: Floats | Singles, magnitude: Floats | Singles, level: float
               ) -> tuple[npt.NDArray[np.intp], Floats]:
    # A peak between two samples makes the larger of them a local maximum of |signal|.
    crest = np.zeros(len(signal), bool)
    inner = magnitude[1:-1]
    crest[1:-1] = (inner >= magnitude[:-2]) & (inner >= magnitude[2:])
    crest[[0, -1]] = True
    crest &= magnitude >= level * 10 ** (-SCREEN_DB / 20)
    starts = np.flatnonzero(crest[:-1] | crest[1:])
    return starts, _between(signal, starts)


def true_peak(signal: Floats | Singles) -> float:
    """The 4x oversampled peak magnitude (1.0 = full scale), a block at a time (each in
    double precision)."""
    peak = 0.0
    for start in range(0, max(len(signal) - 2 * HALF, 1), BLOCK):
        # each block reaches HALF samples into its neighbours, for the interpolator
        first = max(start - HALF, 0)
        part = signal[first:start + BLOCK + HALF].astype(np.float64)
        magnitude = np.abs(part)
        sample_peak = float(magnitude.max(initial=0.0))
        if sample_peak < peak * 10 ** (-SCREEN_DB / 20):
            continue  # nothing in this block can rise to the peak found so far
        starts, values = _intervals(part, magnitude, max(sample_peak, peak))
        inside = (starts >= start - first) & (starts < start - first + BLOCK)
        peak = max(peak, sample_peak, float(values[inside].max(initial=0.0)))
    return peak


def limit(signal: Floats | Singles, ceiling: float) -> Floats:
    """A gain curve (one factor per sample, at most 1) that keeps ``signal * gain`` at or
    under ``ceiling``, 4x oversampled; all ones where nothing reaches it."""
    gain = np.ones(len(signal))
    starts, values = interval_peaks(signal, ceiling)
    # Only intervals near the ceiling can pass it once the gain is applied around them.
    watch = starts[values > ceiling * 10 ** (-WATCH_DB / 20)]
    over = values > ceiling
    for _ in range(ROUNDS):
        if not over.any():
            return gain
        # a hair under the ceiling, so rounding never leaves a peak a bit above it
        gain *= _smooth(len(signal), starts[over], ceiling * 0.9995 / values[over])
        starts, values = watch, _between(signal * gain, watch)
        over = values > ceiling
    # Not settled (never seen on speech): take the rest off the whole utterance.
    return gain * min(1.0, ceiling / max(true_peak(signal * gain), 1e-12))


def limited_bins(bins: Floats, signal: Floats | Singles, gain: Floats, width: int) -> Floats:
    """The K-weighted bin energies of ``signal * gain``, from those of ``signal``: each
    scaled by what the gain takes from its bin's plain energy (the limiter works on short
    peaks, so the spectrum of what it takes is the bin's; within 0.05 LU of filtering the
    limited signal again, measured on eSpeak NG, whose peaks it limits most)."""
    before = np.square(signal, dtype=np.float64).reshape(-1, width).sum(axis=1)
    after = np.square(signal * gain).reshape(-1, width).sum(axis=1)
    ratio: Floats = np.divide(after, before, out=np.ones_like(before), where=before > 0)
    return bins * ratio


def _smooth(length: int, starts: npt.NDArray[np.intp], required: Floats) -> Floats:
    """The smooth gain: each interval's requirement over the interpolator's reach and
    the hold on each side (a running minimum), then averaged over 2 * HOLD + 1 samples.

    ``starts`` are sorted and distinct. A requirement moves the gain less than REACH
    samples away, so only the samples within REACH of one are worked on, gathered end to
    end (the gain between them is 1, which is also what each gathered stretch begins and
    ends with): speech has a few dozen peaks a second, and whole-utterance passes, every
    round, cost more than the rest of the limiter."""
    edges = np.zeros(length + 1, np.int32)
    np.add.at(edges, np.maximum(starts - REACH, 0), 1)
    np.add.at(edges, np.minimum(starts + REACH + 1, length), -1)
    near = np.flatnonzero(np.cumsum(edges[:-1]) > 0)
    need = np.ones(len(near))
    need[np.searchsorted(near, starts)] = required
    need = _running_min(need, HALF + HOLD)
    width = 2 * HOLD + 1
    padded = np.pad(need, HOLD, mode="edge")  # a requirement at an end holds beyond it
    total = np.concatenate([[0.0], np.cumsum(padded)])
    gain = np.ones(length)
    gain[near] = np.minimum((total[width:] - total[:-width]) / width, 1.0)
    return gain


def _running_min(values: Floats, radius: int) -> Floats:
    """The minimum over ``[i - radius, i + radius]`` at each ``i`` (van Herk / Gil-Werman:
    prefix and suffix minima within blocks of the window's width)."""
    width = 2 * radius + 1
    padded = np.pad(values, (radius, radius + (-(len(values) + 2 * radius)) % width),
                    constant_values=1.0)
    blocks = padded.reshape(-1, width)
    prefix = np.minimum.accumulate(blocks, axis=1).ravel()
    suffix = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    result: Floats = np.minimum(suffix[:len(values)], prefix[width - 1:width - 1 + len(values)])
    return result
