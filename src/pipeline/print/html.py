"""A translated document as large-print HTML, from a Jinja2 template and one stylesheet."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import fontpkg_atkinson_hyperlegible as atkinson
from babel.core import get_global
from markupsafe import Markup, escape

from pipeline.locales import babel_locale, is_rtl, to_gettext
from pipeline.markup import colon, environment, inline, lang_attrs, long_date, plain, short_url
from pipeline.model import Document, Segment

TEMPLATES: Final = Path(__file__).parent / "templates"
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
    """What WeasyPrint needs: the HTML and its stylesheets (fonts, page, large print)."""

    html: str
    stylesheets: tuple[str, ...]


def render(document: Document, options: PrintOptions) -> Page:
    """The whole document as one HTML page with its large-print stylesheets."""
    lang = to_gettext(document.lang)
    rtl = is_rtl(lang)
    title = plain(document.meta.title.text)
    html = environment(TEMPLATES).get_template("document.html.j2").render(
        doc=document,
        dir="rtl" if rtl else "ltr",
        title=title,
        published=long_date(document.meta.published, lang),
        updated=long_date(document.meta.updated, lang),
        created=options.created.strftime("%Y-%m-%dT%H:%M:%SZ") if options.created else None,
        sections=document.sections(),
        kind=lambda block: type(block).__name__,
        inline=lambda segment: _inline(segment),
        attrs=lambda segment: lang_attrs(segment, document.lang),
        image_exists=lambda figure: (options.images / figure.src).is_file(),
        image_uri=lambda figure: (options.images / figure.src).resolve().as_uri(),
        short_url=short_url,
        colon=colon(lang),
    )
    page = _page_css(options.paper, title, _css_counter_text(document.labels.page_of.text),
                     rtl=rtl)
    large_print = (TEMPLATES / "large-print.css").read_text(encoding="utf-8")
    return Page(html, (_font_faces(), page, large_print))


def _font_faces() -> str:
    """Atkinson Hyperlegible from its PyPI package; Noto comes from the system's fontconfig."""
    faces = []
    for weight, name in ((400, "Regular"), (700, "Bold")):
        path = Path(atkinson.ROOT) / "files" / f"AtkinsonHyperlegible-{name}.ttf"
        faces.append(f'@font-face {{ font-family: "{atkinson.FAMILY}"; font-weight: {weight}; '
                     f'font-style: normal; src: url("{path.as_uri()}"); }}')
    return "\n".join(faces)


def _page_css(paper: str, title: str, page_label: str, *, rtl: bool) -> str:
    """Paper, margins and the running footer: short title at the start, page n of N at the end."""
    start, end = ("right", "left") if rtl else ("left", "right")
    return f"""
@page {{
  size: {paper};
  @bottom-{start} {{ content: {_css_string(title)}; }}
  @bottom-{end} {{ content: {page_label}; }}
}}"""


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
