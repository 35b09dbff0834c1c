"""Building the outputs: each article, in each language, as PDF and/or MP3.

The stages meet here and only here: source -> translate -> {print, audio} -> output.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Sequence

from pipeline.catalog import Catalogs, creation_date
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale, to_gettext
from pipeline.model import Document
from pipeline.output import exclusive
from pipeline.translate import load_translation
from pipeline.workflow import documents


def languages(config: Config, document: Document, chosen: Sequence[str] | None) -> list[str]:
    """The languages to build: those asked for, or the source's plus every catalog's."""
    if chosen:
        return [check_locale(lang) for lang in chosen]
    source = to_gettext(document.lang)
    return [source, *(lang for lang in Catalogs(config.locales, document.slug).languages()
                      if lang != source)]


def build(config: Config, slugs: Sequence[str], langs: Sequence[str] | None, *, pdf: bool,
          audio: bool) -> None:
    """Build the asked-for outputs; a language below its coverage threshold stops the build."""
    for document in documents(config, slugs):
        for lang in languages(config, document, langs):
            translated = load_translation(config, document, lang)
            if pdf:
                build_pdf(config, translated, lang)
            if audio:
                build_audio(config, translated, lang)


def build_pdf(config: Config, document: Document, lang: str) -> None:
    from pipeline.print.html import PrintOptions, paper_for, render
    from pipeline.print.pdf import write_pdf

    started = time.perf_counter()
    target = config.output / lang / f"{document.slug}.pdf"
    try:
        paper = paper_for(lang, config.paper)
    except ValueError as error:
        raise PipelineError(str(error)) from None
    page = render(document, PrintOptions(paper=paper, images=config.source,
                                         created=_reproducible_date()))
    with exclusive(target, config.cache / "locks"):
        write_pdf(page, target, base_url=config.source)
    print(f"pdf: {lang} {document.slug} -> {target} "
          f"({paper}, {time.perf_counter() - started:.1f} s)", file=sys.stderr)


def build_audio(config: Config, document: Document, lang: str) -> None:
    from pipeline.audio.book import narrate_book

    started = time.perf_counter()
    target = config.output / lang / f"{document.slug}.mp3"
    with exclusive(target, config.cache / "locks"):
        book = narrate_book(document, config, target=target,
                           tracks=config.output / lang / document.slug)
    voices = ", ".join(f"{code}: {voice}" for code, voice in book.tally.voices.items())
    print(f"audio: {lang} {document.slug} -> {target}: {book.seconds / 60:.1f} min, "
          f"{book.chapters} chapters, {book.loudness:.1f} LUFS, {book.true_peak:.1f} dBTP; "
          f"{book.tally.synthesised} utterances synthesised, {book.tally.reused} reused "
          f"({voices}); {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _reproducible_date() -> dt.datetime | None:
    """The build date to stamp into outputs: only when SOURCE_DATE_EPOCH asks for one."""
    return creation_date() if "SOURCE_DATE_EPOCH" in os.environ else None
