"""EPUB stage: EPUB 3 with media overlays, checked by EPUBCheck and DAISY Ace, and by what
they do not check: every clip inside the book's MP3 and in order, every fragment id real,
durations that add up, the timeline true to what is heard, a reproducible container."""

from __future__ import annotations

import datetime as dt
import math
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from pipeline.audio.timeline import read_timeline
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.epub.book import ACTIVE_CLASS
from pipeline.markup import plain
from pipeline.source.parse import parse_file
from support import EPOCH, READING_LANGS, ROOT, run_cli
from support.validators import ace, ace_violations, decoded_samples, epubcheck

SLUG = "baclofen"
SOURCE = ROOT / "source"
NS = {"opf": "http://www.idpf.org/2007/opf", "smil": "http://www.w3.org/ns/SMIL",
      "x": "http://www.w3.org/1999/xhtml", "dc": "http://purl.org/dc/elements/1.1/"}
lang_params = pytest.mark.parametrize("lang", READING_LANGS)
# The JVM and browser checkers take seconds a book: one left-to-right, one right-to-left
# and one complex-script language (Chinese is checked by hand; see the README).
validated = pytest.mark.parametrize("lang", ["es", "ar", "hi"])


@dataclass(frozen=True)
class Clip:
    smil: str
    document: str
    fragment: str
    audio: str
    begin: float
    end: float


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


