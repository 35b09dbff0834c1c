"""``make bench``: how fast the pipeline is on this machine, what it costs over its
engines, and how intelligible each book is.

Everything runs in a scratch folder (outputs, catalogs copy, speech cache), so the
project's own ``output/`` and ``.cache/`` are left alone. Prints a table and writes
``bench/results.json``. Timings are wall-clock seconds of one run each; the ratios
between them are what carries over to another machine.

Two configurations are built: the default voices (Kokoro for es, fr, hi, zh), cold and
once, with ``make -j2``, since a Kokoro book takes minutes; and eSpeak NG for every
language but English (``tests/fixtures/espeak-voices.toml``), which is cheap enough for
the in-process stage timings, the ``-j1``/``-j2`` comparison and the rebuild figures.
Whisper base then listens to both sets of books (``intelligibility``).

    python bench/run.py [--kokoro-cache DIR] [--langs LANG ...]
        --kokoro-cache  reuse this speech cache for the Kokoro build (not cold then; the
                        results say so)
        --langs         only these languages: a quicker, partial run
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

import books
import intelligibility

from pipeline.audio import voices
from pipeline.audio.book import narrate_book
from pipeline.audio.ffmpeg import ffmpeg
from pipeline.audio.lexicon import read_lexicon
from pipeline.audio.narration import narrate
from pipeline.catalog import read_catalog, write_catalog
from pipeline.config import Config, VoiceChoice
from pipeline.locales import to_gettext
from pipeline.print.html import PrintOptions, paper_for, render
from pipeline.print.pdf import write_pdf
from pipeline.source import parse_file
from pipeline.translate import load_translation

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "es", "fr", "ar", "zh_Hans", "hi")
KOKORO_LANGS = ("es", "fr", "zh_Hans", "hi")
ARTICLE = ROOT / "source" / "baclofen.md"
ESPEAK_SETTINGS = ROOT / "tests" / "fixtures" / "espeak-voices.toml"
ESPEAK_VOICES = {lang: VoiceChoice("espeak") for lang in KOKORO_LANGS}
# Each pipeline process timed: peak memory, and CPU seconds (wall time depends on what
# else runs on the machine; CPU time much less).
TIMED = ('PIPELINE=/usr/bin/time -f "RSS %M KB wall %e s cpu %U+%S s" .venv/bin/pipeline '
         '--source source --locales {locales} --output {output}')


def make(scratch: Path, name: str, langs: Sequence[str], *, jobs: int, espeak: bool = True,
         cache: Path | None = None) -> tuple[float, str]:
    """Run make on the real project with outputs, catalogs and cache in ``scratch``;
    eSpeak NG's settings, or the default voices with each process timed."""
    env = {**os.environ, "PIPELINE_CACHE": str(cache or scratch / f"cache-{name}")}
    output, locales = scratch / f"output-{name}", scratch / "locales"
    command = ["make", f"-j{jobs}", "--no-print-directory", "all", f"OUTPUT={output}",
               f"LOCALES={locales}", f"LANGS={' '.join(langs)}"]
    command.append(f"SETTINGS={ESPEAK_SETTINGS}" if espeak else
                   TIMED.format(locales=locales, output=output))
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return seconds, done.stdout + done.stderr


def stages(scratch: Path, langs: Sequence[str]) -> dict[str, object]:
    """One cold in-process build of every language, timed stage by stage."""
    config = Config(source=ROOT / "source", locales=scratch / "locales",
                    output=scratch / "output-stages", cache=scratch / "cache-stages",
                    voices=ESPEAK_VOICES)
    timings = {"parse": 0.0, "translate": 0.0, "pdf": 0.0, "synthesis": 0.0, "encoding": 0.0}
    engines: dict[str, dict[str, float]] = {}
    audio: dict[str, dict[str, float]] = {}
    started = time.perf_counter()
    source = parse_file(ARTICLE)
    timings["parse"] = time.perf_counter() - started
    for lang in langs:
        started = time.perf_counter()
        document = load_translation(config, source, lang)
        timings["translate"] += time.perf_counter() - started
        started = time.perf_counter()
        page = render(document, PrintOptions(paper=paper_for(lang), images=config.source))
        write_pdf(page, config.output / lang / "baclofen.pdf", base_url=config.source)
        timings["pdf"] += (pdf_seconds := time.perf_counter() - started)
        started = time.perf_counter()
        book = narrate_book(document, config, target=config.output / lang / "baclofen.mp3",
                            tracks=config.output / lang / "baclofen")
        total = time.perf_counter() - started
        timings["synthesis"] += book.synthesis_seconds
        timings["encoding"] += book.encoding_seconds
        engine = next(iter(book.tally.voices.values())).split()[0]
        counts = engines.setdefault(engine, {"audio_seconds": 0.0, "engine_seconds": 0.0})
        counts["audio_seconds"] += book.tally.audio_seconds
        counts["engine_seconds"] += book.tally.engine_seconds
        audio[lang] = {"engine": engine, "book_minutes": round(book.seconds / 60, 2),
                       "pipeline_seconds": round(total, 2), "pdf_seconds": round(pdf_seconds, 2),
                       "loudness_lufs": book.loudness}
        print(f"  {lang}: pdf {pdf_seconds:.1f} s, audio {total:.1f} s "
              f"({book.seconds / 60:.1f} min, {engine})", file=sys.stderr)
    for counts in engines.values():
        counts["audio_per_wall_second"] = round(
            counts["audio_seconds"] / max(counts["engine_seconds"], 1e-9), 1)
    return {"stages": {k: round(v, 2) for k, v in timings.items()}, "engines": engines,
            "languages": audio,
            "peak_rss_mb_in_process": round(
                resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def raw_engine(scratch: Path, lang: str) -> float:
    """The same utterances through the bare engine, then one plain MP3 encode: the floor."""
    config = Config(source=ROOT / "source", locales=scratch / "locales", voices=ESPEAK_VOICES)
    document = load_translation(config, parse_file(ARTICLE), lang)
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    texts = [(u.lang, u.text) for u in script.utterances()]
    engines = {code: voices.load(voices.choose(config, code), code, config.voices_dir)
               for code in {code for code, _ in texts}}
    started = time.perf_counter()
    pcm = b"".join(engines[code].synthesize(text).pcm for code, text in texts)
    raw = scratch / f"raw-{lang}.pcm"
    raw.write_bytes(pcm)
    subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-f", "s16le", "-ar", "22050",
                    "-ac", "1", "-i", str(raw), "-c:a", "libmp3lame", "-b:a", "64k",
                    str(scratch / f"raw-{lang}.mp3")], check=True)
    return time.perf_counter() - started


