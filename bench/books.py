"""The books the bench listens to: the default voices' build (Kokoro for es, fr, hi,
zh), read from ``make``'s log, and the Arabic diacritics trial.

A Kokoro book takes minutes of CPU, so the default voices are built once, cold, with
``make -j2``; each pipeline process runs under ``/usr/bin/time`` for its peak memory.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import Any

from pipeline.audio import voices
from pipeline.audio.book import tags_for
from pipeline.audio.cache import SegmentCache
from pipeline.audio.ffmpeg import ffmpeg
from pipeline.audio.lexicon import read_lexicon
from pipeline.audio.mp3 import assemble, write_book
from pipeline.audio.narration import Script, Utterance, narrate
from pipeline.audio.synthesis import speak
from pipeline.config import Config
from pipeline.locales import to_gettext
from pipeline.source import parse_file
from pipeline.translate import load_translation

LINE = re.compile(r"audio: (\S+) \S+ -> \S+: ([\d.]+) min, \d+ chapters, (-?[\d.]+) LUFS, "
                  r"(-?[\d.]+) dBTP; (\d+) utterances synthesised, (\d+) reused \((.*?)\); "
                  r"(?:engines ([\d.]+) s; )?([\d.]+) s")
TIMED = re.compile(r"^RSS (\d+) KB wall [\d.]+ s(?: cpu ([\d.]+)\+([\d.]+) s)?$")


def book_lines(log: str) -> dict[str, dict[str, Any]]:
    """Per language, what the audio builder reported, and the peak memory of its process."""
    found: dict[str, dict[str, Any]] = {}
    lines = log.splitlines()
    for number, line in enumerate(lines):
        match = LINE.search(line)
        if not match:
            continue
        lang, minutes, lufs, peak, made, reused, engines, engine_s, wall = match.groups()
        # /usr/bin/time reports right after the process ends (other jobs may print between)
        timed = next((m for later in lines[number + 1:number + 40]
                      if (m := TIMED.match(later))), None)
        rss = int(timed.group(1)) // 1024 if timed else None
        cpu = float(timed.group(2)) + float(timed.group(3)) if timed and timed.group(2) else None
        found[lang] = {"voices": engines, "book_minutes": float(minutes),
                       "loudness_lufs": float(lufs), "true_peak_dbtp": float(peak),
                       "synthesised": int(made), "reused": int(reused),
                       "engine_seconds": float(engine_s) if engine_s else None,
                       "pipeline_seconds": float(wall),
                       "peak_rss_mb": rss, "cpu_seconds": cpu}
    return found


def plain_encode_seconds(config: Config, article: Path, lang: str, scratch: Path) -> float:
    """One plain MP3 encode of the book's speech (from the warm cache): the encoder's floor."""
    document = load_translation(config, parse_file(article), lang)
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    engines: dict[str, Any] = {}

    def engine_for(code: str) -> Any:
        if code not in engines:
            engines[code] = voices.load(voices.choose(config, code), code, config.voices_dir)
        return engines[code]

    audios, _ = speak(script, engine_for, SegmentCache(config.cache / "tts"), label="bench")
    pcm, _ = assemble(script, audios)
    raw = scratch / f"plain-{lang}.pcm"
    raw.write_bytes(pcm)
    started = time.perf_counter()
    subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-f", "s16le", "-ar", "22050",
                    "-ac", "1", "-i", str(raw), "-c:a", "libmp3lame", "-b:a", "64k",
                    str(scratch / f"plain-{lang}.mp3")], check=True)
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
    """The Arabic book read by eSpeak NG from the diacritised script; its tracks folder."""
    document = load_translation(config, parse_file(article), "ar")
    script = diacritised(narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv")))
    engines = {code: voices.load(voices.choose(config, code), code, config.voices_dir)
               for code in {u.lang for u in script.utterances()}}
    audios, _ = speak(script, engines.__getitem__, SegmentCache(config.cache / "tts"),
                      label="bench: ar with diacritics")
    pcm, marks = assemble(script, audios)
    tracks = folder / "ar" / "baclofen"
    write_book(pcm, marks, tags_for(document), target=folder / "ar" / "baclofen.mp3",
               tracks=tracks)
    return tracks
