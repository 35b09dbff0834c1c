"""Chinese text to Kokoro's phonemes (misaki's pinyin-based G2P, as the model was trained).

misaki keeps jieba's word frequencies and pypinyin's phrase readings in memory for as
long as its process lives: ~130 MB, measured on the Chinese book (45 MB before, 179 MB
after phonemising it). Beside the model and its runs that took the book to 0.55 GB. So a
book's Chinese is phonemised first, all of it at once, in a child process that has
exited before the model loads (``apart``): the dictionaries and the model are never in
memory together.

jieba keeps the index it builds of its dictionary (9 MB; 1 s to build) in a file, in the
temporary folder unless told otherwise: here it is kept in the pipeline's cache folder
(the same file as the readability report's: the same dictionary).

    python -m pipeline.audio.speech.chinese CACHE  < JSON list of texts  > JSON list of phonemes
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from pipeline.audio.speech import child
from pipeline.config import cache_folder


@cache
def _g2p(folder: Path) -> Any:
    import jieba
    from misaki import zh

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" lines in the build log
    folder.mkdir(parents=True, exist_ok=True)
    jieba.dt.tmp_dir = str(folder)  # misaki segments with jieba's default tokenizer
    return zh.ZHG2P()


def phonemes(text: str, cache: Path | None = None) -> str:
    """The model's phonemes for ``text``, in this process (loading misaki once); jieba's
    index is kept in ``cache`` (default: ``config.cache_folder()``)."""
    spoken, _ = _g2p(cache or cache_folder())(text)
    return " ".join(str(spoken).split())


def apart(texts: Sequence[str], cache: Path | None = None) -> list[str]:
    """``phonemes`` of each text, made in a child process that exits when done."""
    return child.run(__name__, texts, "the Chinese phonemiser (misaki)",
                     str(cache or cache_folder()))


if __name__ == "__main__":
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    child.serve(lambda text: phonemes(text, folder))
