"""Building the outputs: each article, in each language, in each format (a builder).

The stages meet here and only here: source -> translate -> builders -> output.
``units`` lists what a build makes, one (article, language, format) at a time, with
every file each one reads: Make's rules are generated from it (``pipeline units``),
so there is no second, hand-kept list of dependencies to drift.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pipeline
from pipeline import builders, review
from pipeline.builders import Job
from pipeline.catalog import Catalogs, read_catalog
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.labels import DOMAIN as LABELS_DOMAIN
from pipeline.locales import check_locale, english_name, to_gettext
from pipeline.model import Document
from pipeline.resources import Resources
from pipeline.source import parse_file
from pipeline.status import (
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
from pipeline.translate import fallbacks, load_translation, unready

PACKAGE = Path(pipeline.__file__).parent


Article = tuple[str, Document | PipelineError]


def articles(config: Config, slugs: Sequence[str]) -> Iterator[Article]:
    """Each article named (or every one) by its slug, parsed, or the error that refuses it:
    one broken article does not stop the others."""
    paths = [config.article(slug) for slug in slugs] if slugs else config.articles()
    for path in paths:
        try:
            document = parse_file(path)
            Resources.of(document, config.source)  # an image leading outside fails here
        except PipelineError as error:
            yield path.stem, error
        else:
            yield path.stem, document


def plan(config: Config, document: Document, chosen: Sequence[str] | None
         ) -> list[tuple[str, str | None]]:
    """Each language of ``document`` with the reason it is left out (``None``: it is
    built): those asked for, or the source's and every one with a catalog, where a
    catalog not ready yet (e.g. just started with ``pipeline init``) is left out.
    ``config.reviewed_only``: only the source and the translations with a current review
    (the others are not part of this build at all)."""
    found: list[tuple[str, str | None]] = [(check_locale(lang), None) for lang in chosen] \
        if chosen else _every_language(config, document)
    if config.reviewed_only:
        found = [(lang, reason) for lang, reason in found
                 if reason is None and reviewed(config, document, lang)]
    return found


def _every_language(config: Config, document: Document) -> list[tuple[str, str | None]]:
    source = to_gettext(document.lang)
    catalogs = Catalogs(config.locales, document.slug)
    found: list[tuple[str, str | None]] = [(source, None)]
    for lang in catalogs.languages():
        if lang == source:
            continue
        # Only counted here, so without msgfmt (a library has thousands of catalogs):
        # the build of the language reads it again, fully checked. A catalog that cannot
        # even be read is built, so that its build fails with the reason.
        try:
            catalog = read_catalog(catalogs.catalog(lang), msgfmt_passed=True)
        except PipelineError:
            found.append((lang, None))
            continue
        found.append((lang, unready(document, catalog, config.threshold)))
    return found


def reviewed(config: Config, document: Document, lang: str) -> bool:
    """Whether ``document`` in ``lang`` may be released: the source, or a translation
    whose review is current (a catalog that is refused has none)."""
    if lang == to_gettext(document.lang):
        return True
    if not review.path_for(config.locales, lang, document.slug).is_file():
        return False
    try:
        return load_translation(config, document, lang).review is not None
    except PipelineError:
        return False


def languages(config: Config, document: Document, chosen: Sequence[str] | None) -> list[str]:
    """The languages to build (``plan``), with a notice for each one left out."""
    built = []
    for lang, reason in plan(config, document, chosen):
        if reason is None:
            built.append(lang)
        else:
            print(f"{_catalog(config, document, lang)}: notice: {reason}, so '{lang}' is left "
                  "out (name it with --lang / LANGS to see the error)", file=sys.stderr)
    return built


def _catalog(config: Config, document: Document, lang: str) -> Path:
    return Catalogs(config.locales, document.slug).catalog(lang)


def build(config: Config, slugs: Sequence[str], langs: Sequence[str] | None,
          formats: Sequence[str], *, sweep_only: bool = False) -> list[Failure]:
    """Build ``formats`` of each article in each language, one line per file made; go on
    past a unit that fails. Returns what could not be built (now or before, in scope).

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
                    print(f"{_catalog(config, document, lang)}: notice: {reason}, so "
                          f"'{lang}' is left out", file=sys.stderr)
                found += left_out(config, document, lang, reason, formats)
            elif not sweep_only:
                found += _build_language(config, document, lang, formats)
    # What failed in an earlier build and has not been built since counts too, unless
    # its article or language is gone.
    now = {(f.slug, f.lang, f.format) for f in found}
    for failure in failures(config.output, slugs, langs or ()):
        if (failure.slug, failure.lang) not in planned and not config.reviewed_only:
            forget(config.output, failure)
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
            why = reason and f"{_catalog(config, document, lang)}: {reason}"
            for name in formats:
                if builders.load(name).translations_only and lang == to_gettext(document.lang):
                    continue
                found.append(_status(_unit(config, document, lang, name), why,
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


def _build_language(config: Config, document: Document, lang: str, formats: Sequence[str]
                    ) -> list[Failure]:
    """Every format of one article in one language; returns those that failed."""
    chosen = [builders.load(name) for name in formats
              if not (builders.load(name).translations_only
                      and lang == to_gettext(document.lang))]
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
              builders.dependents(builder.name))
        print(f"{unit} -> {summary}{fallback}; {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    return failed


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
    units_ = [_unit(config, document, lang, name) for name in formats]
    stale = [u.format for u in units_ if u.target.exists() and outdated(u.target, u.sources())]
    return fail(config, document.slug, lang, stale, State.REFUSED,
                f"{_catalog(config, document, lang)}: {reason}, so '{lang}' is not built"
                ) if stale else []


@dataclass(frozen=True, slots=True)
class Unit:
    """One file to make: an article in one language and one format, and what it reads."""

    slug: str
    lang: str
    format: str
    target: Path
    inputs: tuple[Path, ...]  # source, images, catalogs, lexicons
    code: tuple[Path, ...]  # the pipeline's own files that make it
    needs: tuple[Path, ...]  # other units' targets

    def command(self) -> list[str]:
        """The arguments of ``pipeline`` that make this unit."""
        return ["build", "--format", self.format, "--lang", self.lang, self.slug]

    def sources(self) -> tuple[Path, ...]:
        """Everything Make compares the target with."""
        return (*self.inputs, *self.code, *self.needs)


def units(config: Config, slugs: Sequence[str], langs: Sequence[str] | None,
          formats: Sequence[str]) -> list[Unit]:
    """Every unit of a build, in the order it is best started (formats as listed); an
    article that cannot be read is left out with its error (the build reports it)."""
    found = []
    for slug, document in articles(config, slugs):
        if isinstance(document, PipelineError):
            print(f"{document} (so '{slug}' is left out)", file=sys.stderr)
            continue
        for lang in languages(config, document, langs):
            for name in formats:
                if builders.load(name).translations_only and lang == to_gettext(document.lang):
                    continue
                found.append(_unit(config, document, lang, name))
    return sorted(found, key=lambda unit: formats.index(unit.format))


def _unit(config: Config, document: Document, lang: str, name: str) -> Unit:
    builder = builders.load(name)
    catalogs = Catalogs(config.locales, document.slug)
    images = (config.source / figure.src for figure in document.figures())
    catalog_files = (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN),
                     review.path_for(config.locales, lang, document.slug))
    inputs = [Path(document.path), *(p for p in images if p.is_file()),
              *(p for p in catalog_files if p.is_file()),
              *builder.inputs(config, document.slug, lang)]
    needs = tuple(builders.load(need).target(config.output, document.slug, lang)
                  for need in builder.needs)
    target = builder.target(config.output, document.slug, lang)
    return Unit(document.slug, lang, name, target, tuple(inputs), tuple(_code(builder.code)),
                needs)


def _code(packages: Sequence[str]) -> Iterator[Path]:
    """The pipeline's own files a builder runs: the core modules and its subpackages."""
    yield from sorted(PACKAGE.glob("*.py"))
    for package in packages:
        yield from sorted(p for p in (PACKAGE / package).rglob("*")
                          if p.is_file() and "__pycache__" not in p.parts)


def make_rules(found: Sequence[Unit], formats: Sequence[str]) -> str:
    """The units as Make rules; recipes use the Makefile's ``$(PIPELINE)`` and ``$(STAMP)``."""
    lines = ["# Generated by `pipeline units --make` from the builders: do not edit."]
    for name in formats:
        of_format = [u for u in found if u.format == name]
        code = of_format[0].code if of_format else ()
        lines += [f"CODE_{name} := " + " ".join(_relative(p) for p in code),
                  f"UNITS_{name} := " + " ".join(_relative(u.target) for u in of_format),
                  f".PHONY: {name}", f"{name}: $(UNITS_{name})"]
    lines.append("UNITS := " + " ".join(f"$(UNITS_{name})" for name in formats))
    for unit in found:
        prerequisites = " ".join(_relative(p) for p in (*unit.inputs, *unit.needs))
        lines += ["", f"{_relative(unit.target)}: {prerequisites} $(CODE_{unit.format}) "
                      "| $(STAMP)",
                  "\t$(PIPELINE) " + " ".join(unit.command())]
    return "\n".join(lines) + "\n"


def units_json(found: Sequence[Unit]) -> list[dict[str, object]]:
    return [{"article": u.slug, "lang": u.lang, "format": u.format,
             "target": _relative(u.target), "inputs": [_relative(p) for p in u.inputs],
             "code": [_relative(p) for p in u.code],
             "needs": [_relative(p) for p in u.needs], "command": u.command()}
            for u in found]


def _relative(path: Path) -> str:
    """A path as Make sees it: relative to the working folder when inside it."""
    return _relative_text(str(path), os.getcwd())


@cache  # a library's units share most of their inputs (the code above all)
def _relative_text(path: str, folder: str) -> str:
    absolute = os.path.abspath(path)
    inside = absolute.startswith(folder.rstrip(os.sep) + os.sep)
    return os.path.relpath(absolute, folder) if inside else absolute
