"""The audio stage as one call: translated document in, narrated MP3 book out."""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.audio import voices
from pipeline.audio.cache import SegmentCache
from pipeline.audio.engines import Engine
from pipeline.audio.ffmpeg import use_for_pydub
from pipeline.audio.lexicon import Lexicon, read_lexicon
from pipeline.audio.loudness import RATE
from pipeline.audio.mp3 import assemble, write_book
from pipeline.audio.narration import narrate, speakable
from pipeline.audio.synthesis import Tally, speak
from pipeline.audio.tags import Tags
from pipeline.config import Config
from pipeline.locales import to_gettext
from pipeline.model import Document


@dataclass(frozen=True, slots=True)
class BookReport:
    tally: Tally
    seconds: float  # length of the book
    chapters: int
    synthesis_seconds: float  # wall time spent speaking (engines + cache)
    encoding_seconds: float  # loudness, MP3 encoding and tagging
    loudness: float  # LUFS of the MP3 written
    true_peak: float  # dBTP of the MP3 written


def tags_for(document: Document) -> Tags:
    meta = document.meta
    credits = "\n".join(f"{speakable(c.title.text)} © {c.holder}, {c.license} ({c.license_url})"
                        for c in document.credits)
    return Tags(
        title=speakable(meta.title.text),
        lang=to_gettext(document.lang),
        authors=meta.authors,
        publisher=meta.publisher or ", ".join(meta.authors),
        disclaimer="\n\n".join(speakable(p.text) for p in document.disclaimer),
        credits=credits,
        published=meta.published,
        review_status="reviewed" if document.reviewed else "unreviewed",
    )


def narrate_book(document: Document, config: Config, *, target: Path, tracks: Path
                ) -> BookReport:
    """Narrate ``document`` into ``target`` (the book) and ``tracks`` (one file per chapter)."""
    use_for_pydub()

    @cache
    def lexicon(lang: str) -> Lexicon:
        return read_lexicon(config.locales / to_gettext(lang) / "lexicon.tsv")

    @cache
    def engine_for(lang: str) -> Engine:
        return voices.load(voices.choose(config, lang), lang, config.voices_dir)

    script = narrate(document, lexicon)
    started = time.perf_counter()
    label = f"audio {to_gettext(document.lang)} {document.slug}: utterance"
    audios, tally = speak(script, engine_for, SegmentCache(config.cache / "tts"), label=label)
    spoken = time.perf_counter()
    pcm, marks, spans = assemble(script, audios)
    loudness, peak = write_book(pcm, marks, tags_for(document), target=target, tracks=tracks,
                                spoken=spans)
    return BookReport(tally, len(pcm) / 2 / RATE, len(marks), spoken - started,
                      time.perf_counter() - spoken, loudness, peak)
