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

from pipeline.catalogs import review
from pipeline.catalogs.catalog import (
    Catalogs,
    Key,
    dated_as_written,
    document_template,
    keyed_segments,
    labels_template,
    new_catalog,
    project_languages,
    project_root,
    read_catalog,
    write_catalog,
    write_template,
)
from pipeline.catalogs.checks import check_catalog, document_roles, msgstr_line
from pipeline.catalogs.merge import FUZZY, changed, merge
from pipeline.catalogs.translate import (
    coverage,
    fallbacks,
    find_entry,
    index,
    labels_coverage,
    source_coverage,
    translate,
    unready,
    usable,
)
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale, to_gettext
from pipeline.model import Document
from pipeline.output import atomic_write
from pipeline.resources import Resources
from pipeline.source.documents import documents
from pipeline.source.labels import DOMAIN as LABELS_DOMAIN
from pipeline.source.labels import english_labels
from pipeline.translators.readability import measure
from pipeline.translators.report import (
    LanguageReport,
    listening,
    listening_table,
    readability_table,
    table,
)


def templates(config: Config, articles: Sequence[Document]) -> list[tuple[polib.POFile, Path]]:
    """Each article's template, then the labels', built in memory, with where each lives."""
    root = project_root(config.source)
    found = [(document_template(d, root=root), Catalogs(config.locales, d.slug).template())
             for d in articles]
    found.append((labels_template(english_labels()),
                  Catalogs(config.locales, LABELS_DOMAIN).template()))
    return found


def extract(config: Config) -> list[tuple[Document, Path]]:
    """Write every template that changed; return each article with its template's path."""
    articles = documents(config)
    found = templates(config, articles)
    for template, path in found:
        written = write_template(template, path)
        print(f"{path}: {len(template)} entries, {'written' if written else 'unchanged'}")
    return [(document, path) for document, (_, path) in zip(articles, found, strict=False)]


def init(config: Config, lang: str) -> None:
    """Start the catalogs of a new language from the source; never overwrite one.

    The templates are made in memory: a ``.pot`` under version control is only written
    by ``extract`` (and ``update``), when asked.
    """
    articles = documents(config)
    found = [(dated_as_written(template, path), path)
             for template, path in templates(config, articles)]
    labels, _ = found.pop()
    for document, (template, _) in zip(articles, found, strict=True):
        _create(template, Catalogs(config.locales, document.slug).catalog(lang), lang)
    _create(labels, Catalogs(config.locales, LABELS_DOMAIN).catalog(lang), lang)


def _create(template: polib.POFile, path: Path, lang: str) -> None:
    if path.exists():
        print(f"{path}: exists, left as it is (use 'pipeline update')")
        return
    write_catalog(new_catalog(template, lang), path)
    print(f"{path}: created, {len(template)} entries")


def update(config: Config) -> None:
    """Merge the current source into every catalog; no translation is ever lost. A new
    article gets its catalog in every language the project has."""
    # Merge from the templates on disk: their dates only change with their content.
    articles = extract(config)
    languages = project_languages(config.locales)
    for document, template_path in articles:
        catalogs = Catalogs(config.locales, document.slug)
        template = read_catalog(template_path)
        for lang in languages:
            # An article is read as written in its own language: no catalog is started.
            if lang != to_gettext(document.lang) or catalogs.catalog(lang).exists():
                _update_one(template, catalogs.catalog(lang), lang)
    labels = Catalogs(config.locales, LABELS_DOMAIN)
    labels_pot = read_catalog(labels.template())
    for lang in languages:
        _update_one(labels_pot, labels.catalog(lang), lang)


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


def check(config: Config, slugs: Sequence[str] = (), langs: Sequence[str] | None = None
          ) -> tuple[int, list[PipelineError]]:
    """msgfmt --check and every content rule on the catalogs of the articles named (default:
    all) in the languages named (default: every one with a catalog), each language's
    ``pipeline.po`` included; a catalog not ready to build also lists its untranslated and
    fuzzy entries. Returns (catalogs checked, problems)."""
    chosen = [check_locale(lang) for lang in langs] if langs else None
    problems: list[PipelineError] = []
    checked: list[Path] = []
    for document in documents(config, slugs):
        Resources.of(document, config.source)  # images must not lead outside the folder
        catalogs = Catalogs(config.locales, document.slug)
        source = to_gettext(document.lang)
        for lang in [lang for lang in chosen if lang != source] if chosen \
                else catalogs.languages():
            for path in (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN)):
                if path in checked or (path.stem == LABELS_DOMAIN and not path.exists()):
                    continue  # one pipeline.po serves every article; it may be missing
                problems += _check_catalog(config, document, lang, path)
                checked += [path] if path.exists() else []
    return len(checked), problems


