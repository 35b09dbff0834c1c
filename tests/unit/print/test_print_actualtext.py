"""The ActualText extension of WeasyPrint's text drawing: pure parts, then real PDFs.

The real PDFs are short texts laid out by WeasyPrint 70 and read back by poppler's
pdftotext, pikepdf and the page PDF/UA-1 validator; each Hindi case is also drawn
once without the extension, to show that the test would catch it not working.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import page
import pikepdf
import pydyf
import pytest
import weasyprint.draw.text as weasy_text

from pipeline.print import actualtext
from pipeline.print.actualtext import Cluster, Glyph, HookError, mark, spans
from pipeline.print.html import Page
from pipeline.print.pdf import write_pdf
from pipeline.resources import Resources

NOTHING = Resources({}, ())  # these pages embed no file

# Words that WeasyPrint 70 alone extracts as other text: a consonant first drawn
# inside a pre-base i-matra cluster ('कि'), a nukta, conjuncts, and marks drawn back
# over their base that poppler reads as a space after them.
HINDI = "किताब कम दस्तावेज़ स्तर टैबलेट ढंग"
ARABIC = "لا يُستخدم باكلوفين (دواء) إلا بوصفة"


# --- pure parts -------------------------------------------------------------------------

def _clusters(*specs: tuple[tuple[int, ...], bool, bool]) -> list[Cluster]:
    """Clusters of one byte each (so text[n:n+1] is cluster n): (gids, exact, flush)."""
    return [Cluster(gids, n, n + 1, exact, flush)
            for n, (gids, exact, flush) in enumerate(specs)]


def test_exact_clusters_get_no_span() -> None:
    """Glyphs that spell their characters pass through unmarked."""
    glyphs = list(spans(_clusters(((1,), True, True), ((2, 3), True, True)), b"ab", 4))
    assert glyphs == [Glyph(1, 4), Glyph(2, 4), Glyph(3, 4)]


def test_a_run_of_inexact_clusters_is_one_span() -> None:
    """Neighbouring inexact clusters share one span with all their characters."""
    clusters = _clusters(((1,), True, True), ((2, 3), False, True), ((4,), False, True),
                         ((5,), True, True))
    assert list(spans(clusters, b"abcd", 4)) == [
        Glyph(1, 4), Glyph(2, 4, opens="bc"), Glyph(3, 4), Glyph(4, 4, closes=True),
        Glyph(5, 4)]


def test_a_span_ending_short_takes_in_the_next_cluster() -> None:
    """A cluster whose last glyph ends short (a mark drawn back) ends its span further on."""
    clusters = _clusters(((1,), True, True), ((2,), True, False), ((3,), True, True),
                         ((4,), True, True))
    assert list(spans(clusters, b"abcd", 4)) == [
        Glyph(1, 4), Glyph(2, 4, opens="bc"), Glyph(3, 4, closes=True), Glyph(4, 4)]


def test_a_single_glyph_span_opens_and_closes() -> None:
    assert list(spans(_clusters(((7,), False, True),), b"x", 2)) == [
        Glyph(7, 2, opens="x", closes=True)]


def test_mark_splits_the_text_operator_around_a_span() -> None:
    """The span's glyph gets its own TJ between BDC and EMC; nothing else changes."""
    operators = [b"BT", b"1 0 0 -1 10 20 Tm", b"[<00010002> -12.5 <0003>] TJ", b"ET"]
    glyphs = [Glyph(1, 4), Glyph(2, 4, opens="क", closes=True), Glyph(3, 4)]
    marked = mark(operators, glyphs)
    data = b" ".join(op.data if isinstance(op, pydyf.Object) else op for op in marked)
    assert data == (b"BT 1 0 0 -1 10 20 Tm [<0001>] TJ /Span <</ActualText <feff0915>>> BDC "
                    b"[<0002>] TJ EMC [ -12.5 <0003>] TJ ET")


def test_mark_keeps_a_span_open_across_operators() -> None:
    """A span may hold a text rise or a font change between its glyphs."""
    operators = [b"[<0001>] TJ", b"-2 Ts", b"[<0002>] TJ", b"0 Ts", b"[<0003>] TJ"]
    glyphs = [Glyph(1, 4, opens="ab"), Glyph(2, 4, closes=True), Glyph(3, 4)]
    marked = [op if isinstance(op, bytes) else b"<<>>" for op in mark(operators, glyphs)]
    assert marked == [b"/Span", b"<<>>", b"BDC", b"[<0001>] TJ", b"-2 Ts", b"[<0002>] TJ",
                      b"EMC", b"0 Ts", b"[<0003>] TJ"]


