"""The audio stage as one call: translated document in, narrated MP3 book out."""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from pipeline.audio.synthesis import Caches, Keys, Tally, script_keys, speak
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


def book_script(document: Document, config: Config) -> Script:
    """What the book of ``document`` says, with the languages' pronunciation lexicons."""
    @cache
    def lexicon(lang: str) -> Lexicon:
        return read_lexicon(config.locales / to_gettext(lang) / "lexicon.tsv")

    return narrate(document, lexicon)


def book_engines(document: Document, config: Config) -> Callable[[str], Engine]:
    """The voice of each language in the book of ``document``, loaded when first asked
    for (naming a voice loads no model: that waits for its first utterance)."""
    @cache
    def engine_for(lang: str) -> Engine:
        return voices.load(voices.choose(config, lang, book=document.lang), lang,
                           config.voices_dir, config.cache)

    return engine_for


def book_keys(document: Document, config: Config) -> Iterator[Keys]:
    """The cache entries a build of the book of ``document`` looks up, computed as the
    build does (``synthesis.script_keys``), without speaking a word."""
    return script_keys(book_script(document, config), book_engines(document, config))


def narrate_book(document: Document, config: Config, *, target: Path, tracks: Path,
                 script: Script | None = None) -> BookReport:
    """Narrate ``document`` (or ``script``, when given) into ``target`` (the book) and
    ``tracks`` (one file per chapter)."""
    script = script or book_script(document, config)
    label = f"audio {to_gettext(document.lang)} {document.slug}: utterance"
    chapters, tally = speak(script, book_engines(document, config), caches(config.cache),
                            label=label)
    written = write_book(script, chapters, tags_for(document), target=target, tracks=tracks)
    return BookReport(tally, written.length / RATE, len(chapters), written.loudness,
                      written.true_peak)
