"""The narrated book and its tracks, checked with ffprobe, ffmpeg's ebur128 and mutagen
(mp3, book, narration through the CLI)."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from mutagen.id3 import ID3, CTOCFlags

from pipeline.audio.encoding import encoder, tags
from pipeline.audio.script.lexicon import Lexicon
from pipeline.audio.script.narration import narrate
from pipeline.audio.signal.dsp import RATE
from pipeline.audio.timeline import path_for as timeline_path
from pipeline.audio.timeline import read_timeline
from pipeline.catalogs.translate import load_translation
from pipeline.cli import main
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.source.parse import parse_file
from support import FIXTURES

DISCLAIMER = {
    "en": "This is not medical advice.\n\nAsk your doctor before you change a dose.",
    "es": "Esto no es un consejo médico.\n\nConsulte a su médico antes de cambiar una dosis.",
}
TITLE = {"en": "Small test article", "es": "Artículo de prueba breve"}
TLAN = {"en": "eng", "es": "spa"}
CHAP_IN_TAG = re.compile(rb"CHAP.{6}(ch\d\d)\x00", flags=re.DOTALL)


@dataclass(frozen=True)
class Book:
    lang: str
    path: Path
    tracks: Path
    chapter_titles: list[str]  # from the narration script
    err: str


def ffprobe(path: Path, *entries: str) -> dict[str, Any]:
    out = subprocess.run(["ffprobe", "-v", "error", *entries, "-of", "json", str(path)],
                         capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) measured by ffmpeg."""
    report = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af",
                             "ebur128=peak=true", "-f", "null", "-"],
                            capture_output=True, text=True, check=True).stderr
    summary = report[report.index("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated is not None and peak is not None, summary
    return float(integrated.group(1)), float(peak.group(1))


def build(project: Path, lang: str, *options: str) -> Book:
    """Run ``pipeline audio`` in-process in ``project`` and read the chapters it should have."""
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(err):
        patch.chdir(project)
        patch.setenv("PIPELINE_CACHE", str(project / ".cache"))
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        patch.delenv("PIPELINE_VOICES", raising=False)
        assert main(["audio", "--lang", lang, *options]) == 0, err.getvalue()
        slug = next((project / "source").glob("*.md")).stem
        document = load_translation(Config(), parse_file(Path("source", f"{slug}.md")), lang)
    script = narrate(document, lambda _lang: Lexicon())
    return Book(lang, project / "output" / lang / f"{slug}.mp3", project / "output" / lang / slug,
                [chapter.title for chapter in script.chapters], err.getvalue())


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Book]:
    """The fixture article built once in English (eSpeak NG) and Spanish (Kokoro, the
    default: its loudness, peaks, chapters and tags are checked like eSpeak NG's)."""
    project = tmp_path_factory.mktemp("audio-project")
    (project / "source").mkdir()
    shutil.copy(FIXTURES / "small.md", project / "source" / "small.md")
    shutil.copytree(FIXTURES / "locales", project / "locales")
    return {"en": build(project, "en", "--engine", "espeak"), "es": build(project, "es")}


LANGS = pytest.mark.parametrize("lang", ["en", "es"])


@LANGS
def test_cli_reports_the_book(books: dict[str, Book], lang: str) -> None:
    """The CLI names the file, four chapters, the loudness and the voice."""
    book = books[lang]
    voice = {"en": "en: espeak en-us", "es": "es: kokoro ef_dora"}[lang]
    assert re.search(rf"audio: {lang} small -> output/{lang}/small\.mp3: [\d.]+ min, "
                     rf"4 chapters, -1[5-6]\.\d LUFS, -\d+\.\d dBTP; "
                     rf"\d+ utterances synthesised, 0 reused "
                     rf"\({voice}\)", book.err), book.err


@LANGS
def test_chapters_in_time_order_with_titles(books: dict[str, Book], lang: str) -> None:
    """ffprobe lists opening, one chapter per section and closing, in order, back to back."""
    book = books[lang]
    chapters = ffprobe(book.path, "-show_chapters", "-show_format")
    listed = chapters["chapters"]
    assert len(book.chapter_titles) == 4  # opening, 2 sections, closing
    assert [c["tags"]["title"] for c in listed] == book.chapter_titles
    starts = [float(c["start_time"]) for c in listed]
    ends = [float(c["end_time"]) for c in listed]
    assert starts[0] == 0
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert starts[1:] == ends[:-1]
    assert all(end - start > 2 for start, end in zip(starts, ends, strict=True))
    assert abs(ends[-1] - float(chapters["format"]["duration"])) < 0.5


@LANGS
def test_stream_is_mono_22050_64k_mp3(books: dict[str, Book], lang: str) -> None:
    """The book is an MP3 stream, mono, 22 050 Hz, about 64 kbit/s, a plausible length."""
    stream = ffprobe(books[lang].path, "-show_streams")["streams"]
    assert len(stream) == 1
    assert stream[0]["codec_name"] == "mp3"
    assert stream[0]["channels"] == 1
    assert stream[0]["sample_rate"] == "22050"
    assert abs(int(stream[0]["bit_rate"]) - 64000) <= 1000
    assert 30 < float(stream[0]["duration"]) < 150


@LANGS
def test_loudness_meets_the_standard(books: dict[str, Book], lang: str) -> None:
    """ebur128: integrated -16 +/- 1 LUFS, true peak at or below -1 dBTP."""
    integrated, true_peak = ebur128(books[lang].path)
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0


@LANGS
def test_id3_tags(books: dict[str, Book], lang: str) -> None:
    """ID3v2.4 with title, language, author, publisher, disclaimer and image credits."""
    tag = ID3(books[lang].path)
    assert tag.version == (2, 4, 0)
    assert tag["TIT2"].text == [TITLE[lang]]
    assert tag["TLAN"].text == [TLAN[lang]]
    assert tag["TPE1"].text == ["Test Team"]
    assert tag["TPUB"].text == ["Test Project"]
    comments = {frame.desc: frame for frame in tag.getall("COMM")}
    assert set(comments) == {"", "Image credits"}
    assert comments[""].text == [DISCLAIMER[lang]]
    assert comments[""].lang == TLAN[lang]
    credit = comments["Image credits"].text[0]
    photo = {"en": "A tablet photo", "es": "Foto de un comprimido"}[lang]
    assert photo in credit and "Example Holder" in credit and "CC BY 4.0" in credit
    review = {"en": "reviewed", "es": "unreviewed"}[lang]
    assert tag["TXXX:Review status"].text == [review]


@LANGS
def test_table_of_contents_and_chap_frames_in_order(books: dict[str, Book], lang: str) -> None:
    """A top-level ordered CTOC lists the CHAP ids in time order; the file stores the
    CHAP frames in that order too."""
    book = books[lang]
    tag = ID3(book.path)
    tocs = tag.getall("CTOC")
    assert len(tocs) == 1
    assert tocs[0].flags & CTOCFlags.TOP_LEVEL and tocs[0].flags & CTOCFlags.ORDERED
    chapters = sorted(tag.getall("CHAP"), key=lambda c: c.start_time)
    assert tocs[0].child_element_ids == [c.element_id for c in chapters]
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == book.chapter_titles
    loaded = [c.element_id for c in tag.getall("CHAP")]
    assert loaded == tocs[0].child_element_ids  # mutagen keeps the file's order
    raw = book.path.read_bytes()
    size = sum(b << (7 * (3 - i)) for i, b in enumerate(raw[6:10]))
    in_file = [m.decode() for m in CHAP_IN_TAG.findall(raw[10:10 + size])]
    assert in_file == tocs[0].child_element_ids


def tracks_of(book: Book) -> list[Path]:
    return sorted(book.tracks.glob("[0-9][0-9]-*.mp3"))


@LANGS
def test_tracks_and_playlist(books: dict[str, Book], lang: str) -> None:
    """One track per chapter, listed in order in the .m3u8 with durations that add up."""
    book = books[lang]
    tracks = tracks_of(book)
    assert [t.name[:3] for t in tracks] == ["01-", "02-", "03-", "04-"]
    lines = (book.tracks / "small.m3u8").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    infos = lines[1::2]
    assert lines[2::2] == [t.name for t in tracks]
    found = [re.fullmatch(r"#EXTINF:(\d+),(.+)", line) for line in infos]
    assert all(found), infos
    assert [m.group(2) for m in found if m] == book.chapter_titles
    total = sum(int(m.group(1)) for m in found if m)
    duration = float(ffprobe(book.path, "-show_format")["format"]["duration"])
    assert abs(total - duration) <= 1.0


@LANGS
def test_each_track_is_its_chapter(books: dict[str, Book], lang: str) -> None:
    """Each track carries its chapter's title, n/N, the book title and the disclaimer, and
    lasts as long as its chapter in the book."""
    book = books[lang]
    tracks = tracks_of(book)
    chapters = ffprobe(book.path, "-show_chapters")["chapters"]
    for number, (track, chapter) in enumerate(zip(tracks, chapters, strict=True), 1):
        tag = ID3(track)
        assert tag.version == (2, 4, 0)
        assert tag["TIT2"].text == [book.chapter_titles[number - 1]]
        assert tag["TRCK"].text == [f"{number}/{len(tracks)}"]
        assert tag["TALB"].text == [TITLE[lang]]
        assert tag["TLAN"].text == [TLAN[lang]]
        assert [c.text for c in tag.getall("COMM") if c.desc == ""] == [[DISCLAIMER[lang]]]
        seconds = float(ffprobe(track, "-show_format")["format"]["duration"])
        expected = float(chapter["end_time"]) - float(chapter["start_time"])
        assert abs(seconds - expected) < 0.2, track.name
        stream = ffprobe(track, "-show_streams")["streams"][0]
        assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == \
            ("mp3", 1, "22050")


def test_track_names_follow_chapter_titles(books: dict[str, Book]) -> None:
    """Spanish track names keep their words without accents."""
    assert [t.name for t in tracks_of(books["es"])] == [
        "01-articulo-de-prueba-breve.mp3", "02-puntos-clave.mp3", "03-mas.mp3",
        "04-creditos-fuentes-y-descargo-de-responsabilidad.mp3"]


TINY = """---
title: Tiny test
lang: en
authors:
  - Test Team
publisher: Test Project
disclaimer: This is not medical advice.
---

# Tiny test

## Dose

Take one tablet each day.
"""


def test_piper_book_end_to_end(tmp_path: Path) -> None:
    """A very short English article read by Piper: chapters, format and loudness hold."""
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "tiny.md").write_text(TINY, encoding="utf-8")
    (tmp_path / "locales").mkdir()
    book = build(tmp_path, "en")
    assert "(en: piper en_US-joe-medium)" in book.err
    assert book.chapter_titles == ["Tiny test", "Dose", "Credits, sources and disclaimer"]
    listed = ffprobe(book.path, "-show_chapters")["chapters"]
    assert [c["tags"]["title"] for c in listed] == book.chapter_titles
    stream = ffprobe(book.path, "-show_streams")["streams"][0]
    assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == \
        ("mp3", 1, "22050")
    integrated, true_peak = ebur128(book.path)
    assert -17.0 <= integrated <= -15.0
    assert true_peak <= -1.0


