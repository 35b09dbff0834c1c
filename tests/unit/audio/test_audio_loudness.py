"""Loudness from cached bins, true peaks, the limiter and the chapter encodes, checked
against ffmpeg's EBU R128 meter and dense oversampling (dsp, peaks, loudness, chapters,
encoder, mp3)."""

from __future__ import annotations

import random
from array import array
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio.caches import encoded, prepared
from pipeline.audio.caches.encoded import Encoded, encode_utterance
from pipeline.audio.caches.prepared import prepare
from pipeline.audio.encoding import encoder
from pipeline.audio.encoding.mp3 import layout
from pipeline.audio.script.narration import Chapter, Script, Utterance
from pipeline.audio.signal import peaks
from pipeline.audio.signal.dsp import BIN, RATE, Floats, Prepared
from pipeline.audio.signal.loudness import CODEC_LOSS, decibels, integrated, level
from pipeline.audio.signal.peaks import limit, true_peak
from pipeline.audio.speech import ffmpeg, voices
from pipeline.audio.speech.engines import Audio
from pipeline.config import VoiceChoice
from support.validators import ebur128, ffmpeg_pipe

TEXTS = ("Baclofen relaxes the muscles that spasticity makes stiff.",
         "Take it as your doctor tells you, and never stop it all at once.",
         "Stopping suddenly can cause fits, fever and confusion.",
         "Call your doctor if you feel very sleepy or weak.")


def speak(engine: str) -> list[Prepared]:
    """The texts read by a real engine, each prepared as a book uses it."""
    voice = voices.load(VoiceChoice(engine), "en", Path("voices"))
    return [prepare(voice.synthesize(text)) for text in TEXTS]


@pytest.fixture(scope="module", params=["espeak", "piper"])
def speech(request: pytest.FixtureRequest) -> list[Prepared]:
    return speak(request.param)


def joined(prepared: list[Prepared], pause_bins: int = 15) -> tuple[Floats, Floats]:
    """(signal, bins) of the utterances end to end with pauses, on the bin grid."""
    signals, bins = [], []
    for utterance in prepared:
        signals += [utterance.signal(), np.zeros(pause_bins * BIN)]
        bins += [utterance.bins, np.zeros(pause_bins)]
    return np.concatenate(signals), np.concatenate(bins)


def ffmpeg_meter(signal: Floats, tmp_path: Path) -> tuple[float, float]:
    """ffmpeg's integrated loudness and true peak of a float signal at RATE."""
    raw = tmp_path / "signal.f32"
    raw.write_bytes(signal.astype("<f4").tobytes())
    wav = tmp_path / "signal.wav"
    ffmpeg.run("-f", "f32le", "-ar", str(RATE), "-ac", "1", "-i", raw, "-c:a", "pcm_f32le", wav)
    return ebur128(wav)


def dense_peak(signal: Floats, factor: int = 16) -> float:
    """The peak of a signal oversampled ``factor`` times by FFT (band-limited exactly)."""
    padded = np.concatenate([np.zeros(256), signal, np.zeros(256)])
    spectrum = np.fft.rfft(padded)
    fine = np.fft.irfft(spectrum, len(padded) * factor) * factor
    return float(np.abs(fine).max())


def test_loudness_from_bins_matches_ffmpeg(speech: list[Prepared], tmp_path: Path) -> None:
    """BS.1770 from the cached 20 ms bins equals ffmpeg's ebur128 on the same audio."""
    signal, bins = joined(speech)
    ours = integrated(bins)
    theirs, _ = ffmpeg_meter(signal, tmp_path)
    assert -40 < ours < -10
    assert abs(ours - theirs) <= 0.1, (ours, theirs)


def test_loudness_of_a_louder_copy_moves_by_the_gain(speech: list[Prepared]) -> None:
    """The bins scale with the square of a gain: 6 dB louder reads 6 LU louder."""
    _, bins = joined(speech)
    assert integrated(bins * 10 ** (6 / 10)) == pytest.approx(integrated(bins) + 6, abs=1e-9)


def test_true_peak_matches_dense_oversampling(speech: list[Prepared]) -> None:
    """The screened 4x true peak is within 0.2 dB of a 16x FFT oversampling, never above."""
    for utterance in speech:
        signal = utterance.signal()
        ours, dense = true_peak(signal), dense_peak(signal)
        assert float(np.abs(signal).max()) <= ours <= dense * 1.001
        assert decibels(dense) - decibels(ours) <= 0.2


