"""Speak a script utterance by utterance, doing only what no cache already holds.

    encoded cache hit --> nothing to do (an edit elsewhere costs this utterance nothing)
    else: prepared cache, else speech cache, else the engine
         --prepare (dsp), level, limit, encode (in a worker)-->

Before the first utterance is spoken, an engine that works ahead (``Expecting``: Kokoro
phonemises a book's Chinese in a process of its own) is told which texts no cache holds.

The engine speaks on the calling thread while workers prepare and encode the utterances
already spoken; at most IN_FLIGHT wait or work at once, which bounds the audio held in
memory.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Final, NamedTuple, TypeVar

from pipeline.audio.caches.encoded import (
    LEAD_IN_MS,
    Encoded,
    EncodedCache,
    encode_utterance,
    encoded_key,
)
from pipeline.audio.caches.prepared import PreparedCache, prepare, prepared_key
from pipeline.audio.caches.speech import SegmentCache, cache_key
from pipeline.audio.script.narration import Script, Utterance
from pipeline.audio.signal.dsp import BIN, RATE, Prepared
from pipeline.audio.speech.cores import no_blas_threads, threads
from pipeline.audio.speech.engines import Audio, Engine, Expecting
from pipeline.progress import Progress

IN_FLIGHT: Final = 8  # utterances being prepared or encoded at once
T = TypeVar("T")


@dataclass(slots=True)
class Tally:
    """What a build did: utterances synthesised, reused and encoded (an edit: those it
    changed), time spent in engines."""

    synthesised: int = 0
    reused: int = 0
    encoded: int = 0
    engine_seconds: float = 0.0
    voices: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Caches:
    speech: SegmentCache
    prepared: PreparedCache
    encoded: EncodedCache


class Keys(NamedTuple):
    """An utterance's entries in the three caches."""

    speech: str
    prepared: str
    encoded: str


def utterance_keys(engine: Engine, utterance: Utterance, lead_bins: int) -> Keys:
    """Where the build looks ``utterance`` up (read by ``engine``, after ``lead_bins``
    of lead-in): the one recipe of the keys, for the build and for ``cache prune``."""
    speech_key = cache_key(engine, utterance.text)
    ready_key = prepared_key(speech_key)
    return Keys(speech_key, ready_key, encoded_key(lead_bins, ready_key, utterance.pause_ms))


def with_lead_in(script: Script) -> Iterator[tuple[Utterance, int]]:
    """Each utterance of ``script`` in order, with the lead-in (in bins) encoded before
    it: the book's first has LEAD_IN_MS, the others none."""
    lead = LEAD_IN_MS * RATE // 1000 // BIN
    for number, utterance in enumerate(script.utterances()):
        yield utterance, lead if number == 0 else 0


def script_keys(script: Script, engine_for: Callable[[str], Engine]) -> Iterator[Keys]:
    """The keys of every utterance of ``script``, as ``speak`` looks them up; nothing is
    synthesised and no model is loaded (``engine_for`` maps a language)."""
    for utterance, lead_bins in with_lead_in(script):
        yield utterance_keys(engine_for(utterance.lang), utterance, lead_bins)


class _Speaker:
    """One utterance encoded, from the first cache that has it or the engine."""

    def __init__(self, engine_for: Callable[[str], Engine], caches: Caches, tally: Tally,
                 pool: Executor) -> None:
        self.engine_for, self.caches, self.tally, self.pool = engine_for, caches, tally, pool

    def keys(self, utterance: Utterance, lead_bins: int) -> tuple[Engine, str, str, str]:
        """The utterance's engine and its speech, prepared and encoded cache keys."""
        engine = self.engine_for(utterance.lang)  # naming the voice loads no model
        return engine, *utterance_keys(engine, utterance, lead_bins)

    def forewarn(self, utterances: list[tuple[Utterance, int]]) -> None:
        """Tell each engine that works ahead the texts of ``utterances`` (with their
        lead-in) that no cache holds."""
        expected: dict[int, tuple[Expecting, list[str]]] = {}
        for utterance, lead_bins in utterances:
            engine = self.engine_for(utterance.lang)
            if isinstance(engine, Expecting) and not self.cached(utterance, lead_bins):
                expected.setdefault(id(engine), (engine, []))[1].append(utterance.text)
        for expecting, texts in expected.values():
            expecting.expect(texts)

    def cached(self, utterance: Utterance, lead_bins: int) -> bool:
        """Whether any cache holds the utterance (``encoded`` then checks the entry)."""
        _, speech_key, ready_key, key = self.keys(utterance, lead_bins)
        return (self.caches.encoded.store.has(key) or self.caches.prepared.store.has(ready_key)
                or self.caches.speech.has(speech_key))

    def encoded(self, utterance: Utterance, lead_bins: int) -> Future[Encoded]:
        engine, speech_key, ready_key, key = self.keys(utterance, lead_bins)
        self.tally.voices[utterance.lang] = f"{engine.name} {engine.voice}"
        found = self.caches.encoded.get(key)
        if found is not None:
            self.tally.reused += 1
            return _done(found)
        prepared = self.caches.prepared.get(ready_key)
        audio = None if prepared is not None else self.caches.speech.get(speech_key)
        if prepared is None and audio is None:
            started = time.perf_counter()
            audio = engine.synthesize(utterance.text)
            self.tally.engine_seconds += time.perf_counter() - started
            audio = self.caches.speech.put(speech_key, audio)  # the first take stored
            self.tally.synthesised += 1
        else:
            self.tally.reused += 1

        def work(prepared: Prepared | None, audio: Audio | None) -> Encoded:
            if prepared is None:
                assert audio is not None
                prepared = self.caches.prepared.put(ready_key, prepare(audio))
            encoded = encode_utterance(lead_bins, prepared, utterance.pause_ms)
            return self.caches.encoded.put(key, encoded)  # the first stored

        return self.pool.submit(work, prepared, audio)


def speak(script: Script, engine_for: Callable[[str], Engine], caches: Caches, *,
          label: str) -> tuple[list[list[Encoded]], Tally]:
    """Every utterance of ``script`` encoded, chapter by chapter, in order;
    ``engine_for`` maps a language."""
    tally = Tally()
    progress = Progress(label, sum(len(c.utterances) for c in script.chapters))
    chapters: list[list[Future[Encoded]]] = []
    waiting: deque[Future[Encoded]] = deque()
    number = 0
    with no_blas_threads(), ThreadPoolExecutor(threads()) as pool:
        speaker = _Speaker(engine_for, caches, tally, pool)
        speaker.forewarn(list(with_lead_in(script)))
        ordered = with_lead_in(script)
        for chapter in script.chapters:
            chapters.append([])
            for utterance, lead_bins in islice(ordered, len(chapter.utterances)):
                future = speaker.encoded(utterance, lead_bins)
                chapters[-1].append(future)
                waiting.append(future)
                number += 1
                cached = future.done() and future.result().encodes == 0
                voice = "cached" if cached else tally.voices[utterance.lang]
                progress.update(number, f"[{voice}] {utterance.text[:50]}")
                while len(waiting) > IN_FLIGHT:
                    waiting.popleft().result()
        encoded = [[future.result() for future in chapter] for chapter in chapters]
    tally.encoded = sum(1 for chapter in encoded for unit in chapter if unit.encodes)
    return encoded, tally


def _done(value: T) -> Future[T]:
    future: Future[T] = Future()
    future.set_result(value)
    return future
