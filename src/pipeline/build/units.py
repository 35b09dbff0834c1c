"""The unit list: each file a build makes (an article in one language and one format),
with every file it is made from.

Make's rules (``pipeline units --make``) and Snakemake's jobs (``--json``) are made from
it, so there is no second, hand-kept list of dependencies to drift. ``plan`` says which
languages of an article are built, and why the others are left out.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pipeline
from pipeline.build import registry
from pipeline.catalogs import review
from pipeline.catalogs.catalog import Catalogs, read_catalog
from pipeline.catalogs.translate import load_translation, unready
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale, to_gettext
from pipeline.model import Document
from pipeline.output import atomic_write
from pipeline.source.documents import articles
from pipeline.source.labels import DOMAIN as LABELS_DOMAIN

PACKAGE = Path(pipeline.__file__).parent


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


def handouts(config: Config) -> set[tuple[str, str]]:
    """Every (article, language) a build of the whole library makes now (``plan``, with
    ``config.reviewed_only``): what may be published. An article that cannot be read has
    none: what was built of it before is not current."""
    return {(slug, lang) for slug, document in articles(config, ())
            if not isinstance(document, PipelineError)
            for lang, reason in plan(config, document, None) if reason is None}


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
            print(f"{catalog_path(config, document, lang)}: notice: {reason}, so '{lang}' is left "
                  "out (name it with --lang / LANGS to see the error)", file=sys.stderr)
    return built


def catalog_path(config: Config, document: Document, lang: str) -> Path:
    return Catalogs(config.locales, document.slug).catalog(lang)


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
            found += language_units(config, document, lang, formats)
    return sorted(found, key=lambda unit: formats.index(unit.format))


def language_units(config: Config, document: Document, lang: str,
                   formats: Sequence[str] | None = None) -> list[Unit]:
    """The units of one article in one language (every format's, or those of
    ``formats``), in build order: what one ``pipeline build --outdated`` process makes."""
    return [unit_for(config, document, lang, name) for name in formats or registry.names()
            if not (registry.load(name).translations_only
                    and lang == to_gettext(document.lang))]


def unit_for(config: Config, document: Document, lang: str, name: str) -> Unit:
    builder = registry.load(name)
    catalogs = Catalogs(config.locales, document.slug)
    images = (config.source / figure.src for figure in document.figures())
    catalog_files = (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN),
                     review.path_for(config.locales, lang, document.slug))
    inputs = [Path(document.path), *(p for p in images if p.is_file()),
              *(p for p in catalog_files if p.is_file()),
              *builder.inputs(config, document.slug, lang),
              *(registry.setting_file(config, name) for name in builder.settings)]
    source_lang = lang == to_gettext(document.lang)  # translations_only formats: none
    needs = tuple(registry.load(need).target(config.output, document.slug, lang)
                  for need in builder.needs
                  if not (source_lang and registry.load(need).translations_only))
    target = builder.target(config.output, document.slug, lang)
    return Unit(document.slug, lang, name, target, tuple(inputs), tuple(code_files(builder)),
                needs)


def code_files(builder: registry.Builder) -> list[Path]:
    """The pipeline's own files a builder's units run: the shared code and its own."""
    found: set[Path] = set()
    for name in (*registry.SHARED_CODE, *builder.code):
        path = PACKAGE / name
        if path.is_dir():
            found.update(p for p in path.rglob("*")
                         if p.is_file() and "__pycache__" not in p.parts)
        else:
            found.add(path)
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Group:
    """Every unit of one article in one language: made by one process, which reads the
    article and the catalog once and builds the formats that are out of date."""

    slug: str
    lang: str
    units: tuple[Unit, ...]

    @property
    def targets(self) -> tuple[Path, ...]:
        return tuple(unit.target for unit in self.units)

    @property
    def inputs(self) -> tuple[Path, ...]:
        """Every unit's inputs, each once, in order (not the group's own targets)."""
        return tuple(dict.fromkeys(path for unit in self.units for path in unit.inputs))

    def command(self, options: Sequence[str] = ()) -> list[str]:
        """The arguments of ``pipeline`` that make whatever is out of date (``options``:
        more of them, e.g. the formats asked for)."""
        return ["build", "--outdated", *options, "--lang", self.lang, self.slug]


def groups(found: Sequence[Unit]) -> list[Group]:
    """The units by article and language, in the order each group's first unit comes."""
    grouped: dict[tuple[str, str], list[Unit]] = {}
    for unit in found:
        grouped.setdefault((unit.slug, unit.lang), []).append(unit)
    order = registry.names()
    return [Group(slug, lang, tuple(sorted(members, key=lambda u: order.index(u.format))))
            for (slug, lang), members in grouped.items()]


@dataclass(frozen=True, slots=True)
class Collect:
    """A format's step over all its units (``Builder.collect``): run after them, made
    again when one of them or what they read changes."""

    format: str
    target: Path
    command: tuple[str, ...]
    units: tuple[Unit, ...]

    @property
    def inputs(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(path for unit in self.units for path in unit.inputs))


def collects(found: Sequence[Unit], formats: Sequence[str], output: Path,
             options: Sequence[str] = ()) -> list[Collect]:
    """The collect steps of ``formats`` that have one and units to collect (``options``:
    how the units were planned, e.g. ``--reviewed-only``, which a step plans again)."""
    steps = []
    for name in formats:
        builder, members = registry.load(name), tuple(u for u in found if u.format == name)
        target = builder.collected(output)
        if builder.collect and target is not None and members:
            steps.append(Collect(name, target, (*builder.collect, *options), members))
    return steps


