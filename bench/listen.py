"""``make listen``: Whisper base on each utterance of a built book, the worst heard first.

For each language, the book's timeline (``<slug>.timeline.json``, beside the MP3) says
where each utterance is heard; each one is cut from the MP3 and transcribed by Whisper
base in the utterance's own language (English names inside a Chinese or Hindi book in
English), then scored against what the voice was meant to say, as the bench scores
whole books (``intelligibility.score``). The narration script, made again from the same
catalogs, gives each utterance the source lines it reads; the catalog entry that lists
that line is the ``.po`` ``path:line`` a translator opens. For each misheard word the
table suggests a lexicon line (``locales/<lang>/lexicon.tsv``).

Writes ``<output>/<lang>/<slug>.listen.json`` (read by ``pipeline report``) and prints
the worst utterances.

    python bench/listen.py [--lang LANG ...] [--output DIR] [--worst N] [--only LANG]
                           [ARTICLE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import intelligibility

from pipeline.audio.script.lexicon import read_lexicon
from pipeline.audio.script.narration import Utterance, narrate
from pipeline.audio.timeline import Spoken, read_timeline
from pipeline.catalogs.catalog import Catalogs, project_root, read_catalog, reference
from pipeline.catalogs.checks import msgstr_line
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config, load_settings, make_config
from pipeline.errors import PipelineError
from pipeline.locales import to_gettext
from pipeline.model import Document, SourceLocation
from pipeline.output import atomic_write
from pipeline.source.labels import DOMAIN as LABELS_DOMAIN
from pipeline.source.parse import parse_file

FORMAT = 1
MARGIN = 0.15  # seconds of the book kept around each utterance: Whisper needs an onset
WHISPER_RATE = 16_000
Judge = Callable[[Any, str], str]  # (16 kHz float samples, gettext language) -> transcript


@dataclass(frozen=True, slots=True)
class Heard:
    """One utterance as the listener heard it."""

    index: int  # its position in the book, from 0
    ref: str  # the element it reads (``model.ref``)
    lang: str  # BCP 47
    where: str  # the .po path:line (or the source's) that says what it reads
    said: str  # what the voice was meant to say
    heard: str  # what Whisper wrote
    share: float  # share of its words (characters) heard as written
    error: float  # WER or CER
    words: int  # words (characters) it says, as scored
    missed: int  # words (characters) not heard as written
    misheard: tuple[tuple[str, str], ...]  # (written word, heard as) pairs
    suggestion: str  # a lexicon line to try, or ""


def locate(document: Document, config: Config, lang: str, *, source_lang: str
           ) -> Callable[[Utterance], str]:
    """``path:line`` of the ``msgstr`` an utterance reads (as ``pipeline check`` names
    it): its first segment found in the article's catalog, else in the labels' catalog;
    the source's own line for the source language or a segment no catalog lists."""
    catalogs = Catalogs(config.locales, document.slug)
    root = project_root(config.source)
    catalogs_entries: list[dict[tuple[str, str], str]] = []  # the article's, the labels'
    for path in (catalogs.catalog(lang), catalogs.catalog(lang, LABELS_DOMAIN)):
        entries: dict[tuple[str, str], str] = {}
        catalogs_entries.append(entries)
        if lang == to_gettext(source_lang) or not path.is_file():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for entry in read_catalog(path):
            for occurrence in entry.occurrences:
                entries.setdefault((occurrence[0], occurrence[1]),
                                   f"{path}:{msgstr_line(lines, entry)}")

    def where(utterance: Utterance) -> str:
        keys = [(reference(s.path, root), str(s.line)) for s in utterance.sources]
        found = [entries[key] for entries in catalogs_entries for key in keys
                 if key in entries]
        first: SourceLocation | None = utterance.sources[0] if utterance.sources else None
        return found[0] if found else (str(first) if first else "")

    return where


def script_of(config: Config, article: Path, lang: str
              ) -> tuple[list[Utterance], Callable[[Utterance], str]]:
    """The book's utterances in order (the narration script made again) and their lines."""
    source = parse_file(article)
    document = load_translation(config, source, lang)
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    return list(script.utterances()), locate(document, config, lang, source_lang=source.lang)


