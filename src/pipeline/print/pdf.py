"""HTML to tagged PDF/UA-1 with WeasyPrint: the only module that imports it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.pdf import tags
from weasyprint.text.fonts import FontConfiguration

from pipeline.output import atomic_path
from pipeline.print import actualtext, structure
from pipeline.print.html import Page
from pipeline.print.unicode_map import repair_empty_unicode_maps

# WeasyPrint logs every unsupported CSS property at WARNING; we only want errors.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


def _with_languages(build: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """WeasyPrint 70 tags the document's language only: add each element's own ``lang``.

    PDF/UA-1 (7.2) wants every change of language marked, e.g. a fallback paragraph in
    English inside a Spanish document. ``_build_box_tree`` looks itself up in its module
    when it recurses, so wrapping it reaches every element.
    """
    def build_with_lang(box: Any, *args: Any) -> Iterator[Any]:
        for element in build(box, *args):
            lang = None if box.element is None or box.element_tag in ("html", "body") \
                else box.element.get("lang")
            if lang:
                element["Lang"] = tags.pydyf.String(lang)
            yield element

    return build_with_lang


tags._build_box_tree = _with_languages(tags._build_box_tree)
actualtext.install()
structure.install()


def write_pdf(page: Page, target: Path, *, base_url: Path) -> None:
    """Lay out ``page`` and write it to ``target`` (atomically) as a tagged PDF/UA-1 file."""
    # One FontConfiguration for the stylesheets and the writer, or @font-face is ignored.
    fonts = FontConfiguration()
    stylesheets = [CSS(string=css, font_config=fonts) for css in page.stylesheets]
    document = HTML(string=page.html, base_url=str(base_url.resolve()))
    with atomic_path(target) as temp:
        document.write_pdf(temp, stylesheets=stylesheets, font_config=fonts,
                           pdf_variant="pdf/ua-1", pdf_tags=True,
                           pdf_identifier=hashlib.sha256(page.html.encode()).digest()[:16])
        repair_empty_unicode_maps(temp)
