"""The bilingual handouts: the real article beside each of its five translations.

Built once through the CLI's ``bilingual`` shortcut and read back with the page PDF/UA-1
validator, pikepdf (structure tree), pdfplumber (sizes, alignment) and pdftotext.
"""

from __future__ import annotations

import json
from pathlib import Path

import page
import pdfplumber
import pikepdf
import polib
import pytest

from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.print.bilingual import rows
from pipeline.source.parse import parse_file
from support import REAL_LANGS, ROOT, RealBuild, pdftags, pdftext
from support.pdftext import Char

SLUG = "baclofen"
TRANSLATIONS = tuple(lang for lang in REAL_LANGS if lang != "en")
BCP47 = {"es": "es", "fr": "fr", "ar": "ar", "zh_Hans": "zh-Hans", "hi": "hi"}
CLEAR_PRINT_PT = 14.0
HOLDERS = ("PubChem", "NLM Pillbox", "Anand Swaminathan")
LICENSE_ADDRESSES = ("creativecommons.org/licenses/by-sa/4.0/",
                     "creativecommons.org/publicdomain/zero/1.0/",
                     "creativecommons.org/licenses/by-nc-nd/3.0/")

translation_params = pytest.mark.parametrize("lang", TRANSLATIONS)


def test_one_per_translation_none_for_the_source(real_build: RealBuild) -> None:
    """Five files; the English original has no bilingual version (shown with pytest -s)."""
    sizes = {lang: real_build.bilingual(lang).stat().st_size for lang in TRANSLATIONS}
    seconds = {lang: round(real_build.seconds[("bilingual", lang)], 2) for lang in TRANSLATIONS}
    print("\nbilingual PDFs:", json.dumps({lang: {"seconds": seconds[lang], "bytes": sizes[lang]}
                                            for lang in TRANSLATIONS}))
    assert all(size > 0 for size in sizes.values())
    assert not (real_build.output / "en" / f"{SLUG}.bilingual.pdf").exists()


@translation_params
def test_pdf_ua1_has_no_failed_rules(real_build: RealBuild, lang: str) -> None:
    report = page.validate_pdf(real_build.bilingual(lang), profile="ua1")
    assert report.rules.failed == 0, [f"{f.rule_id}: {f.message}" for f in report.failures]


@translation_params
def test_one_table_one_row_per_block(real_build: RealBuild, lang: str) -> None:
    """One /Table (however many pages), a header row of two /TH, then one row per block:
    title, each heading, paragraph, list item and figure, credits, sources, disclaimer."""
    expected_rows = 1 + 1 + len(list(rows(*_documents(lang)))) + 3
    with pikepdf.open(real_build.bilingual(lang)) as pdf:
        assert len(pdf.pages) > 5
        elements = list(pdftags.elements(pdf.Root.StructTreeRoot))
        kinds = [str(e.S) for e in elements]
        table_rows = [e for e in elements if e.S == "/TR"]
        assert kinds.count("/Table") == 1
        assert kinds.count("/THead") == 1 and kinds.count("/TH") == 2  # not repeated
        assert len(table_rows) == expected_rows
        assert all(_cells(row) == (["/TH"] * 2 if n == 0 else ["/TD"] * 2)
                   for n, row in enumerate(table_rows))


