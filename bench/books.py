"""The books the bench builds, one pipeline process each, and what they cost.

Each pipeline process runs under ``/usr/bin/time`` for its peak memory; its report line
(``audio: es baclofen -> ...``) gives what it did. ``raw`` is the floor a book is
measured against: the bare engine reading the same utterances in a fresh process (model
loading included, as in a build), then one plain MP3 encode of what it said.

    python bench/books.py raw LANG [SETTINGS]   prints the raw seconds
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from pipeline.audio.book import narrate_book
from pipeline.audio.encoding import encoder
from pipeline.audio.script.lexicon import read_lexicon
from pipeline.audio.script.narration import Script, Utterance, narrate
from pipeline.audio.speech import voices
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config, VoiceChoice
from pipeline.locales import to_gettext
from pipeline.source.parse import parse_file

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "source" / "baclofen.md"
LINE = re.compile(r"audio: (\S+) \S+ -> \S+: ([\d.]+) min, \d+ chapters, (-?[\d.]+) LUFS, "
                  r"(-?[\d.]+) dBTP; (\d+) utterances synthesised, (\d+) reused \((.*?)\); "
                  r"(\d+) utterances encoded; engines ([\d.]+) s; ([\d.]+) s")
# /usr/bin/time's line; under make, with the command it timed (%C), so that each
# language's process is told apart from the other job's printing beside it.
TIMED = re.compile(r"^RSS (\d+) KB wall [\d.]+ s(?: cpu ([\d.]+)\+([\d.]+) s)?(?:: (.*))?$")
TIME = ("/usr/bin/time", "-f", "RSS %M KB wall %e s cpu %U+%S s")


def book_lines(log: str) -> dict[str, dict[str, Any]]:
    """Per language, what the audio builder reported, and the peak memory of its process."""
    found: dict[str, dict[str, Any]] = {}
    lines = log.splitlines()
    for number, line in enumerate(lines):
        match = LINE.search(line)
        if not match:
            continue
        lang, minutes, lufs, peak, made, reused, engines, encoded, engine_s, wall = \
            match.groups()
        # /usr/bin/time reports when the language's process ends (after its other
        # formats, with other jobs printing between): the line naming its language.
        timed = next((m for later in lines[number + 1:]
                      if (m := TIMED.match(later))
                      and (m.group(4) is None or f" --lang {lang} " in f"{m.group(4)} ")), None)
        rss = int(timed.group(1)) // 1024 if timed else None
        cpu = float(timed.group(2)) + float(timed.group(3)) if timed and timed.group(2) else None
        found[lang] = {"voices": engines, "book_minutes": float(minutes),
                       "loudness_lufs": float(lufs), "true_peak_dbtp": float(peak),
                       "synthesised": int(made), "reused": int(reused),
                       "encoded": int(encoded), "engine_seconds": float(engine_s),
                       "pipeline_seconds": float(wall), "peak_rss_mb": rss, "cpu_seconds": cpu}
    return found


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without make's job flags (engine threads come from them)."""
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    return {**{k: v for k, v in os.environ.items() if k not in drop}, **extra}


def build_audio(folders: dict[str, Path], lang: str, settings: Path | None
                ) -> dict[str, Any]:
    """One ``pipeline audio`` process for ``lang``: its report, peak memory and wall time.

    ``folders``: source, locales, output and cache."""
    command = [*TIME, str(ROOT / ".venv" / "bin" / "pipeline"), "--source",
               str(folders["source"]), "--locales", str(folders["locales"]), "--output",
               str(folders["output"]), *(["--settings", str(settings)] if settings else []),
               "audio", "--lang", lang]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False,
                          env=clean_env(PIPELINE_CACHE=str(folders["cache"])))
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed:\n{done.stderr[-2000:]}")
    report = book_lines(done.stderr)[lang]
    report["process_seconds"] = round(seconds, 2)
    return report


def raw_seconds(lang: str, *, espeak: bool) -> tuple[float, float, int]:
    """``raw`` in a fresh process (no model already loaded): (seconds, CPU seconds of the
    whole process, peak memory in MB)."""
    command = [*TIME, sys.executable, str(Path(__file__)), "raw", lang,
               *(["espeak"] if espeak else [])]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True,
                          env=clean_env())
    timed = next(m for line in done.stderr.splitlines() if (m := TIMED.match(line)))
    cpu = float(timed.group(2)) + float(timed.group(3))
    return float(done.stdout.split()[-1]), cpu, int(timed.group(1)) // 1024


def raw(lang: str, *, espeak: bool) -> float:
    """The bare engine on the book's utterances, in order, then one plain MP3 encode;
    ``espeak``: eSpeak NG's settings (tests/fixtures/espeak-voices.toml), else the default
    voices."""
    chosen = {lang: VoiceChoice("espeak") for lang in ("es", "fr", "hi", "zh_Hans", "ar")}
    config = Config(source=ROOT / "source", locales=ROOT / "locales",
                    voices=chosen if espeak else {})
    document = load_translation(config, parse_file(ARTICLE), lang)
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    texts = [(u.lang, u.text) for u in script.utterances()]
    started = time.perf_counter()
    engines = {code: voices.load(voices.choose(config, code), code, config.voices_dir)
               for code in {code for code, _ in texts}}
    spoken = [engines[code].synthesize(text) for code, text in texts]
    rate = spoken[0].rate
    pcm = b"".join(audio.pcm for audio in spoken if audio.rate == rate)
    encoder.encode(pcm, rate)  # the pipeline's encoder and settings, resampling if need be
    return time.perf_counter() - started


def diacritised(script: Script) -> Script:
    """The Arabic script with diacritics restored by dengjen-tashkeel (the lexicon's own
    vowelled words are kept as they are)."""
    import dataclasses

    from dengjen_tashkeel_py import tashkeel

    def vowel(utterance: Utterance) -> Utterance:
        if utterance.lang.split("-")[0] != "ar":
            return utterance
        return dataclasses.replace(utterance, text=str(tashkeel(utterance.text)))

    chapters = tuple(dataclasses.replace(c, utterances=tuple(map(vowel, c.utterances)))
                     for c in script.chapters)
    return dataclasses.replace(script, chapters=chapters)


def arabic_with_diacritics(config: Config, article: Path, folder: Path) -> Path:
    """The Arabic book read by eSpeak NG from the diacritised script; its tracks folder.
    (eSpeak NG named: Arabic's default voice is Kokoro's.)"""
    config = dataclasses.replace(config, voices={**config.voices, "ar": VoiceChoice("espeak")})
    document = load_translation(config, parse_file(article), "ar")
    script = diacritised(narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv")))
    tracks = folder / "ar" / "baclofen"
    narrate_book(document, config, target=folder / "ar" / "baclofen.mp3", tracks=tracks,
                 script=script)
    return tracks


def book_with_voice(config: Config, article: Path, lang: str, choice: VoiceChoice,
                    folder: Path) -> Path:
    """The book read by another voice than the default (an alternative the bench scores
    beside it); its tracks folder."""
    chosen = dataclasses.replace(config, voices={**config.voices, lang: choice})
    document = load_translation(chosen, parse_file(article), lang)
    tracks = folder / lang / "baclofen"
    narrate_book(document, chosen, target=folder / lang / "baclofen.mp3", tracks=tracks)
    return tracks


if __name__ == "__main__" and sys.argv[1:2] == ["raw"]:
    print(round(raw(sys.argv[2], espeak=sys.argv[3:] == ["espeak"]), 3))
