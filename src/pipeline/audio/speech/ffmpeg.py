"""Running ffmpeg: the one in ``imageio-ffmpeg`` (pinned by pip), else the system's.

The build itself encodes and decodes in process (``encoder``); ffmpeg is the independent
meter (EBU R128 loudness and true peak of finished books, in tests and ``make bench``)
and pydub's decoder for gTTS's MP3s.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from pipeline.errors import PipelineError


@cache
def ffmpeg() -> str:
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        found = shutil.which("ffmpeg")
        if found:
            return found
    raise PipelineError("ffmpeg is missing: run 'make setup' (PyPI imageio-ffmpeg, or the "
                        "Debian package ffmpeg)")


def run(*args: str | Path, output: bool = False) -> str:
    """Run ffmpeg quietly with ``args``; return its standard error (where it reports), or
    with ``output`` its standard output."""
    command = [ffmpeg(), "-hide_banner", "-nostdin", "-y", *map(str, args)]
    # errors="replace": ffmpeg prints tags byte-truncated, which can split a character
    result = subprocess.run(command, capture_output=True, text=True, errors="replace",
                            check=False)
    _check(result.returncode, result.stderr)
    return result.stdout if output else result.stderr


def _check(code: int, stderr: str) -> None:
    if code != 0:
        last = stderr.strip().splitlines()[-1:] or ["no message"]
        raise PipelineError(f"ffmpeg failed: {last[0]}")


def use_for_pydub() -> None:
    """Point pydub at the same ffmpeg (it only needs one to decode gTTS's MP3s)."""
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg()