def edit_one_msgstr(scratch: Path) -> None:
    path = scratch / "locales" / "es" / "LC_MESSAGES" / "baclofen.po"
    po = read_catalog(path)
    entry = next(e for e in po if e.msgid == "Key points")
    entry.msgstr = "Lo esencial"
    write_catalog(po, path)


def machine() -> dict[str, object]:
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
               platform.processor())
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 1024 ** 2),
            "system": platform.platform(), "python": platform.python_version(),
            "weasyprint": version("weasyprint"), "piper-tts": version("piper-tts"),
            "espeakng-loader": version("espeakng-loader"), "kokoro-onnx": version("kokoro-onnx"),
            "onnxruntime": version("onnxruntime"), "faster-whisper": version("faster-whisper")}


def kokoro_build(scratch: Path, langs: Sequence[str], cache: Path | None
                 ) -> dict[str, object]:
    """The default voices, cold (unless a cache is given), make -j2: per-language time,
    loudness, peak memory, and pipeline time over engine time plus one plain encode."""
    seconds, log = make(scratch, "kokoro", langs, jobs=2, espeak=False, cache=cache)
    found = books.book_lines(log)
    config = Config(source=ROOT / "source", locales=scratch / "locales",
                    cache=cache or scratch / "cache-kokoro")
    for lang in (lang for lang in KOKORO_LANGS if lang in langs):
        floor = found[lang]["engine_seconds"] + books.plain_encode_seconds(
            config, ARTICLE, lang, scratch)
        found[lang]["pipeline_over_raw"] = round(found[lang]["pipeline_seconds"] / floor, 2)
    return {"cold": cache is None, "make_j2_seconds": round(seconds, 1), "languages": found,
            "peak_rss_mb": max(book["peak_rss_mb"] or 0 for book in found.values())}


def chapter_texts(config: Config, lang: str) -> list[str]:
    """What each chapter of the book means to say: the narration script's text."""
    document = load_translation(config, parse_file(ARTICLE), lang)
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    return [" ".join(u.text for u in chapter.utterances) for chapter in script.chapters]