def misheard(said: str, heard: str, lang: str) -> tuple[tuple[str, str], ...]:
    """Script words Whisper wrote otherwise, each with what it wrote (word-level
    alignment; for Chinese and Hindi the whole utterance is one "word")."""
    import jiwer

    ref, hyp = intelligibility.normalise(said, lang), intelligibility.normalise(heard, lang)
    if not ref:
        return ()
    if lang in intelligibility.CHARACTERS:
        return ((said, heard),) if ref != hyp else ()
    words = jiwer.process_words(ref, hyp or "-")
    pairs: list[tuple[str, str]] = []
    for chunk in words.alignments[0]:
        if chunk.type in ("substitute", "delete"):
            written = words.references[0][chunk.ref_start_idx:chunk.ref_end_idx]
            got = words.hypotheses[0][chunk.hyp_start_idx:chunk.hyp_end_idx]
            # word against word where the counts agree, else each word against the run
            pairs += (list(zip(written, got, strict=True)) if len(written) == len(got)
                      else [(word, " ".join(got)) for word in written])
    return tuple(pairs)


def suggestion(pairs: Sequence[tuple[str, str]], lang: str) -> str:
    """A lexicon line for the longest misheard word: the written form, and a reminder
    to spell out how it should be said (the judge only tells what it heard)."""
    words = [written for written, _ in pairs if len(written) > 3 and " " not in written]
    if not words:
        return ""
    word = max(words, key=len)
    return f"locales/{lang}/lexicon.tsv: {word}<TAB>(how it should be said)"


def listen_book(judge: Judge, mp3: Path, utterances: Sequence[Utterance],
                where: Callable[[Utterance], str], *, only: str | None = None) -> list[Heard]:
    """Judge every utterance of the book at ``mp3`` (its timeline must match the script);
    ``only``: just the utterances in that language (BCP 47), e.g. the English names."""
    from faster_whisper.audio import decode_audio

    timeline = read_timeline(mp3)
    if len(timeline.spoken) != len(utterances) or any(
            s.text != u.text for s, u in zip(timeline.spoken, utterances, strict=False)):
        raise PipelineError("the book was built from other text than the catalogs hold now: "
                            "build the audio again (make audio)", mp3)
    samples = decode_audio(str(mp3), sampling_rate=WHISPER_RATE)
    heard: list[Heard] = []
    for index, (spoken, utterance) in enumerate(zip(timeline.spoken, utterances, strict=True)):
        if only is not None and spoken.lang != only:
            continue
        heard.append(_judge_one(judge, samples, timeline.rate, index, spoken, where(utterance)))
    return heard


def _judge_one(judge: Judge, samples: Any, rate: int, index: int, spoken: Spoken,
               where: str) -> Heard:
    lang = to_gettext(spoken.lang)
    if not intelligibility.normalise(spoken.text, lang):  # nothing to hear: punctuation
        return Heard(index, spoken.ref, spoken.lang, where, spoken.text, "", 1.0, 0.0, 0, 0,
                     (), "")
    start = max(0, int((spoken.start / rate - MARGIN) * WHISPER_RATE))
    end = int((spoken.end / rate + MARGIN) * WHISPER_RATE)
    text = judge(samples[start:end], lang)
    score = intelligibility.score([spoken.text], [text], lang)
    pairs = misheard(spoken.text, text, lang)
    missed = round(score.length * (1 - score.heard))
    return Heard(index, spoken.ref, spoken.lang, where, spoken.text, text,
                 round(score.heard, 3), round(score.error, 3), score.length, missed, pairs,
                 suggestion(pairs, lang))


def ranked(heard: Sequence[Heard]) -> list[Heard]:
    """Worst heard first: the smallest share heard as written, then the most words lost
    (a long sentence not understood before a one-word heading)."""
    return sorted(heard, key=lambda h: (h.share, -h.missed, h.index))


def report(heard: Sequence[Heard], *, article: str, lang: str, worst: int) -> dict[str, Any]:
    """What ``<slug>.listen.json`` holds: the book's totals and its worst utterances."""
    order = ranked(heard)
    by_lang: dict[str, list[Heard]] = {}
    for item in heard:
        by_lang.setdefault(item.lang, []).append(item)
    return {"format": FORMAT, "article": article, "lang": lang, "judge": "whisper-base",
            "utterances": len(heard),
            # words (characters) heard as written over those said, per voice language
            "share_heard": {code: round(1 - sum(h.missed for h in items)
                                        / max(1, sum(h.words for h in items)), 3)
                            for code, items in sorted(by_lang.items())},
            "worst": [asdict(item) for item in order[:worst]]}


