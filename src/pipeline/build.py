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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pipeline
from pipeline import builders
from pipeline.builders import Job
from pipeline.catalog import Catalogs, read_catalog
from pipeline.config import Config
from pipeline.labels import DOMAIN as LABELS_DOMAIN
from pipeline.locales import check_locale, to_gettext
from pipeline.model import Document
from pipeline.resources import Resources
from pipeline.translate import load_translation, unready
from pipeline.workflow import documents

PACKAGE = Path(pipeline.__file__).parent


def languages(config: Config, document: Document, chosen: Sequence[str] | None) -> list[str]:
    """The languages to build: those asked for, or the source's plus every catalog's that
    is ready (a language not ready yet is left out with a notice; asked for, it fails)."""
    if chosen:
        return [check_locale(lang) for lang in chosen]
    source = to_gettext(document.lang)
    catalogs = Catalogs(config.locales, document.slug)
    ready = [source]
    for lang in catalogs.languages():
        if lang == source:
            continue
        # Only counted here, so without msgfmt (a library has thousands of catalogs):
        # the build of the language reads it again, fully checked.
        catalog = read_catalog(catalogs.catalog(lang), msgfmt_passed=True)
        reason = unready(document, catalog, config.threshold)
        if reason:
            print(f"{catalogs.catalog(lang)}: notice: {reason}, so '{lang}' is left out "
                  f"(name it with --lang / LANGS to see the error)", file=sys.stderr)
            continue
        ready.append(lang)
    return ready


def build(config: Config, slugs: Sequence[str], langs: Sequence[str] | None,
          formats: Sequence[str]) -> None:
    """Build ``formats`` of each article in each language, one line per file made."""
    chosen = [builders.load(name) for name in formats]
    for document in documents(config, slugs):
        Resources.of(document, config.source)  # an image leading outside fails here, first
        for lang in languages(config, document, langs):
            job = Job(config, document, load_translation(config, document, lang), lang)
            for builder in chosen:
                if builder.translations_only and lang == to_gettext(document.lang):
                    continue
                started = time.perf_counter()
                summary = builder.build(job)
                print(f"{builder.name}: {lang} {document.slug} -> {summary}; "
                      f"{time.perf_counter() - started:.1f} s", file=sys.stderr)


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


def units(config: Config, slugs: Sequence[str], langs: Sequence[str] | None,
          formats: Sequence[str]) -> list[Unit]:
    """Every unit of a build, in the order it is best started (formats as listed)."""
    found = []
    for document in documents(config, slugs):
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
    catalog_files = (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN))
    inputs = [Path(document.path), *(p for p in images if p.is_file()),
              *(p for p in catalog_files if p.is_file()),
              *builder.inputs(config, document.slug, lang)]
    needs = tuple(config.output / lang / f"{document.slug}{builders.load(need).suffix}"
                  for need in builder.needs)
    target = config.output / lang / f"{document.slug}{builder.suffix}"
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