LONG_TITLE = "बैक्लोफ़ेन के उपयोग के जोखिम और दुष्प्रभाव क्या हैं और उनसे कैसे बचा जा सकता है?"


def test_long_chapter_titles_fit_what_ffmpeg_can_read() -> None:
    """A chapter title over 127 bytes is shortened at a word; a short one is untouched."""
    assert len(LONG_TITLE.encode()) > 127
    encoding, title = tags.chapter_title(LONG_TITLE)
    size = 1 + len(title.encode("utf-8" if encoding == 3 else "utf-16"))
    assert size <= tags.SUBFRAME_LIMIT
    assert title.endswith(" …") and LONG_TITLE.startswith(title.removesuffix(" …"))
    assert tags.chapter_title("Key points") == (3, "Key points")


def test_tlan_codes_are_pycountrys() -> None:
    """The language codes read from pycountry's table are the ones its API gives, for
    every language with a two-letter code; a language with none is 'und'."""
    import pycountry

    expected = {language.alpha_2: language.alpha_3 for language in pycountry.languages
                if hasattr(language, "alpha_2")}
    assert len(expected) > 150
    assert {code: tags.iso639_2(code) for code in expected} == expected
    assert tags.iso639_2("zh_Hans") == "zho" and tags.iso639_2("xx") == "und"


