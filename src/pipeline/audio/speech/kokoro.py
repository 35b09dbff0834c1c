"""Kokoro-82M neural voices, offline, through ``kokoro-onnx``: es, fr, hi, zh, ar (and en).

Text becomes phonemes (eSpeak NG through kokoro-onnx for es, fr, hi, en; ``misaki``'s
pinyin-based G2P for Chinese, as the model was trained: ``chinese``; for Arabic, which
Kokoro was not trained on, diacritics and IPA mapped to its symbols: ``arabic``), is cut into
batches of at most ``PHONEME_LIMIT`` phonemes at sentence, then clause, then word
boundaries, and each batch is spoken by the model with the voice's style vector. Short
batches bound the memory a run takes (onnxruntime's working set grows with the length
of the audio made at once, ~28 MB per second), and the session gives that memory back
after each run, so the longest batch's working set is not kept beside the build's own
buffers for the rest of the book.

The model is loaded once per process, on the first utterance not found in a cache (a
rebuild from the cache loads none). A book's Chinese is phonemised before that, in a
process of its own (``expect``), so misaki's dictionaries never sit beside the model.
Under ``make -jN`` each job uses its share of the cores (``MAKEFLAGS``), so parallel
jobs fill the machine without oversubscribing it.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Final

import numpy as np

from pipeline.audio.speech import arabic, chinese, kokoro_files
from pipeline.audio.speech.cores import session_options
from pipeline.audio.speech.engines import (
    Audio,
    VoiceRequest,
    loaded_once,
    package_version,
    register,
)
from pipeline.errors import PipelineError

# Our language (gettext name, or its base) -> (default voice, kokoro-onnx language).
# "zh" is phonemised by misaki, not by eSpeak's "cmn", which the model reads badly.
LANGUAGES: Final = {
    "es": ("ef_dora", "es"),
    "fr": ("ff_siwis", "fr-fr"),
    "hi": ("hm_omega", "hi"),
    "zh_Hans": ("zm_yunxi", "zh"),
    "zh": ("zm_yunxi", "zh"),
    "en": ("af_heart", "en-us"),
    "ar": ("hm_omega", "ar"),  # Kokoro has no Arabic voice: see ``arabic``
}
# Where Kokoro is the default voice (English stays Piper; Traditional Chinese eSpeak's).
DEFAULT_LANGUAGES: Final = frozenset({"es", "fr", "hi", "ar"})
DEFAULT_CHINESE: Final = frozenset({"zh", "zh_Hans", "zh_CN", "zh_SG"})
SPEED: Final = 0.9  # a little slower than the model's default: clearer for patients
# A model run needs ~28 MB of working memory per second of speech it makes, so the
# batch bounds a process's peak: at most 7.5 s of speech for the slowest default voice
# (ff_siwis, 0.068 s per phoneme character; ef_dora 0.054, hm_omega 0.064), ~0.21 GB
# beside ~0.27 GB for the model and the build. At 150 the French and Hindi books passed
# 0.5 GB (batches of 10 s); at 200 a Spanish book peaked at 0.69 GB. Sentences longer
# than this are cut at a clause, else at a word.
PHONEME_LIMIT: Final = 110
SENTENCE_PAUSE: Final = 0.25  # seconds between batches, as kokoro-onnx joins its own
CLAUSE_PAUSE: Final = 0.1
SAMPLE_RATE: Final = 24_000


def language_of(lang: str) -> tuple[str, str] | None:
    """(default voice, phonemiser language) for a gettext language, if Kokoro speaks it."""
    return LANGUAGES.get(lang) or LANGUAGES.get(lang.split("_")[0])


def default_voice(lang: str) -> str | None:
    """Kokoro's voice for a gettext language, if it speaks it."""
    known = language_of(lang)
    return known[0] if known else None


def is_default(lang: str) -> bool:
    """Whether Kokoro reads ``lang`` (a gettext name) unless configured otherwise."""
    return lang.split("_")[0] in DEFAULT_LANGUAGES or lang in DEFAULT_CHINESE


@loaded_once
def _model() -> Any:
    """The model and its phonemiser, loaded once per process (about 0.25 GB at rest)."""
    import onnxruntime
    from kokoro_onnx import Kokoro

    path = kokoro_files.model_path()
    options = session_options()
    # The CPU memory arena stays on: measured here (onnxruntime 1.32), turning it off
    # tripled peak memory (1.1 GB instead of 0.33 GB for a 6 s utterance) and was slower.
    session = onnxruntime.InferenceSession(str(path), options,
                                           providers=["CPUExecutionProvider"])
    logging.getLogger("phonemizer").setLevel(logging.ERROR)  # per-word count warnings
    kokoro = Kokoro.from_session(session, str(kokoro_files.data_dir() / kokoro_files.VOICES_FILE))
    kokoro.sess = _Shrinking(session)  # kokoro-onnx runs ``self.sess.run(None, inputs)``
    _return_big_blocks()
    return kokoro


class _Shrinking:
    """The session, its memory arena shrunk after every run (onnxruntime's run option
    ``memory.enable_memory_arena_shrinkage``): the arena's chunks are freed when a batch
    is spoken instead of being kept, at the longest batch's size, for the whole book."""

    def __init__(self, session: Any) -> None:
        import onnxruntime

        self.session = session
        self.options = onnxruntime.RunOptions()
        self.options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def run(self, names: list[str] | None, inputs: dict[str, Any]) -> Any:
        return self.session.run(names, inputs, self.options)


