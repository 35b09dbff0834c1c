"""The ``pipeline`` command: one subcommand per stage, exit 0 ok, 1 input error, 2 usage."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import polib

from pipeline.catalog import (
    Catalogs,
    creation_date,
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
from pipeline.locales import check_locale, to_gettext
from pipeline.merge import FUZZY, changed, merge
from pipeline.model import Document, iter_segments, to_json
from pipeline.output import atomic_write, exclusive
from pipeline.report import LanguageReport, table
from pipeline.source import parse_file
from pipeline.translate import coverage, labels_coverage, load_translation

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
    _extract(_config(args))
    return 0


def _extract(config: Config) -> list[tuple[Document, Path]]:
    """Write every template that changed; return each article with its template's path."""
    documents = _documents(config)
    templates = [(document_template(d), Catalogs(config.locales, d.slug).template())
                 for d in documents]
    templates.append((labels_template(english_labels()),
                      Catalogs(config.locales, LABELS_DOMAIN).template()))
    for template, path in templates:
        written = write_template(template, path)
        print(f"{path}: {len(template)} entries, {'written' if written else 'unchanged'}")
    return [(document, path) for document, (_, path) in zip(documents, templates, strict=False)]


def cmd_init(args: argparse.Namespace) -> int:
    """Start the catalogs of a new language from the templates."""
    config = _config(args)
    lang = check_locale(args.lang)
    labels_path = Catalogs(config.locales, LABELS_DOMAIN).template()
    for document, template_path in _extract(config):
        catalogs = Catalogs(config.locales, document.slug)
        for template, path in ((template_path, catalogs.catalog(lang)),
                               (labels_path, catalogs.catalog(lang, LABELS_DOMAIN))):
            if path.exists():
                print(f"{path}: exists, left as it is (use 'pipeline update')")
                continue
            write_catalog(new_catalog(read_catalog(template), lang), path)
            print(f"{path}: created from {template}")
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Merge the current source into every catalog; no translation is ever lost."""
    config = _config(args)
    # Merge from the templates on disk: their dates only change with their content.
    articles = _extract(config)
    labels = read_catalog(Catalogs(config.locales, LABELS_DOMAIN).template())
    for document, template_path in articles:
        catalogs = Catalogs(config.locales, document.slug)
        template = read_catalog(template_path)
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


def _languages(config: Config, document: Document, chosen: Sequence[str] | None) -> list[str]:
    """The languages to build: those asked for, or the source's plus every catalog's."""
    if chosen:
        return [check_locale(lang) for lang in chosen]
    source = to_gettext(document.lang)
    return [source, *(lang for lang in Catalogs(config.locales, document.slug).languages()
                      if lang != source)]


def cmd_pdf(args: argparse.Namespace) -> int:
    """Build the large-print PDF of each article in each language."""
    return _build(args, pdf=True, audio=False)


def cmd_audio(args: argparse.Namespace) -> int:
    """Build the narrated MP3 (and per-section tracks) of each article in each language."""
    return _build(args, pdf=False, audio=True)


def cmd_build(args: argparse.Namespace) -> int:
    """Build every output: the PDF and the MP3 of each article in each language."""
    return _build(args, pdf=True, audio=True)


def _build(args: argparse.Namespace, *, pdf: bool, audio: bool) -> int:
    config = _config(args)
    for document in _documents(config, args.slugs):
        for lang in _languages(config, document, args.lang):
            translated = load_translation(config, document, lang)
            if pdf:
                _build_pdf(config, translated, lang)
            if audio:
                _build_audio(config, translated, lang)
    return 0


def _build_pdf(config: Config, document: Document, lang: str) -> None:
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


def _build_audio(config: Config, document: Document, lang: str) -> None:
    from pipeline.audio.book import build_audio

    started = time.perf_counter()
    target = config.output / lang / f"{document.slug}.mp3"
    with exclusive(target, config.cache / "locks"):
        book = build_audio(document, config, target=target,
                           tracks=config.output / lang / document.slug)
    voices = ", ".join(f"{code}: {voice}" for code, voice in book.tally.voices.items())
    print(f"audio: {lang} {document.slug} -> {target}: {book.seconds / 60:.1f} min, "
          f"{book.chapters} chapters, {book.loudness:.1f} LUFS; "
          f"{book.tally.synthesised} utterances synthesised, {book.tally.reused} reused "
          f"({voices}); {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _reproducible_date() -> dt.datetime | None:
    """The build date to stamp into outputs: only when SOURCE_DATE_EPOCH asks for one."""
    return creation_date() if "SOURCE_DATE_EPOCH" in os.environ else None


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
    pdf = command("pdf", cmd_pdf, slugs=True)
    pdf.add_argument("--lang", action="append", help="language to build (repeatable; "
                     "default: the source language and every language with a catalog)")
    pdf.add_argument("--paper", help="A4 or Letter (default: by the language's territory)")
    audio = command("audio", cmd_audio, slugs=True)
    build = command("build", cmd_build, slugs=True)
    for sub in (audio, build):
        sub.add_argument("--lang", action="append", help="language to build (repeatable; "
                         "default: the source language and every language with a catalog)")
        sub.add_argument("--engine", help="speech engine for every language: piper, espeak "
                         "or gtts (gtts needs the network; default: piper where a voice "
                         "exists, else espeak)")
    build.add_argument("--paper", help="A4 or Letter (default: by the language's territory)")
    for sub in (pdf, audio, build):
        sub.add_argument("--threshold", type=float,
                         help="share of entries that must be translated (default 0.8)")
        sub.add_argument("--strict", action="store_true", default=None,
                         help="fail when any text would fall back to the source language")
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
    except BrokenPipeError:  # e.g. `pipeline report | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
