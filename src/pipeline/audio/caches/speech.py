"""The segment cache: each utterance's audio under ``.cache/tts/``, never synthesised twice.

An entry is keyed by a hash of engine, voice, engine version, settings and text, and
written atomically. Its file holds a checksum of the audio, so a damaged entry is
noticed, thrown away and synthesised again instead of ending up in a book.

The first take stored under a key is the one every build uses. A neural voice samples
noise, so two processes that speak the same sentence at once (two articles sharing a
disclaimer, two machines sharing a cache) can make two slightly different takes; the
second to finish finds the first's entry, uses it and drops its own. A book built from
a cache is therefore the same bytes as any later build from that cache.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path
from typing import Final

from pipeline.audio.caches.store import Entries
from pipeline.audio.speech.engines import Audio, Engine

MAGIC: Final = b"PIPELINE-TTS-2\n"
_HEADER: Final = struct.Struct(">I32s")  # sample rate, sha256 of the rate and the PCM
_RATE: Final = struct.Struct(">I")


def cache_key(engine: Engine, text: str) -> str:
    fields = {"engine": engine.name, "voice": engine.voice, "version": engine.version,
              "settings": engine.settings, "text": text}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


class SegmentCache(Entries[Audio]):
    """Each utterance's audio: its rate and PCM under a checksum of both."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, ".pcm")

    def decode(self, data: bytes) -> Audio | None:
        start = len(MAGIC) + _HEADER.size
        if data[: len(MAGIC)] != MAGIC or len(data) < start:
            return None
        rate, digest = _HEADER.unpack_from(data, len(MAGIC))
        pcm = data[start:]
        if _digest(rate, pcm) != digest or rate <= 0 or len(pcm) % 2:
            return None
        return Audio(pcm, rate)

    def put(self, key: str, audio: Audio) -> Audio:
        """Store ``audio`` unless a sound take is already stored; return the stored take."""
        header = _HEADER.pack(audio.rate, _digest(audio.rate, audio.pcm))
        return self.store(key, MAGIC + header + audio.pcm)


def _digest(rate: int, pcm: bytes) -> bytes:
    """The checksum covers the rate too: a damaged rate would change the audio's speed."""
    hashed = hashlib.sha256(_RATE.pack(rate))
    hashed.update(pcm)
    return hashed.digest()
