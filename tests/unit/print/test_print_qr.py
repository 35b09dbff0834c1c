"""The QR code on page 1 of the printed handouts, to the handout's page on the site: an
image marked as an artifact, the address beside it as tagged text; nothing without a
base_url. (tests/e2e/test_site.py reads the code back with zbarimg.)"""

from __future__ import annotations

from pathlib import Path

import page as page_validation
import pikepdf
import pytest

from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.model import Document
from pipeline.print.bilingual import render_bilingual
from pipeline.print.html import PrintOptions, render
from pipeline.print.pdf import write_pdf
from pipeline.source.parse import parse_file
from support import FIXTURES

URL = "https://example.org/handouts/es/small/"


Documents = tuple[Document, Document]


@pytest.fixture
def documents(project: Path) -> Documents:
    source = parse_file(project / "source" / "small.md")
    return source, load_translation(Config(), source, "es")


def _options(project: Path, url: str | None) -> PrintOptions:
    return PrintOptions(paper="A4", images=project / "source", url=url)


def _draws(pdf: Path) -> tuple[int, int]:
    """Images and forms drawn on page 1: (inside artifacts, elsewhere)."""
    with pikepdf.open(pdf) as document:
        stack: list[str] = []
        inside = outside = 0
        for operands, operator in pikepdf.parse_content_stream(document.pages[0]):
            name = str(operator)
            if name in ("BDC", "BMC"):
                stack.append(str(operands[0]))
            elif name == "EMC":
                stack.pop()
            elif name == "Do":
                if "/Artifact" in stack:
                    inside += 1
                else:
                    outside += 1
    return inside, outside


def test_the_address_is_printed_beside_the_code(project: Path, documents: Documents) -> None:
    source, spanish = documents
    page = render(spanish, _options(project, URL))
    assert ('<p class="qr"><span>Escuche esta hoja informativa y léala en internet:</span> '
            f'<a class="address" dir="ltr" href="{URL}">example.org/handouts/es/small/</a></p>'
            ) in page.html
    (image,) = page.made
    assert image.startswith("data:image/svg+xml;base64,")
    assert any(image in css and "4cm" in css for css in page.stylesheets)
    both = render_bilingual(source, spanish, _options(project, URL))
    assert '<p class="qr" lang="es" dir="ltr">' in both.html


def test_without_a_base_url_there_is_no_code(project: Path, documents: Documents) -> None:
    source, spanish = documents
    for page in (render(spanish, _options(project, None)),
                 render_bilingual(source, spanish, _options(project, None))):
        assert "qr" not in page.html and not page.made
        assert len(page.stylesheets) in (3, 4)


def test_the_code_is_an_artifact_and_the_pdf_stays_pdf_ua(
        project: Path, documents: Documents, tmp_path: Path) -> None:
    _, spanish = documents
    with_code, without = tmp_path / "qr.pdf", tmp_path / "plain.pdf"
    write_pdf(render(spanish, _options(project, URL)), with_code, base_url=project / "source")
    write_pdf(render(spanish, _options(project, None)), without, base_url=project / "source")
    (artifacts, tagged), (artifacts_before, tagged_before) = _draws(with_code), _draws(without)
    assert artifacts == artifacts_before + 1  # the code, as an artifact
    assert tagged == tagged_before  # nothing new for a screen reader but the text
    report = page_validation.validate_pdf(str(with_code), profile="ua1")
    assert report.is_compliant, str(report)


def test_a_bad_base_url_never_reaches_paper() -> None:
    from pipeline.config import check_base_url
    from pipeline.errors import PipelineError

    assert check_base_url(" https://example.org/handouts ", "x") == "https://example.org/handouts/"
    for bad in ("example.org", "ftp://example.org/", "https://", "https://e.org/?a=1",
                "https://e.org/a b", 42):
        with pytest.raises(PipelineError, match="base_url must be a web address"):
            check_base_url(bad, FIXTURES / "pipeline.toml")
