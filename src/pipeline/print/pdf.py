"""HTML to tagged PDF/UA-1 with WeasyPrint: the only module that imports it."""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML
from weasyprint.pdf import tags
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pipeline.errors import PipelineError
from pipeline.output import atomic_path
from pipeline.print import actualtext, structure
from pipeline.print.html import Page
from pipeline.print.unicode_map import repair_empty_unicode_maps
from pipeline.resources import Resources

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


class _Refused(FatalURLFetchingError):  # type: ignore[misc]
    """Carries our error through WeasyPrint, which swallows every ``Exception``."""

    def __init__(self, error: PipelineError) -> None:
        super().__init__(str(error))
        self.error = error


class _Fetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's URL fetcher, asked for every image, font and stylesheet: it serves
    only what ``Resources`` allows and refuses the rest (no other file, no network)."""

    def __init__(self, resources: Resources, made: Mapping[str, tuple[str, bytes]]) -> None:
        super().__init__(allowed_protocols={"file"}, allow_redirects=False,
                         fail_on_errors=True)
        self.resources = resources
        self.made = made

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        if url in self.made:  # an image the pipeline made for this page (the QR code)
            kind, data = self.made[url]
            return URLFetcherResponse(url, data, {"Content-Type": kind})
        try:
            path = self.resources.read_url(url)
        except PipelineError as error:
            raise _Refused(error) from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


def write_pdf(page: Page, target: Path, *, base_url: Path) -> None:
    """Lay out ``page`` and write it to ``target`` (atomically) as a tagged PDF/UA-1 file."""
    # One FontConfiguration for the stylesheets and the writer, or @font-face is ignored.
    fonts = FontConfiguration()
    fetcher = _Fetcher(page.resources, page.made)
    try:
        stylesheets = [CSS(string=css, font_config=fonts, url_fetcher=fetcher)
                       for css in page.stylesheets]
        document = HTML(string=page.html, base_url=str(base_url.resolve()), url_fetcher=fetcher)
        with atomic_path(target) as temp:
            document.write_pdf(temp, stylesheets=stylesheets, font_config=fonts,
                               pdf_variant="pdf/ua-1", pdf_tags=True,
                               pdf_identifier=hashlib.sha256(page.html.encode()).digest()[:16])
            repair_empty_unicode_maps(temp)
    except _Refused as refused:
        raise refused.error from None
