"""A translated document as reading HTML: the self-contained page; its stylesheet,
fonts and image types serve the EPUB's chapters too (both show ``markup.View`` through
the block template every format shares)."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Final

import fontpkg_atkinson_hyperlegible as atkinson
import jinja2
from markupsafe import Markup

from pipeline.markup import ImageSource, View, environment
from pipeline.model import Document, Figure
from pipeline.resources import Resources

TEMPLATES: Final = Path(__file__).parent / "templates"
# Image types every browser and EPUB reading system shows; SVG is left out on purpose
# (it can carry script).
IMAGE_TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                      ".gif": "image/gif", ".webp": "image/webp"}
FONT_FILES: Final = {400: "AtkinsonHyperlegible-Regular.ttf",
                     700: "AtkinsonHyperlegible-Bold.ttf"}

def find_image(resources: Resources, figure: Figure) -> Path | None:
    """The figure's image file, from the allow-list, if it is a type we show."""
    path = resources.image(figure)
    return path if path is not None and path.suffix.lower() in IMAGE_TYPES else None


def font_path(weight: int) -> Path:
    """Atkinson Hyperlegible (the project's font for Latin script) from its PyPI package."""
    return Path(atkinson.ROOT) / "files" / FONT_FILES[weight]


def font_faces(url: Callable[[int], str]) -> str:
    """``@font-face`` rules for the regular and bold faces, each at ``url(weight)``."""
    return "\n".join(
        f'@font-face {{ font-family: "{atkinson.FAMILY}"; font-weight: {weight}; '
        f'font-style: normal; src: url("{url(weight)}") format("truetype"); }}'
        for weight in FONT_FILES)


def stylesheet() -> str:
    return (TEMPLATES / "reading.css").read_text(encoding="utf-8")


def templates(*more: Path) -> jinja2.Environment:
    """The reading templates, and ``more`` folders searched first."""
    return environment(*more, TEMPLATES)


def data_uri(path: Path, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode()}"


def embedded_images(document: Document, source: Path) -> ImageSource:
    """Each figure's image inside the page (a ``data:`` URL), so the page is one file."""
    resources = Resources.of(document, source)

    def image_src(figure: Figure) -> str | None:
        path = find_image(resources, figure)
        return data_uri(path, IMAGE_TYPES[path.suffix.lower()]) if path else None

    return image_src


def render_page(document: Document, source: Path, *, created: dt.datetime | None) -> str:
    """The whole document as one HTML page: no script, images and fonts inside it."""
    html = templates().get_template("page.html.j2").render(
        v=View(document, embedded_images(document, source)),
        # Our own files, not text: not escaped.
        fonts=Markup(font_faces(lambda weight: data_uri(font_path(weight), "font/ttf"))),
        stylesheet=Markup(stylesheet()),
        created=created.strftime("%Y-%m-%dT%H:%M:%SZ") if created else None,
    )
    return html if html.endswith("\n") else html + "\n"