class Book:
    """An unpacked EPUB: its package document and files, read as XML."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path)
        self.opf = ET.fromstring(self.read("EPUB/package.opf"))

    def read(self, name: str) -> bytes:
        return self.zip.read(name)

    def meta(self, prop: str) -> list[str]:
        return [m.text or "" for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == prop and m.get("refines") is None]

    def durations(self) -> dict[str, float]:
        return {m.get("refines", "")[1:]: _seconds(m.text or "")
                for m in self.opf.iterfind("opf:metadata/opf:meta", NS)
                if m.get("property") == "media:duration" and m.get("refines")}

    def items(self) -> dict[str, ET.Element]:
        return {item.get("id", ""): item for item in self.opf.iterfind("opf:manifest/opf:item", NS)}

    def spine(self) -> list[ET.Element]:
        items = self.items()
        refs = self.opf.iterfind("opf:spine/opf:itemref", NS)
        return [items[ref.get("idref", "")] for ref in refs]

    def ids(self, document: str) -> set[str]:
        root = ET.fromstring(self.read(f"EPUB/{document}"))
        return {e.get("id", "") for e in root.iter() if e.get("id")}

    def text(self, document: str) -> str:
        root = ET.fromstring(self.read(f"EPUB/{document}"))
        return " ".join(" ".join(root.itertext()).split())

    def clips(self) -> list[Clip]:
        """Every <par> of every overlay, in spine order."""
        items, found = self.items(), []
        for item in self.spine():
            smil = items[item.get("media-overlay", "")].get("href", "")
            for par in ET.fromstring(self.read(f"EPUB/{smil}")).iterfind(".//smil:par", NS):
                text, audio = par.find("smil:text", NS), par.find("smil:audio", NS)
                assert text is not None and audio is not None
                document, fragment = text.get("src", "").split("#")
                found.append(Clip(smil, document, fragment, audio.get("src", ""),
                                  _seconds(audio.get("clipBegin", "")),
                                  _seconds(audio.get("clipEnd", ""))))
        return found


@cache
def _book(books: Path, lang: str) -> Book:
    return Book(books / lang / f"{SLUG}.epub")


@validated
def test_epubcheck_finds_no_errors_and_no_warnings(reading_books: Path, lang: str) -> None:
    result = epubcheck(reading_books / lang / f"{SLUG}.epub")
    assert (result.fatal, result.errors, result.warnings) == (0, 0, 0), result.messages


@validated
def test_ace_passes(reading_books: Path, tmp_path: Path, lang: str) -> None:
    report = ace(reading_books / lang / f"{SLUG}.epub", tmp_path / "ace")
    assert report["earl:result"]["earl:outcome"] == "pass", ace_violations(report)
    assert ace_violations(report) == []
    assert report["a11y-metadata"]["empty"] == []


@lang_params
def test_every_clip_is_inside_the_audio_in_order_on_a_real_element(reading_books: Path,
                                                                   lang: str) -> None:
    book = _book(reading_books, lang)
    clips = book.clips()
    (audio,) = {clip.audio for clip in clips}
    member = book.read(f"EPUB/{audio}")
    assert member == (reading_books / lang / f"{SLUG}.mp3").read_bytes()  # the same MP3
    scratch = reading_books.parent / f"{lang}-member.mp3"
    scratch.write_bytes(member)
    length = len(decoded_samples(scratch)) / 22_050
    previous = 0.0
    for clip in clips:
        assert clip.fragment in book.ids(clip.document), clip
        assert previous <= clip.begin < clip.end <= length, (clip, length)
        previous = clip.end
    assert len(clips) >= 70


@lang_params
def test_overlay_durations_add_up(reading_books: Path, lang: str) -> None:
    book = _book(reading_books, lang)
    clips = book.clips()
    durations = book.durations()
    for item in book.spine():
        overlay = item.get("media-overlay", "")
        smil = book.items()[overlay].get("href")
        mine = sum(c.end - c.begin for c in clips if c.smil == smil)
        assert math.isclose(durations[overlay], mine, abs_tol=0.0005), overlay
    (total,) = book.meta("media:duration")
    assert math.isclose(_seconds(total), sum(durations.values()), abs_tol=0.0005)
    assert book.meta("media:active-class") == [ACTIVE_CLASS]
    assert f".{ACTIVE_CLASS} " in book.read("EPUB/reading.css").decode()


@lang_params
def test_clips_are_the_audio_timeline(reading_books: Path, lang: str) -> None:
    """Each clip starts where the audio stage says its element's speech starts, and the
    decoded MP3 is silent in every long pause between utterances and sounds inside each
    utterance: the times belong to this MP3, with no drift to the end."""
    timeline = read_timeline(reading_books / lang / f"{SLUG}.mp3")
    samples = decoded_samples(reading_books / lang / f"{SLUG}.mp3")
    assert len(samples) == timeline.length
    starts = {round(c.begin * 1000) for c in _book(reading_books, lang).clips()}
    assert {timeline.millisecond(s.start) for s in timeline.spoken} >= starts

    def rms(start: int, end: int) -> float:
        return float(np.sqrt(np.mean(samples[start:end] ** 2)))

    margin = 1100  # samples: 50 ms
    for spoken, following in zip(timeline.spoken, timeline.spoken[1:], strict=False):
        assert rms(spoken.start, spoken.end) > 1000, spoken
        if following.start - spoken.end > 8 * margin:
            assert rms(spoken.end + margin, following.start - margin) < 50, spoken


@lang_params
def test_accessibility_metadata(reading_books: Path, lang: str) -> None:
    book = _book(reading_books, lang)
    assert book.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert set(book.meta("schema:accessMode")) == {"textual", "auditory"}
    assert "synchronizedAudioText" in book.meta("schema:accessibilityFeature")
    assert book.meta("schema:accessibilityHazard") == ["none"]
    assert "not yet been checked by a medical translator" in \
        book.meta("schema:accessibilitySummary")[0]
    assert book.meta("dcterms:modified") == [
        dt.datetime.fromtimestamp(int(EPOCH), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    language = book.opf.find("opf:metadata/dc:language", NS)
    assert language is not None and language.text == lang.replace("_", "-")
    spine = book.opf.find("opf:spine", NS)
    assert spine is not None
    assert spine.get("page-progression-direction") == ("rtl" if lang == "ar" else None)


@lang_params
def test_disclaimer_and_credits_are_in_the_book(reading_books: Path, lang: str) -> None:
    book = _book(reading_books, lang)
    text = " ".join(book.text(item.get("href", "")) for item in book.spine())
    document = load_translation(Config(), parse_file(SOURCE / f"{SLUG}.md"), lang)
    for paragraph in document.disclaimer:
        assert plain(paragraph.text) in text
    for credit in document.credits:
        assert f"{plain(credit.title.text)} © {credit.holder}, {credit.license}" in text


def test_credit_holders_are_left_to_right_runs_in_arabic(reading_books: Path) -> None:
    book = _book(reading_books, "ar")
    runs = [element for item in book.spine()
            for element in ET.fromstring(book.read(f"EPUB/{item.get('href')}")).iter()
            if element.get("dir") == "ltr" and element.tag.endswith("span")]
    texts = ["".join(run.itertext()) for run in runs]
    document = load_translation(Config(), parse_file(SOURCE / f"{SLUG}.md"), "ar")
    for credit in document.credits:
        assert texts.count(f"{credit.holder}, {credit.license}") == 2, credit.holder


@lang_params
def test_container_is_safe_and_reproducible(reading_books: Path, lang: str) -> None:
    infos = _book(reading_books, lang).zip.infolist()
    first = infos[0]
    assert (first.filename, first.compress_type, first.extra) == ("mimetype", zipfile.ZIP_STORED,
                                                                  b"")
    assert _book(reading_books, lang).read("mimetype") == b"application/epub+zip"
    for info in infos:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", info.filename), info.filename
        assert ".." not in info.filename and not info.filename.startswith("/")
        assert info.date_time == (2023, 11, 14, 22, 13, 20)


def _small_book(root: Path, *args: str) -> Path:
    result = run_cli("build", "--engine", "espeak", "--format", "audio", "--format", "epub",
                     "--lang", "es", *args, cwd=root,
                     env={"PIPELINE_CACHE": str(root / ".cache"), "SOURCE_DATE_EPOCH": EPOCH})
    assert result.code == 0, result.err
    return root / "output" / "es"


def test_an_image_under_source_goes_into_the_book(project: Path) -> None:
    from PIL import Image

    (project / "source" / "images").mkdir()
    Image.new("RGB", (4, 3), "white").save(project / "source" / "images" / "tablet.png")
    book = Book(_small_book(project) / "small.epub")
    assert "EPUB/images/figure-1.png" in book.zip.namelist()
    assert "visual" in book.meta("schema:accessMode")
    assert "alternativeText" in book.meta("schema:accessibilityFeature")
    assert epubcheck(book.path).errors == 0


def test_a_timeline_of_another_mp3_is_refused(project: Path) -> None:
    """The EPUB uses exactly the timeline of the MP3 it carries: a changed MP3 (or none
    beside its timeline) stops the build with the file and what to do."""
    folder = _small_book(project)
    mp3 = folder / "small.mp3"
    mp3.write_bytes(mp3.read_bytes() + b"\0")
    result = run_cli("epub", "--lang", "es", cwd=project)
    assert result.code == 1
    assert result.err.splitlines()[0] == (
        "output/es/small.mp3: the MP3 has changed since its timeline was written: build the "
        "audio again: delete output/es/small.mp3 and run make")
    assert not (folder / "small.epub").exists()  # the EPUB of the old MP3 is set aside
    assert (project / "output/.stale/es/small.epub").is_file()
    (folder / "small.timeline.json").unlink()
    result = run_cli("vtt", "--lang", "es", cwd=project)
    assert result.code == 1 and "no timeline beside the MP3" in result.err