def table(data: dict[str, Any]) -> str:
    """The worst utterances as lines a translator reads: where, share, said, heard."""
    lines = [f"{data['article']} {data['lang']}: {data['utterances']} utterances; share "
             "heard as written: " + ", ".join(f"{code} {share:.0%}" for code, share in
                                               data["share_heard"].items())]
    for rank, item in enumerate(data["worst"], 1):
        lines += [f"{rank:3}. {item['where']} ({item['ref']}, {item['lang']}): "
                  f"{item['share']:.0%} heard",
                  f"     said:  {item['said'][:160]}", f"     heard: {item['heard'][:160]}"]
        if item["suggestion"]:
            lines.append(f"     try:   {item['suggestion']}")
    return "\n".join(lines)


def whisper_judge(folder: Path, model: Any = None) -> Judge:
    """Whisper base (``intelligibility``) on one utterance's samples (``model``: one
    already loaded)."""
    whisper = model if model is not None else intelligibility.whisper_model(folder)

    def judge(samples: Any, lang: str) -> str:
        return intelligibility.transcribe(whisper, samples, lang)

    return judge


def names_score(judge: Judge, config: Config, article: Path, mp3: Path, lang: str
                ) -> tuple[intelligibility.Score, list[str]]:
    """How well the English read inside a Chinese or Hindi book (names, the citation)
    is heard: each English utterance transcribed in English, scored together."""
    utterances, where = script_of(config, article, lang)
    heard = listen_book(judge, mp3, utterances, where, only="en")
    if not heard:
        raise PipelineError(f"no English utterance in the {lang} book", mp3)
    return (intelligibility.score([h.said for h in heard], [h.heard for h in heard], "en"),
            [h.heard for h in heard])


def path_for(output: Path, lang: str, slug: str, only: str | None = None) -> Path:
    """``output/ar/baclofen.listen.json`` (``.listen-en.json`` for ``--only en``)."""
    return output / lang / f"{slug}.listen{f'-{only}' if only else ''}.json"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", nargs="*", help="article slugs (default: every article)")
    parser.add_argument("--lang", action="append", dest="langs",
                        help="a language to listen to (default: every built book)")
    parser.add_argument("--source", type=Path, default=Path("source"))
    parser.add_argument("--locales", type=Path, default=Path("locales"))
    parser.add_argument("--output", type=Path, default=Path("output"))
    parser.add_argument("--settings", type=Path)
    parser.add_argument("--worst", type=int, default=15, help="utterances listed (15)")
    parser.add_argument("--only", metavar="LANG",
                        help="only the utterances in this language (BCP 47), e.g. en: the "
                             "English names inside a Chinese or Hindi book")
    args = parser.parse_args(argv)
    settings, origin = load_settings(file=args.settings)
    config = make_config(settings, origin, source=args.source, locales=args.locales)
    slugs = args.articles or sorted(p.stem for p in args.source.glob("*.md"))
    judge = whisper_judge(config.cache / "whisper-base")
    try:
        for slug in slugs:
            langs = args.langs or sorted(p.parent.name for p in
                                         args.output.glob(f"*/{slug}.timeline.json"))
            for lang in langs:
                mp3 = args.output / lang / f"{slug}.mp3"
                utterances, where = script_of(config, args.source / f"{slug}.md", lang)
                print(f"listen: {slug} {lang}: Whisper base on {len(utterances)} "
                      "utterances...", file=sys.stderr)
                data = report(listen_book(judge, mp3, utterances, where, only=args.only),
                              article=slug, lang=lang, worst=args.worst)
                target = path_for(args.output, lang, slug, args.only)
                atomic_write(target, (json.dumps(data, ensure_ascii=False, indent=1)
                                      + "\n").encode("utf-8"))
                print(table(data), f"\n(written to {target})\n", sep="")
    except PipelineError as error:
        print(f"listen: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
