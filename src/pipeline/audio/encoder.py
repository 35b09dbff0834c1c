"""MP3 frames from PCM and back: one ffmpeg (LAME) run per chapter.

Each chapter is encoded alone into bare frames (no Xing/LAME header, no tag): mono,
RATE, 64 kbps CBR. Independently encoded streams join at frame boundaries into the
book: each begins with an empty bit reservoir, and since every chapter ends in a pause
the decoder's overlap carries silence across the join. A decoder gives FRAME samples
per frame, the chapter's PCM delayed by DELAY samples (LAME's encoder delay and the
decoder's): so the book's timeline is exact for what players decode (tested by
decoding).
"""

from __future__ import annotations

from typing import Final

import numpy as np

from pipeline.audio import ffmpeg
from pipeline.audio.dsp import RATE, Singles

BITRATE: Final = 64  # kbit/s
FRAME: Final = 576  # samples per MPEG-2 Layer III frame (22.05 kHz)
DELAY: Final = 1105  # samples: LAME's 576 + the decoder's 529
SETTINGS: Final = {"rate": RATE, "bitrate": BITRATE, "channels": 1, "frame": FRAME,
                   "delay": DELAY}
_RAW = ("-f", "s16le", "-ar", str(RATE), "-ac", "1")
_SIZE = 72 * BITRATE * 1000 // RATE  # bytes in a frame without its padding byte


def encode(pcm: bytes | bytearray) -> bytes:
    """16-bit mono PCM at RATE to bare CBR MP3 frames; ``-bitexact``: the same bytes on
    every run."""
    return ffmpeg.pipe(*_RAW, "-i", "pipe:0", "-c:a", "libmp3lame", "-b:a", f"{BITRATE}k",
                       "-bitexact", "-write_xing", "0", "-id3v2_version", "0", "-f", "mp3",
                       "pipe:1", data=pcm)


def decode(frames: bytes) -> Singles:
    """MP3 frames as a decoder plays them (1.0 = full scale), in float: no clipping.
    Single precision, as decoded: a chapter's samples are the largest array a build
    holds (``peaks.true_peak`` widens them a block at a time)."""
    data = ffmpeg.pipe("-f", "mp3", "-i", "pipe:0", "-f", "f32le", "-ac", "1", "pipe:1",
                       data=frames)
    return np.frombuffer(data, "<f4")


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