M_MMAP_THRESHOLD: Final = -3  # glibc's mallopt parameter


def _return_big_blocks() -> None:
    """Blocks of 1 MB and more are mapped on their own and go back to the system when
    freed. glibc would otherwise raise its threshold to each big block freed (up to
    32 MB) and keep the arena's freed chunks in its heap. Measured on the six longest
    Spanish paragraphs in batches of 100 phonemes: 356 MB peak with this and the
    shrinking arena, 433 MB with neither (shrinking alone lowers nothing).
    Only a process that loads Kokoro sets it: its cost (mapping fresh pages for each big
    array) is small beside the model's runs."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: its own policy
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, 1 << 20)


@cache
def _style(voice: str) -> np.ndarray:
    return kokoro_files.load_voice(voice)


# Sentence marks eSpeak NG drops, so that the model would hear no sentence end: the
# Devanagari danda and double danda, read as full stops.
SENTENCE_MARKS: Final = {"hi": str.maketrans({"\u0964": ".", "\u0965": "."})}


def phonemes(text: str, language: str, cache: Path | None = None) -> str:
    """The model's phonemes for ``text``: misaki for Chinese (its jieba index kept in
    the ``cache`` folder), the Arabic front end for Arabic, eSpeak NG for the rest."""
    if language == "zh":
        return chinese.phonemes(text, cache)
    if language == "ar":
        return arabic.phonemes(text)
    text = text.translate(SENTENCE_MARKS.get(language, {}))
    return " ".join(_model().tokenizer.phonemize(text, language).split())


def _pcm16(samples: np.ndarray) -> bytes:
    scaled = np.clip(samples, -1.0, 1.0) * 32767.0
    return bytes(np.round(scaled).astype("<i2").tobytes())


@dataclass(frozen=True, slots=True)
class KokoroEngine:
    name: ClassVar[str] = "kokoro"
    voice: str
    version: str
    language: str  # what phonemises it: an eSpeak NG language, or "zh" (misaki)
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False)
    ahead: dict[str, str] = field(default_factory=dict, compare=False)  # text -> phonemes
    cache: Path | None = field(default=None, compare=False)  # the pipeline's cache folder

    def expect(self, texts: Sequence[str]) -> None:
        """Phonemise the Chinese or Arabic among ``texts`` now, apart from the model
        (``chinese``, ``arabic``: misaki's dictionaries, text2tashkeel's models); other
        languages' phonemiser (eSpeak NG) is small and runs as each is spoken."""
        if self.language in ("zh", "ar"):
            new = [text for text in dict.fromkeys(texts) if text not in self.ahead]
            if new:
                spoken = (chinese.apart(new, self.cache) if self.language == "zh"
                          else arabic.apart(new))
                self.ahead.update(zip(new, spoken, strict=True))

    @property
    def settings(self) -> str:
        marks = "".join(sorted(f",{chr(k)}={v}" for k, v in
                               SENTENCE_MARKS.get(self.language, {}).items()))
        return f"speed={SPEED},lang={self.language},batch={PHONEME_LIMIT}{marks}"

    def synthesize(self, text: str) -> Audio:
        """Speak ``text`` batch by batch; a text with no phonemes is a short silence."""
        from kokoro_onnx.chunker import pause_after, split_phonemes

        spoken = self.ahead[text] if text in self.ahead \
            else phonemes(text, self.language, self.cache)
        kokoro, style = _model(), _style(self.voice)
        pieces: list[np.ndarray] = []
        last = ""
        with self.lock:
            for batch in split_phonemes(spoken, PHONEME_LIMIT):
                if not kokoro.tokenizer.tokenize(batch):
                    continue
                if last:  # the pause the previous batch's last mark asks for
                    pause = pause_after(last, SENTENCE_PAUSE, CLAUSE_PAUSE)
                    pieces.append(np.zeros(int(pause * SAMPLE_RATE), np.float32))
                audio, rate = kokoro.create(batch, voice=style, speed=SPEED, is_phonemes=True)
                assert rate == SAMPLE_RATE
                pieces.append(np.asarray(audio, np.float32))
                last = batch
        if not pieces:
            return Audio(bytes(2 * SAMPLE_RATE // 10), SAMPLE_RATE)
        return Audio(_pcm16(np.concatenate(pieces)), SAMPLE_RATE)


def _version(voice: str, language: str) -> str:
    """Everything that changes the sound: runtime, model, voice and phonemiser versions."""
    g2p = (f"misaki {package_version('misaki')}" if language == "zh" else
           f"espeakng-loader {package_version('espeakng-loader')}")
    if language == "ar":
        g2p += f", {arabic.version()}"
    return (f"kokoro-onnx {package_version('kokoro-onnx')}, model "
            f"{kokoro_files.MODEL_SHA256[:12]}, voice {kokoro_files.VOICE_SHA256[voice][:12]}, "
            f"{g2p}")


@register("kokoro")
def load_kokoro(request: VoiceRequest) -> KokoroEngine:
    known = language_of(request.lang)
    if known is None:
        raise PipelineError(f"Kokoro has no voice for '{request.lang}' (it speaks "
                            f"{', '.join(sorted(LANGUAGES))}); choose another engine under "
                            "[tool.pipeline.voices]")
    voice, language = request.voice or known[0], known[1]
    _style(voice)  # fail now, not halfway through a book (the model loads when first used)
    return KokoroEngine(voice=voice, version=_version(voice, language), language=language,
                        cache=request.cache)
