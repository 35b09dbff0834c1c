"""The site's pages from their templates: a handout's page (its text through the block
template every reading format shares), a language's list of handouts, the first page,
and the one stylesheet they all link to."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import jinja2

from pipeline.html.render import FONT_FILES, embedded_images, font_faces, stylesheet, templates
from pipeline.locales import native_name, to_bcp47
from pipeline.markup import View, colon, direction
from pipeline.model import Document, Labels
from pipeline.site.handout import Text

TEMPLATES: Final = Path(__file__).parent / "templates"
FONTS: Final = "fonts"  # folder of the site's font files, beside site.css


@dataclass(frozen=True, slots=True)
class Download:
    """One file offered on a handout's page; ``parts``: the files it stands for (tracks)."""

    label: Text
    href: str | None  # relative to the page; None: a heading for its parts
    type: str  # media type
    size: str  # as the page's language writes it
    parts: tuple[Download, ...] = ()


@dataclass(frozen=True, slots=True)
class ChapterLink:
    title: str
    start: float  # seconds
    clock: str  # "3:05"

    @property
    def fragment(self) -> str:
        """The media fragment that starts the audio here (W3C Media Fragments, npt
        seconds): ``t=21.629``."""
        return "t=" + (f"{self.start:.3f}".rstrip("0").rstrip(".") or "0")


@cache
def environment() -> jinja2.Environment:
    """The site's templates, then the reading templates and the shared block template."""
    env = templates(TEMPLATES)
    env.globals["direction"] = direction
    return env


def texts(labels: Labels, names: Sequence[str]) -> dict[str, Text]:
    """Some of a document's labels, as texts with their language."""
    return {name: Text(getattr(labels, name).text, getattr(labels, name).lang)
            for name in names}


def language_name(lang: str) -> str:
    """A language's name in itself, as a title: "Español", "العربية"."""
    name = native_name(lang)
    return name[:1].upper() + name[1:]


def handout_page(document: Document, source: Path, *, mp3: str, vtt: str, duration: str,
                 chapters: Sequence[ChapterLink], downloads: Sequence[Download],
                 feed: str | None) -> str:
    """A handout's page at ``site/<lang>/<slug>/index.html``."""
    view = View(document, embedded_images(document, source))
    names = ("skip_to_content", "all_languages", "handouts", "listen", "duration",
             "chapters", "downloads", "transcript", "subscribe")
    return _render("handout.html.j2", root="../../", lang=document.lang, title=view.title,
                   labels=texts(document.labels, names), v=view, mp3=mp3, vtt=vtt,
                   duration=duration, chapters=chapters, downloads=downloads, feed=feed)


def language_page(lang: str, labels: Mapping[str, Text], handouts: Sequence[Any],
                  feed: str | None) -> str:
    """``site/<lang>/index.html``: the handouts in ``lang`` (gettext name)."""
    tag = to_bcp47(lang)
    title = f"{labels['handouts'].text} – {language_name(lang)}"
    return _render("language.html.j2", root="../", lang=tag, title=title, labels=labels,
                   handouts=handouts, feed=feed, colon=colon(tag))


def index_page(lang: str, labels: Mapping[str, Text], articles: Sequence[Any],
               languages: Sequence[Any]) -> str:
    """``site/index.html``, in ``lang`` (the source language's labels)."""
    return _render("index.html.j2", root="", lang=to_bcp47(lang),
                   title=labels["handouts"].text, labels=labels, articles=articles,
                   languages=languages)


def site_css() -> str:
    """The reading stylesheet with its fonts beside it (``fonts/``), then the site's."""
    faces = font_faces(lambda weight: f"{FONTS}/{FONT_FILES[weight]}")
    own = (TEMPLATES / "site.css").read_text(encoding="utf-8")
    return f"{faces}\n{stylesheet()}\n{own}"


def _render(name: str, **values: Any) -> str:
    html = environment().get_template(name).render(**values)
    return html if html.endswith("\n") else html + "\n"
