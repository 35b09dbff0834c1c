"""Print stage: large-print tagged PDFs, checked with real tools on real files.

The real article's six PDFs are built once and read with page (PDF/UA-1), poppler,
pdfplumber and pikepdf; the small fixture project covers fallbacks, the review notice,
images and paper.
"""

from __future__ import annotations

import functools
import html
import re
import subprocess
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import page
import pdfplumber
import pikepdf
import polib
import pytest
from PIL import Image

from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.print.html import Page, PrintOptions, paper_for, render
from pipeline.source.parse import parse_file
from support import REAL_LANGS, ROOT, Cli, RealBuild, pdftags, pdftext
from support.pdftext import Char

SLUG = "baclofen"
# Written out rather than computed with pipeline.locales, so a wrong conversion shows.
BCP47 = {"en": "en", "es": "es", "fr": "fr", "ar": "ar", "zh_Hans": "zh-Hans", "hi": "hi"}
LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)
CREDIT_HOLDERS = ("PubChem", "NLM Pillbox", "Anand Swaminathan")
SMALLEST_PT = 18.0
H1_PT = 22.0
TOLERANCE_PT = 0.01
CHUNK = 25  # characters from the start of each disclaimer paragraph
MARGIN_START = 22 * 72 / 25.4  # large-print.css: 22 mm left and right
FALLBACK_MSGID = "Read our [guide](https://example.org/guide/) for more."
ALT_ES = "Un comprimido redondo y blanco."

# Tags the template's elements become (figures are absent: the article's images are).
TAGS = {"/Document", "/H1", "/H2", "/H3", "/P", "/L", "/LI", "/Lbl", "/LBody", "/Caption",
        "/Link"}

lang_params = pytest.mark.parametrize("lang", REAL_LANGS)


# --- the six real PDFs ----------------------------------------------------------------

def test_render_times_are_recorded(real_build: RealBuild) -> None:
    """Each language's build line gives its time (shown with pytest -s)."""
    seconds = {lang: real_build.seconds[("pdf", lang)] for lang in REAL_LANGS}
    print("\nPDF render time per language (s):",
          ", ".join(f"{lang} {time:.2f}" for lang, time in seconds.items()))
    assert all(time > 0 for time in seconds.values())
    assert all(real_build.pdf(lang).stat().st_size > 0 for lang in REAL_LANGS)


@lang_params
def test_pdf_ua1_has_no_failed_rules(real_build: RealBuild, lang: str) -> None:
    """The page validator finds no failed PDF/UA-1 rule."""
    report = page.validate_pdf(real_build.pdf(lang), profile="ua1")
    failures = "\n".join(f"{f.rule_id}: {f.message}" for f in report.failures)
    assert report.rules.failed == 0, f"{report.rules.failed} failed rules:\n{failures}"


@lang_params
def test_every_font_is_embedded_with_unicode(real_build: RealBuild, lang: str) -> None:
    """pdffonts lists at least one font, each embedded and mapped to Unicode."""
    fonts = _pdffonts(real_build.pdf(lang))
    assert fonts, "pdffonts lists no fonts"
    assert [f.name for f in fonts if not f.embedded] == []
    assert [f.name for f in fonts if not f.unicode] == []


@lang_params
def test_no_italic_font_is_used(real_build: RealBuild, lang: str) -> None:
    """Emphasis is bold, never italic: no italic or oblique face is embedded."""
    names = [f.name for f in _pdffonts(real_build.pdf(lang))]
    assert any("Bold" in name for name in names), names  # the emphasis went somewhere
    assert [n for n in names if re.search("italic|oblique", n, re.IGNORECASE)] == []


@lang_params
def test_no_text_is_smaller_than_18pt(real_build: RealBuild, lang: str) -> None:
    """Every character on every page (footer too) is at least 18 pt; the H1 is 22 pt."""
    chars = [char for page_chars in _built_chars(real_build.pdf(lang)) for char in page_chars]
    smallest = min(chars, key=lambda char: char["size"])
    assert smallest["size"] >= SMALLEST_PT - TOLERANCE_PT, (
        f"{smallest['size']:.2f} pt {smallest['text']!r} on page {smallest['page_number']} "
        f"({smallest['fontname']})")
    assert max(char["size"] for char in chars) >= H1_PT - 0.5