@translation_params
def test_each_cell_has_its_language_and_headers_their_scope(real_build: RealBuild,
                                                            lang: str) -> None:
    """Left cells /Lang en, right cells the translation's; each TH has /Scope /Column."""
    with pikepdf.open(real_build.bilingual(lang)) as pdf:
        assert str(pdf.Root.Lang) == BCP47[lang]
        cells = [e for e in pdftags.elements(pdf.Root.StructTreeRoot) if e.S in ("/TH", "/TD")]
        langs = [str(cell.get("/Lang", "")) for cell in cells]
        headers = [cell for cell in cells if cell.S == "/TH"]
        assert [str(h.A.Scope) for h in headers] == ["/Column", "/Column"]
    assert langs == ["en", BCP47[lang]] * (len(cells) // 2)


@translation_params
def test_rows_do_not_break_across_pages(real_build: RealBuild, lang: str) -> None:
    """Everything a row shows is on one page."""
    with pikepdf.open(real_build.bilingual(lang)) as pdf:
        table_rows = [e for e in pdftags.elements(pdf.Root.StructTreeRoot) if e.S == "/TR"]
        pages = [{page_of for page_of, _mcid in pdftags.marked_content(row)} for row in table_rows]
    assert all(len(on) == 1 for on in pages), [n for n, on in enumerate(pages) if len(on) > 1]


@translation_params
def test_nothing_is_smaller_than_clear_print(real_build: RealBuild, lang: str) -> None:
    """Every character, running heads and footers too, is 14 pt or more."""
    smallest = min((c for page_chars in _chars(real_build.bilingual(lang)) for c in page_chars),
                   key=lambda c: c["size"])
    assert smallest["size"] >= CLEAR_PRINT_PT - 0.01, smallest["text"]


@translation_params
def test_both_disclaimers_and_all_credits(real_build: RealBuild, lang: str) -> None:
    """Each column holds its language's disclaimer and the credit list's licences."""
    english = [e.msgid for e in _disclaimer_entries(lang)]
    translated = [e.msgstr for e in _disclaimer_entries(lang)]
    for column, paragraphs in (("left", english), ("right", translated)):
        text = _column_text(real_build.bilingual(lang), lang if column == "right" else "en", column)
        squeeze = "".join if lang in ("zh_Hans", "ar") and column == "right" else " ".join
        assert all(squeeze(p.split())[:30] in squeeze(text.split()) for p in paragraphs)
        # Each holder is named under its figure and in the credits (in Latin script).
        assert all(_letters(text).count(_letters(holder)) == 2 for holder in HOLDERS)
        if column == "left" or lang != "ar":
            # Addresses wrap at their hyphens, which pdftotext then drops: letters only.
            # (Right to left, a wrapped address shares lines with the licence before it.)
            assert all(_letters(text).count(_letters(address)) == 1
                       for address in LICENSE_ADDRESSES), column


def test_arabic_column_is_flush_right(real_build: RealBuild) -> None:
    """In the Arabic handout the right column's lines end at its right edge."""
    first = _chars(real_build.bilingual("ar"))[1]  # page 2: body rows only
    lines = [line for line in pdftext.lines(_right_half(first)) if len(line) > 3]
    right_edges = [round(max(c["x1"] for c in line)) for line in lines]
    left_edges = [round(min(c["x0"] for c in line)) for line in lines]
    most_right = max(right_edges.count(x) for x in set(right_edges))
    most_left = max(left_edges.count(x) for x in set(left_edges))
    assert most_right >= 10, right_edges
    assert most_right > 2 * most_left, (right_edges, left_edges)


# --- helpers --------------------------------------------------------------------------

def _documents(lang: str) -> tuple[object, object]:
    config = Config(source=ROOT / "source", locales=ROOT / "locales", output=ROOT / "output")
    source = parse_file(ROOT / "source" / f"{SLUG}.md")
    return source, load_translation(config, source, lang)


def _column_text(path: Path, lang: str, column: str) -> str:
    """The text of one column: pdftotext inside its half of the page; in Arabic the
    glyphs in reading order (pdftotext reverses lam-alef ligatures)."""
    if lang == "ar":
        return "\n".join(pdftext.reading_order(line) for chars in _chars(path)
                         for line in pdftext.lines(_right_half(chars)))
    with pikepdf.open(path) as pdf:
        x0, y0, x1, y1 = (float(v) for v in pdf.pages[0].mediabox)
    half = (x1 - x0) / 2
    crop = ["-x", str(0 if column == "left" else round(half)), "-y", "0",
            "-W", str(round(half)), "-H", str(round(y1 - y0))]
    return pdftext.pdftotext(path, *crop)


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def _disclaimer_entries(lang: str) -> list[polib.POEntry]:
    catalog = polib.pofile(str(ROOT / "locales" / lang / "LC_MESSAGES" / f"{SLUG}.po"))
    return [e for e in catalog if e.comment.startswith("disclaimer:")]


def _cells(row: pikepdf.Object) -> list[str]:
    return [str(e.S) for e in row.K if isinstance(e, pikepdf.Dictionary)
            and e.get("/Type") == "/StructElem"]


_CHARS: dict[Path, list[list[Char]]] = {}


def _chars(path: Path) -> list[list[Char]]:
    """pdfplumber's characters page by page (read once per file), each knowing its page's
    width."""
    if path not in _CHARS:
        with pdfplumber.open(path) as pdf:
            _CHARS[path] = [[{**c, "page_width": float(p.width)} for c in p.chars]
                            for p in pdf.pages]
    return _CHARS[path]


def _right_half(chars: list[Char]) -> list[Char]:
    return [c for c in chars if c["x0"] > c["page_width"] / 2]
