"""Each utterance at the book's rate, band-limited, with the energies loudness is made of.

    engine PCM --(rate other than RATE: FFT resampling by the exact rational ratio)-->
               --band-limit (zero phase, LOWPASS_HZ)--> the PCM the book encodes
               --K-weighting (ITU-R BS.1770)--> the energy of each 20 ms BIN

numpy only (scipy.signal would add ~80 MB and a second to every build process): the
filters are applied as their frequency responses, by overlap-save in blocks of
FFT_SIZE. The K-weighting is the exact response of BS.1770's two biquads designed for
RATE (as libebur128 designs them for any rate), so the bins equal a meter's, up to the
filters' tails beyond their reach (below 1e-8 of the energy). Utterances are separated
by silence, so filtering each alone is filtering the book.

Everything is laid on a grid of BIN samples: BS.1770's 400 ms gating blocks and their
100 ms hop are whole bins, so a book's loudness is exact from its utterances' bins.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from pipeline.audio.speech.engines import Audio

RATE: Final = 22_050
BIN: Final = 441  # samples: 20 ms
TAIL: Final = 2 * BIN  # kept after the speech: the band-limit's and the K-filter's ringing
PAD: Final = 4096  # zeros around an utterance when it is resampled, so it cannot wrap
FFT_SIZE: Final = 1 << 16  # filtering is done in blocks of this size (overlap-save)
HEAD: Final = 1024  # samples the zero-phase band-limit reaches before (and after) a sample
TAIL_REACH: Final = 4096 + HEAD  # samples the K-weighting (and band-limit) reach after one
GROUP: Final = 8  # blocks filtered at once
LOWPASS_HZ: Final = 7500  # band-limit before limiting: MP3 coding then cannot lift the peaks
HEADROOM: Final = 0.5  # the PCM is kept as int16 at half scale: band-limiting can overshoot

Floats = npt.NDArray[np.float64]
Singles = npt.NDArray[np.float32]
Samples = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True)
class Prepared:
    """One utterance as the book uses it: PCM at RATE, band-limited, on the bin grid."""

    samples: int  # length of the speech at RATE (what the timeline shows)
    pcm: Samples  # whole bins, at least samples + TAIL; full scale is 32767 * HEADROOM
    bins: Floats  # K-weighted energy (sum of squares, full scale 1.0) of each BIN of pcm
    peak: float  # true peak of pcm (4x oversampled), 1.0 = full scale

    def signal(self) -> Floats:
        """The PCM as floats, 1.0 = full scale."""
        return self.pcm.astype(np.float64) / (32767 * HEADROOM)


def whole_bins(samples: int) -> int:
    """Samples rounded up to whole bins."""
    return -(-samples // BIN) * BIN


def band_limited(audio: Audio) -> tuple[Singles, Singles, int]:
    """An engine's utterance at RATE: (band-limited, its K-weighted version, speech length),
    padded with silence to whole bins of at least the speech and TAIL."""
    signal = _at_rate(np.frombuffer(audio.pcm, "<i2") / 32768, audio.rate)
    band, weighted = _filtered(signal, whole_bins(len(signal) + TAIL))
    return band, weighted, len(signal)


def quantised(signal: Floats | Singles) -> Samples:
    """A signal (1.0 = full scale) as int16 at HEADROOM."""
    scaled = np.round(signal * (32767 * HEADROOM))
    return np.clip(scaled, -32768, 32767).astype(np.int16)


def energies(weighted: Singles) -> Floats:
    """The energy of each BIN of a K-weighted signal (summed in double precision)."""
    energies: Floats = np.square(weighted, dtype=np.float64).reshape(-1, BIN).sum(axis=1)
    return energies


def _at_rate(signal: Floats, rate: int) -> Floats:
    """Resampled to RATE by the exact rational ratio: the spectrum cut at the new Nyquist
    frequency or extended with zeros (the padding keeps the ends from wrapping round)."""
    common = math.gcd(RATE, rate)
    up, down = RATE // common, rate // common
    if up == down:
        return signal
    multiple = -(-(len(signal) + PAD) // down)
    spectrum = np.fft.rfft(signal, down * multiple)
    bins = up * multiple // 2 + 1
    fitted = spectrum[:bins] if len(spectrum) >= bins else np.concatenate(
        [spectrum, np.zeros(bins - len(spectrum), spectrum.dtype)])
    resampled: Floats = np.fft.irfft(fitted * (up / down), up * multiple)
    return resampled[: len(signal) * up // down]


def _filtered(signal: Floats, length: int) -> tuple[Singles, Singles]:
    """(band-limited, K-weighted band-limited) of ``signal`` followed by silence up to
    ``length`` samples, by overlap-save in FFT_SIZE blocks.

    The band-limit is zero phase (its response reaches HEAD samples either side); the
    K-weighting is causal (TAIL_REACH samples). Each block's outputs are those its input
    covers entirely, so the result is the filters' own, block edges unseen. In single
    precision (twice as fast): its rounding, ~1e-7 of full scale, is far below the 16-bit
    PCM's step.
    """
    hop = FFT_SIZE - HEAD - TAIL_REACH
    blocks = -(-length // hop)
    padded = np.zeros(blocks * hop + HEAD + TAIL_REACH, np.float32)
    padded[TAIL_REACH:TAIL_REACH + len(signal)] = signal
    windows = np.lib.stride_tricks.sliding_window_view(padded, FFT_SIZE)[::hop]
    band = np.empty((blocks, hop), np.float32)
    weighted = np.empty((blocks, hop), np.float32)
    lowpass, k_weighting = _responses()
    for first in range(0, blocks, GROUP):  # a few blocks at a time: bounded memory
        spectra = np.fft.rfft(windows[first:first + GROUP], axis=1)
        rows = slice(first, first + len(spectra))
        band[rows] = np.fft.irfft(spectra * lowpass, axis=1)[:, TAIL_REACH:-HEAD]
        weighted[rows] = np.fft.irfft(spectra * k_weighting, axis=1)[:, TAIL_REACH:-HEAD]
    return band.ravel()[:length], weighted.ravel()[:length]


@cache
def _responses() -> tuple[Singles, npt.NDArray[np.complex64]]:
    """The band-limit's and the band-limited K-weighting's responses, per rfft bin, in
    single precision."""
    return _lowpass().astype(np.float32), _k_weighting().astype(np.complex64)


@cache
def _lowpass() -> Floats:
    """Zero-phase band-limit: the magnitude of two 2-pole Butterworth low-passes."""
    frequencies = np.fft.rfftfreq(FFT_SIZE, 1 / RATE)
    response: Floats = 1 / (1 + (frequencies / LOWPASS_HZ) ** 4)
    return response


@cache
def _k_weighting() -> npt.NDArray[np.complex128]:
    """BS.1770's K-weighting (high shelf, then RLB high-pass) at RATE, per rfft bin, with
    the band-limit before it."""
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(FFT_SIZE))  # z^-1 on the unit circle
    response = _lowpass().astype(np.complex128)
    for b, a in (_shelf(), _highpass()):
        response *= (b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z)
    return response


def _shelf() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Stage 1, the head's acoustic effect: +4 dB above ~1.7 kHz (libebur128's design,
    which gives BS.1770's published coefficients at 48 kHz)."""
    k = math.tan(math.pi * 1681.974450955533 / RATE)
    q, vh = 0.7071752369554196, 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    return (((vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0,
             (vh - vb * k / q + k * k) / a0),
            (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))


def _highpass() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Stage 2, the revised low-frequency B-curve: a 2nd-order high-pass at ~38 Hz."""
    k = math.tan(math.pi * 38.13547087602444 / RATE)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    return ((1.0, -2.0, 1.0), (1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0))
