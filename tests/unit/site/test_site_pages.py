"""The published site from built handouts: pages, downloads, chapters, review status,
feed, ZIP and checksums. The formats it publishes are stand-ins written here (bytes of
known sizes, an MP3 with its timeline), so this is the site stage alone, in a second;
tests/e2e/test_site.py publishes the real build and runs the real checkers."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import feedparser
import pytest

from pipeline.audio.timeline import Span, write_timeline
from pipeline.site.handout import clock_text, duration_text, size_text
from support import Cli
from support.webpage import Page

SLUG = "small"
BASE = "https://example.org/handouts/"
EPOCH = "1700000000"
RATE = 1000  # timeline samples per second: times in ms
CHAPTERS = (("Opening", 0, 12_500), ("How to take it", 12_500, 65_250),
            ("Credits, sources and disclaimer", 65_250, 70_000))
FILES = {"pdf": 4_321, "bilingual.pdf": 9_876, "html": 2_345, "epub": 1_234_567,
         "vtt": 777}


def _page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def _built(output: Path, lang: str) -> None:
    """Stand-ins for what the other builders write for one language."""
    folder = output / lang
    folder.mkdir(parents=True, exist_ok=True)
    for suffix, size in FILES.items():
        if suffix == "bilingual.pdf" and lang == "en":
            continue
        (folder / f"{SLUG}.{suffix}").write_bytes(bytes([len(suffix)]) * size)
    mp3 = folder / f"{SLUG}.mp3"
    mp3.write_bytes(lang.encode() * 50_000)
    tracks = folder / SLUG
    tracks.mkdir(exist_ok=True)
    lines = ["#EXTM3U"]
    for number, (title, start, end) in enumerate(CHAPTERS, 1):
        name = f"{number:02d}-track.mp3"
        (tracks / name).write_bytes(b"\xff" * (end - start))
        lines += [f"#EXTINF:{(end - start) // 1000},{title}", name]
    (tracks / f"{SLUG}.m3u8").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_timeline(mp3, written=mp3, rate=RATE, length=CHAPTERS[-1][2],
                   chapters=[Span(*c) for c in CHAPTERS], spoken=[])


@pytest.fixture
def site(project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The site of small.md in English and Spanish, with a base_url."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    for lang in ("en", "es"):
        _built(project / "output", lang)
    result = cli("--base-url", BASE, "build", "--format", "site", SLUG)
    assert result.code == 0, result.err
    result = cli("--base-url", BASE, "site")
    assert result.code == 0, result.err
    return project / "output" / "site"


def test_a_handout_page_offers_every_format_with_its_size(site: Path) -> None:
    page = _page(site / "es" / SLUG / "index.html")
    folder = site / "es" / SLUG
    for name in (f"{SLUG}.pdf", f"{SLUG}.bilingual.pdf", f"{SLUG}.html", f"{SLUG}.epub",
                 f"{SLUG}.mp3", f"{SLUG}.vtt", f"tracks/{SLUG}.m3u8", "tracks/01-track.mp3"):
        assert name in page.hrefs(), name
        assert f"({size_text((folder / name).stat().st_size, 'es')})" in page.text, name
    zipped = site / "es" / f"{SLUG}-es.zip"
    assert f"../{zipped.name}" in page.hrefs()
    assert f"({size_text(zipped.stat().st_size, 'es')})" in page.text
    assert "(1,2 MB)" in page.text  # the EPUB, as Spanish writes it
    english = _page(site / "en" / SLUG / "index.html")
    assert f"{SLUG}.bilingual.pdf" not in english.hrefs()  # the source has no bilingual
    assert not (site / "en" / SLUG / f"{SLUG}.bilingual.pdf").exists()


def test_chapters_start_the_audio_with_a_media_fragment(site: Path) -> None:
    page = _page(site / "es" / SLUG / "index.html")
    chapters = [h for h in page.hrefs() if h.startswith(f"{SLUG}.mp3#")]
    assert chapters == [f"{SLUG}.mp3#t=0", f"{SLUG}.mp3#t=12.5", f"{SLUG}.mp3#t=65.25"]
    assert "1 min y 10 s" in page.text  # the duration, in Spanish
    audio = [attrs for tag, attrs in page.elements if tag == "audio"]
    assert audio == [{"controls": "", "preload": "none", "src": f"{SLUG}.mp3"}]
    data = json.loads((site / "es" / SLUG / f"{SLUG}.chapters.json").read_text("utf-8"))
    assert data["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in data["chapters"]] == [
        (0.0, "Opening"), (12.5, "How to take it"), (65.25, "Credits, sources and disclaimer")]


def test_review_status_is_shown_in_each_language(site: Path, cli: Cli) -> None:
    assert "Aún no revisada por un traductor médico" in _page(site / "es" / "index.html").text
    assert "Original text" in _page(site / "en" / "index.html").text
    assert cli("review", SLUG, "--lang", "es", "--by", "Ana García",
               "--date", "2026-12-01").code == 0
    assert cli("--base-url", BASE, "build", "--format", "site", "--lang", "es", SLUG).code == 0
    assert cli("--base-url", BASE, "site").code == 0
    assert "Traducción revisada por Ana García, 1 de diciembre de 2026." \
        in _page(site / "es" / "index.html").text


def test_pages_have_no_script_and_only_relative_links_that_resolve(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert len(pages) == 5  # the first page, two languages, two handouts
    for path in pages:
        page = _page(path)
        html_tag = page.elements[0]
        assert html_tag[0] == "html" and html_tag[1]["lang"] in ("en", "es"), path
        assert html_tag[1]["dir"] == "ltr"
        assert page.elements[page.elements.index(("body", {})) + 1] == (
            "a", {"class": "skip", "href": "#main"})
        for tag, attrs in page.elements:
            assert tag not in ("script", "iframe", "object", "embed"), path
            assert not any(name.startswith("on") for name in attrs), (path, tag)
            for name in ("href", "src"):
                target = attrs.get(name)
                if target is None or target.startswith("#") or target.startswith("data:image/"):
                    continue
                if tag == "a" and target.startswith("https://") and BASE not in target:
                    continue  # the article's links to the web (licences): never loaded
                assert not re.match(r"^[a-z]+:|^//", target), (path, target)
                file = target.split("#")[0]
                assert (path.parent / file).is_file(), (path, target)


def test_languages_are_named_in_themselves(site: Path) -> None:
    page = _page(site / "index.html")
    named = [(attrs["href"], attrs["lang"]) for tag, attrs in page.elements
             if tag == "a" and "hreflang" in attrs]
    assert ("es/index.html", "es") in named and ("en/index.html", "en") in named
    assert "Español" in page.text and "English" in page.text


def test_the_feed_is_a_podcast_with_chapters_and_transcript(site: Path) -> None:
    parsed = feedparser.parse((site / "es" / "feed.xml").read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.language == "es"
    (item,) = parsed.entries
    assert item.link == f"{BASE}es/{SLUG}/"
    (enclosure,) = item.enclosures
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == (site / "es" / SLUG / f"{SLUG}.mp3").stat().st_size
    assert item.itunes_duration == "70"
    assert "Descargo de responsabilidad" in item.description
    xml = (site / "es" / "feed.xml").read_text("utf-8")
    for tag, name, kind in (("transcript", f"{SLUG}.vtt", "text/vtt"),
                            ("chapters", f"{SLUG}.chapters.json",
                             "application/json+chapters")):
        assert f'<podcast:{tag} url="{BASE}es/{SLUG}/{name}" type="{kind}"' in xml


def test_without_base_url_there_is_no_feed_and_a_notice(site: Path, cli: Cli) -> None:
    result = cli("site")
    assert result.code == 0
    assert "no podcast feeds: they need the site's address" in result.err
    assert not (site / "es" / "feed.xml").exists()  # the earlier one is gone
    sums = (site / "SHA256SUMS").read_text("utf-8")
    assert "feed.xml" not in sums


def _published(site: Path) -> set[str]:
    return {line.split("  ", 1)[1] for line in (site / "SHA256SUMS").read_text().splitlines()}


def test_a_withdrawn_translation_leaves_the_site(site: Path, project: Path,
                                                 cli: Cli) -> None:
    assert any(name.startswith("es/") for name in _published(site))
    shutil.rmtree(project / "locales" / "es")  # the organisation withdrew its Spanish
    result = cli("--base-url", BASE, "site")
    assert result.code == 0, result.err
    assert f"output/site/es/{SLUG}/: withdrawn" in result.err
    assert not (site / "es").exists()  # its handout, ZIP, list and feed
    assert not any(name.startswith("es/") for name in _published(site))
    assert "es/" not in (site / "index.html").read_text("utf-8")
    assert "1 handouts in 1 languages" in result.err


def test_reviewed_only_withdraws_what_is_not_reviewed(site: Path, cli: Cli) -> None:
    result = cli("--base-url", BASE, "site", "--reviewed-only")
    assert result.code == 0, result.err
    assert not (site / "es").exists() and (site / "en" / SLUG / "index.html").is_file()
    assert cli("review", SLUG, "--lang", "es", "--by", "Ana García",
               "--date", "2026-12-01").code == 0
    assert cli("--base-url", BASE, "build", "--format", "site", "--lang", "es", SLUG).code == 0
    assert cli("--base-url", BASE, "site", "--reviewed-only").code == 0
    assert (site / "es" / "index.html").is_file() and (site / f"es/{SLUG}-es.zip").is_file()


def test_a_bad_base_url_is_refused_where_it_was_given(project: Path, cli: Cli) -> None:
    result = cli("--base-url", "example.org/handouts", "site")
    assert result.code == 1
    assert result.err.startswith("--base-url: base_url must be a web address")
    (project / "pipeline.toml").write_text('[pipeline]\nbase_url = "ftp://example.org/"\n')
    result = cli("--settings", project / "pipeline.toml", "site")
    assert result.code == 1
    assert result.err.startswith(f"{project / 'pipeline.toml'}: base_url must be")


def test_the_zip_is_reproducible_and_holds_every_format(site: Path, cli: Cli) -> None:
    zipped = site / "es" / f"{SLUG}-es.zip"
    first = zipped.read_bytes()
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        infos = archive.infolist()
    assert names == sorted(names)
    assert f"{SLUG}-es/{SLUG}.mp3" in names and f"{SLUG}-es/tracks/{SLUG}.m3u8" in names
    assert f"{SLUG}-es/index.html" not in names  # its stylesheet is the site's
    assert {info.date_time for info in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}
    for path in (site.parent / "es").iterdir():  # other file times: same archive
        if path.is_file():
            os.utime(path, (1, 1))
    assert cli("--base-url", BASE, "build", "--format", "site", "--lang", "es", SLUG).code == 0
    assert zipped.read_bytes() == first


def test_checksums_list_every_file_and_only_changes_are_written(site: Path,
                                                                cli: Cli) -> None:
    sums = dict(reversed(line.split("  ", 1))
                for line in (site / "SHA256SUMS").read_text("utf-8").splitlines())
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert set(sums) == files - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((site / name).read_bytes()).hexdigest() == digest, name
    before = {name: (site / name).stat().st_mtime_ns for name in files}
    result = cli("--base-url", BASE, "site")
    assert "0 files written" in result.err
    assert {name: (site / name).stat().st_mtime_ns for name in files} == before


@pytest.mark.parametrize(("lang", "seconds", "expected"), [
    ("en", 908, "15 min and 8 sec"), ("es", 3725, "1 h, 2 min y 5 s"),
    ("zh_Hans", 65, "1分钟和5秒"), ("fr", 60, "1 min")])
def test_durations_are_written_as_the_language_does(lang: str, seconds: int,
                                                    expected: str) -> None:
    # CLDR's no-break spaces (U+00A0, narrow U+202F) are kept: the page shows them.
    assert duration_text(seconds, lang).replace("\xa0", " ").replace("\u202f", " ") \
        == expected


def test_sizes_and_chapter_times() -> None:
    assert size_text(44_506, "en") == "45 kB"
    assert size_text(6_748_210, "fr") == "6,7\u202fMo"
    assert (clock_text(0), clock_text(464.17), clock_text(3725)) == ("0:00", "7:44", "1:02:05")
