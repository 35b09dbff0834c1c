"""Text-to-speech engines behind one small protocol, picked by name from a registry.

    piper   neural voices, offline: English from the PyPI voice package, any other
            language whose voice file is in the voices folder
    kokoro  Kokoro-82M neural voices, offline: the default for es, fr, hi and zh
    espeak  eSpeak NG, offline, ~100 languages: the default for every other language
    gtts    Google's voice over the network: opt-in only, never chosen implicitly
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")
SAMPLE_WIDTH = 2  # every engine's audio is handed on as 16-bit signed mono PCM


@dataclass(frozen=True, slots=True)
class Audio:
    """Raw 16-bit mono PCM and its sample rate."""

    pcm: bytes
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / SAMPLE_WIDTH / self.rate


class Engine(Protocol):
    """A loaded voice for one language."""

    name: ClassVar[str]

    @property
    def voice(self) -> str:
        """The voice's name, e.g. ``en_US-joe-medium`` or ``cmn``."""
        ...

    @property
    def version(self) -> str:
        """The engine's version: part of the cache key, so an upgrade re-synthesises."""
        ...

    @property
    def settings(self) -> str:
        """Speaking rate and the like, as text: part of the cache key."""
        ...

    def synthesize(self, text: str) -> Audio: ...


@runtime_checkable
class Expecting(Protocol):
    """An engine that does part of its work for a whole book at once, before it speaks."""

    def expect(self, texts: Sequence[str]) -> None:
        """The texts it will be asked to speak in this build (none of them cached)."""
        ...


@dataclass(frozen=True, slots=True)
class VoiceRequest:
    """What an engine factory gets: the language (gettext name) and an optional voice."""

    lang: str
    voice: str | None
    voices_dir: Path
    cache: Path | None = None  # where an engine's helpers keep their caches (None: default)


EngineFactory = Callable[[VoiceRequest], Engine]


def package_version(name: str) -> str:
    """An installed package's version, e.g. for an engine's ``version``."""
    import importlib.metadata  # here, not at the top: 30 ms that a cached build never needs

    return importlib.metadata.version(name)


REGISTRY: dict[str, EngineFactory] = {}
# How to forget each engine's loaded model (``loaded_once``).
_FORGET: list[Callable[[], None]] = []


def loaded_once(load: Callable[..., T]) -> Callable[..., T]:
    """``functools.cache`` for loading a model: once per process, until ``release``."""
    cached = cache(load)
    _FORGET.append(cached.cache_clear)
    return cached


def release() -> None:
    """Forget every loaded model, so that its memory is given back before the process
    goes on to its other formats (a language's one process makes the PDFs after the
    book: with the model kept, their memory came on top of it)."""
    for forget in _FORGET:
        forget()
    gc.collect()


def register(name: str) -> Callable[[EngineFactory], EngineFactory]:
    def add(factory: EngineFactory) -> EngineFactory:
        REGISTRY[name] = factory
        return factory

    return add
