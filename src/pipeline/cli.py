"""The ``pipeline`` command: one subcommand per stage, exit 0 ok, 1 input error, 2 usage."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.build import registry, release
from pipeline.build.run import build, statuses
from pipeline.build.status import Failure, summary
from pipeline.build.status import table as status_table
from pipeline.build.units import handouts, make_rules, units, units_json
from pipeline.catalogs import review
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config, load_settings, make_config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale, to_gettext
from pipeline.model import Review, iter_segments, to_json
from pipeline.output import creation_date
from pipeline.source.parse import parse_file
from pipeline.translators import commands

Command = Callable[[argparse.Namespace], int]


def _config(args: argparse.Namespace) -> Config:
    settings, origin = load_settings(file=args.settings)
    options = {key: getattr(args, key, None)
               for key in ("threshold", "paper", "engine", "strict", "reviewed_only",
                           "base_url")}
    return make_config(settings, origin, source=args.source, locales=args.locales,
                       output=args.output, **options)


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
    commands.extract(_config(args))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Start the catalogs of a new language from the source (no template is written)."""
    commands.init(_config(args), check_locale(args.lang))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Merge the current source into every catalog; no translation is ever lost. A new
    article gets its catalogs in every language the project has."""
    commands.update(_config(args))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """msgfmt --check plus markup, number, disclaimer, credit and source checks on the
    catalogs (of the articles and languages named, or all); a catalog not ready to build
    also lists its untranslated and fuzzy entries."""
    checked, problems = commands.check(_config(args), args.slugs, args.lang)
    for problem in problems:
        print(problem)
    print(f"{checked} catalog{'' if checked == 1 else 's'} checked, {len(problems)} "
          f"problem{'' if len(problems) == 1 else 's'}", file=sys.stderr)
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    """Per language: translated, fuzzy and untranslated entries and words; review status."""
    commands.report(_config(args))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build outputs: every format of each article in each language, or those named."""
    formats = args.format or list(registry.names())
    return _summarise(build(_config(args), args.slugs, args.lang, formats,
                            outdated_only=getattr(args, "outdated", False)))


def cmd_status(args: argparse.Namespace) -> int:
    """Each output as built, stale, missing, refused or failed, and why."""
    config, formats = _config(args), list(registry.names())
    if args.sweep:
        return _summarise(build(config, args.slugs, args.lang, formats, sweep_only=True))
    print(status_table(statuses(config, args.slugs, args.lang, formats), formats))
    return 0


def _summarise(failed: Sequence[Failure]) -> int:
    """After a build: what could not be built and why (exit 1), or nothing (exit 0). A
    lone failure with nothing set aside has said everything in its error line."""
    if len(failed) > 1 or any(f.moved for f in failed):
        order = registry.names()
        failed = sorted(failed, key=lambda f: (f.slug, f.lang, order.index(f.format)
                                               if f.format in order else -1))
        print("\n".join(summary(failed)), file=sys.stderr)
    return 1 if failed else 0


def cmd_review(args: argparse.Namespace) -> int:
    """Sign off one article's translation, as checked by a named reviewer: the outputs then
    say who reviewed it and when, until a source text or a translation changes."""
    config, lang = _config(args), check_locale(args.lang)
    source = parse_file(config.article(args.slug))
    if lang == to_gettext(source.lang):
        raise PipelineError(f"'{lang}' is the language '{args.slug}' is written in: "
                            "only translations are reviewed", source.path)
    signed = Review(args.by.strip(), (args.role or "").strip() or None,
                    args.date or creation_date().date())
    path = review.path_for(config.locales, lang, source.slug)
    count = review.sign_off(path, source.slug, source,
                            load_translation(config, source, lang), signed)
    print(f"{path}: '{source.slug}' in '{lang}' reviewed by {signed.who()}, "
          f"{signed.date.isoformat()}: {count} texts signed off")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    """Collect what may be handed out: the source's and the reviewed translations' outputs,
    built from the current text, in output/release/ with release.json."""
    folder = release.collect(_config(args), args.slugs, args.lang)
    print(f"{folder}: {folder / 'release.json'} lists every file, its SHA-256 and review",
          file=sys.stderr)
    return 0


