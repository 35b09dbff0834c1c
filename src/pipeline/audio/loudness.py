"""Loudness to the podcast standard: -16 LUFS integrated, true peak at most -1 dBTP.

Measured with ffmpeg's EBU R128 meter (ITU-R BS.1770); the gain is found on cheap
trial runs of the PCM, the MP3 is encoded once, measured, and encoded again only in
the rare case it misses.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

from pipeline.audio import ffmpeg
from pipeline.errors import PipelineError

RATE: Final = 22_050
BITRATE: Final = "64k"
LOUDNESS: Final = -16.0  # LUFS, integrated; the standard allows +-1 LU
TOLERANCE: Final = 0.5  # LU: an MP3 this close to the target is kept
TRUE_PEAK: Final = -1.0  # dBTP: the most the standard allows
CEILING: Final = -2.5  # dBFS: the limiter's ceiling, on a 4x oversampled signal
CODEC_LOSS: Final = 0.45  # LU that LAME at 64 kbps takes from K-weighted loudness (measured)
LOWPASS_HZ: Final = 7500  # band-limit before limiting, so MP3 coding cannot lift the peaks
ATTEMPTS: Final = 3

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
    # latency=true: the look-ahead does not delay the audio, so the timeline stays exact
    limiter = f"alimiter=limit={limit:.4f}:attack=2:release=20:level=false:latency=true"
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
