"""MP3 frames from PCM and back, in this process: LAME (``lameenc``) encodes, mpg123
(``soundfile``'s libsndfile) decodes for the peak check.

Each chapter is encoded alone into bare frames (no Xing/LAME header, no tag): mono,
RATE, 64 kbps CBR, LAME's default algorithm quality (3). Independently encoded streams
join at frame boundaries into the book: each begins with an empty bit reservoir, and
since every chapter ends in a pause the decoder's overlap carries silence across the
join. A decoder gives FRAME samples per frame, the chapter's PCM delayed by DELAY
samples (LAME's encoder delay and the decoder's): so the book's timeline is exact for
what players decode (tested by decoding with ffmpeg).

In process rather than through an ffmpeg per chapter: both libraries release Python's
lock while they work, so chapters encode on every core. ffmpeg 7's threaded pipeline
spent a fifth of each encode in thread hand-offs (~400 000 futex calls for a 15-minute
book) and half of each decode; in process, a book's encode and check take 3.9 CPU-s
instead of 5.8.
"""

from __future__ import annotations

import hashlib
import io
from functools import cache
from pathlib import Path
from typing import Final

import lameenc
import numpy as np
import soundfile

from pipeline.audio.signal.dsp import RATE, Singles

BITRATE: Final = 64  # kbit/s
QUALITY: Final = 3  # LAME's algorithm quality (0 best, 9 fastest): its own default
FRAME: Final = 576  # samples per MPEG-2 Layer III frame (22.05 kHz)
DELAY: Final = 1105  # samples: LAME's 576 + the decoder's 529
_SIZE = 72 * BITRATE * 1000 // RATE  # bytes in a frame without its padding byte


@cache
def settings() -> dict[str, object]:
    """What shapes the frames and their check: part of every encoded chapter's key."""
    return {"rate": RATE, "bitrate": BITRATE, "quality": QUALITY, "channels": 1,
            "frame": FRAME, "delay": DELAY, "lameenc": _binary(lameenc.__file__),
            "decoder": soundfile.__libsndfile_version__}


def _binary(path: str | None) -> str:
    """A digest of lameenc's extension module, which has LAME linked in: any other build
    of either makes other frames. (lameenc has no ``__version__``; its package version
    would need importlib.metadata, 20 ms in every audio process.)"""
    assert path is not None
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def encode(pcm: bytes | bytearray, rate: int = RATE) -> bytes:
    """16-bit mono PCM at ``rate`` to bare CBR MP3 frames at RATE (the same bytes on
    every run)."""
    lame = lameenc.Encoder()
    lame.set_bit_rate(BITRATE)
    lame.set_in_sample_rate(rate)
    lame.set_out_sample_rate(RATE)
    lame.set_channels(1)
    lame.set_quality(QUALITY)
    return bytes(lame.encode(bytes(pcm)) + lame.flush())


def decode(frames: bytes) -> Singles:
    """MP3 frames as a decoder plays them (1.0 = full scale), in float: no clipping.
    Single precision, as decoded: a chapter's samples are the largest array a build
    holds (``peaks.true_peak`` widens them a block at a time)."""
    samples, _ = soundfile.read(io.BytesIO(frames), dtype="float32")
    decoded: Singles = np.ascontiguousarray(samples)
    return decoded


def frame_count(frames: bytes) -> int:
    """How many frames ``frames`` holds, each checked to be one of ours (MPEG-2 Layer III,
    RATE, BITRATE, mono) and to follow the last without a gap."""
    count = offset = 0
    while offset < len(frames):
        header = frames[offset:offset + 4]
        if (len(header) < 4 or header[0] != 0xFF or header[1] & 0xFE != 0xF2
                or header[2] & 0xFC != 0x80 or header[3] & 0xC0 != 0xC0):
            raise ValueError(f"not one of the book's MP3 frames at byte {offset}")
        offset += _SIZE + (header[2] >> 1 & 1)
        count += 1
    if offset != len(frames):
        raise ValueError("the last MP3 frame is cut short")
    return count
