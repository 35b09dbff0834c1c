"""The translators' workflow over a whole project: extract, init, update, check, report.

Each function reads the source and catalogs, writes what changed, and says so
in one line per file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import polib

from pipeline.catalog import (
    Catalogs,
    document_template,
    keyed_segments,
    labels_template,
    new_catalog,
    read_catalog,
    review_status,
    write_catalog,
    write_template,
)
from pipeline.checks import check_catalog
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.labels import DOMAIN as LABELS_DOMAIN
from pipeline.labels import english_labels
from pipeline.locales import to_gettext
from pipeline.merge import FUZZY, changed, merge
from pipeline.model import Document
from pipeline.output import atomic_write
from pipeline.readability import measure
from pipeline.report import LanguageReport, readability_table, table
from pipeline.resources import Resources
from pipeline.source import parse_file
from pipeline.translate import coverage, labels_coverage, source_coverage, translate


def documents(config: Config, slugs: Sequence[str] = ()) -> list[Document]:
    """The parsed source articles: those named, or all of them."""
    paths = [config.article(slug) for slug in slugs] if slugs else config.articles()
    return [parse_file(path) for path in paths]


def extract(config: Config) -> list[tuple[Document, Path]]:
    """Write every template that changed; return each article with its template's path."""
    articles = documents(config)
    templates = [(document_template(d), Catalogs(config.locales, d.slug).template())
                 for d in articles]
    templates.append((labels_template(english_labels()),
                      Catalogs(config.locales, LABELS_DOMAIN).template()))
    for template, path in templates:
        written = write_template(template, path)
        print(f"{path}: {len(template)} entries, {'written' if written else 'unchanged'}")
    return [(document, path) for document, (_, path) in zip(articles, templates, strict=False)]


def init(config: Config, lang: str) -> None:
    """Start the catalogs of a new language from the templates; never overwrite one."""
    labels_path = Catalogs(config.locales, LABELS_DOMAIN).template()
    for document, template_path in extract(config):
        catalogs = Catalogs(config.locales, document.slug)
        for template, path in ((template_path, catalogs.catalog(lang)),
                               (labels_path, catalogs.catalog(lang, LABELS_DOMAIN))):
            if path.exists():
                print(f"{path}: exists, left as it is (use 'pipeline update')")
                continue
            write_catalog(new_catalog(read_catalog(template), lang), path)
            print(f"{path}: created from {template}")


def update(config: Config) -> None:
    """Merge the current source into every catalog; no translation is ever lost."""
    # Merge from the templates on disk: their dates only change with their content.
    articles = extract(config)
    labels = read_catalog(Catalogs(config.locales, LABELS_DOMAIN).template())
    for document, template_path in articles:
        catalogs = Catalogs(config.locales, document.slug)
        template = read_catalog(template_path)
        for lang in catalogs.languages():
            _update_one(template, catalogs.catalog(lang), lang)
            _update_one(labels, catalogs.catalog(lang, LABELS_DOMAIN), lang)


def _update_one(template: polib.POFile, path: Path, lang: str) -> None:
    if not path.exists():
        write_catalog(new_catalog(template, lang), path)
        print(f"{path}: created")
        return
    before = read_catalog(path)
    after = merge(before, template)
    if not changed(before, after):
        print(f"{path}: up to date")
        return
    write_catalog(after, path)
    fuzzy = sum(1 for e in after if not e.obsolete and FUZZY in e.flags)
    empty = sum(1 for e in after if not e.obsolete and not e.msgstr)
    obsolete = sum(1 for e in after if e.obsolete)
    print(f"{path}: updated: {fuzzy} fuzzy, {empty} untranslated, {obsolete} obsolete")


def check(config: Config) -> tuple[int, list[PipelineError]]:
    """msgfmt --check plus markup, number and disclaimer checks: (catalogs, problems)."""
    problems: list[PipelineError] = []
    checked = 0
    for document in documents(config):
        Resources.of(document, config.source)  # images must not lead outside the folder
        catalogs = Catalogs(config.locales, document.slug)
        roles = {key: segment.role for key, segment in keyed_segments(document)}
        for lang in catalogs.languages():
            for path in (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN)):
                if path.exists():
                    problems += check_catalog(path, roles if path.stem != LABELS_DOMAIN else {})
                    checked += 1
    return checked, problems


def report(config: Config) -> list[LanguageReport]:
    """Coverage and readability per article and language (the source's first): printed
    as tables and written as JSON."""
    reports = []
    for document in documents(config):
        catalogs = Catalogs(config.locales, document.slug)
        source = to_gettext(document.lang)
        reports.append(LanguageReport(document.slug, source, source_coverage(document),
                                      "source", None, measure(document, config.cache)))
        for lang in catalogs.languages():
            if lang == source:
                continue
            po = read_catalog(catalogs.catalog(lang))
            labels_path = catalogs.catalog(lang, LABELS_DOMAIN)
            labels_po = read_catalog(labels_path) if labels_path.exists() else None
            translated = translate(document, po, labels_po, lang=lang)
            reports.append(LanguageReport(
                document.slug, lang, coverage(document, po), review_status(po),
                labels_coverage(document.labels, labels_po) if labels_po else None,
                measure(translated, config.cache)))
    print(table(reports))
    print()
    print(readability_table(reports))
    for item in reports:
        if item.readability is not None and item.readability.warning:
            print(f"warning: {item.slug} ({item.lang}): {item.readability.warning}",
                  file=sys.stderr)
    path = config.output / "report.json"
    atomic_write(path, json.dumps([r.as_json() for r in reports], ensure_ascii=False,
                                  indent=2).encode("utf-8") + b"\n")
    print(f"written: {path}", file=sys.stderr)
    return reports