def cmd_site(args: argparse.Namespace) -> int:
    """Publish the site in output/site/ from the handouts built for it (build --format
    site, or make site): the pages that list them, a podcast feed per language (with
    base_url), the stylesheet, and SHA256SUMS; only files whose bytes change are written.
    A handout the library no longer makes (catalog removed or not ready, article gone;
    with --reviewed-only, a review not current) is withdrawn from the site."""
    from pipeline.site.index import publish  # feedgen and lxml: only when asked

    config = _config(args)
    for line in publish(config, handouts(config)).lines(config.output / "site"):
        print(line, file=sys.stderr)
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    """List what a build makes, one file per article, language and format, with its inputs."""
    formats = args.format or list(registry.names())
    config = _config(args)
    found = units(config, args.slugs, args.lang, formats)
    # How these units were chosen, for the steps that plan them again (pipeline site).
    planned = [*(["--reviewed-only"] if args.reviewed_only else []),
               *(["--threshold", str(args.threshold)] if args.threshold is not None else [])]
    if args.make:
        sys.stdout.write(make_rules(found, formats, config.output, planned))
    elif args.json:
        json.dump(units_json(found, formats, config.output, planned), sys.stdout,
                  ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        for unit in found:
            print(f"{unit.target}  ({unit.format}, {len(unit.inputs)} inputs)")
    return 0


def cmd_cache(args: argparse.Namespace) -> int:
    """Keep only the cache entries the current books use (prune): every article in every
    language with a catalog, read by the voices the settings choose; stale locks and
    abandoned writes go too. Prints what is kept and removed, per part, in MB."""
    from pipeline.build.cache import prune  # loads the audio stage: only when asked

    pruned = prune(_config(args), dry_run=args.dry_run)
    for notice in pruned.notices:
        print(f"{notice} (notice: none of its cache entries are kept)", file=sys.stderr)
    print(pruned.text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pipeline",
        description="Turn a patient-education article into accessible handouts in every "
                    "language that has a catalog: large-print and bilingual PDFs, narrated "
                    "MP3s, web pages, EPUBs with read-along and transcripts.")
    parser.add_argument("--source", type=Path, default=Path("source"),
                        help="folder of source articles (default: source)")
    parser.add_argument("--locales", type=Path, default=Path("locales"),
                        help="folder of translation catalogs (default: locales)")
    parser.add_argument("--output", type=Path, default=Path("output"),
                        help="folder for the built files (default: output)")
    parser.add_argument("--settings", type=Path, metavar="FILE",
                        help="read settings from FILE (a [pipeline] table) instead of "
                             "pipeline.toml or pyproject.toml")
    parser.add_argument("--base-url", metavar="URL",
                        help="where the site (pipeline site) is published, e.g. "
                             "https://example.org/handouts/: QR codes on the PDFs, podcast "
                             "feeds (default: the base_url setting, else none)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Command, *, slugs: bool = False, about: str | None = None
                ) -> argparse.ArgumentParser:
        about = about or run.__doc__ or ""
        sub = commands.add_parser(name, help=about.splitlines()[0], description=about)
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
    check = command("check", cmd_check, slugs=True)
    check.add_argument("--lang", action="append", help="only this language's catalogs "
                       "(repeatable; default: every language)")
    check.add_argument("--threshold", type=float, help="share of entries that must be "
                       "translated for a catalog to be ready (default 0.8): below it, each "
                       "untranslated and fuzzy entry is listed")
    command("report", cmd_report)
    build = command("build", cmd_build, slugs=True)
    build.add_argument("--format", action="append", metavar="NAME", choices=registry.names(),
                       help=f"format to build (repeatable): {', '.join(registry.names())} "
                            "(default: all)")
    build.add_argument("--outdated", action="store_true",
                       help="build only what is out of date (missing, or older than what it "
                            "is made from, by Make's rule), with what it is made from: how "
                            "make and Snakemake run one process per article and language")
    # Shortcuts for one format, e.g. `pipeline pdf` = `pipeline build --format pdf`.
    shortcuts = []
    # `pipeline site` publishes the site (below); its handouts are `build --format site`.
    for name in (name for name in registry.names() if name != "site"):
        shortcuts.append(command(name, cmd_build, slugs=True,
                                 about=f"Build only the {name} of each article in each "
                                       "language (build --format " + name + ")."))
        shortcuts[-1].set_defaults(format=[name])
    site = command("site", cmd_site)
    signoff = command("review", cmd_review)
    signoff.add_argument("slug", metavar="ARTICLE", help="the article, e.g. baclofen")
    signoff.add_argument("--lang", required=True, help="the translation's language, e.g. es")
    signoff.add_argument("--by", required=True, help="the reviewer's name, as the outputs "
                         "show it")
    signoff.add_argument("--role", help='e.g. "medical translator" (shown after the name)')
    signoff.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                         help="when the review was made (default: today)")
    collect = command("release", cmd_release, slugs=True)
    collect.add_argument("--lang", action="append", help="only this language (repeatable)")
    status = command("status", cmd_status, slugs=True)
    status.add_argument("--sweep", action="store_true",
                        help="after a build by make or Snakemake: set aside the outputs it "
                             "could not rebuild, then say what failed and why (exit 1)")
    listing = command("units", cmd_units, slugs=True)
    listing.add_argument("--format", action="append", metavar="NAME",
                         choices=registry.names(),
                         help="only these formats (repeatable; default: all)")
    shape = listing.add_mutually_exclusive_group()
    shape.add_argument("--make", action="store_true", help="print them as Make rules")
    shape.add_argument("--json", action="store_true", help="print them as JSON")
    cache = command("cache", cmd_cache)
    cache.add_argument("action", choices=("prune",),
                       help="prune: remove the entries no current book uses")
    cache.add_argument("--dry-run", action="store_true",
                       help="remove nothing; say what would be removed")
    cache.add_argument("--engine", help="the speech engine the builds use for every "
                       "language, as given to build (default: each language's voice)")
    for sub in (build, *shortcuts, listing, status):
        sub.add_argument("--lang", action="append", help="language to build (repeatable; "
                         "default: the source language and every language with a catalog "
                         "that is ready)")
        sub.add_argument("--reviewed-only", action="store_true", default=None,
                         help="only the source language and the translations with a "
                              "current review (what 'make release' builds)")
        sub.add_argument("--threshold", type=float,
                         help="share of entries that must be translated (default 0.8)")
    # The site publishes every handout the library makes: no --lang, which only narrows
    # what a build makes, never what is current.
    site.add_argument("--reviewed-only", action="store_true", default=None,
                      help="publish only the source language and the translations with a "
                           "current review; withdraw the others")
    site.add_argument("--threshold", type=float, help="share of entries that must be "
                      "translated for a language to be published (default 0.8)")
    for sub in (build, *shortcuts):
        sub.add_argument("--paper", help="A4 or Letter (default: by the language's territory)")
        sub.add_argument("--engine", help="speech engine for every language, by name (an "
                         "unknown one is an error that lists the engines; gtts needs the "
                         "network; default: each language's voice, see docs/voices.md)")
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