def _check_catalog(config: Config, document: Document, lang: str, path: Path
                   ) -> list[PipelineError]:
    """The problems of one catalog; for an article's, its unfinished entries too if it is
    not ready to build."""
    if path.stem == LABELS_DOMAIN:
        return check_catalog(path, {})[1]
    if not path.exists():  # only when the language was named
        return [PipelineError(f"no catalog for '{lang}': create it with "
                              f"'pipeline init --lang {lang}'", path)]
    po, problems = check_catalog(path, document_roles(document),
                                 source_lang=to_gettext(document.lang))
    reason = None if po is None else unready(document, po, config.threshold)
    if po is None or reason is None:
        return problems
    reported = {problem.line for problem in problems}
    return [*problems,
            PipelineError(f"{reason}, so '{lang}' is not built: its untranslated and fuzzy "
                          "entries follow", path),
            *(p for p in unfinished(path, po, document) if p.line not in reported)]


def unfinished(path: Path, po: polib.POFile, document: Document) -> list[PipelineError]:
    """Each entry of ``document`` that ``po`` leaves untranslated or fuzzy (or lacks), as
    ``path:line: untranslated: "first words…"``, in line order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    entries = index(po)
    found: dict[Key, tuple[int, str]] = {}
    for key, segment in keyed_segments(document):
        entry = find_entry(entries, segment)
        if entry is None:
            found[key] = (0, "not in the catalog (run 'pipeline update'): "
                             + _first_words(segment.text))
        elif not usable(entry):
            state = "fuzzy" if entry.msgstr.strip() else "untranslated"
            found[key] = (msgstr_line(lines, entry), f"{state}: {_first_words(entry.msgid)}")
    return [PipelineError(message, path, line)
            for line, message in sorted(found.values(), key=lambda item: item[0])]


def _first_words(text: str, count: int = 6) -> str:
    words = text.split()
    return f'"{" ".join(words[:count])}{"…" if len(words) > count else ""}"'


def report(config: Config) -> list[LanguageReport]:
    """Coverage, fallback, review and readability per article and language (the source's
    first; a language of the project without this article's catalog has a row saying
    so): printed as tables and written as JSON."""
    reports = []
    languages = project_languages(config.locales)
    for document in documents(config):
        catalogs = Catalogs(config.locales, document.slug)
        source = to_gettext(document.lang)
        reports.append(LanguageReport(document.slug, source, source_coverage(document),
                                      None, None, measure(document, config.cache)))
        for lang in languages:
            if lang == source:
                continue
            if not catalogs.catalog(lang).is_file():
                reports.append(LanguageReport(document.slug, lang, coverage(document, None),
                                              None, None, fallback=None, catalog=False))
                continue
            reports.append(_language_report(config, document, lang))
    print(table(reports))
    print()
    print(readability_table(reports))
    if heard := listening_table(reports, config.output):
        print()
        print(heard)
    for item in reports:
        if item.readability is not None and item.readability.warning:
            print(f"warning: {item.slug} ({item.lang}): {item.readability.warning}",
                  file=sys.stderr)
    path = config.output / "report.json"
    # a book's listening check (make listen), where one was run
    data = [{**r.as_json(), **({"listening": check} if (check := listening(
        config.output, r.slug, r.lang)) else {})} for r in reports]
    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") + b"\n")
    print(f"written: {path}", file=sys.stderr)
    return reports


def _language_report(config: Config, document: Document, lang: str) -> LanguageReport:
    """One translation's figures, as the outputs would show it now."""
    catalogs = Catalogs(config.locales, document.slug)
    po = read_catalog(catalogs.catalog(lang))
    labels_path = catalogs.catalog(lang, LABELS_DOMAIN)
    labels_po = read_catalog(labels_path) if labels_path.exists() else None
    translated = translate(document, po, labels_po, lang=lang)
    state = review.state_of(review.path_for(config.locales, lang, document.slug),
                            document.slug, document, translated)
    fallback = len({(s.role, s.text) for s in fallbacks(translated)})
    return LanguageReport(document.slug, lang, coverage(document, po), state,
                          labels_coverage(document.labels, labels_po) if labels_po else None,
                          measure(translated, config.cache), fallback)
