"""Running ffmpeg: Debian's binary when installed, else the one in ``imageio-ffmpeg``."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

from pipeline.errors import PipelineError


@cache
def ffmpeg() -> str:
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError):
        raise PipelineError("ffmpeg is missing: run 'make setup' (Debian package ffmpeg)")\
            from None


def run(*args: str | Path) -> str:
    """Run ffmpeg quietly with ``args``; return its standard error (where it reports)."""
    command = [ffmpeg(), "-hide_banner", "-nostdin", "-y", *map(str, args)]
    # errors="replace": ffmpeg prints tags byte-truncated, which can split a character
    result = subprocess.run(command, capture_output=True, text=True, errors="replace",
                            check=False)
    if result.returncode != 0:
        last = result.stderr.strip().splitlines()[-1:] or ["no message"]
        raise PipelineError(f"ffmpeg failed: {last[0]}")
    return result.stderr


def use_for_pydub() -> None:
    """Point pydub at the same ffmpeg (it only needs one to decode gTTS's MP3s)."""
    from pydub import AudioSegment

    AudioSegment.converter = ffmpeg()
