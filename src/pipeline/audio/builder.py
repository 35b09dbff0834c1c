"""The ``audio`` builder: a translated article as a narrated MP3 book with chapters,
one track per section and a playlist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from pipeline.audio.timeline import path_for
from pipeline.build.registry import Builder, Job, register
from pipeline.config import Config
from pipeline.output import exclusive


@register
class AudioBuilder(Builder):
    name: ClassVar[str] = "audio"
    suffix: ClassVar[str] = ".mp3"
    code: ClassVar[tuple[str, ...]] = ("audio", "markup.py", "progress.py")
    # Neural speech is the heavy part: ~0.4-0.9 CPU-seconds per second of audio (Kokoro).
    resources: ClassVar[Mapping[str, int]] = {"mem_mb": 1200, "runtime": 60}

    def inputs(self, config: Config, slug: str, lang: str) -> Sequence[Path]:
        """The pronunciation lexicons (the language's, and English for fallback text), and
        the settings file that chooses the voices, if there is one."""
        lexicons = {config.locales / code / "lexicon.tsv" for code in (lang, "en")}
        chosen = [config.settings] if config.settings else []
        return sorted(path for path in lexicons if path.is_file()) + chosen

    def products(self, target: Path) -> tuple[Path, ...]:
        """The book, its timeline and its folder of tracks (with the playlist)."""
        return (target, path_for(target), target.with_suffix(""))

    def build(self, job: Job) -> str:
        from pipeline.audio.book import narrate_book
        from pipeline.audio.speech import engines

        target = job.target(self.suffix)
        try:
            with exclusive(target, job.config.cache / "locks"):
                book = narrate_book(job.document, job.config, target=target,
                                    tracks=job.folder / job.document.slug)
        finally:
            engines.release()  # the process's other formats need no voice
        voices = ", ".join(f"{code}: {voice}" for code, voice in book.tally.voices.items())
        return (f"{target}: {book.seconds / 60:.1f} min, {book.chapters} chapters, "
                f"{book.loudness:.1f} LUFS, {book.true_peak:.1f} dBTP; "
                f"{book.tally.synthesised} utterances synthesised, {book.tally.reused} reused "
                f"({voices}); {book.tally.encoded} utterances encoded; "
                f"engines {book.tally.engine_seconds:.1f} s")
