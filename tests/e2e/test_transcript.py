"""Transcript stage: the WebVTT of each MP3, read by Chromium's own WebVTT parser and by
ours: one cue per utterance, ordered, inside the decoded MP3, the disclaimer included."""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from pipeline.audio.script import numbers
from pipeline.audio.script.lexicon import read_lexicon
from pipeline.audio.script.narration import speakable
from pipeline.audio.timeline import Span, Spoken, Timeline, read_timeline
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.source.parse import parse_file
from pipeline.transcript.webvtt import webvtt
from support import READING_LANGS, ROOT
from support.validators import chromium, decoded_samples

SLUG = "baclofen"
SOURCE = ROOT / "source"
TIMING = re.compile(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) --> (\d\d):(\d\d):(\d\d)\.(\d\d\d)")
lang_params = pytest.mark.parametrize("lang", READING_LANGS)


@dataclass(frozen=True)
class Cue:
    identifier: str
    start: float
    end: float
    text: str


def cues(vtt: str) -> list[Cue]:
    """Our reading of a WebVTT file (NOTE blocks skipped), strict about its shape."""
    header, *blocks = vtt.rstrip("\n").split("\n\n")
    assert header == "WEBVTT"
    found = []
    for block in blocks:
        if block.startswith("NOTE"):
            assert "-->" not in block
            continue
        identifier, timing, text = block.split("\n")
        match = TIMING.fullmatch(timing)
        assert match, timing
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        found.append(Cue(identifier, h1 * 3600 + m1 * 60 + s1 + ms1 / 1000,
                         h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, text))
    return found


def _vtt(books: Path, lang: str) -> str:
    return (books / lang / f"{SLUG}.vtt").read_text(encoding="utf-8")


@lang_params
def test_one_ordered_cue_per_utterance_inside_the_mp3(reading_books: Path, lang: str) -> None:
    found = cues(_vtt(reading_books, lang))
    timeline = read_timeline(reading_books / lang / f"{SLUG}.mp3")
    length = len(decoded_samples(reading_books / lang / f"{SLUG}.mp3")) / 22_050
    assert len(found) == len(timeline.spoken)
    assert len({cue.identifier for cue in found}) == len(found)
    previous = 0.0
    for cue, spoken in zip(found, timeline.spoken, strict=True):
        assert previous <= cue.start < cue.end <= length, cue
        assert cue.identifier.split(" ")[0] == spoken.ref
        assert abs(cue.start - spoken.start / timeline.rate) < 0.001
        previous = cue.end


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@lang_params
def test_chromium_reads_every_cue(reading_books: Path, browser: Browser, tmp_path: Path,
                                  lang: str) -> None:
    """The browser's own WebVTT parser (as a <track> of captions) finds the same cues."""
    shutil.copy(reading_books / lang / f"{SLUG}.vtt", tmp_path / "t.vtt")
    (tmp_path / "t.html").write_text('<!DOCTYPE html><html lang="en"><title>t</title>'
                                     '<video><track id="t" kind="captions" src="t.vtt" default>'
                                     "</video></html>", encoding="utf-8")
    page = browser.new_page()
    try:
        page.goto((tmp_path / "t.html").as_uri())
        page.wait_for_function("document.getElementById('t').readyState === 2")
        read = page.evaluate("[...document.getElementById('t').track.cues]"
                             ".map(c => [c.id, c.startTime, c.endTime])")
    finally:
        page.close()
    ours = cues(_vtt(reading_books, lang))
    assert [(c.identifier, round(c.start * 1000), round(c.end * 1000)) for c in ours] == [
        (identifier, round(start * 1000), round(end * 1000)) for identifier, start, end in read]


@lang_params
def test_disclaimer_and_credits_are_in_the_transcript(reading_books: Path, lang: str) -> None:
    """The transcript has the words as heard: the text as the language's lexicon has the
    voice say it (e.g. "20 miligramos" for "20 MG"); spacing aside, since another voice
    may read a name inside a sentence, punctuation aside, since the voice switch takes the
    separator with it."""
    def squeezed(text: str) -> str:  # the words only: a voice switch may drop a comma
        return "".join(ch for ch in re.sub(r"</?lang[^>]*>", "", text)
                       if unicodedata.category(ch)[0] not in "PZ")

    heard = squeezed(" ".join(cue.text for cue in cues(_vtt(reading_books, lang))))
    lexicon = read_lexicon(ROOT / "locales" / lang / "lexicon.tsv")
    said = numbers.in_words(lang)  # Arabic numbers are said, and shown, as words
    document = load_translation(Config(), parse_file(SOURCE / f"{SLUG}.md"), lang)
    for paragraph in document.disclaimer:
        assert squeezed(said(lexicon.apply(speakable(paragraph.text)))) in heard
    for credit in document.credits:
        assert squeezed(said(lexicon.apply(speakable(credit.title.text)))) in heard
        assert squeezed(credit.holder) in heard


def _timeline(*spoken: Spoken) -> Timeline:
    return Timeline("book.mp3", "0", 1000, 10_000, (Span("One --> two", 0, 10_000),), spoken)


def test_cue_text_is_escaped_and_fallbacks_are_marked() -> None:
    vtt = webvtt(_timeline(Spoken("s-1", "es", "a < b & c --> d", 0, 100, 900),
                           Spoken("s-1", "en", "Do not\nstop.", 0, 1000, 1500),
                           Spoken("s-2", "es", "Fin.", 0, 2000, 2000)),
                 lang="es", title="T")
    assert "NOTE Chapter 1: One - -> two" in vtt
    found = cues(vtt)
    assert [c.identifier for c in found] == ["s-1", "s-1 (2)", "s-2"]
    assert found[0].text == "a &lt; b &amp; c --&gt; d"
    assert found[1].text == "<lang en>Do not stop.</lang>"
    assert (found[2].start, found[2].end) == (2.0, 2.001)  # never empty
