"""Stage 3: the source document in another language, from that language's catalogs.

A fuzzy or untranslated entry falls back to the source text and keeps the source
language on that segment, so print marks it ``lang="en"`` and audio reads it with
the English voice. A language below the coverage threshold is not built at all.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.catalogs import review
from pipeline.catalogs.catalog import Catalogs, read_catalog
from pipeline.catalogs.checks import catalog_problems, document_roles
from pipeline.catalogs.merge import FUZZY
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale, to_bcp47, to_gettext
from pipeline.model import Document, Labels, Role, Segment, iter_segments, map_segments
from pipeline.source.labels import DOMAIN as LABELS_DOMAIN


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of an article one catalog translates, counted per unique entry."""

    entries: int
    translated: int
    fuzzy: int
    translated_words: int
    fuzzy_words: int
    untranslated_words: int
    disclaimer_translated: bool

    @property
    def untranslated(self) -> int:
        return self.entries - self.translated - self.fuzzy

    @property
    def ratio(self) -> float:
        return self.translated / self.entries if self.entries else 1.0


Index = dict[tuple[str | None, str], polib.POEntry]


def index(po: polib.POFile | None) -> Index:
    """A catalog's active entries by (msgctxt, msgid)."""
    return {} if po is None else {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


def find_entry(entries: Index, segment: Segment, context: str | None = None
               ) -> polib.POEntry | None:
    """The entry for a segment: with its role (or ``context``) as msgctxt first, then none."""
    if context is not None:
        return entries.get((context, segment.text))
    return entries.get((str(segment.role), segment.text)) or entries.get((None, segment.text))


def usable(entry: polib.POEntry | None) -> bool:
    return entry is not None and bool(entry.msgstr.strip()) and FUZZY not in entry.flags


def coverage(document: Document, po: polib.POFile | None) -> Coverage:
    """Translated, fuzzy and untranslated entries (and their source words) of an article."""
    return _count(((segment, None) for segment in iter_segments(document)), index(po))


def source_coverage(document: Document) -> Coverage:
    """The source language's own "coverage": every entry is there, as written."""
    counts = coverage(document, None)
    return Coverage(entries=counts.entries, translated=counts.entries, fuzzy=0,
                    translated_words=counts.untranslated_words, fuzzy_words=0,
                    untranslated_words=0, disclaimer_translated=True)


def labels_coverage(labels: Labels, po: polib.POFile | None) -> Coverage:
    """The same count for the words the outputs add, each looked up by its name."""
    return _count(((getattr(labels, f.name), f.name) for f in dataclasses.fields(Labels)),
                  index(po))


def _count(segments: Iterable[tuple[Segment, str | None]], entries: Index) -> Coverage:
    counts: Counter[str] = Counter()
    disclaimer_translated = True
    seen: set[tuple[Role, str, str | None]] = set()
    for segment, context in segments:
        if (segment.role, segment.text, context) in seen:
            continue
        seen.add((segment.role, segment.text, context))
        entry = find_entry(entries, segment, context)
        state = ("translated" if usable(entry)
                 else "fuzzy" if entry is not None and entry.msgstr.strip()
                 else "untranslated")
        counts[state] += 1
        counts[f"{state}_words"] += len(segment.text.split())
        if segment.role is Role.DISCLAIMER and state != "translated":
            disclaimer_translated = False
    return Coverage(entries=len(seen), translated=counts["translated"], fuzzy=counts["fuzzy"],
                    translated_words=counts["translated_words"],
                    fuzzy_words=counts["fuzzy_words"],
                    untranslated_words=counts["untranslated_words"],
                    disclaimer_translated=disclaimer_translated)


def translate(document: Document, po: polib.POFile | None, labels_po: polib.POFile | None,
              *, lang: str) -> Document:
    """``document`` for ``lang`` (gettext name); missing translations fall back to the source."""
    tag = to_bcp47(lang)
    entries, label_entries = index(po), index(labels_po)

    def apply(segment: Segment, context: str | None = None, catalog: Index = entries
              ) -> Segment:
        entry = find_entry(catalog, segment, context)
        if not usable(entry):
            return segment
        assert entry is not None
        return dataclasses.replace(segment, text=" ".join(entry.msgstr.split()), lang=tag)

    labels = Labels(**{field.name: apply(getattr(document.labels, field.name), field.name,
                                         label_entries)
                       for field in dataclasses.fields(Labels)})
    translated = map_segments(document, apply) if po is not None else document
    # The source needs no review; a translation has one once signed off (``review.apply``).
    return dataclasses.replace(translated, lang=tag, labels=labels, reviewed=po is None)


def fallbacks(document: Document) -> list[Segment]:
    """Segments (labels included) still in another language than the document's."""
    labels = [getattr(document.labels, f.name) for f in dataclasses.fields(Labels)]
    return [s for s in [*iter_segments(document), *labels] if s.lang != document.lang]


def load_translation(config: Config, source: Document, lang: str) -> Document:
    """Read ``lang``'s catalogs and translate ``source``, enforcing coverage and strictness."""
    check_locale(lang)
    catalogs = Catalogs(config.locales, source.slug)
    is_source = to_gettext(source.lang) == lang
    po = None if is_source else _read_checked(catalogs.catalog(lang), lang, source)
    labels_path = catalogs.catalog(lang, LABELS_DOMAIN)
    labels_po = _read_checked(labels_path, lang) if labels_path.is_file() and lang != "en" \
        else None
    if po is not None and (reason := unready(source, po, config.threshold)):
        raise PipelineError(f"{reason}, so '{lang}' is not built"
                            " (run 'pipeline check' to see which entries)",
                            catalogs.catalog(lang))
    document = translate(source, po, labels_po, lang=lang)
    if po is not None:
        document = review.apply(config.locales, source, document)
    if config.strict and (missing := fallbacks(document)):
        first = missing[0]
        raise PipelineError(f"{len(missing)} segments would fall back to the source text "
                            f"(--strict), the first: '{first.text[:60]}'", first.location.path,
                            first.location.line)
    return document


def unready(source: Document, po: polib.POFile, threshold: float) -> str | None:
    """Why a catalog cannot be built yet (disclaimer untranslated, too little translated)."""
    counts = coverage(source, po)
    if not counts.disclaimer_translated:
        return "the disclaimer is not fully translated"
    if counts.ratio < threshold:
        return (f"only {counts.ratio:.0%} of entries are translated "
                f"(threshold {threshold:.0%})")
    return None


def _read_checked(path: Path, lang: str, source: Document | None = None) -> polib.POFile:
    """A catalog that parses and whose translations keep markup, numbers and placeholders,
    and, for the catalog of ``source``, the content rules of its disclaimer, image credits
    and sources (those of ``pipeline check``).

    A translation that changed a dose or dropped part of the disclaimer must stop the
    build, not reach a patient. An untranslated or fuzzy disclaimer is no error here:
    ``unready`` says why the language is not built yet.
    """
    if not path.is_file():
        raise PipelineError(f"no catalog for '{lang}': create it with "
                            f"'pipeline init --lang {lang}'", path)
    po = read_catalog(path)
    roles = {} if source is None else document_roles(source)
    problems = catalog_problems(path, po, roles,
                                source_lang=None if source is None else to_gettext(source.lang))
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more; run 'pipeline check')" if len(problems) > 1 \
            else ""
        raise PipelineError(f"{first.message}; '{lang}' is not built{more}", first.path,
                            first.line)
    return po