def make_rules(found: Sequence[Unit], formats: Sequence[str], output: Path,
               options: Sequence[str] = ()) -> str:
    """The units as Make rules: one rule per article and language whose targets are its
    formats' files (grouped targets, ``&:``), run once for all of them. Recipes use the
    Makefile's ``$(PIPELINE)``, ``$(FORMAT_OPTIONS)`` (the formats asked for, as in
    ``make pdf``) and ``$(STAMP)``."""
    code = sorted({path for unit in found for path in unit.code})
    lines = ["# Generated by `pipeline units --make` from the builders: do not edit.",
             "CODE := " + " ".join(_relative(p) for p in code),
             "FORMATS := " + " ".join(formats)]
    for name in formats:
        of_format = [u for u in found if u.format == name]
        lines += [f"UNITS_{name} := " + " ".join(_relative(u.target) for u in of_format),
                  f".PHONY: {name}", f"{name}: $(UNITS_{name})"]
    steps = collects(found, formats, output, options)
    for step in steps:  # `make site`: the handouts' folders, then the site's lists
        lines += [f"{step.format}: {_relative(step.target)}"]
    lines.append("UNITS := " + " ".join(f"$(UNITS_{name})" for name in formats)
                 + "".join(f" {_relative(step.target)}" for step in steps))
    for step in steps:
        prerequisites = " ".join(_relative(p) for p in (*step.inputs,
                                                         *(u.target for u in step.units)))
        # It writes only the files whose bytes change: its target is dated by hand. It
        # runs again when the unit list does (Make's own unit list: a catalog deleted or
        # no longer ready leaves no newer file, but a plan without its units).
        lines += ["", f"{_relative(step.target)}: {prerequisites} $(CODE) $(UNITS_MK) "
                  "| $(STAMP)",
                  "\t$(PIPELINE) " + " ".join(step.command) + " && touch $@"]
    for group in groups(found):
        targets = " ".join(_relative(p) for p in group.targets)
        prerequisites = " ".join(_relative(p) for p in group.inputs)
        lines += ["", f"{targets} &: {prerequisites} $(CODE) | $(STAMP)",
                  "\t$(PIPELINE) " + " ".join(group.command(["$(FORMAT_OPTIONS)"]))]
    return "\n".join(lines) + "\n"


def units_json(found: Sequence[Unit], formats: Sequence[str], output: Path,
               options: Sequence[str] = ()) -> dict[str, object]:
    """The units for Snakemake: each format's code once, then one entry per article and
    language with its units (what each reads, what it needs) and its one command, then
    the collect steps."""
    code: dict[str, list[str]] = {}
    digests: dict[str, str] = {}
    for unit in found:
        if unit.format not in code:
            code[unit.format] = [_relative(p) for p in unit.code]
            digests[unit.format] = _relative(code_digest(output, unit.format, unit.code))
    return {"code": code, "code_digest": digests, "collect": [
        {"format": step.format, "target": _relative(step.target), "command": step.command,
         "inputs": [_relative(p) for p in step.inputs],
         "needs": [_relative(u.target) for u in step.units]}
        for step in collects(found, formats, output, options)], "groups": [
        {"article": group.slug, "lang": group.lang, "command": group.command(),
         "targets": [_relative(p) for p in group.targets],
         "inputs": [_relative(p) for p in group.inputs],
         "resources": _resources([registry.load(u.format).resources for u in group.units]),
         "units": [{"format": u.format, "target": _relative(u.target),
                    "inputs": [_relative(p) for p in u.inputs],
                    "needs": [_relative(p) for p in u.needs], "command": u.command(),
                    "resources": dict(registry.load(u.format).resources)}
                   for u in group.units]}
        for group in groups(found)]}


def code_digest(output: Path, name: str, code: Sequence[Path]) -> Path:
    """A file holding the SHA-256 of a format's code, rewritten only when the code
    changes: what Snakemake's jobs depend on instead of the ~90 files themselves (each
    of 2,000 jobs listing them all is most of its planning time). The process still
    compares each format's own files (``pipeline build --outdated``)."""
    digest = hashlib.sha256()
    for path in code:
        digest.update(f"{path.relative_to(PACKAGE)}\0".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    path = output / ".make" / "code" / f"{name}.sha256"
    value = f"{digest.hexdigest()}\n".encode()
    if not path.is_file() or path.read_bytes() != value:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, value)
    return path


def _resources(each: Sequence[Mapping[str, int]]) -> dict[str, int]:
    """What one process making several units asks of a machine: the largest memory
    (they run one after another) and the sum of the times."""
    return {"mem_mb": max(r["mem_mb"] for r in each),
            "runtime": sum(r["runtime"] for r in each)}


def _relative(path: Path) -> str:
    """A path as Make sees it: relative to the working folder when inside it."""
    return _relative_text(str(path), os.getcwd())


@cache  # a library's units share most of their inputs (the code above all)
def _relative_text(path: str, folder: str) -> str:
    absolute = os.path.abspath(path)
    inside = absolute.startswith(folder.rstrip(os.sep) + os.sep)
    return os.path.relpath(absolute, folder) if inside else absolute