@lang_params
def test_credit_holders_are_in_the_text(real_build: RealBuild, lang: str) -> None:
    """pdftotext finds every image's credit holder."""
    text = _normalise(pdftext.pdftotext(real_build.pdf(lang)), lang)
    assert [h for h in CREDIT_HOLDERS if _normalise(h, lang) not in text] == []


@lang_params
def test_disclaimer_is_in_the_text(real_build: RealBuild, lang: str) -> None:
    """The start of each disclaimer paragraph, as translated in the catalog, is extractable."""
    if lang == "ar":
        # pdftotext reverses the text of ligature glyphs in right-to-left lines ('لا'
        # comes out as 'ال', 'على' as 'عىل'), so read the glyphs back ourselves.
        text = _normalise(_rtl_text(real_build.pdf(lang)), lang)
    else:
        text = _normalise(pdftext.pdftotext(real_build.pdf(lang)), lang)
    paragraphs = _disclaimer(lang)
    assert paragraphs, "no disclaimer entries in the catalog"
    missing = [chunk for chunk in (_normalise(p, lang)[:CHUNK] for p in paragraphs)
               if chunk not in text]
    assert missing == []


# Share of the catalog's distinct words that pdftotext gives back intact. Arabic is held
# back by pdftotext itself (it reverses the letters of lam-alef ligatures and moves
# vowel marks in right-to-left lines; measured 86.4 % before and after the ActualText
# extension), so its text layer is judged glyph by glyph above.
MIN_WORDS_INTACT = {"en": 1.0, "es": 1.0, "fr": 1.0, "ar": 0.86, "zh_Hans": 1.0, "hi": 0.99}


@lang_params
def test_words_are_intact_in_the_text(real_build: RealBuild, lang: str) -> None:
    """pdftotext gives back (nearly) every distinct word of the catalog as written."""
    words = _catalog_words(lang)
    text = "\n".join(pdftext.page_texts(real_build.pdf(lang)))
    if lang.startswith("zh"):
        flat = "".join(text.split())
        broken = sorted(w for w in words if w not in flat)
    else:
        found = set(_words(text))
        broken = sorted(w for w in words if w not in found)
    intact = 1 - len(broken) / len(words)
    print(f"\n{lang}: {len(words) - len(broken)}/{len(words)} distinct words intact "
          f"({100 * intact:.1f} %)")
    assert len(words) > 200
    assert intact >= MIN_WORDS_INTACT[lang], broken[:20]


@lang_params
def test_disclaimer_is_on_one_page(real_build: RealBuild, lang: str) -> None:
    """The disclaimer's first and last words are found on the same page (the last)."""
    paragraphs = [_normalise(_plain_markdown(p), lang) for p in _disclaimer(lang)]
    size = 8 if lang.startswith("zh") else 3  # characters in Chinese, else words
    if lang.startswith("zh"):
        first, last = paragraphs[0][:size], paragraphs[-1][-size:]
    else:
        first = " ".join(paragraphs[0].split()[:size])
        last = " ".join(paragraphs[-1].split()[-size:])
    if lang == "ar":  # pdftotext reverses ligatures: read the glyphs
        pages = [_normalise("\n".join(map(pdftext.reading_order, pdftext.lines(chars))), lang)
                 for chars in _built_chars(real_build.pdf(lang))]
    else:
        pages = [_normalise(text, lang) for text in pdftext.page_texts(real_build.pdf(lang))]
    with_first = [n for n, text in enumerate(pages, 1) if first in text]
    with_last = [n for n, text in enumerate(pages, 1) if last in text]
    assert with_first and with_first == with_last, (first, with_first, last, with_last)
    assert with_first == [len(pages)]


@lang_params
def test_each_html_element_is_one_structure_element(real_build: RealBuild, lang: str) -> None:
    """However the pages break, each <p>, list, section, main and link is one element."""
    config = Config(source=ROOT / "source", locales=ROOT / "locales", output=real_build.output)
    document = load_translation(config, parse_file(ROOT / "source" / f"{SLUG}.md"), lang)
    page_html = render(document, PrintOptions(paper="A4", images=ROOT / "source")).html
    expected = {"/P": len(re.findall(r"<p[ >]", page_html)),
                "/L": len(re.findall(r"<[ou]l[ >]", page_html)),
                "/Sect": len(re.findall(r"<section[ >]", page_html)),
                "/Part": len(re.findall(r"<main[ >]", page_html)),
                "/Link": len(re.findall(r"<a ", page_html))}
    with pikepdf.open(real_build.pdf(lang)) as pdf:
        names = [str(e.S) for e in pdftags.elements(pdf.Root.StructTreeRoot)]
        pages = len(pdf.pages)
    assert pages > 5
    assert {name: names.count(name) for name in expected} == expected