def listen(scratch: Path, langs: Sequence[str]) -> dict[str, dict[str, object]]:
    """Whisper base on every book of the default voices, on eSpeak NG's books of the
    languages Kokoro reads, and on the Arabic book read from a diacritised script."""
    model = intelligibility.whisper_model(scratch / "whisper-base")
    config = Config(source=ROOT / "source", locales=scratch / "locales",
                    cache=scratch / "cache-ar-diacritics")
    sets = {"default": scratch / "output-kokoro", "espeak": scratch / "output-j2"}
    scores: dict[str, dict[str, object]] = {}
    transcripts: dict[str, list[str]] = {}
    for lang in langs:
        chapters = chapter_texts(config, lang)
        trials = [(name, folder / lang / "baclofen") for name, folder in sets.items()
                  if name == "default" or lang in KOKORO_LANGS]
        if lang == "ar":
            trials.append(("espeak+tashkeel", books.arabic_with_diacritics(
                config, ARTICLE, scratch / "output-ar-diacritics")))
        for name, tracks in trials:
            print(f"bench: Whisper base listens to {lang} ({name})...", file=sys.stderr)
            score, heard = intelligibility.book(model, chapters, tracks, lang)
            scores.setdefault(lang, {})[name] = {k: round(v, 3) if isinstance(v, float) else v
                                                 for k, v in asdict(score).items()}
            transcripts[f"{lang} {name}"] = heard
    (ROOT / "bench" / "transcripts.json").write_text(
        json.dumps(transcripts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kokoro-cache", type=Path, help="reuse this speech cache for the "
                        "default voices' build (then it is not a cold build)")
    parser.add_argument("--langs", nargs="+", default=LANGS, choices=LANGS, metavar="LANG",
                        help="only these languages (a quicker, partial run)")
    args = parser.parse_args()
    langs = args.langs
    scratch = Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    try:
        shutil.copytree(ROOT / "locales", scratch / "locales")
        results: dict[str, object] = {"machine": machine(), "langs": list(langs)}
        print("bench: stage timings (cold, in process, eSpeak NG)...", file=sys.stderr)
        results.update(stages(scratch, langs))
        print("bench: raw engines + encoder on the same text...", file=sys.stderr)
        languages = results["languages"]
        assert isinstance(languages, dict)
        ratios = {}
        for lang in (lang for lang in ("en", "es") if lang in langs):
            floor = raw_engine(scratch, lang)
            ratios[lang] = {"engine": languages[lang]["engine"], "raw_seconds": round(floor, 2),
                            "pipeline_seconds": languages[lang]["pipeline_seconds"],
                            "ratio": round(languages[lang]["pipeline_seconds"] / floor, 2)}
        results["pipeline_over_raw"] = ratios
        print("bench: make -j1 cold (eSpeak NG)...", file=sys.stderr)
        one, _ = make(scratch, "j1", langs, jobs=1)
        print("bench: make -j2 cold (eSpeak NG)...", file=sys.stderr)
        two, _ = make(scratch, "j2", langs, jobs=2)
        print("bench: make -j2, default voices (Kokoro)...", file=sys.stderr)
        results["kokoro"] = kokoro_build(scratch, langs, args.kokoro_cache)
        results["intelligibility"] = listen(scratch, langs)
        cache = args.kokoro_cache
        noop, log = make(scratch, "kokoro", langs, jobs=2, espeak=False, cache=cache)
        edit_one_msgstr(scratch)
        edited, edit_log = make(scratch, "kokoro", langs, jobs=2, espeak=False, cache=cache)
        synthesised = [line for line in edit_log.splitlines() if "utterances synthesised" in line]
        results["make"] = {
            "cold_j1_seconds": round(one, 1), "cold_j2_seconds": round(two, 1),
            "speedup_j2_over_j1": round(one / two, 2), "noop_seconds": round(noop, 2),
            "noop_rebuilt_anything": "pipeline" in log,
            "rebuild_after_one_msgstr_seconds": round(edited, 1),
            "rebuild_log": synthesised,
            "peak_rss_mb_children": round(
                resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        }
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        print(table(results))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def table(results: dict[str, Any]) -> str:
    m, s, k = results["make"], results["stages"], results["kokoro"]
    rows = [
        ("cold build, default voices (Kokoro), make -j2", f"{k['make_j2_seconds']} s"
         + ("" if k["cold"] else " (NOT cold: shared speech cache)")),
        ("cold build, eSpeak NG voices, make -j2", f"{m['cold_j2_seconds']} s"),
        ("cold build, eSpeak NG voices, make -j1", f"{m['cold_j1_seconds']} s"),
        ("make -j2 speed-up over -j1 (eSpeak NG)", f"{m['speedup_j2_over_j1']}x"),
        ("no-op make", f"{m['noop_seconds']} s (rebuilt anything: {m['noop_rebuilt_anything']})"),
        ("rebuild after editing one msgstr", f"{m['rebuild_after_one_msgstr_seconds']} s"),
        *((f"stage (eSpeak NG): {name}", f"{seconds} s") for name, seconds in s.items()),
    ]
    rows += [(f"{name}: audio seconds per engine second", f"{counts['audio_per_wall_second']}")
             for name, counts in results["engines"].items()]
    rows += [(f"pipeline / raw engine+encoder, {lang} ({r['engine']})",
              f"{r['ratio']} ({r['pipeline_seconds']} s / {r['raw_seconds']} s; goal <= 1.25)")
             for lang, r in results["pipeline_over_raw"].items()]
    for lang, book in k["languages"].items():
        rows.append((f"{lang} book: {book['voices']}",
                     f"{book['book_minutes']} min in {book['pipeline_seconds']} s, "
                     f"{book['loudness_lufs']} LUFS, {book['true_peak_dbtp']} dBTP, "
                     f"{book['peak_rss_mb']} MB"
                     + (f", pipeline/raw {book['pipeline_over_raw']}"
                        if "pipeline_over_raw" in book else "")))
    rows += [("peak memory (largest process)",
              f"{max(m['peak_rss_mb_children'], results['peak_rss_mb_in_process'])} MB")]
    for lang, sets in results["intelligibility"].items():
        for name, score in sets.items():
            extra = "pinyin error" if lang == "zh_Hans" else "drug names accepted"
            rows.append((f"Whisper base, {lang} ({name})",
                         f"{score['metric']} {score['error']:.0%}, heard as written "
                         f"{score['heard']:.0%}, {extra} {score['alternative']:.0%}"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


if __name__ == "__main__":
    main()
