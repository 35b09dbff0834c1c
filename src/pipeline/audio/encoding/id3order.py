"""Put ID3v2.4 chapter frames back in time order after mutagen has saved a tag.

mutagen writes frames sorted by size, so CHAP frames can land out of time order and
players and ffprobe then list chapters out of order (ID3v2 Chapter Frame Addendum
1.0 asks for no order, but readers assume one). This rewrites the tag in place with
the CHAP frames in the slots they already occupy, sorted by start time: every other
frame keeps its place in the order (its bytes may shift when chapter frames of
different sizes swap), and the tag keeps its size.
"""

from __future__ import annotations

import struct
from pathlib import Path

_HEADER = 10


def _syncsafe(data: bytes) -> int:
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def _frames(tag: bytes) -> list[tuple[bytes, bytes]]:
    """(frame id, whole frame bytes) for each frame of an ID3v2.4 tag body."""
    frames = []
    offset = 0
    while offset + _HEADER <= len(tag) and tag[offset] != 0:
        frame_id = tag[offset:offset + 4]
        size = _syncsafe(tag[offset + 4:offset + 8])
        frames.append((frame_id, tag[offset:offset + _HEADER + size]))
        offset += _HEADER + size
    return frames


def _start_time(frame: bytes) -> int:
    body = frame[_HEADER:]
    element_end = body.index(b"\0")
    (start,) = struct.unpack(">I", body[element_end + 1:element_end + 5])
    return int(start)


def order_chapters(path: Path) -> None:
    """Reorder the CHAP frames of ``path``'s ID3v2.4 tag by start time, in place."""
    with path.open("r+b") as stream:
        header = stream.read(_HEADER)
        if header[:3] != b"ID3" or header[3] != 4 or header[5] & 0xC0:
            raise ValueError(f"{path}: expected a plain ID3v2.4 tag (no unsynchronisation, "
                             "no extended header)")
        size = _syncsafe(header[6:10])
        tag = stream.read(size)
        frames = _frames(tag)
        chapters = sorted((f for i, f in frames if i == b"CHAP"), key=_start_time)
        ordered = iter(chapters)
        body = b"".join(next(ordered) if i == b"CHAP" else f for i, f in frames)
        stream.seek(_HEADER)
        stream.write(body)
