"""A translated document as large-print HTML, from a Jinja2 template and one stylesheet."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

import fontpkg_atkinson_hyperlegible as atkinson
import jinja2
from babel.core import get_global
from markupsafe import Markup, escape

from pipeline import markup
from pipeline.locales import babel_locale, is_rtl, native_name, to_gettext
from pipeline.markup import (
    colon,
    fallback_label,
    inline,
    lang_attrs,
    long_date,
    plain,
    review_notice,
    short_url,
)
from pipeline.model import Document, Figure, Segment
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


@dataclass(frozen=True, slots=True)
class View:
    """One language version of the article as the templates show it (``v`` in them)."""

    doc: Document
    resources: Resources  # the only files it may show: the article's own images

    @property
    def lang(self) -> str:
        return to_gettext(self.doc.lang)

    @property
    def dir(self) -> str:
        return "rtl" if is_rtl(self.lang) else "ltr"

    @property
    def title(self) -> str:
        return plain(self.doc.meta.title.text)

    @property
    def name(self) -> str:
        """The language's name in itself, as a heading: "Español", "हिन्दी"."""
        name = native_name(self.lang)
        return name[:1].upper() + name[1:]

    @property
    def published(self) -> str | None:
        return long_date(self.doc.meta.published, self.lang)

    @property
    def updated(self) -> str | None:
        return long_date(self.doc.meta.updated, self.lang)

    @property
    def review(self) -> Segment | None:
        """Who reviewed this translation, when a current review signs it off."""
        return review_notice(self.doc)

    @property
    def colon(self) -> str:
        """What follows a label such as "Written by": a full-width colon in Chinese."""
        return colon(self.lang)

    @property
    def page_label(self) -> str:
        """"Page {page} of {pages}" in this language, as CSS content."""
        return _css_counter_text(self.doc.labels.page_of.text)

    def attrs(self, segment: Segment) -> Markup:
        """``lang`` (and ``dir``) for a segment in another language than this version's."""
        return lang_attrs(segment, self.doc.lang)

    def content(self, segment: Segment) -> Markup:
        """A passage of the article as HTML, labelled when it is left in another language."""
        return _inline(segment) + fallback_label(segment, self.doc.lang)

    def image_exists(self, figure: Figure) -> bool:
        return self.resources.image(figure) is not None

    def image_uri(self, figure: Figure) -> str:
        path = self.resources.image(figure)
        assert path is not None, "image_uri() after image_exists()"
        return path.as_uri()


@cache
def environment() -> jinja2.Environment:
    """The print templates, with the helpers every one of them uses."""
    templates = markup.environment(TEMPLATES)
    templates.globals.update(kind=lambda block: type(block).__name__, short_url=short_url)
    return templates


def created_stamp(options: PrintOptions) -> str | None:
    """The creation date for the HTML metadata (only when builds are reproducible)."""
    return options.created.strftime("%Y-%m-%dT%H:%M:%SZ") if options.created else None


def render(document: Document, options: PrintOptions) -> Page:
    """The whole document as one HTML page with its large-print stylesheets."""
    view = View(document, resources_for(document, options))
    html = environment().get_template("document.html.j2").render(
        v=view, created=created_stamp(options), sections=document.sections())
    page = page_css(options.paper, view.title, view.page_label, rtl=view.dir == "rtl")
    return Page(html, (font_faces(), page, stylesheet("large-print.css")), view.resources)


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






def _inline(segment: Segment) -> Markup:
    """A segment's inline Markdown as HTML; each link also shows its address for print."""
    html = str(inline(segment.text))

    def with_address(match: re.Match[str]) -> str:
        href, text = match.group(1), match.group(2)
        address = short_url(href.replace("&amp;", "&"))
        if address in text:
            return match.group(0)
        return f'{match.group(0)} <span class="address" dir="ltr">({escape(address)})</span>'

    return Markup(re.sub(r'<a href="([^"]*)">(.*?)</a>', with_address, html))






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