@lang_params
def test_catalog_declares_language_and_tagging(real_build: RealBuild, lang: str) -> None:
    """/Lang is the BCP 47 tag; the file is marked, structured and shows its title."""
    with pikepdf.open(real_build.pdf(lang)) as pdf:
        root = pdf.Root
        assert str(root.get("/Lang")) == BCP47[lang]
        assert bool(root.MarkInfo.Marked) is True
        elements = list(pdftags.elements(root.StructTreeRoot))
        assert elements[0].S == "/Document"
        assert TAGS - {str(e.S) for e in elements} == set()
        # PDF/UA-1 7.1: the viewer's window shows the title, not the file name.
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True


@lang_params
def test_title_metadata_is_the_translated_title(real_build: RealBuild, lang: str) -> None:
    """The XMP dc:title and the Info /Title are the catalog's translation of the title."""
    title = _translated(lang, "Baclofen")
    with pikepdf.open(real_build.pdf(lang)) as pdf:
        with pdf.open_metadata() as xmp:
            assert xmp.get("dc:title") == title
        assert str(pdf.docinfo.Title) == title


@lang_params
def test_bookmarks_follow_the_headings(real_build: RealBuild, lang: str) -> None:
    """One bookmark per H1, H2 and H3 element, under the title as the single top entry."""
    with pikepdf.open(real_build.pdf(lang)) as pdf:
        top = list(_siblings(pdf.Root.Outlines.First))
        bookmarks = list(_outline(pdf.Root.Outlines.First))
        headings = [e for e in pdftags.elements(pdf.Root.StructTreeRoot)
                    if e.S in ("/H1", "/H2", "/H3")]
        assert [str(item.Title) for item in top] == [_translated(lang, "Baclofen")]
        assert len(bookmarks) == len(headings) >= 7
        assert all(str(item.Title).strip() for item in bookmarks)


@lang_params
def test_paper_size_follows_the_territory(real_build: RealBuild, lang: str) -> None:
    """en (US) is US Letter; es, fr, ar, zh_Hans and hi are A4, on every page."""
    expected = LETTER if lang == "en" else A4
    with pikepdf.open(real_build.pdf(lang)) as pdf:
        sizes = {_size(p) for p in pdf.pages}
    assert len(sizes) == 1
    (width, height), = sizes
    assert width == pytest.approx(expected[0], abs=1)
    assert height == pytest.approx(expected[1], abs=1)


@lang_params
def test_lines_are_flush_to_the_start_edge(real_build: RealBuild, lang: str) -> None:
    """Page 1 aligns to the left margin, or to the right one in Arabic; never both."""
    first = _built_chars(real_build.pdf(lang))[0]
    width = first[0]["page_width"]
    lines = [[c for c in line if c["text"].strip()] for line in pdftext.lines(first)]
    lines = [line for line in lines if line]
    at_left = sum(1 for line in lines if min(c["x0"] for c in line) == pytest.approx(
        MARGIN_START, abs=0.5))
    at_right = sum(1 for line in lines if max(c["x1"] for c in line) == pytest.approx(
        width - MARGIN_START, abs=0.5))
    start, end = (at_right, at_left) if lang == "ar" else (at_left, at_right)
    assert start >= 3, f"{start} of {len(lines)} lines at the start edge"
    assert end < start


def test_arabic_keeps_latin_and_numbers_in_order(real_build: RealBuild) -> None:
    """In the Arabic PDF, Latin names and numbers still read left to right."""
    # Visual order (x ascending) of each line: a Latin word must spell forwards. Between
    # Arabic words the bidi algorithm puts "20" to the right of "mg", so an RTL reader
    # meets "20" first: visually "mg 20" is correct and "mg 02" would be broken.
    text = "\n".join("".join(c["text"] for c in sorted(line, key=lambda c: c["x0"]))
                     for page_chars in _built_chars(real_build.pdf("ar"))
                     for line in pdftext.lines(page_chars))
    assert "Lioresal" in text
    assert "GABA" in text
    assert re.search(r"mg 20(?!\d)", text), "no 'mg 20' in the Arabic PDF"
    assert "laseroiL" not in text and "ABAG" not in text


