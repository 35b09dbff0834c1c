"""Speak a script chapter by chapter, doing only what no cache already holds.

    chapter cache hit --> nothing to do (an edit elsewhere costs this chapter nothing)
    else, per utterance: prepared cache, else speech cache, else the engine
         --prepare (dsp, in a worker)--> --encode the chapter (in a worker)-->

The engine speaks on the calling thread while workers prepare utterances and encode
chapters (a chapter is encoded as soon as its utterances are ready: its loudness is its
own). At most three chapters are in flight, which bounds the audio held in memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Final, TypeVar

from pipeline.audio.cache import SegmentCache, cache_key
from pipeline.audio.chapters import (
    LEAD_IN_MS,
    ChapterCache,
    Encoded,
    chapter_key,
    encode_chapter,
)
from pipeline.audio.cores import no_blas_threads, threads
from pipeline.audio.dsp import BIN, RATE, Prepared
from pipeline.audio.engines import Engine
from pipeline.audio.narration import Chapter, Script, Utterance
from pipeline.audio.prepared import PreparedCache, prepare, prepared_key
from pipeline.progress import Progress

IN_FLIGHT: Final = 3  # chapters being prepared or encoded at once
T = TypeVar("T")


@dataclass(slots=True)
class Tally:
    """What a build did: utterances synthesised and reused, chapters encoded, time spent
    in engines."""

    synthesised: int = 0
    reused: int = 0
    encoded: int = 0  # chapters encoded (an edit: the chapters it touched)
    engine_seconds: float = 0.0
    voices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Caches:
    speech: SegmentCache
    prepared: PreparedCache
    chapters: ChapterCache


class _Speaker:
    """One utterance's prepared audio, from the first cache that has it or the engine."""

    def __init__(self, engine_for: Callable[[str], Engine], caches: Caches, tally: Tally,
                 pool: Executor) -> None:
        self.engine_for, self.caches, self.tally, self.pool = engine_for, caches, tally, pool

    def keys(self, utterance: Utterance) -> tuple[str, str]:
        """(speech-cache key, prepared key): naming the voice loads no model."""
        engine = self.engine_for(utterance.lang)
        self.tally.voices[utterance.lang] = f"{engine.name} {engine.voice}"
        speech = cache_key(engine, utterance.text)
        return speech, prepared_key(speech)

    def prepared(self, utterance: Utterance, speech_key: str, key: str) -> Future[Prepared]:
        """The utterance's prepared audio; ``keys`` gave its speech and prepared keys."""
        found = self.caches.prepared.get(key)
        if found is not None:
            self.tally.reused += 1
            return _done(found)
        audio = self.caches.speech.get(speech_key)
        if audio is None:
            started = time.perf_counter()
            audio = self.engine_for(utterance.lang).synthesize(utterance.text)
            self.tally.engine_seconds += time.perf_counter() - started
            audio = self.caches.speech.put(speech_key, audio)  # the first take stored
            self.tally.synthesised += 1
        else:
            self.tally.reused += 1

        def work() -> Prepared:
            return self.caches.prepared.put(key, prepare(audio))  # the first stored

        return self.pool.submit(work)


def speak(script: Script, engine_for: Callable[[str], Engine], caches: Caches, *,
          label: str) -> tuple[list[Encoded], Tally]:
    """Every chapter of ``script`` encoded, in order; ``engine_for`` maps a language."""
    tally = Tally()
    progress = Progress(label, sum(len(c.utterances) for c in script.chapters))
    done = 0
    with no_blas_threads(), ThreadPoolExecutor(threads()) as pool:
        speaker = _Speaker(engine_for, caches, tally, pool)
        chapters: list[Future[Encoded]] = []
        for number, chapter in enumerate(script.chapters):
            lead = LEAD_IN_MS * RATE // 1000 // BIN if number == 0 else 0
            keys = [speaker.keys(u) for u in chapter.utterances]
            key = chapter_key(lead, [(ready, u.pause_ms) for (_, ready), u
                                     in zip(keys, chapter.utterances, strict=True)])
            chapters.append(_chapter(key, lead, chapter, keys, speaker, progress, done))
            done += len(chapter.utterances)
            if number >= IN_FLIGHT - 1:
                chapters[number - IN_FLIGHT + 1].result()
        encoded = [future.result() for future in chapters]
    tally.encoded = sum(1 for chapter in encoded if chapter.encodes)
    return encoded, tally


def _chapter(key: str, lead: int, chapter: Chapter, keys: Sequence[tuple[str, str]],
             speaker: _Speaker, progress: Progress, done: int) -> Future[Encoded]:
    cached = speaker.caches.chapters.get(key)
    if cached is not None:
        speaker.tally.reused += len(chapter.utterances)
        progress.update(done + len(chapter.utterances), f"[cached] {chapter.title[:50]}")
        return _done(cached)
    prepared: list[Future[Prepared]] = []
    for number, (utterance, (speech, ready)) in enumerate(
            zip(chapter.utterances, keys, strict=True), done + 1):
        prepared.append(speaker.prepared(utterance, speech, ready))
        voice = speaker.tally.voices[utterance.lang]
        progress.update(number, f"[{voice}] {utterance.text[:50]}")
    pauses = [u.pause_ms for u in chapter.utterances]

    def work() -> Encoded:
        return speaker.caches.chapters.put(key, encode_chapter(lead, _ready(prepared, pauses)))

    return speaker.pool.submit(work)


def _ready(prepared: Sequence[Future[Prepared]], pauses: Sequence[int]
           ) -> list[tuple[Prepared, int]]:
    return [(future.result(), pause) for future, pause in zip(prepared, pauses, strict=True)]


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future
