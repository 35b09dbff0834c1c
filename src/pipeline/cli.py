"""The ``pipeline`` command: one subcommand per stage, exit 0 ok, 1 input error, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
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
from pipeline.config import Config, load_settings, make_config
from pipeline.errors import PipelineError
from pipeline.labels import DOMAIN as LABELS_DOMAIN
from pipeline.labels import english_labels
from pipeline.locales import check_locale
from pipeline.merge import FUZZY, changed, merge
from pipeline.model import Document, iter_segments, to_json
from pipeline.output import atomic_write
from pipeline.report import LanguageReport, table
from pipeline.source import parse_file
from pipeline.translate import coverage, labels_coverage

Command = Callable[[argparse.Namespace], int]


def _config(args: argparse.Namespace) -> Config:
    settings, origin = load_settings()
    options = {key: getattr(args, key, None)
               for key in ("threshold", "paper", "engine", "strict")}
    return make_config(settings, origin, source=args.source, locales=args.locales,
                       output=args.output, **options)


def _documents(config: Config, slugs: Sequence[str] = ()) -> list[Document]:
    paths = [config.article(slug) for slug in slugs] if slugs else config.articles()
    return [parse_file(path) for path in paths]


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse one source article and print its document model."""
    document = parse_file(Path(args.file))
    if args.json:
        json.dump(to_json(document), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        segments = sum(1 for _ in iter_segments(document))
        print(f"{document.path}: '{document.meta.title.text}' ({document.lang}), "
              f"{len(document.sections())} sections, {segments} segments")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    """Write locales/<slug>.pot for each article and locales/pipeline.pot for the labels."""
    config = _config(args)
    documents = _documents(config)
    templates = [(document_template(d), Catalogs(config.locales, d.slug).template())
                 for d in documents]
    labels_path = Catalogs(config.locales, LABELS_DOMAIN).template()
    templates.append((labels_template(english_labels()), labels_path))
    for template, path in templates:
        written = write_template(template, path)
        print(f"{path}: {len(template)} entries, {'written' if written else 'unchanged'}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Start the catalogs of a new language from the templates."""
    config = _config(args)
    lang = check_locale(args.lang)
    for document in _documents(config):
        catalogs = Catalogs(config.locales, document.slug)
        for template, path in ((document_template(document), catalogs.catalog(lang)),
                               (labels_template(english_labels()),
                                catalogs.catalog(lang, LABELS_DOMAIN))):
            if path.exists():
                print(f"{path}: exists, left as it is (use 'pipeline update')")
                continue
            write_catalog(new_catalog(template, lang), path)
            print(f"{path}: created, {len(template)} entries to translate")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Merge the current source into every catalog; no translation is ever lost."""
    config = _config(args)
    labels = labels_template(english_labels())
    for document in _documents(config):
        catalogs = Catalogs(config.locales, document.slug)
        template = document_template(document)
        for lang in catalogs.languages():
            _update_one(template, catalogs.catalog(lang), lang)
            _update_one(labels, catalogs.catalog(lang, LABELS_DOMAIN), lang)
    return 0


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


def cmd_check(args: argparse.Namespace) -> int:
    """msgfmt --check plus markup, number and disclaimer checks on every catalog."""
    config = _config(args)
    problems: list[PipelineError] = []
    checked = 0
    for document in _documents(config):
        catalogs = Catalogs(config.locales, document.slug)
        roles = {key: segment.role for key, segment in keyed_segments(document)}
        for lang in catalogs.languages():
            for path in (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN)):
                if path.exists():
                    problems += check_catalog(path, roles if path.stem != LABELS_DOMAIN else {})
                    checked += 1
    for problem in problems:
        print(problem)
    print(f"{checked} catalogs checked, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    """Per language: translated, fuzzy and untranslated entries and words; review status."""
    config = _config(args)
    reports = []
    for document in _documents(config):
        catalogs = Catalogs(config.locales, document.slug)
        for lang in catalogs.languages():
            po = read_catalog(catalogs.catalog(lang))
            labels_path = catalogs.catalog(lang, LABELS_DOMAIN)
            labels_po = read_catalog(labels_path) if labels_path.exists() else None
            reports.append(LanguageReport(
                document.slug, lang, coverage(document, po), review_status(po),
                labels_coverage(document.labels, labels_po) if labels_po else None))
    print(table(reports))
    path = config.output / "report.json"
    atomic_write(path, json.dumps([r.as_json() for r in reports], ensure_ascii=False,
                                  indent=2).encode("utf-8") + b"\n")
    print(f"written: {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Turn a patient-education article into large-print PDFs and narrated "
                    "MP3s in every language that has a catalog.")
    parser.add_argument("--source", type=Path, default=Path("source"),
                        help="folder of source articles (default: source)")
    parser.add_argument("--locales", type=Path, default=Path("locales"),
                        help="folder of translation catalogs (default: locales)")
    parser.add_argument("--output", type=Path, default=Path("output"),
                        help="folder for the built files (default: output)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Command, *, slugs: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=(run.__doc__ or "").splitlines()[0],
                                  description=run.__doc__)
        sub.set_defaults(run=run)
        if slugs:
            sub.add_argument("slugs", nargs="*", metavar="ARTICLE",
                             help="article slugs, e.g. baclofen (default: all)")
        return sub

    parse = command("parse", cmd_parse)
    parse.add_argument("file", help="the source article, e.g. source/baclofen.md")
    parse.add_argument("--json", action="store_true", help="print the whole model as JSON")
    command("extract", cmd_extract)
    init = command("init", cmd_init)
    init.add_argument("--lang", required=True, help="gettext locale name, e.g. es or zh_Hans")
    command("update", cmd_update)
    command("check", cmd_check)
    command("report", cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    run: Command = args.run
    try:
        return run(args)
    except PipelineError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pipeline: interrupted; finished outputs are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
