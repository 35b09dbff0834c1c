"""A translated document as large-print HTML, from a Jinja2 template and one stylesheet."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final

import fontpkg_atkinson_hyperlegible as atkinson
import jinja2
from babel.core import get_global

from pipeline import markup
from pipeline.locales import babel_locale
from pipeline.markup import View
from pipeline.model import Document, Figure
from pipeline.print.qr import QrCode, qr_code
from pipeline.resources import Resources

TEMPLATES: Final = Path(__file__).parent / "templates"
FONTS: Final = Path(atkinson.ROOT) / "files"
# CLDR supplemental data, <paperSize type="US-Letter" territories="...">; Babel omits it.
LETTER_TERRITORIES: Final = frozenset(
    ["BZ", "CA", "CL", "CO", "CR", "GT", "MX", "NI", "PA", "PH", "PR", "SV", "US", "VE"])
PAPERS: Final = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True, slots=True)
class PrintOptions:
    paper: str
    images: Path
    created: dt.datetime | None = None
    url: str | None = None  # the handout's page on the published site: a QR code on page 1


def paper_for(lang: str, override: str | None = None) -> str:
    """A4, or US Letter where the language's (likely) territory uses it; ``override`` wins."""
    if override:
        key = override.lower().replace("-", "").replace(" ", "").removeprefix("us")
        if key not in PAPERS:
            raise ValueError(f"unknown paper '{override}' (use A4 or Letter)")
        return PAPERS[key]
    locale = babel_locale(lang)
    territory = locale.territory
    if territory is None:
        likely = get_global("likely_subtags").get(locale.language, "")
        territory = likely.split("_")[-1] if likely else None
    return "letter" if territory in LETTER_TERRITORIES else "A4"


@dataclass(frozen=True, slots=True)
class Page:
    """What WeasyPrint needs: the HTML, its stylesheets (fonts, page, large print) and
    the only files it may read."""

    html: str
    stylesheets: tuple[str, ...]
    resources: Resources
    # Images the pipeline made for the page (the QR code): data: URL -> (type, bytes).
    made: Mapping[str, tuple[str, bytes]] = field(default_factory=dict)


@cache
def environment() -> jinja2.Environment:
    """The print templates (and the block template every format shares)."""
    return markup.environment(TEMPLATES)


def view(document: Document, resources: Resources) -> View:
    """``document`` as the print templates show it: on paper, its images as files."""
    def image_src(figure: Figure) -> str | None:
        path = resources.image(figure)
        return path.as_uri() if path is not None else None

    return View(document, image_src, paper=True)


def page_label(document: Document) -> str:
    """"Page {page} of {pages}" in the document's language, as CSS content."""
    return _css_counter_text(document.labels.page_of.text)


def created_stamp(options: PrintOptions) -> str | None:
    """The creation date for the HTML metadata (only when builds are reproducible)."""
    return options.created.strftime("%Y-%m-%dT%H:%M:%SZ") if options.created else None


def render(document: Document, options: PrintOptions) -> Page:
    """The whole document as one HTML page with its large-print stylesheets."""
    resources = resources_for(document, options)
    shown = view(document, resources)
    qr = qr_code(options.url) if options.url else None
    html = environment().get_template("document.html.j2").render(
        v=shown, created=created_stamp(options), qr=qr)
    page = page_css(options.paper, shown.title, page_label(document), rtl=shown.dir == "rtl")
    stylesheets = (font_faces(), page, stylesheet("large-print.css"))
    return with_qr(Page(html, stylesheets, resources), qr, QR_SIZE, rtl=shown.dir == "rtl")


# Large print: about 40 modules at 1 mm each, which any phone reads from reading distance.
QR_SIZE: Final = "4cm"


def with_qr(page: Page, qr: QrCode | None, size: str, *, rtl: bool) -> Page:
    """``page`` with the QR code's rule and image, when it has one."""
    if qr is None:
        return page
    return Page(page.html, (*page.stylesheets, qr.css(size, rtl=rtl)), page.resources,
                {qr.data_url: ("image/svg+xml", qr.svg)})


def resources_for(document: Document, options: PrintOptions) -> Resources:
    """What WeasyPrint may read for ``document``: its own images, and our fonts."""
    return Resources.of(document, options.images, folders=(FONTS,))


def stylesheet(name: str) -> str:
    """One of the package's stylesheets."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def font_faces() -> str:
    """Atkinson Hyperlegible from its PyPI package; Noto comes from the system's fontconfig."""
    faces = []
    for weight, name in ((400, "Regular"), (700, "Bold")):
        path = FONTS / f"AtkinsonHyperlegible-{name}.ttf"
        faces.append(f'@font-face {{ font-family: "{atkinson.FAMILY}"; font-weight: {weight}; '
                     f'font-style: normal; src: url("{path.as_uri()}"); }}')
    return "\n".join(faces)


def page_css(paper: str, title: str, page_label: str, *, rtl: bool,
             header: tuple[str, str] | None = None) -> str:
    """Paper, margins and the running footer: short title at the start, page n of N at the
    end; ``header``: left and right running heads from page 2 on."""
    start, end = ("right", "left") if rtl else ("left", "right")
    heads = ""
    if header:
        heads = (f"  @top-left {{ content: {_css_string(header[0])}; }}\n"
                 f"  @top-right {{ content: {_css_string(header[1])}; }}\n}}\n"
                 "@page :first { @top-left { content: none; } @top-right { content: none; } ")
    return f"""
@page {{
  size: {paper};
  @bottom-{start} {{ content: {_css_string(title)}; }}
  @bottom-{end} {{ content: {page_label}; }}
{heads}}}"""


def _css_counter_text(label: str) -> str:
    """'Page {page} of {pages}' as CSS content: "Page " counter(page) " of " counter(pages)."""
    parts = re.split(r"(\{page\}|\{pages\})", label)
    css = []
    for part in parts:
        if part == "{page}":
            css.append("counter(page)")
        elif part == "{pages}":
            css.append("counter(pages)")
        elif part:
            css.append(_css_string(part))
    return " ".join(css)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