# --- the small fixture project --------------------------------------------------------

def test_fallback_text_is_tagged_english(project: Path, cli: Cli) -> None:
    """An untranslated paragraph keeps lang="en" in the HTML and /Lang (en) in the PDF."""
    _blank(project / "locales/es/LC_MESSAGES/small.po", FALLBACK_MSGID)
    page_html = _render(project, "es", threshold=0.0).html
    assert re.search(r'<p lang="en">Read our <a href="https://example.org/guide/">', page_html)

    result = cli("pdf", "--threshold", "0", "--lang", "es")
    assert result.code == 0, result.err
    target = project / "output/es/small.pdf"
    with pikepdf.open(target) as pdf:
        assert str(pdf.Root.Lang) == "es"
        english = [e for e in pdftags.elements(pdf.Root.StructTreeRoot)
                   if str(e.get("/Lang", "")) == "en"]
        assert len(english) == 1
        element = english[0]
        assert element.S == "/P"
        page_number = next(i for i, p in enumerate(pdf.pages, 1)
                           if p.objgen == element.Pg.objgen)
        mcids = {mcid for _page, mcid in pdftags.marked_content(element)}
    chars = _chars(target)[page_number - 1]
    text = "".join(c["text"] for c in chars if c.get("mcid") in mcids)
    # Some spaces are only gaps between glyphs, not characters: compare without them. The
    # passage is labelled for sighted readers too, the label back in Spanish.
    assert "".join(text.split()) == "Readourguide(example.org/guide/)formore.(inglés)"
    assert page.validate_pdf(target, profile="ua1").rules.failed == 0


def test_notice_shows_while_unreviewed(project: Path, cli: Cli) -> None:
    """The "not yet reviewed" notice is on the page until a sign-off is recorded."""
    labels = read_catalog(project / "locales/es/LC_MESSAGES/pipeline.po")
    notice = " ".join(next(e for e in labels if e.msgctxt == "not_reviewed").msgstr.split())
    assert _notices(_render(project, "es").html) == [notice]

    assert cli("review", "small", "--lang", "es", "--by", "Ana", "--date", "2026-12-01").code == 0
    reviewed = _render(project, "es").html
    assert _notices(reviewed) == []
    assert notice not in html.unescape(reviewed)
    assert '<p class="review">Traducción revisada por Ana, 1 de diciembre de 2026.</p>' \
        in reviewed


def test_source_language_has_no_notice(project: Path) -> None:
    """The English original is not a translation, so it carries no review notice."""
    assert _notices(_render(project, "en").html) == []


def test_missing_image_becomes_an_outlined_box(project: Path, cli: Cli) -> None:
    """Without its file an image is a 2 pt black box around "Image: <alt text>"."""
    page_html = _render(project, "es").html
    box = re.search(r'<div class="missing-image">(.*?)</div>', page_html, re.DOTALL)
    assert box, "no missing-image box"
    assert "<img" not in page_html
    assert html.unescape(re.sub(r"<[^>]+>", "", box.group(1))) == f"Imagen: {ALT_ES}"

    assert cli("pdf", "--lang", "es").code == 0
    chars = [c for p in _chars(project / "output/es/small.pdf") for c in p]
    alt = _find(chars, ALT_ES)
    rects = _black_rects(project / "output/es/small.pdf", alt[0]["page_number"])
    assert any(_inset(outer, inner) == pytest.approx(2.0, abs=0.05)
               and _encloses(inner, alt) for outer in rects for inner in rects)


