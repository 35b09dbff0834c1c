"""Cache entries that notice damage: a small JSON header and binary parts, checksummed.

    MAGIC | sha256 of the rest | header length (4 bytes) | header (JSON) | parts...

The header lists the parts' sizes; a flipped byte or a cut-short file reads as a miss
(and is removed), so a damaged entry is rebuilt instead of ending up in a book.

As in the speech cache, the first entry stored under a key is the one every build uses:
a second writer (another job, another machine sharing the cache, whose floating point
may differ in the last bit) finds it, uses it and drops its own, so books made from one
cache are the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from pipeline.output import TEMP_PREFIX, temporary

MAGIC: Final = b"PIPELINE-STORE-1\n"
_LENGTH: Final = struct.Struct(">I")
T = TypeVar("T")


def pack(header: dict[str, Any], *parts: bytes) -> bytes:
    """An entry: ``header`` (JSON-able) and ``parts``, checksummed together."""
    meta = json.dumps({**header, "parts": [len(part) for part in parts]},
                      sort_keys=True).encode("utf-8")
    body = b"".join([_LENGTH.pack(len(meta)), meta, *parts])
    return MAGIC + hashlib.sha256(body).digest() + body


def unpack(data: bytes) -> tuple[dict[str, Any], list[bytes]] | None:
    """(header, parts) of an entry, or ``None`` if it is not one or is damaged."""
    start = len(MAGIC) + 32
    if data[: len(MAGIC)] != MAGIC or len(data) < start + _LENGTH.size:
        return None
    body = data[start:]
    if hashlib.sha256(body).digest() != data[len(MAGIC):start]:
        return None
    (size,) = _LENGTH.unpack_from(body)
    header: dict[str, Any] = json.loads(body[_LENGTH.size:_LENGTH.size + size])
    parts, offset = [], _LENGTH.size + size
    for length in header.pop("parts"):
        parts.append(body[offset:offset + length])
        offset += length
    return header, parts


class Entries(Generic[T]):
    """Checked entries under a folder by key (a sha256 hex digest), fanned out by its
    first byte. A subclass says how an entry's bytes are read (``decode``: ``None`` for
    a damaged one); the first entry stored under a key is kept."""

    def __init__(self, folder: Path, suffix: str) -> None:
        self.folder = folder
        self.suffix = suffix

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}{self.suffix}"

    def decode(self, data: bytes) -> T | None:
        raise NotImplementedError

    def stored(self) -> Iterator[tuple[str, Path]]:
        """The key and file of every entry (sound or not), not of writes under way."""
        for path in self.folder.glob(f"??/*{self.suffix}"):
            if not path.name.startswith(TEMP_PREFIX):
                yield path.name.removesuffix(self.suffix), path

    def has(self, key: str) -> bool:
        """Whether an entry is stored under ``key`` (sound or not: ``get`` checks)."""
        return self.path(key).exists()

    def get(self, key: str) -> T | None:
        """The entry, or ``None`` when it is missing or damaged (then it is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        entry = self.decode(data)
        if entry is None:
            path.unlink(missing_ok=True)
        return entry

    def store(self, key: str, data: bytes) -> T:
        """Store ``data`` unless a sound entry is already stored; return the stored one."""
        path = self.path(key)
        with temporary(path) as temp:
            temp.write_bytes(data)
            while (stored := self.get(key)) is None:  # a damaged entry is removed here
                try:
                    os.link(temp, path)  # unlike a rename, never replaces another's entry
                except FileExistsError:
                    continue  # stored meanwhile: read that one
                entry = self.decode(data)
                assert entry is not None  # just encoded
                return entry
        return stored


class Store(Entries[tuple[dict[str, Any], list[bytes]]]):
    """Entries of a JSON header and binary parts (``pack``)."""

    def decode(self, data: bytes) -> tuple[dict[str, Any], list[bytes]] | None:
        return unpack(data)

    def put(self, key: str, header: dict[str, Any], *parts: bytes
            ) -> tuple[dict[str, Any], list[bytes]]:
        """Store an entry unless a sound one is already stored; return the stored one."""
        return self.store(key, pack(header, *parts))


def digest(*fields: object) -> str:
    """A cache key: the sha256 of ``fields`` as JSON."""
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()
