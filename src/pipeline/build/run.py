"""The build: every unit of the articles and languages asked for, one after the other,
going on past one that fails; and what each unit's output is now.

The stages meet here: source -> translate -> builders -> output.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Sequence

from pipeline.build import registry
from pipeline.build.registry import Job
from pipeline.build.status import (
    Failure,
    State,
    UnitStatus,
    clear,
    fail,
    failures,
    forget,
    outdated,
    refuse_article,
)
from pipeline.build.units import Unit, catalog_path, language_units, plan, unit_for
from pipeline.catalogs.translate import fallbacks, load_translation
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.locales import english_name, to_gettext
from pipeline.model import Document
from pipeline.source.documents import articles


def build(config: Config, slugs: Sequence[str], langs: Sequence[str] | None,
          formats: Sequence[str], *, sweep_only: bool = False,
          outdated_only: bool = False) -> list[Failure]:
    """Build ``formats`` of each article in each language, one line per file made; go on
    past a unit that fails. Returns what could not be built (now or before, in scope).

    ``outdated_only``: build only the units that are out of date (see ``_outdated``),
    as Make's one rule per article and language asks (``pipeline build --outdated``).

    ``sweep_only``: build nothing, only set aside the outputs a build by Make or
    Snakemake cannot have rebuilt: those of languages left out and of articles that
    cannot be read (``pipeline status --sweep``).
    """
    found: list[Failure] = []
    planned: set[tuple[str, str]] = set()
    for slug, document in articles(config, slugs):
        if isinstance(document, PipelineError):
            if not sweep_only:
                print(document, file=sys.stderr)
            found.append(refuse_article(config, slug, document, formats))
            planned.add((slug, "-"))
            continue
        for lang, reason in plan(config, document, langs):
            planned.add((slug, lang))
            if reason is not None:
                if not sweep_only:
                    print(f"{catalog_path(config, document, lang)}: notice: {reason}, so "
                          f"'{lang}' is left out", file=sys.stderr)
                found += left_out(config, document, lang, reason, formats)
            elif not sweep_only:
                found += _build_language(config, document, lang, formats, outdated_only)
    # What failed in an earlier build and has not been built since counts too, unless
    # its article or language is gone.
    now = {(f.slug, f.lang, f.format) for f in found}
    for failure in failures(config.output, slugs, langs or ()):
        if (failure.slug, failure.lang) not in planned and not config.reviewed_only:
            forget(config.output, failure.slug, failure.lang, failure.format)
        elif failure.format in formats and (failure.slug, failure.lang, failure.format) \
                not in now:
            found.append(failure)
    return found


def statuses(config: Config, slugs: Sequence[str], langs: Sequence[str] | None,
             formats: Sequence[str]) -> list[UnitStatus]:
    """The state of every unit in scope, languages left out included."""
    recorded = {(f.slug, f.lang, f.format): f
                for f in failures(config.output, slugs, langs or (), formats)}
    found = []
    for slug, document in articles(config, slugs):
        if isinstance(document, PipelineError):
            found += [UnitStatus(slug, "-", name, State.REFUSED, str(document))
                      for name in formats]
            continue
        for lang, reason in plan(config, document, langs):
            why = reason and f"{catalog_path(config, document, lang)}: {reason}"
            for name in formats:
                if registry.load(name).translations_only and lang == to_gettext(document.lang):
                    continue
                found.append(_status(unit_for(config, document, lang, name), why,
                                     recorded.get((slug, lang, name))))
    return found


def _status(unit: Unit, reason: str | None, failure: Failure | None) -> UnitStatus:
    def status(state: State, detail: str = "") -> UnitStatus:
        return UnitStatus(unit.slug, unit.lang, unit.format, state, detail)

    if failure is not None:
        return status(failure.state, failure.message)
    if unit.target.exists():
        if outdated(unit.target, unit.sources()):
            return status(State.STALE, "made from inputs that changed since: run make")
        return status(State.BUILT)
    if reason is not None:
        return status(State.REFUSED, f"{reason}, so '{unit.lang}' is not built")
    return status(State.MISSING)


def _build_language(config: Config, document: Document, lang: str, formats: Sequence[str],
                    outdated_only: bool = False) -> list[Failure]:
    """Every format of one article in one language (those out of date: ``outdated_only``),
    in one process that reads the article and the catalog once; returns those that
    failed."""
    chosen = [registry.load(name) for name in _with_needs(formats, outdated_only)
              if not (registry.load(name).translations_only
                      and lang == to_gettext(document.lang))]
    for setting in dict.fromkeys(name for builder in chosen for name in builder.settings):
        registry.setting_file(config, setting)  # before the outputs that show it
    current: list[Unit] = []
    if outdated_only:
        chosen, current = _outdated(config, document, lang, chosen)
        if not chosen:
            _settle(config, document, lang, current)
            return []
    try:
        job = Job(config, document, load_translation(config, document, lang), lang)
    except PipelineError as error:
        print(error, file=sys.stderr)
        return fail(config, document.slug, lang, [b.name for b in chosen], State.REFUSED,
                    str(error))
    failed: list[Failure] = []
    fallback = _fallback_note(job.document, document.lang)
    for builder in chosen:
        unit = f"{builder.name}: {lang} {document.slug}"
        if any(f.format in builder.needs for f in failed):
            continue  # set aside and recorded with what it needs
        started = time.perf_counter()
        try:
            summary = builder.build(job)
        except PipelineError as error:
            print(error, file=sys.stderr)
            failed += fail(config, document.slug, lang, [builder.name], State.REFUSED,
                           str(error))
            continue
        except Exception as error:  # a bug: its traceback, and the other units go on
            traceback.print_exc()
            failed += fail(config, document.slug, lang, [builder.name], State.FAILED,
                           f"{unit}: {type(error).__name__}: {error} (a bug: see the "
                           "traceback above)")
            continue
        target = builder.target(config.output, document.slug, lang)
        clear(config.output, document.slug, lang, builder.name, builder.products(target),
              registry.dependents(builder.name))
        print(f"{unit} -> {summary}{fallback}; {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    _settle(config, document, lang, current)
    return failed


def _with_needs(formats: Sequence[str], outdated_only: bool) -> list[str]:
    """``formats`` in build order; with ``outdated_only``, also the formats they are made
    from (an EPUB asked for needs its audio to be current, as Make's rules ensured)."""
    wanted = set(formats)
    if outdated_only:
        for name in reversed(registry.names()):
            if name in wanted:
                wanted.update(registry.load(name).needs)
    return [name for name in registry.names() if name in wanted]


def _outdated(config: Config, document: Document, lang: str,
              chosen: Sequence[registry.Builder]) -> tuple[list[registry.Builder], list[Unit]]:
    """The builders whose output is out of date, by Make's rule on each format's own
    prerequisites (missing, or older than one of them), or whose last build failed, or
    that are made from an output rebuilt now; and the units found current."""
    recorded = {f.format for f in failures(config.output, (document.slug,), (lang,))}
    todo: list[registry.Builder] = []
    current: list[Unit] = []
    for builder in chosen:
        unit = unit_for(config, document, lang, builder.name)
        if (builder.name in recorded or not unit.target.exists()
                or any(b.name in builder.needs for b in todo)
                or outdated(unit.target, unit.sources())):
            todo.append(builder)
        else:
            current.append(unit)
    return todo, current


def _settle(config: Config, document: Document, lang: str, current: Sequence[Unit]) -> None:
    """Mark outputs found current as made from what they are made from now.

    Make and Snakemake see one rule per article and language, with every format's
    prerequisites together: an output that needed no rebuild (a PDF, after a lexicon
    edit that only the audio reads) would look older than that rule's newest
    prerequisite, and every later build would start the process again to find nothing
    to do. Its time becomes that of the newest prerequisite of the language's units (as
    Ninja's ``restat`` does; Make's rule is "newer than", so equal is current). It stays
    older than anything built in this run, so the order of the formats made from it
    still holds.
    """
    if not current:
        return
    sources = {path for unit in language_units(config, document, lang)
               for path in (*unit.inputs, *unit.code)}
    newest = max((path.stat().st_mtime_ns for path in sources if path.exists()), default=0)
    for unit in current:
        stat = unit.target.stat()
        if stat.st_mtime_ns < newest:
            os.utime(unit.target, ns=(stat.st_atime_ns, newest))


def _fallback_note(document: Document, source_lang: str) -> str:
    """For the build line: how many entries are left in the source language (each one
    is labelled in the outputs), e.g. "; 3 entries in English (not translated)"."""
    entries = {(s.role, s.text) for s in fallbacks(document)}
    if not entries:
        return ""
    return (f"; {len(entries)} {'entry' if len(entries) == 1 else 'entries'} in "
            f"{english_name(source_lang)} (not translated)")


def left_out(config: Config, document: Document, lang: str, reason: str,
             formats: Sequence[str]) -> list[Failure]:
    """A language not ready: outputs of it that are now outdated are set aside (one just
    started has none, and nothing to report)."""
    units_ = [unit_for(config, document, lang, name) for name in formats]
    stale = [u.format for u in units_ if u.target.exists() and outdated(u.target, u.sources())]
    return fail(config, document.slug, lang, stale, State.REFUSED,
                f"{catalog_path(config, document, lang)}: {reason}, so '{lang}' is not built"
                ) if stale else []