def test_present_image_is_an_img_with_alt_text(project: Path, cli: Cli) -> None:
    """With its file the image is an <img> with the alt text and a tagged /Figure."""
    images = project / "source/images"
    images.mkdir()
    Image.new("RGB", (40, 30), "white").save(images / "tablet.png")

    page_html = _render(project, "es").html
    assert re.search(rf'<img src="file://[^"]+/tablet\.png" alt="{re.escape(ALT_ES)}"',
                     page_html)
    assert "missing-image" not in page_html

    assert cli("pdf", "--lang", "es").code == 0
    target = project / "output/es/small.pdf"
    report = page.validate_pdf(target, profile="ua1")
    assert report.rules.failed == 0, [f"{f.rule_id}: {f.message}" for f in report.failures]
    with pikepdf.open(target) as pdf:
        figures = [e for e in pdftags.elements(pdf.Root.StructTreeRoot) if e.S == "/Figure"]
        assert [str(f.Alt) for f in figures] == [ALT_ES]


@pytest.mark.parametrize(("lang", "override", "expected"), [
    ("en", None, "letter"),
    ("es", None, "A4"),
    ("fr", None, "A4"),
    ("ar", None, "A4"),
    ("zh_Hans", None, "A4"),
    ("hi", None, "A4"),
    ("es_MX", None, "letter"),
    ("en_GB", None, "A4"),
    ("en", "A4", "A4"),
    ("es", "Letter", "letter"),
    ("es", "US-Letter", "letter"),
])
def test_paper_for(lang: str, override: str | None, expected: str) -> None:
    """Paper by the language's (likely) territory from CLDR; an override wins."""
    assert paper_for(lang, override) == expected


@pytest.mark.parametrize("paper", ["Legal", "A5", "letters"])
def test_unknown_paper_is_refused(paper: str) -> None:
    """Only A4 and Letter are offered."""
    with pytest.raises(ValueError, match=paper):
        paper_for("en", paper)


def test_paper_option_overrides_the_territory(project: Path, cli: Cli) -> None:
    """`pdf --paper Letter --lang es` lays the Spanish PDF out on US Letter."""
    assert cli("pdf", "--paper", "Letter", "--lang", "es").code == 0
    with pikepdf.open(project / "output/es/small.pdf") as pdf:
        width, height = _size(pdf.pages[0])
    assert (width, height) == (pytest.approx(LETTER[0], abs=1), pytest.approx(LETTER[1], abs=1))


def test_unknown_paper_option_is_an_input_error(project: Path, cli: Cli) -> None:
    """A paper the pipeline does not know stops the build with exit status 1."""
    result = cli("pdf", "--paper", "Legal", "--lang", "es")
    assert result.code == 1
    assert "unknown paper 'Legal'" in result.err
    assert not (project / "output/es/small.pdf").exists()


# --- helpers --------------------------------------------------------------------------

@dataclass(frozen=True)
class Font:
    name: str
    embedded: bool
    unicode: bool


def _pdffonts(path: Path) -> list[Font]:
    """pdffonts' table; the type column has spaces, so read the flags from the right."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout
    fonts = []
    for row in out.splitlines()[2:]:
        fields = row.split()
        # ... emb sub uni object-number generation
        fonts.append(Font(fields[0], fields[-5] == "yes", fields[-3] == "yes"))
    return fonts


def _plain_markdown(text: str) -> str:
    """Inline Markdown as it reads in print: link texts (set apart, as their printed
    address follows them), no emphasis marks, no bare addresses."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r" \1 ", text)
    return re.sub(r"https?://\S+", " ", text).replace("*", "")


def _words(text: str) -> list[str]:
    """Words without the punctuation and symbols around them; addresses left out."""
    words = []
    for word in unicodedata.normalize("NFC", text).split():
        edges = "".join(c for c in set(word) if unicodedata.category(c)[0] in "PS")
        word = word.strip(edges)
        if word and not re.search(r"[./@]", word):
            words.append(word)
    return words


def _catalog_words(lang: str) -> set[str]:
    """The distinct words of every entry (runs of Han characters in Chinese)."""
    texts = [e.msgid if lang == "en" else e.msgstr for e in _catalog(lang) if not e.obsolete]
    words: set[str] = set()
    for text in map(_plain_markdown, texts):
        words.update(re.findall(r"[\u3400-\u9fff]+", text) if lang.startswith("zh")
                     else _words(text))
    return words


def _normalise(text: str, lang: str) -> str:
    """Text as compared: whitespace collapsed, or dropped in Chinese; no Arabic vowel marks."""
    # Chinese puts no spaces between words, so a line break inside a sentence shows up
    # as whitespace that the catalog does not have. Arabic vowel marks sit on a letter
    # with no width, so their order around it cannot be read back from positions.
    if lang == "ar":
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return "".join(text.split()) if lang.startswith("zh") else " ".join(text.split())


