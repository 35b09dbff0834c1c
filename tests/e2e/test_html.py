"""HTML stage: the self-contained reading page, checked by axe-core in Chromium and the Nu
HTML checker, for reflow at 400 % zoom, its languages, ids, and what must be on it."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser

from pipeline.audio.script.lexicon import Lexicon
from pipeline.audio.script.narration import narrate
from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.html.render import render_page
from pipeline.markup import plain
from pipeline.model import Document, Role, Segment, map_segments
from pipeline.source.parse import parse_file
from support import READING_LANGS, ROOT
from support.validators import axe, chromium, vnu
from support.webpage import Page

SLUG = "baclofen"
SOURCE = ROOT / "source"
lang_params = pytest.mark.parametrize("lang", READING_LANGS)


def _document(lang: str) -> Document:
    return load_translation(Config(), parse_file(SOURCE / f"{SLUG}.md"), lang)


def _page(books: Path, lang: str) -> Path:
    return books / lang / f"{SLUG}.html"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


@lang_params
def test_axe_finds_no_wcag_violations(reading_books: Path, browser: Browser, lang: str) -> None:
    assert axe(browser, _page(reading_books, lang).as_uri()) == []


def test_the_nu_checker_finds_no_errors(reading_books: Path) -> None:
    assert vnu([_page(reading_books, lang) for lang in READING_LANGS]) == []


@lang_params
def test_text_is_large_and_reflows_at_400_percent(reading_books: Path, browser: Browser,
                                                  lang: str) -> None:
    """A 1280 px window at 400 % zoom is 320 CSS px wide: nothing scrolls sideways
    (WCAG 1.4.10), and body text stays at least 18 pt (24 px)."""
    page = browser.new_page(viewport={"width": 320, "height": 256})
    try:
        page.goto(_page(reading_books, lang).as_uri())
        scroll, client = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        smallest = page.evaluate(
            "Math.min(...[...document.querySelectorAll('p, li, figcaption')]"
            ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
    finally:
        page.close()
    assert scroll <= client
    assert smallest >= 24


@lang_params
def test_language_direction_and_no_active_content(reading_books: Path, lang: str) -> None:
    page = Page(_page(reading_books, lang).read_text(encoding="utf-8"))
    tag, attrs = page.elements[0]
    assert (tag, attrs["lang"], attrs["dir"]) == (
        "html", lang.replace("_", "-"), "rtl" if lang == "ar" else "ltr")
    tags = {tag for tag, _ in page.elements}
    assert not tags & {"script", "link", "iframe", "object", "embed", "audio", "video"}
    for tag, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if "src" in attrs:
            assert attrs["src"].startswith("data:image/"), attrs
        if "href" in attrs:
            assert attrs["href"].startswith(("https://", "http://")), attrs


@lang_params
def test_every_narrated_element_has_its_id_in_reading_order(reading_books: Path,
                                                            lang: str) -> None:
    """One id scheme: what the narration reads (Utterance.ref) is on the page, in order."""
    ids = Page(_page(reading_books, lang).read_text(encoding="utf-8")).ids
    assert len(ids) == len(set(ids))
    refs = [u.ref for u in narrate(_document(lang), lambda _: Lexicon()).utterances()]
    assert set(refs) <= set(ids)
    positions = [ids.index(ref) for ref in refs]
    assert positions == sorted(positions)


@lang_params
def test_disclaimer_credits_and_notice_are_on_the_page(reading_books: Path, lang: str) -> None:
    text = Page(_page(reading_books, lang).read_text(encoding="utf-8")).text
    document = _document(lang)
    for paragraph in document.disclaimer:
        assert plain(paragraph.text) in text
    for credit in document.credits:
        assert f"{plain(credit.title.text)} © {credit.holder}, {credit.license}" in text
    assert document.labels.not_reviewed.text in text


def test_credit_holders_are_left_to_right_runs_in_arabic(reading_books: Path) -> None:
    """"CC BY-NC-ND 3.0" keeps its order inside a right-to-left line: each holder and
    licence is one dir="ltr" run, in the figure captions and in the credits list."""
    page = _page(reading_books, "ar").read_text(encoding="utf-8")
    for credit in _document("ar").credits:
        run = f'<span dir="ltr">{credit.holder}, {credit.license}</span>'
        assert page.count(run) == 2, run  # under its figure, and in the credits


def _small(project: Path, lang: str = "es") -> Document:
    return load_translation(Config(), parse_file(project / "source" / "small.md"), lang)


def test_an_image_under_source_is_inside_the_page(project: Path) -> None:
    images = project / "source" / "images"
    images.mkdir()
    Image.new("RGB", (4, 3), "white").save(images / "tablet.png")
    page = Page(render_page(_small(project), project / "source", created=None))
    (image,) = [attrs for tag, attrs in page.elements if tag == "img"]
    assert image["src"].startswith("data:image/png;base64,")
    assert image["alt"] == "Un comprimido redondo y blanco."
    assert not any("missing-image" in attrs.get("class", "") for _, attrs in page.elements)


def test_an_image_outside_source_is_not_read(project: Path) -> None:
    """A figure pointing out of the article's folder (here changed after parsing, which
    refuses it) is an error at the figure's line; the file is never read."""
    outside = project / "secret.png"
    Image.new("RGB", (4, 3), "white").save(outside)
    document = _small(project)
    figure = document.figures()[0]
    moved = dataclasses.replace(figure, src="../secret.png")
    document = dataclasses.replace(
        document, body=tuple(moved if block is figure else block for block in document.body))
    with pytest.raises(PipelineError, match="may not leave the article's folder") as raised:
        render_page(document, project / "source", created=None)
    assert str(raised.value).startswith(f"{figure.alt.location}: ")


def test_untrusted_translations_stay_text(project: Path) -> None:
    """Raw HTML, an inline image and a javascript: link in a translation are only text."""
    evil = ("<script>alert(1)</script> ![x](https://example.org/x.png) "
            "[click](javascript:alert(1)) <img src=x onerror=alert(1)>")

    def poison(segment: Segment) -> Segment:
        return dataclasses.replace(segment, text=evil) if segment.role is Role.PARAGRAPH \
            else segment

    html = render_page(map_segments(_small(project), poison), project / "source", created=None)
    page = Page(html)
    assert not {tag for tag, _ in page.elements} & {"script", "img"}
    assert not any("javascript:" in attrs.get("href", "") for _, attrs in page.elements)
    assert "<script>alert(1)</script>" in page.text


def test_fallback_text_is_marked_with_its_language(project: Path) -> None:
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(catalog)
    po.find("Do **not** stop suddenly.").msgstr = ""
    write_catalog(po, catalog)
    html = render_page(load_translation(Config(threshold=0), parse_file(
        project / "source" / "small.md"), "es"), project / "source", created=None)
    assert re.search(r'<li id="s-1-1-2" lang="en">Do <strong>not</strong> stop', html)


def test_rtl_page_marks_left_to_right_fallback(tmp_path: Path) -> None:
    """In Arabic, English fallback text gets both lang and dir."""
    project = tmp_path / "p"
    shutil.copytree(SOURCE, project / "source")
    document = _document("ar")
    first = document.body[0]
    english = parse_file(SOURCE / f"{SLUG}.md").body[0]
    document = dataclasses.replace(document, body=(english, *document.body[1:]))
    html = render_page(document, project / "source", created=None)
    assert first is not english
    assert '<h2 id="s-1" lang="en" dir="ltr">Key points <span class="fallback" lang="ar" ' \
           'dir="rtl">(الإنجليزية)</span></h2>' in html
