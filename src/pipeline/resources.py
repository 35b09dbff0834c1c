"""What a build may read besides its inputs: the article's own images and the project's
own fonts, nothing else, and which links an output may carry.

Catalogs come from translators (often volunteers on a shared server), and in a large
library articles come from many hands: neither may make a build open a file elsewhere
on the machine, reach the network, or put active content into an output. The parser
refuses image addresses and links that could (``image_problem``, ``link_problem``);
every renderer takes what it embeds from ``Resources``, which serves only the files
of the article's own figures (symlinks resolved) and a few named folders of the
project's (fonts), and refuses everything else with ``path:line`` where it can.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final
from urllib.parse import unquote, urlsplit

from pipeline.errors import PipelineError
from pipeline.model import Document, Figure

LINK_SCHEMES: Final = frozenset({"http", "https", "mailto"})


def image_problem(src: str) -> str | None:
    """What is wrong with an image address written in an article, or ``None``.

    It must be a relative path to a file inside the article's folder, e.g.
    ``images/tablet.png``: no scheme (``file:``, ``https:``, ``data:``), no absolute
    path, no ``..`` that climbs out.
    """
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        return (f"image '{src}' must be a file beside the article (e.g. images/name.png), "
                "not a URL")
    path = unquote(parts.path)
    if not path or path.startswith(("/", "\\")) or "\\" in path or ":" in path:
        return f"image '{src}' must be a relative path inside the article's folder"
    if ".." in PurePosixPath(path).parts or parts.query or parts.fragment:
        return f"image '{src}' may not leave the article's folder"
    return None


def link_problem(href: str) -> str | None:
    """What is wrong with a link's address, or ``None``: only web and mail links are kept."""
    scheme = urlsplit(href).scheme.lower()
    if scheme not in LINK_SCHEMES:
        return (f"link to '{href}': only http, https and mailto links are allowed "
                "(write the full address, e.g. https://example.org/)")
    return None


@dataclass(frozen=True, slots=True)
class Resources:
    """The files a renderer may read for one document."""

    images: dict[str, Path]  # a figure's ``src`` -> its file (resolved), if it exists
    folders: tuple[Path, ...]  # project folders (resolved) whose files may be read

    @classmethod
    def of(cls, document: Document, source: Path, folders: Iterable[Path] = ()) -> Resources:
        """The resources of ``document``, whose images are written relative to ``source``.

        An image file that is a symlink (or inside a symlinked folder) leading out of
        ``source`` is an input error at the figure's line.
        """
        root = source.resolve()
        images = {}
        for figure in document.figures():
            path = _inside(figure, source, root)
            if path is not None:
                images[figure.src] = path
        return cls(images, tuple(folder.resolve() for folder in folders))

    def image(self, figure: Figure) -> Path | None:
        """The figure's file, or ``None`` when the article's folder has none (yet)."""
        return self.images.get(figure.src)

    def allows(self, path: Path) -> bool:
        real = path.resolve()
        return real in self.images.values() or any(
            real.is_relative_to(folder) for folder in self.folders)

    def read_url(self, url: str) -> Path:
        """The local file behind ``url`` if it may be read; anything else is refused."""
        parts = urlsplit(url)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            from urllib.request import url2pathname  # here: urllib.request costs 10 ms

            path = Path(url2pathname(parts.path))
            if self.allows(path):
                return path.resolve()
        shown = url if len(url) < 120 else url[:117] + "..."
        raise PipelineError(f"refused to read '{shown}': a build reads only the article's own "
                            "images and the project's fonts")


def _inside(figure: Figure, source: Path, root: Path) -> Path | None:
    problem = image_problem(figure.src)
    where = figure.alt.location
    if problem:
        raise PipelineError(problem, where.path, where.line)
    path = source / unquote(figure.src)
    if not path.exists() and not path.is_symlink():
        return None
    real = path.resolve()
    if not real.is_relative_to(root):
        raise PipelineError(f"image '{figure.src}' leads outside the article's folder "
                            f"(a symlink to {real}?)", where.path, where.line)
    return real if real.is_file() else None
