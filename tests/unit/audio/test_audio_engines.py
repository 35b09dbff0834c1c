"""Speech engines and choosing them: eSpeak NG, Piper, gTTS (engines, voices, espeak,
piper, gtts), all real; audio checked with ffprobe."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import wave
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gtts.tts import gTTSError

from pipeline.audio.speech import espeak, voices
from pipeline.audio.speech.engines import REGISTRY, Audio
from pipeline.audio.speech.espeak import EspeakEngine
from pipeline.audio.speech.gtts import BACKOFF, RETRIES, with_retries
from pipeline.audio.speech.piper import ENGLISH_VOICE
from pipeline.config import Config, VoiceChoice
from pipeline.errors import PipelineError

SENTENCES = {
    "en": ("en-us", "Take one tablet each day with water."),
    "es": ("es", "Tome un comprimido cada día con agua."),
    "ar": ("ar", "خُذْ قُرْصًا وَاحِدًا كُلَّ يَوْمٍ."),
    "zh_Hans": ("cmn", "每天服用一片药。"),
    "hi": ("hi", "हर दिन पानी के साथ एक गोली लें।"),
}


def probe(audio: Audio, tmp_path: Path) -> dict[str, Any]:
    """ffprobe's view of the audio, written as a WAV file."""
    path = tmp_path / "speech.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(audio.rate)
        wav.writeframes(audio.pcm)
    out = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    stream: dict[str, Any] = json.loads(out)["streams"][0]
    return stream


def peak(audio: Audio) -> int:
    samples = array("h", audio.pcm)
    return max(abs(s) for s in samples)


@pytest.fixture
def no_voices(tmp_path: Path) -> Path:
    folder = tmp_path / "voices"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("lang", list(SENTENCES))
def test_espeak_speaks(lang: str, no_voices: Path, tmp_path: Path) -> None:
    """eSpeak NG gives 16-bit mono speech of a plausible length in each language."""
    expected_voice, sentence = SENTENCES[lang]
    engine = voices.load(VoiceChoice("espeak"), lang, no_voices)
    assert engine.name == "espeak"
    assert engine.voice == expected_voice
    assert engine.version.startswith("espeak-ng 1.52")
    audio = engine.synthesize(sentence)
    stream = probe(audio, tmp_path)
    assert stream["codec_name"] == "pcm_s16le"
    assert stream["channels"] == 1
    assert int(stream["sample_rate"]) == audio.rate == 22050
    assert 0.5 < float(stream["duration"]) < 10
    assert peak(audio) > 3000  # speech, not silence


def test_espeak_voices_differ_by_language() -> None:
    """The same digits read by the English and the Mandarin voice are different audio."""
    english = voices.load(VoiceChoice("espeak"), "en", Path("voices")).synthesize("20")
    mandarin = voices.load(VoiceChoice("espeak"), "zh_Hans", Path("voices")).synthesize("20")
    assert english.pcm != mandarin.pcm


ESPEAK_SAMPLES = """
import hashlib, sys
from pathlib import Path
from pipeline.audio.speech import espeak, voices
from pipeline.config import VoiceChoice
espeak.BUFFER_MS = int(sys.argv[1])
engine = voices.load(VoiceChoice("espeak"), sys.argv[2], Path("voices"))
print(hashlib.sha256(engine.synthesize(sys.argv[3]).pcm).hexdigest())
"""


@pytest.mark.parametrize("lang", ["es", "ar", "zh_Hans"])
def test_espeak_buffer_size_leaves_the_samples_alone(lang: str) -> None:
    """eSpeak NG hands over its audio in larger pieces than its default (fewer waits for
    Python's lock): the samples are those of the default 60 ms pieces. (The library is
    global to a process: each size in a process of its own.)"""
    _, sentence = SENTENCES[lang]
    text = " ".join([sentence] * 6)  # several pieces at either size
    made = [subprocess.run([sys.executable, "-c", ESPEAK_SAMPLES, str(size), lang, text],
                           capture_output=True, text=True, check=True).stdout
            for size in (espeak.BUFFER_MS, 60)]
    assert made[0] == made[1]


def test_espeak_unknown_voice_is_an_error(no_voices: Path) -> None:
    """A voice eSpeak NG does not have is a PipelineError naming it."""
    with pytest.raises(PipelineError, match="'xx-nonexistent'"):
        voices.load(VoiceChoice("espeak", "xx-nonexistent"), "en", no_voices)
    with pytest.raises(PipelineError, match="tlh"):
        voices.load(VoiceChoice("espeak"), "tlh", no_voices)
    engine = EspeakEngine(voice="xx-nonexistent", version="?", rate=22050)
    with pytest.raises(PipelineError, match="no voice 'xx-nonexistent'"):
        engine.synthesize("Hello")


