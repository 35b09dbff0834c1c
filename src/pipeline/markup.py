"""Document text as HTML, shared by every renderer (print, web page, EPUB).

Inline Markdown becomes escaped HTML that is also well-formed XML, so the same
helpers serve the HTML page and the EPUB's XHTML; ``lang``/``dir`` attributes mark
every change of language; dates and the label colon follow the locale. ``View`` is one
language version of the article as the one block template (``templates/blocks.j2``)
shows it, on paper (large print, bilingual sheet) or on screen (page, EPUB).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from babel.dates import format_date
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from pipeline.locales import babel_locale, is_rtl, native_name, to_gettext
from pipeline.model import Document, Figure, Part, Segment, ref

if TYPE_CHECKING:
    import jinja2

# Translations are untrusted: raw HTML is shown as text, never interpreted, and an image
# written inside a sentence stays text, so no catalog can make an output fetch a file.
# markdown-it already refuses javascript:, vbscript:, file: and data: links.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "xhtmlOut": True}).disable("image")


TEMPLATES: Final = Path(__file__).parent / "templates"  # the block template every format uses


def environment(*folders: Path) -> jinja2.Environment:
    """A Jinja2 environment over ``folders`` (then the shared block template) that escapes
    everything and fails on typos."""
    import jinja2  # here: the audio stage uses this module's text helpers, not templates

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader((*folders, TEMPLATES)),
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


ImageSource = Callable[[Figure], str | None]


@dataclass(frozen=True, slots=True)
class View:
    """One language version of the article as the templates show it (``v`` in them).

    ``image_src``: where each figure's image is for this format (``None``: not shown);
    ``paper``: print, where links have their addresses written out and elements no ids
    (on screen every element the narration reads has its ``model.ref`` id, for
    read-along); ``xml``: XHTML (the EPUB), ``xml:lang`` beside ``lang``.
    """

    doc: Document
    image_src: ImageSource
    paper: bool = False
    xml: bool = False

    part = Part  # for the templates: v.part.TITLE

    @property
    def lang(self) -> str:
        return to_gettext(self.doc.lang)

    @property
    def gap(self) -> str:
        """On paper, the blank line the print templates had between blocks before the
        formats shared one template, kept because a PDF's /ID is a digest of its HTML."""
        return "\n" if self.paper else ""

    @property
    def dir(self) -> str:
        return direction(self.lang)

    @property
    def title(self) -> str:
        return plain(self.doc.meta.title.text)

    @property
    def name(self) -> str:
        """The language's name in itself, as a heading: "Español", "हिन्दी"."""
        name = native_name(self.lang)
        return name[:1].upper() + name[1:]

    @property
    def colon(self) -> str:
        return colon(self.lang)

    @property
    def review(self) -> Segment | None:
        return review_notice(self.doc)

    @property
    def byline(self) -> list[tuple[str, str]]:
        """(label name, what follows it) for each byline line the article has."""
        meta = self.doc.meta
        lines = [("written_by", ", ".join(meta.authors)),
                 ("reviewed_by", ", ".join(meta.reviewers)),
                 ("published", long_date(meta.published, self.lang)),
                 ("updated", long_date(meta.updated, self.lang))]
        return [(name, value) for name, value in lines if value]

    def attrs(self, segment: Segment) -> Markup:
        """``lang`` (and ``dir``) for a segment in another language than this version's."""
        return lang_attrs(segment, self.doc.lang, xml=self.xml)

    def content(self, segment: Segment) -> Markup:
        """A passage of the article as HTML (on paper each link followed by its address),
        labelled when it is left in another language."""
        html = inline(segment.text)
        return (with_addresses(html) if self.paper else html) + \
            fallback_label(segment, self.doc.lang, xml=self.xml)

    def id(self, part: Part, *position: int | str) -> Markup:
        """`` id="..."`` on screen (``model.ref``), nothing on paper."""
        return Markup("") if self.paper else Markup(' id="{}"').format(ref(part, *position))

    def at(self, path: tuple[int, ...]) -> Markup:
        """The id of a section's element: (section, block, item, ...)."""
        return self.id(Part.SECTION, *path)

    @staticmethod
    def kind(block: object) -> str:
        return type(block).__name__

    @staticmethod
    def short_url(url: str) -> str:
        return short_url(url)

    @staticmethod
    def web_link(url: str) -> bool:
        return url.startswith(("https://", "http://"))


def with_addresses(html: Markup) -> Markup:
    """Each link followed by its address, for print: "guide (example.org/guide/)"."""
    def add(match: re.Match[str]) -> str:
        href, text = match.group(1), match.group(2)
        address = short_url(href.replace("&amp;", "&"))
        if address in text:
            return match.group(0)
        return f'{match.group(0)} <span class="address" dir="ltr">({escape(address)})</span>'

    return Markup(re.sub(r'<a href="([^"]*)">(.*?)</a>', add, str(html)))