def test_limiter_keeps_under_its_ceiling_and_is_deterministic(speech: list[Prepared]) -> None:
    """12 dB too loud, every utterance is held under the ceiling (16x oversampled, within
    the 4x measure's 0.2 dB), by a gain that is never above 1, the same on every run."""
    ceiling = 10 ** (-2 / 20)
    for utterance in speech:
        signal = utterance.signal() * 10 ** (12 / 20)
        assert true_peak(signal) > ceiling  # the case this test is about
        gain = limit(signal, ceiling)
        assert float(gain.max()) <= 1.0
        assert true_peak(signal * gain) <= ceiling
        assert decibels(dense_peak(signal * gain)) <= -2 + 0.2
        assert np.array_equal(gain, limit(signal, ceiling))


def whole_signal_gain(length: int, starts: np.ndarray, required: Floats) -> Floats:
    """The limiter's smoothing done the plain way, over the whole signal: each
    requirement, a running minimum over HALF + HOLD each side, a moving average over
    2 * HOLD + 1 (the ends held)."""
    need = np.ones(length)
    np.minimum.at(need, starts, required)
    reach = peaks.HALF + peaks.HOLD
    padded = np.pad(need, reach, constant_values=1.0)
    need = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1).min(axis=1)
    held = np.pad(need, peaks.HOLD, mode="edge")
    gain: Floats = np.lib.stride_tricks.sliding_window_view(held, 2 * peaks.HOLD + 1).mean(axis=1)
    return np.minimum(gain, 1.0)


def test_limiter_smooths_only_near_peaks_as_a_whole_signal_pass_would(
        speech: list[Prepared]) -> None:
    """The gain worked out only within reach of each peak equals the whole-signal pass,
    for peaks sparse and dense, at the ends of the signal too."""
    for utterance in speech:
        signal = utterance.signal()
        for share in (0.3, 0.6, 0.9):
            ceiling = share * float(np.abs(signal).max())
            starts, values = peaks.interval_peaks(signal, ceiling)
            over = values > ceiling
            starts, required = starts[over], ceiling / values[over]
            starts = np.unique(np.concatenate([[0, len(signal) - 2], starts]))
            required = np.resize(required, len(starts))  # the ends need some too
            ours = peaks._smooth(len(signal), starts, required)
            assert np.abs(ours - whole_signal_gain(len(signal), starts, required)).max() < 1e-9
            assert (ours < 1).any() and (ours == 1).any()


def test_build_decoder_agrees_with_ffmpeg(speech: list[Prepared]) -> None:
    """The decoder the peak check uses (libsndfile's mpg123) gives ffmpeg's samples, one
    for one, within 1e-4 of full scale."""
    pcm = np.concatenate([u.pcm for u in speech])
    frames = encoder.encode(pcm.tobytes())
    ours = encoder.decode(frames)
    theirs = np.frombuffer(ffmpeg_pipe("-f", "mp3", "-i", "pipe:0", "-f", "f32le", "pipe:1",
                                       data=frames), "<f4")
    assert len(ours) == len(theirs) == encoder.frame_count(frames) * encoder.FRAME
    assert float(np.abs(ours - theirs).max()) < 1e-4
    assert float(np.abs(theirs).max()) > 0.1  # speech, not silence


