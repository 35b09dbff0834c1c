"""Each utterance prepared once for any book: at the book's rate, band-limited, its
peaks tamed, measured; kept in ``.cache/prepared/`` so that nothing is resampled,
filtered or measured twice.

    engine audio --dsp--> band-limited PCM at RATE and its K-weighted bins
        --peaks more than PEAK_TO_LOUDNESS dB over its own loudness limited (4x true
          peak)--> int16 PCM, bins, true peak

Taming the peaks relative to the utterance's own loudness is most of the limiting a
book needs, done once per utterance: at the chapter's gain only an utterance louder
than its chapter still reaches the ceiling (eSpeak NG's peaks stand ~20 dB over its
loudness; the neural voices' ~13-15 dB).

An entry is keyed by the utterance's speech-cache key and every setting of ``dsp``,
``peaks`` and PEAK_TO_LOUDNESS. Entries are checksummed (``store``): a damaged one is
made again from the speech cache, without synthesis.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np

from pipeline.audio.caches.store import Store, digest
from pipeline.audio.signal import dsp, peaks
from pipeline.audio.signal.dsp import (
    BIN,
    Floats,
    Prepared,
    Singles,
    band_limited,
    energies,
    quantised,
)
from pipeline.audio.signal.loudness import PEAK_TO_LOUDNESS, decibels, integrated
from pipeline.audio.signal.peaks import limit, limited_bins, true_peak
from pipeline.audio.speech.engines import Audio

FORMAT: Final = 2  # bumped when the entry's layout or the analysis changes
SETTINGS: Final = {"format": FORMAT, "rate": dsp.RATE, "bin": dsp.BIN, "tail": dsp.TAIL,
                   "pad": dsp.PAD, "lowpass": dsp.LOWPASS_HZ, "headroom": dsp.HEADROOM,
                   "fft": dsp.FFT_SIZE, "oversample": peaks.OVERSAMPLE, "taps": peaks.HALF,
                   "screen": peaks.SCREEN_DB, "hold": peaks.HOLD,
                   "peak_to_loudness": PEAK_TO_LOUDNESS}


def prepared_key(speech_key: str) -> str:
    """The prepared entry of the utterance whose speech-cache key is ``speech_key``."""
    return digest("prepared", SETTINGS, speech_key)


def prepare(audio: Audio) -> Prepared:
    """An engine's utterance at RATE, band-limited, its peaks tamed, quantised, measured.

    The PCM is quantised (int16 at HEADROOM: rounding moves a peak by less than 1e-4)
    before it is used, so an utterance read back from the cache is the very one a clean
    build encodes.
    """
    band, weighted, samples = band_limited(audio)
    speech: Floats | Singles = band
    bins = energies(weighted)
    peak = true_peak(band)
    own = integrated(bins)
    if own > -np.inf and decibels(peak) > own + PEAK_TO_LOUDNESS:
        # Limiting lowers the loudness the ceiling is measured from: a second run, from
        # the original, with the ceiling where the first run's loudness puts it.
        tamed = bins
        for _ in range(2):
            gain = limit(band, 10 ** ((integrated(tamed) + PEAK_TO_LOUDNESS) / 20))
            tamed = limited_bins(bins, band, gain, BIN)
        speech, bins = band * gain, tamed
        peak = true_peak(speech)
    return Prepared(samples, quantised(speech), bins, peak)


class PreparedCache:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: str) -> Prepared | None:
        entry = self.store.get(key)
        return None if entry is None else _prepared(*entry)

    def put(self, key: str, prepared: Prepared) -> Prepared:
        """Store ``prepared`` unless an entry is stored already; return the stored one."""
        header = {"samples": prepared.samples, "peak": prepared.peak}
        return _prepared(*self.store.put(key, header, prepared.bins.astype("<f8").tobytes(),
                                         prepared.pcm.astype("<i2").tobytes()))


def _prepared(header: dict[str, Any], parts: list[bytes]) -> Prepared:
    bins, pcm = parts
    return Prepared(int(header["samples"]), np.frombuffer(pcm, "<i2"),
                    np.frombuffer(bins, "<f8"), float(header["peak"]))