@functools.cache
def _catalog(lang: str) -> polib.POFile:
    path = ROOT / "locales" / (f"{SLUG}.pot" if lang == "en" else f"{lang}/LC_MESSAGES/{SLUG}.po")
    return polib.pofile(str(path))


def _translated(lang: str, msgid: str) -> str:
    """``msgid`` as the real catalog of ``lang`` translates it (itself in English)."""
    if lang == "en":
        return msgid
    return " ".join(next(e for e in _catalog(lang) if e.msgid == msgid).msgstr.split())


def _disclaimer(lang: str) -> list[str]:
    """The disclaimer paragraphs, from the entries the extractor notes as disclaimer."""
    entries = [e for e in _catalog(lang) if e.comment.startswith("disclaimer:")]
    return [e.msgid if lang == "en" else e.msgstr for e in entries]


def _chars(path: Path) -> list[list[Char]]:
    """pdfplumber's characters, page by page, each knowing its page's width."""
    with pdfplumber.open(path) as pdf:
        return [[{**char, "page_width": float(p.width)} for char in p.chars]
                for p in pdf.pages]


# The session's PDFs are built once, so several tests can share one reading of each.
_built_chars = functools.cache(_chars)


def _rtl_text(path: Path) -> str:
    """A right-to-left PDF's text in reading order, rebuilt from its glyphs' positions."""
    return "\n".join(pdftext.reading_order(line) for page_chars in _built_chars(path)
                     for line in pdftext.lines(page_chars))


def _siblings(item: pikepdf.Object | None) -> Iterator[pikepdf.Object]:
    while item is not None:
        yield item
        item = item.get("/Next")


def _outline(item: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """Every outline item from ``item`` on, depth first."""
    for sibling in _siblings(item):
        yield sibling
        if "/First" in sibling:
            yield from _outline(sibling.First)


def _size(pdf_page: pikepdf.Page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in pdf_page.mediabox)
    return x1 - x0, y1 - y0


def _blank(path: Path, msgid: str) -> None:
    """Empty one translation, as if the translator had not reached it yet."""
    catalog = read_catalog(path)
    entry = next(e for e in catalog if e.msgid == msgid)
    entry.msgstr = ""
    write_catalog(catalog, path)


def _render(project: Path, lang: str, *, threshold: float = 0.8) -> Page:
    config = Config(source=project / "source", locales=project / "locales",
                    output=project / "output", threshold=threshold)
    document = load_translation(config, parse_file(project / "source/small.md"), lang)
    return render(document, PrintOptions(paper="A4", images=project / "source"))


def _notices(page_html: str) -> list[str]:
    return [" ".join(html.unescape(text).split())
            for text in re.findall(r'<p class="notice"[^>]*>(.*?)</p>', page_html, re.DOTALL)]


def _find(chars: list[Char], text: str) -> list[Char]:
    """The glyphs that spell ``text`` (spaces aside) in content order, one letter each."""
    glyphs = [c for c in chars if c["text"].strip()]
    wanted = "".join(text.split())
    joined = "".join(c["text"] for c in glyphs)
    start = joined.index(wanted)
    return glyphs[start:start + len(wanted)]


def _black_rects(path: Path, page_number: int) -> list[Char]:
    with pdfplumber.open(path) as pdf:
        return [r for r in pdf.pages[page_number - 1].rects
                if r["fill"] and tuple(r["non_stroking_color"] or ()) in ((0,), (0, 0, 0))]


def _inset(outer: Char, inner: Char) -> float:
    """How far ``inner`` sits inside ``outer`` on every side (-1 when uneven)."""
    sides = {round(inner["x0"] - outer["x0"], 1), round(outer["x1"] - inner["x1"], 1),
             round(inner["top"] - outer["top"], 1), round(outer["bottom"] - inner["bottom"], 1)}
    return sides.pop() if len(sides) == 1 else -1.0


def _encloses(rect: Char, chars: list[Char]) -> bool:
    return all(rect["x0"] <= c["x0"] and c["x1"] <= rect["x1"]
               and rect["top"] <= c["top"] and c["bottom"] <= rect["bottom"] for c in chars)