def test_ffprobe_lists_every_chapter_of_a_book_with_long_titles(tmp_path: Path) -> None:
    """ffmpeg drops v2.4 chapters whose title frame is 128 bytes or more; none is dropped."""
    book = tmp_path / "book.mp3"
    book.write_bytes(encoder.encode(bytes(2 * RATE * 3)))
    marks = [tags.ChapterMark(title, n * RATE, (n + 1) * RATE)
             for n, title in enumerate(["Opening", LONG_TITLE, LONG_TITLE + " 2"])]
    book_tags = tags.Tags(title="T", lang="hi", authors=("A",), publisher="P",
                          disclaimer="D", credits="C", published=None,
                          review_status="unreviewed")
    tags.tag_book(book, book_tags, marks)
    chapters = ffprobe(book, "-show_chapters")["chapters"]
    assert [c["start_time"] for c in chapters] == ["0.000000", "1.000000", "2.000000"]
    assert chapters[1]["tags"]["title"].endswith("…")


@LANGS
def test_timeline_beside_the_book(books: dict[str, Book], lang: str) -> None:
    """The timeline names this MP3 and has every utterance of the script, in order, inside
    its chapter, with the chapters of the ID3 tags and the decoded MP3's length."""
    book = books[lang]
    timeline = read_timeline(book.path)
    project = book.path.parents[2]
    document = load_translation(Config(locales=project / "locales"),
                                parse_file(project / "source" / "small.md"), lang)
    script = narrate(document, lambda _lang: Lexicon())
    assert [(s.ref, s.lang) for s in timeline.spoken] == [
        (u.ref, u.lang) for u in script.utterances()]
    assert [c.title for c in timeline.chapters] == book.chapter_titles
    chap = sorted(ID3(book.path).getall("CHAP"), key=lambda c: c.start_time)
    assert [timeline.millisecond(c.start) for c in timeline.chapters] == [
        c.start_time for c in chap]
    previous = 0
    for spoken in timeline.spoken:
        chapter = timeline.chapters[spoken.chapter]
        assert previous <= spoken.start < spoken.end <= chapter.end
        assert spoken.start >= chapter.start
        previous = spoken.end
    decoded = subprocess.run(["ffmpeg", "-v", "error", "-i", str(book.path), "-f", "s16le",
                              "-"], capture_output=True, check=True).stdout
    assert len(decoded) // 2 == timeline.length


def test_a_changed_book_has_no_timeline(books: dict[str, Book], tmp_path: Path) -> None:
    """A timeline belongs to one MP3: retagged by hand, the book's timeline is refused."""
    copy = tmp_path / "small.mp3"
    shutil.copy(books["es"].path, copy)
    shutil.copy(timeline_path(books["es"].path), timeline_path(copy))
    assert read_timeline(copy).length > 0
    id3 = ID3(copy)
    id3.delall("COMM")
    id3.save(copy, v2_version=4)
    with pytest.raises(PipelineError, match="the MP3 has changed since its timeline"):
        read_timeline(copy)