def test_unknown_engine_is_an_error(no_voices: Path) -> None:
    """An engine name that is not registered is a PipelineError listing the known ones."""
    assert set(REGISTRY) == {"espeak", "gtts", "kokoro", "piper"}
    with pytest.raises(PipelineError, match=r"unknown speech engine 'festival' \(known: "
                                            r"espeak, gtts, kokoro, piper\)"):
        voices.load(VoiceChoice("festival"), "en", no_voices)


def test_default_choice_without_voice_files(no_voices: Path) -> None:
    """Piper for English (its voice is bundled), Kokoro for es, fr, hi, zh and ar, eSpeak
    NG for the rest; never gTTS."""
    config = Config(voices_dir=no_voices)
    chosen = {lang: voices.choose(config, lang)
              for lang in ("en", "es", "fr", "ar", "zh_Hans", "hi", "pt_BR", "en-GB", "es-MX")}
    assert chosen == {"en": VoiceChoice("piper"), "es": VoiceChoice("kokoro"),
                      "fr": VoiceChoice("kokoro"), "ar": VoiceChoice("kokoro"),
                      "zh_Hans": VoiceChoice("kokoro"), "hi": VoiceChoice("kokoro"),
                      "pt_BR": VoiceChoice("espeak"), "en-GB": VoiceChoice("piper"),
                      "es-MX": VoiceChoice("kokoro")}
    missing = Config(voices_dir=no_voices / "absent")
    assert voices.choose(missing, "es") == VoiceChoice("kokoro")


def test_engine_option_wins(no_voices: Path) -> None:
    """--engine espeak is used for English too; a configured voice of another engine is
    dropped, one of the same engine kept."""
    config = Config(voices_dir=no_voices, engine="espeak",
                    voices={"es": VoiceChoice("piper", "es_ES-davefx-medium"),
                            "fr": VoiceChoice("espeak", "fr-be")})
    assert voices.choose(config, "en") == VoiceChoice("espeak")
    assert voices.choose(config, "es") == VoiceChoice("espeak")
    assert voices.choose(config, "fr") == VoiceChoice("espeak", "fr-be")


def test_configured_voices_are_honoured(no_voices: Path) -> None:
    """[tool.pipeline.voices] picks the engine and voice; a bare language covers regions;
    gTTS only when named."""
    config = Config(voices_dir=no_voices,
                    voices={"en": VoiceChoice("espeak", "en-gb-x-rp"), "zh": VoiceChoice("espeak"),
                            "fr": VoiceChoice("gtts")})
    assert voices.choose(config, "en") == VoiceChoice("espeak", "en-gb-x-rp")
    assert voices.choose(config, "zh_Hans") == VoiceChoice("espeak")
    assert voices.choose(config, "fr") == VoiceChoice("gtts")
    assert voices.choose(config, "es") == VoiceChoice("kokoro")
    engine = voices.load(voices.choose(config, "en"), "en", no_voices)
    assert engine.voice == "en-gb-x-rp"


def test_piper_speaks_english(no_voices: Path, tmp_path: Path) -> None:
    """The bundled Piper voice reads one short English sentence at 22 050 Hz."""
    engine = voices.load(voices.choose(Config(voices_dir=no_voices), "en"), "en", no_voices)
    assert (engine.name, engine.voice) == ("piper", ENGLISH_VOICE)
    assert engine.version.startswith("piper-tts 1.8")
    audio = engine.synthesize("Take one tablet each day.")
    stream = probe(audio, tmp_path)
    assert int(stream["sample_rate"]) == audio.rate == 22050
    assert stream["codec_name"] == "pcm_s16le"
    assert 0.5 < float(stream["duration"]) < 10
    assert peak(audio) > 3000


def fake_voice(folder: Path, *, config: bytes | None) -> Path:
    """A Spanish Piper voice file of garbage bytes (and its config, unless ``None``)."""
    model = folder / "es_ES-test-medium.onnx"
    model.write_bytes(bytes(range(256)) * 8)
    if config is not None:
        (folder / "es_ES-test-medium.onnx.json").write_bytes(config)
    return model


def test_voice_file_in_voices_folder_is_chosen(no_voices: Path) -> None:
    """A Spanish Piper voice in the voices folder makes Piper the default for es only."""
    fake_voice(no_voices, config=b"{}")
    config = Config(voices_dir=no_voices)
    assert voices.choose(config, "es") == VoiceChoice("piper")
    assert voices.choose(config, "fr") == VoiceChoice("kokoro")


@pytest.mark.parametrize("config", [b"\x00\xff garbage", b'{"audio": {"sample_rate": 22050}}'],
                         ids=["garbage-config", "garbage-model"])
