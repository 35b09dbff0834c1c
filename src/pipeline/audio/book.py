"""The audio stage as one call: translated document in, narrated MP3 book out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.audio.caches.encoded import EncodedCache
from pipeline.audio.caches.prepared import PreparedCache
from pipeline.audio.caches.speech import SegmentCache
from pipeline.audio.caches.store import Store
from pipeline.audio.encoding.mp3 import write_book
from pipeline.audio.encoding.tags import Tags
from pipeline.audio.script.lexicon import Lexicon, read_lexicon
from pipeline.audio.script.narration import Script, narrate, speakable
from pipeline.audio.signal.dsp import RATE
from pipeline.audio.speech import voices
from pipeline.audio.speech.engines import Engine
from pipeline.audio.synthesis import Caches, Tally, speak
from pipeline.config import Config
from pipeline.locales import to_gettext
from pipeline.model import Document


@dataclass(frozen=True, slots=True)
class BookReport:
    tally: Tally
    seconds: float  # length of the book
    chapters: int
    loudness: float  # LUFS: BS.1770 of what was encoded, less the codec's calibrated loss
    true_peak: float  # dBTP: the highest of the decoded utterances


def caches(folder: Path) -> Caches:
    """The three caches under ``folder``: speech, prepared and encoded utterances."""
    return Caches(SegmentCache(folder / "tts"), PreparedCache(Store(folder / "prepared", ".pcm")),
                  EncodedCache(Store(folder / "encoded", ".mp3")))


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
        review_status=_review_status(document),
    )


def _review_status(document: Document) -> str:
    """"unreviewed", "reviewed", or who reviewed the translation and when."""
    review = document.review
    if review is None:
        return "reviewed" if document.reviewed else "unreviewed"
    return f"reviewed by {review.who()}, {review.date.isoformat()}"


def narrate_book(document: Document, config: Config, *, target: Path, tracks: Path,
                 script: Script | None = None) -> BookReport:
    """Narrate ``document`` (or ``script``, when given) into ``target`` (the book) and
    ``tracks`` (one file per chapter)."""
    @cache
    def lexicon(lang: str) -> Lexicon:
        return read_lexicon(config.locales / to_gettext(lang) / "lexicon.tsv")

    @cache
    def engine_for(lang: str) -> Engine:
        return voices.load(voices.choose(config, lang, book=document.lang), lang,
                           config.voices_dir)

    script = script or narrate(document, lexicon)
    label = f"audio {to_gettext(document.lang)} {document.slug}: utterance"
    chapters, tally = speak(script, engine_for, caches(config.cache), label=label)
    written = write_book(script, chapters, tags_for(document), target=target, tracks=tracks)
    return BookReport(tally, written.length / RATE, len(chapters), written.loudness,
                      written.true_peak)