def clicks(seconds: int = 6) -> Audio:
    """Seeded noise with two-sample clicks: MP3 coding lifts limited peaks like these."""
    noise = random.Random(7)
    samples = array("h")
    for _ in range(seconds):
        for i in range(RATE * 7 // 10):
            click = 0.9 * (1 if (i // 500) % 2 else -1) if i % 500 < 2 else 0.0
            samples.append(int(max(-1.0, min(1.0, noise.gauss(0, 0.06) + click)) * 32767))
        samples.extend([0] * (RATE * 3 // 10))
    return Audio(samples.tobytes(), RATE)


def finished(units: list[Encoded], tmp_path: Path) -> tuple[float, float]:
    """ffmpeg's loudness and true peak of encoded utterances joined, as an MP3 file."""
    path = tmp_path / "chapter.mp3"
    path.write_bytes(b"".join(unit.frames for unit in units))
    return ebur128(path)


@pytest.mark.parametrize("ceiling", [encoded.CEILING, 0.0])
def test_utterance_meets_the_standard(ceiling: float, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Clicks that MP3 coding lifts end at -16 +/- 1 LUFS and under -1 dBTP by ffmpeg's
    meter; with the ceiling set too high (0 dB, and the peaks left untamed when the
    utterance is prepared) the first encode overshoots and the utterance is encoded
    again, lower."""
    monkeypatch.setattr(encoded, "CEILING", ceiling)
    if ceiling == 0.0:
        monkeypatch.setattr(prepared, "PEAK_TO_LOUDNESS", 40.0)
    unit = encode_utterance(0, prepare(clicks()), 500)
    loudness, peak = finished([unit], tmp_path)
    assert -17.0 <= loudness <= -15.0
    assert peak <= -1.0
    assert unit.true_peak <= encoded.PEAK_LIMIT
    assert (unit.encodes == 1) == (ceiling < 0)  # encoded again only when it overshot


def test_a_peak_the_codec_lifts_from_under_the_ceiling_is_limited_at_once(
        speech: list[Prepared], monkeypatch: pytest.MonkeyPatch) -> None:
    """An utterance whose PCM stays under the ceiling but whose decoded peak passes the
    limit is limited from where its own peak was, so the second encode is within it."""
    unit = encode_utterance(0, speech[0], 400)
    assert unit.encodes == 1 and not unit.limited  # its peak is well under the ceiling
    monkeypatch.setattr(encoded, "PEAK_LIMIT", unit.true_peak - 0.05)
    again = encode_utterance(0, speech[0], 400)
    assert again.encodes == 2 and again.limited
    assert again.true_peak <= unit.true_peak - 0.05


def test_chapter_of_speech_meets_the_standard(speech: list[Prepared], tmp_path: Path) -> None:
    """Real speech, each utterance levelled alone, joined as one chapter: -16 +/- 0.5
    LUFS and at most -1 dBTP by ffmpeg; the utterances within 1 LU of each other."""
    units = [encode_utterance(0, utterance, 400) for utterance in speech]
    loudness, peak = finished(units, tmp_path)
    assert abs(loudness + 16) <= 0.5
    assert peak <= -1.0
    each = [finished([unit], tmp_path)[0] for unit in units]
    assert max(each) - min(each) <= 1.0, each


def tone(seconds: float, hertz: float) -> Audio:
    """A tone from its first sample: where its speech starts is plain to see."""
    t = np.arange(int(seconds * RATE)) / RATE
    return Audio((0.3 * np.sin(2 * np.pi * hertz * t) * 32767).astype("<i2").tobytes(), RATE)


def test_an_utterance_too_short_to_gate_is_levelled_by_its_mean_power() -> None:
    """Under 400 ms of sound with no pause after it, BS.1770 has no block to gate: the
    utterance is levelled by the mean power of its bins instead, to the same target."""
    short = encode_utterance(0, prepare(tone(0.2, 440)), 0)
    assert len(short.bins) < 20  # shorter than one gating block
    assert integrated(short.bins) == -np.inf
    assert level(short.bins) == pytest.approx(-16 + CODEC_LOSS, abs=0.1)
    long = encode_utterance(0, prepare(tone(2.0, 440)), 0)
    assert level(long.bins) == integrated(long.bins) == pytest.approx(-16 + CODEC_LOSS, abs=0.1)


def test_timeline_is_exact_for_the_decoded_book() -> None:
    """Utterances encoded apart and joined at frame boundaries decode to exactly the
    frames' samples, each starting where the timeline says (within 1 ms)."""
    parts = [[tone(0.7, 440), tone(0.5, 660)], [tone(0.6, 550)]]
    script = Script("en", "T", tuple(
        Chapter(f"C{n}", tuple(Utterance("x", "en", 300, f"r{n}{i}") for i in range(len(p))))
        for n, p in enumerate(parts)))
    units = [[encode_utterance(15 if (n, i) == (0, 0) else 0, prepare(a), 300)
              for i, a in enumerate(p)] for n, p in enumerate(parts)]
    marks, spoken = layout(script, units)
    # decoded by ffmpeg, not by the build's own decoder
    frames = b"".join(unit.frames for chapter in units for unit in chapter)
    decoded = np.frombuffer(ffmpeg_pipe("-f", "mp3", "-i", "pipe:0", "-f", "f32le", "pipe:1",
                                        data=frames), "<f4")
    count = sum(unit.count for chapter in units for unit in chapter)
    assert len(decoded) == marks[-1].end == count * encoder.FRAME
    loud = np.flatnonzero(np.abs(decoded) > 0.05)
    onsets = [int(loud[loud >= s.start - 200][0]) for s in spoken]
    assert all(abs(onset - s.start) <= RATE // 1000 for onset, s in zip(onsets, spoken,
                                                                        strict=True)), \
        [(onset, s.start) for onset, s in zip(onsets, spoken, strict=True)]
