"""Document text as HTML, shared by every renderer (print, web page, EPUB).

Inline Markdown becomes escaped HTML that is also well-formed XML, so the same
helpers serve the HTML page and the EPUB's XHTML; ``lang``/``dir`` attributes mark
every change of language; dates and the label colon follow the locale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date
from markdown_it import MarkdownIt
from markupsafe import Markup

from pipeline.locales import babel_locale, is_rtl
from pipeline.model import Document, Segment

if TYPE_CHECKING:
    import jinja2

# Translations are untrusted: raw HTML is shown as text, never interpreted, and an image
# written inside a sentence stays text, so no catalog can make an output fetch a file.
# markdown-it already refuses javascript:, vbscript:, file: and data: links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True}).disable("image")


def environment(*folders: Path) -> jinja2.Environment:
    """A Jinja2 environment over ``folders`` that escapes everything and fails on typos."""
    import jinja2  # here: the audio stage uses this module's text helpers, not templates

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def inline(text: str) -> Markup:
    """Inline Markdown (emphasis, strong, links) as escaped HTML that is also valid XML."""
    return Markup(_MARKDOWN.renderInline(text))


def plain(text: str) -> str:
    """Inline Markdown without its markup (for titles and metadata)."""
    return html.unescape(re.sub(r"<[^>]+>", "", _MARKDOWN.renderInline(text)))


def direction(lang: str) -> str:
    return "rtl" if is_rtl(lang) else "ltr"


def lang_attrs(segment: Segment, doc_lang: str, *, xml: bool = False) -> Markup:
    """``lang`` (and ``dir`` when the direction changes) for a segment in another language;
    ``xml`` adds ``xml:lang``, which XHTML wants beside ``lang``."""
    if segment.lang == doc_lang:
        return Markup("")
    attrs = Markup(' lang="{}"').format(segment.lang)
    if xml:
        attrs += Markup(' xml:lang="{}"').format(segment.lang)
    if direction(segment.lang) != direction(doc_lang):
        attrs += Markup(' dir="{}"').format(direction(segment.lang))
    return attrs


def fallback_label(segment: Segment, doc_lang: str, *, xml: bool = False) -> Markup:
    """After a passage left in another language (an untranslated entry): that language's
    name, in the reader's language and marked as such, e.g. " (inglés)" in a Spanish
    handout, so that every reader sees the passage is not translated, not only a screen
    reader switching voices. Nothing for a passage in the document's own language."""
    if segment.lang == doc_lang:
        return Markup("")
    locale = babel_locale(doc_lang)
    other = babel_locale(segment.lang)
    name = locale.languages.get(str(other)) or locale.languages.get(other.language) \
        or segment.lang
    wide = locale.language in ("zh", "ja")  # full-width brackets, no space before
    label = f"（{name}）" if wide else f"({name})"
    attrs = lang_attrs(Segment(label, segment.role, segment.location, doc_lang),
                       segment.lang, xml=xml)
    return Markup('{}<span class="fallback"{}>{}</span>').format("" if wide else " ",
                                                                  attrs, label)


def long_date(value: dt.date | None, lang: str) -> str | None:
    """A date as the locale writes it in full (10 de noviembre de 2017)."""
    return format_date(value, format="long", locale=babel_locale(lang)) if value else None


def colon(lang: str) -> str:
    """What follows a label such as "Written by": a full-width colon in Chinese and Japanese."""
    return "：" if babel_locale(lang).language in ("zh", "ja") else ": "


def short_url(url: str) -> str:
    """An address as a reader would type it: no scheme, no ``www.``."""
    return re.sub(r"^https?://(www\.)?", "", url)


def review_notice(document: Document) -> Segment | None:
    """"Translation reviewed by Ana García (medical translator), 6 December 2026." in the
    label's language, when a current review signs the translation off."""
    review, label = document.review, document.labels.translation_reviewed
    if review is None:
        return None
    locale = babel_locale(label.lang)
    who = review.who(wide=locale.language in ("zh", "ja"))
    day = format_date(review.date, format="long", locale=locale)
    text = label.text.replace("{reviewer}", who).replace("{date}", day)
    return dataclasses.replace(label, text=text)