@pytest.mark.parametrize(("operators", "glyphs"), [
    ([b"[<0001><0005>] TJ"], [Glyph(1, 4), Glyph(2, 4)]),  # another glyph was drawn
    ([b"[<0001>] TJ"], [Glyph(1, 4), Glyph(2, 4)]),  # fewer glyphs were drawn
    ([b"[<00010002>] TJ"], [Glyph(1, 4)]),  # more glyphs were drawn
    ([b"[(text)] TJ"], [Glyph(1, 4)]),  # a literal string, which WeasyPrint never writes
])
def test_mark_refuses_glyphs_it_cannot_account_for(operators: list[bytes],
                                                   glyphs: list[Glyph]) -> None:
    """If WeasyPrint draws differently from what Pango shaped, the build stops."""
    with pytest.raises(HookError):
        mark(operators, glyphs)


# --- real PDFs ----------------------------------------------------------------------

def _write(tmp_path: Path, lang: str, text: str, *, direction: str = "ltr",
           before: str = "") -> Path:
    html = (f'<!DOCTYPE html><html lang="{lang}" dir="{direction}"><head><title>t</title>'
            f'</head><body>{before}<p>{text}</p></body></html>')
    css = ('html { font-family: "Atkinson Hyperlegible", "Noto Sans Devanagari", '
           '"Noto Sans Arabic", sans-serif; font-size: 18pt }')
    target = tmp_path / f"{lang}.pdf"
    write_pdf(Page(html, (css,), NOTHING), target, base_url=tmp_path)
    return target


@pytest.fixture
def without_hook() -> Iterator[None]:
    """WeasyPrint's own text drawing for the duration of a test."""
    hooked = weasy_text.draw_first_line
    weasy_text.draw_first_line = hooked.wraps
    try:
        yield
    finally:
        weasy_text.draw_first_line = hooked


def _text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(out.split())


def _actual_texts(path: Path) -> list[str]:
    with pikepdf.open(path) as pdf:
        return [str(operands[1].ActualText)
                for pdf_page in pdf.pages
                for operands, operator in pikepdf.parse_content_stream(pdf_page)
                if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
                and "/ActualText" in operands[1]]


def test_the_hook_is_installed() -> None:
    """Importing the PDF writer puts the extension in WeasyPrint's text drawing."""
    assert actualtext.installed()
    assert weasy_text.draw_first_line.wraps.__module__ == "weasyprint.draw.text"


def test_hindi_extracts_exactly(tmp_path: Path) -> None:
    """pdftotext gives back the Hindi words as written."""
    assert _text(_write(tmp_path, "hi", HINDI)) == HINDI


@pytest.mark.usefixtures("without_hook")
def test_without_the_hook_hindi_extracts_wrongly(tmp_path: Path) -> None:
    """The same words drawn by WeasyPrint alone: the check above would fail."""
    text = _text(_write(tmp_path, "hi", HINDI))
    assert text != HINDI
    assert "किम" in text  # 'कम' read through the glyph map of 'कि'


def test_arabic_spans_only_mirrored_brackets(tmp_path: Path) -> None:
    """Right to left, a bracket is drawn with its mirror image, which left-to-right text
    before it mapped to the other bracket: only those get a span."""
    target = _write(tmp_path, "ar", ARABIC, direction="rtl",
                    before='<p lang="en" dir="ltr">(SCI)</p>')
    assert sorted(_actual_texts(target)) == ["(", ")"]


def test_latin_text_gets_no_span(tmp_path: Path) -> None:
    """Kerned Latin text maps one to one: nothing is added."""
    text = "Baclofen (Lioresal) relaxes muscles affected by spasticity; AVAWAY To."
    target = _write(tmp_path, "en", text)
    assert _actual_texts(target) == []
    assert _text(target) == text


def test_spans_nest_inside_the_structure_marked_content(tmp_path: Path) -> None:
    """Each ActualText span sits, balanced, inside a text object and an MCID sequence."""
    target = _write(tmp_path, "hi", HINDI)
    with pikepdf.open(target) as pdf:
        stack: list[str] = []
        spans_seen = 0
        in_text = False
        for operands, operator in pikepdf.parse_content_stream(pdf.pages[0]):
            name = str(operator)
            if name in ("BT", "ET"):
                assert not stack or stack[-1] != "actual", "a span straddles BT/ET"
                in_text = name == "BT"
            elif name == "BDC":
                properties = operands[1]
                if "/ActualText" in properties:
                    assert "/MCID" not in properties
                    assert stack and stack[-1] == "mcid", stack
                    assert in_text
                    spans_seen += 1
                    stack.append("actual")
                else:
                    stack.append("mcid" if "/MCID" in properties else "other")
            elif name == "BMC":
                stack.append("other")
            elif name == "EMC":
                stack.pop()
        assert stack == []
        assert spans_seen >= 3
    report = page.validate_pdf(target, profile="ua1")
    assert report.rules.failed == 0, [f"{f.rule_id}: {f.message}" for f in report.failures]
