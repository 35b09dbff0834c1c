"""Which engine speaks which language, and loading it.

The registry lives in ``engines``; importing the engine modules here fills it.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.audio.speech import espeak, gtts, kokoro, piper
from pipeline.audio.speech.engines import REGISTRY, Engine, VoiceRequest
from pipeline.config import Config, VoiceChoice
from pipeline.errors import PipelineError
from pipeline.locales import to_gettext

__all__ = ["choose", "espeak", "gtts", "kokoro", "load", "piper"]


def choose(config: Config, lang: str, book: str | None = None) -> VoiceChoice:
    """The engine (and voice) for a language: --engine, then configuration, then default.

    The default is Piper where a Piper voice exists for the language (English is
    bundled), then Kokoro for Spanish, French, Hindi and Chinese, else eSpeak NG.
    gTTS is only ever used when asked for by name.

    Inside a book in another language (``book``: the English names in a Hindi book), a
    language is read by the book's own voice when that voice is Kokoro's and Kokoro
    speaks the language: one speaker throughout, and one model in the process.
    """
    lang = to_gettext(lang)
    if book is not None and to_gettext(book) != lang:
        outer = choose(config, book)
        if outer.engine == "kokoro" and kokoro.language_of(lang) is not None:
            return VoiceChoice("kokoro", outer.voice or kokoro.default_voice(to_gettext(book)))
    configured = config.voices.get(lang) or config.voices.get(lang.split("_")[0])
    if config.engine:
        voice = configured.voice if configured and configured.engine == config.engine else None
        return VoiceChoice(config.engine, voice)
    if configured:
        return configured
    if piper.find_voice(lang, config.voices_dir) is not None:
        return VoiceChoice("piper")
    if kokoro.is_default(lang):
        return VoiceChoice("kokoro")
    return VoiceChoice("espeak")


def load(choice: VoiceChoice, lang: str, voices_dir: Path, cache: Path | None = None
         ) -> Engine:
    """Load the chosen engine for ``lang``; an unknown engine name is a ``PipelineError``.
    ``cache``: the folder for the caches of the engine's helpers (jieba's)."""
    factory = REGISTRY.get(choice.engine)
    if factory is None:
        raise PipelineError(f"unknown speech engine '{choice.engine}' "
                            f"(known: {', '.join(sorted(REGISTRY))})")
    return factory(VoiceRequest(to_gettext(lang), choice.voice, voices_dir, cache))
