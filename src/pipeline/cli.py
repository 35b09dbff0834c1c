"""The ``pipeline`` command: one subcommand per stage, exit 0 ok, 1 input error, 2 usage."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline import workflow
from pipeline.build import build
from pipeline.config import Config, load_settings, make_config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale
from pipeline.model import iter_segments, to_json
from pipeline.source import parse_file

Command = Callable[[argparse.Namespace], int]


def _config(args: argparse.Namespace) -> Config:
    settings, origin = load_settings()
    options = {key: getattr(args, key, None)
               for key in ("threshold", "paper", "engine", "strict")}
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
    workflow.extract(_config(args))
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    """Start the catalogs of a new language from the templates."""
    workflow.init(_config(args), check_locale(args.lang))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    """Merge the current source into every catalog; no translation is ever lost."""
    workflow.update(_config(args))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """msgfmt --check plus markup, number and disclaimer checks on every catalog."""
    checked, problems = workflow.check(_config(args))
    for problem in problems:
        print(problem)
    print(f"{checked} catalogs checked, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def cmd_report(args: argparse.Namespace) -> int:
    """Per language: translated, fuzzy and untranslated entries and words; review status."""
    workflow.report(_config(args))
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    """Build the large-print PDF of each article in each language."""
    build(_config(args), args.slugs, args.lang, pdf=True, audio=False)
    return 0


def cmd_audio(args: argparse.Namespace) -> int:
    """Build the narrated MP3 (and per-section tracks) of each article in each language."""
    build(_config(args), args.slugs, args.lang, pdf=False, audio=True)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Build every output: the PDF and the MP3 of each article in each language."""
    build(_config(args), args.slugs, args.lang, pdf=True, audio=True)
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