def test_corrupt_piper_voice_is_a_clear_error(no_voices: Path, config: bytes) -> None:
    """Loading a corrupt voice is one line naming the .onnx file, no traceback: a bad
    config when the voice is chosen, a bad model when it first speaks (a rebuild from
    the cache loads no model)."""
    model = fake_voice(no_voices, config=config)
    with pytest.raises(PipelineError) as raised:
        voices.load(voices.choose(Config(voices_dir=no_voices), "es"), "es",
                    no_voices).synthesize("Hola")
    message = str(raised.value)
    assert message.startswith(f"{model}: cannot load this Piper voice (corrupt or incomplete")
    assert "\n" not in message


def test_piper_voice_without_config_is_a_clear_error(no_voices: Path) -> None:
    """A .onnx without its .onnx.json is an error naming the missing file."""
    model = fake_voice(no_voices, config=None)
    with pytest.raises(PipelineError) as raised:
        voices.load(VoiceChoice("piper"), "es", no_voices)
    assert str(raised.value) == (f"{model}: the Piper voice has no config file beside it "
                                 "(es_ES-test-medium.onnx.json)")


def test_missing_piper_voice_is_a_clear_error(no_voices: Path) -> None:
    """Asking Piper for a language with no voice file says where to put one."""
    with pytest.raises(PipelineError) as raised:
        voices.load(VoiceChoice("piper"), "fr", no_voices)
    assert str(raised.value).startswith(f"{no_voices}: no Piper voice 'fr_*' for 'fr'")


def run_bounded(call: Callable[[], object], seconds: float) -> BaseException | None:
    """Run ``call`` in a daemon thread; the exception it raised, failing if it hangs."""
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"gTTS did not return within {seconds} s"
    return outcome[0]


def test_gtts_offline_is_one_clear_error(no_voices: Path) -> None:
    """Without a network the real gTTS fails at once with one line, no traceback."""
    engine = voices.load(VoiceChoice("gtts"), "es", no_voices)
    assert (engine.name, engine.voice) == ("gtts", "es")
    error = run_bounded(lambda: engine.synthesize("Hola"), 60)
    assert isinstance(error, PipelineError)
    message = str(error)
    assert "cannot reach Google's speech service" in message
    assert "\n" not in message
    assert error.__cause__ is None and error.__suppress_context__


def test_gtts_unknown_language_is_an_error(no_voices: Path) -> None:
    """gTTS has no voice for a language it does not list."""
    with pytest.raises(PipelineError, match="gtts has no voice for 'tlh'"):
        voices.load(VoiceChoice("gtts"), "tlh", no_voices)


class Response:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.reason = "test"


def failing(statuses: list[int]) -> tuple[Callable[[], bytes], list[int]]:
    """A request that raises gTTSError with each status in turn, then returns audio."""
    calls: list[int] = []

    def request() -> bytes:
        calls.append(1)
        if statuses:
            raise gTTSError(response=Response(statuses.pop(0)))
        return b"ID3 audio"

    return request, calls


def test_gtts_retries_with_exponential_back_off() -> None:
    """Two 503 answers are retried after 1 s and 2 s; the third try's bytes come back."""
    request, calls = failing([503, 503])
    delays: list[float] = []
    assert with_retries(request, sleep=delays.append) == b"ID3 audio"
    assert delays == [BACKOFF, 2 * BACKOFF] == [1.0, 2.0]
    assert len(calls) == 3


def test_gtts_rate_limit_is_retried() -> None:
    """429 (too many requests) is retried too."""
    request, _ = failing([429])
    delays: list[float] = []
    assert with_retries(request, sleep=delays.append) == b"ID3 audio"
    assert delays == [1.0]


def test_gtts_not_found_is_not_retried() -> None:
    """404 is final: one attempt, no sleep, a message with the status."""
    request, calls = failing([404])
    delays: list[float] = []
    with pytest.raises(PipelineError) as raised:
        with_retries(request, sleep=delays.append)
    assert str(raised.value) == "gtts: Google's speech service answered 404 after 1 attempts"
    assert delays == []
    assert len(calls) == 1


def test_gtts_gives_up_after_retries() -> None:
    """After RETRIES retries of 503 it stops with a clear message."""
    request, calls = failing([503] * (RETRIES + 5))
    delays: list[float] = []
    with pytest.raises(PipelineError) as raised:
        with_retries(request, sleep=delays.append)
    assert str(raised.value) == (f"gtts: Google's speech service answered 503 after "
                                 f"{RETRIES + 1} attempts")
    assert delays == [BACKOFF * 2 ** n for n in range(RETRIES)] == [1.0, 2.0, 4.0, 8.0]
    assert len(calls) == RETRIES + 1
