"""Speak every utterance of a script once: from the cache when possible, else the engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pipeline.audio.cache import SegmentCache, cache_key
from pipeline.audio.engines import Audio, Engine
from pipeline.audio.narration import Script
from pipeline.progress import Progress


@dataclass(slots=True)
class Tally:
    """What a build did: utterances synthesised and reused, and time spent in engines."""

    synthesised: int = 0
    reused: int = 0
    engine_seconds: float = 0.0
    audio_seconds: float = 0.0
    voices: dict[str, str] = field(default_factory=dict)


def speak(script: Script, engine_for: Callable[[str], Engine], cache: SegmentCache, *,
          label: str) -> tuple[list[Audio], Tally]:
    """Audio for each utterance of ``script``, in order; ``engine_for`` maps a language."""
    utterances = list(script.utterances())
    tally = Tally()
    progress = Progress(label, len(utterances))
    audios: list[Audio] = []
    for number, utterance in enumerate(utterances, 1):
        engine = engine_for(utterance.lang)
        tally.voices[utterance.lang] = f"{engine.name} {engine.voice}"
        key = cache_key(engine, utterance.text)
        audio = cache.get(key)
        if audio is None:
            started = time.perf_counter()
            audio = engine.synthesize(utterance.text)
            tally.engine_seconds += time.perf_counter() - started
            audio = cache.put(key, audio)  # another process's take if it came first
            tally.synthesised += 1
        else:
            tally.reused += 1
        tally.audio_seconds += audio.seconds
        audios.append(audio)
        progress.update(number, f"[{engine.name} {engine.voice}] {utterance.text[:50]}")
    return audios, tally
