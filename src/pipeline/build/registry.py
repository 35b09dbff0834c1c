"""Output formats as builders, picked by name from a registry (as Sphinx does).

A builder turns one translated article (a ``Job``) into one format's files under
``output/<lang>/``. Each class holds every fact about its format, so that the unit list
(``pipeline units``), and so Make's rules and Snakemake's jobs, come from one place: its
name, the suffix of its main file, the other formats whose outputs it reads (``needs``),
the extra files it reads (``inputs``), the files it writes beside its target
(``products``), the pipeline code it runs (``code``, beside ``SHARED_CODE``: checked
against its real imports by the tests) and what a cluster scheduler should give it
(``resources``)::

    audio      audio/       narrated MP3, tracks, playlist,  output/<lang>/<slug>.mp3
                            and the MP3's timeline
    pdf        print/       large-print PDF/UA-1             output/<lang>/<slug>.pdf
    bilingual  print/       source beside translation,       output/<lang>/<slug>.bilingual.pdf
                            clear print (translations only)
    html       html/        accessible page, no script       output/<lang>/<slug>.html
    epub       epub/        EPUB 3 with read-along audio     output/<lang>/<slug>.epub
    vtt        transcript/  WebVTT transcript of the MP3     output/<lang>/<slug>.vtt
    site       site/        the handout's web page, every    output/site/<lang>/<slug>/index.html
                            format, its ZIP (pipeline site
                            then writes the lists, feeds)

Builders are imported only when used: WeasyPrint and onnxruntime take a while to load.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Final

from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.model import Document
from pipeline.output import atomic_write, creation_date

# name -> module that defines the builder class (imported when first used, as Sphinx
# does with its built-in builders). The order is the order of a full build: the longest
# work first, so that under ``make -j2`` the short jobs fill in beside it.
BUILTIN_BUILDERS: dict[str, str] = {
    "audio": "pipeline.audio.builder",
    "pdf": "pipeline.print.builder",
    "bilingual": "pipeline.print.builder",
    "html": "pipeline.html.builder",
    "epub": "pipeline.epub.builder",
    "vtt": "pipeline.transcript.builder",
    "site": "pipeline.site.builder",
}
_LOADED: dict[str, type[Builder]] = {}

# What every unit runs besides its builder, paths below the package (a folder: all of
# it): the article read, the catalogs read and checked, the document translated, the
# files written. A change to any of it may change every output; a change to anything
# else that no builder declares (the translators' report, the build's bookkeeping)
# rebuilds nothing.
SHARED_CODE: Final = ("__init__.py", "config.py", "errors.py", "locales.py", "model.py",
                      "output.py", "resources.py", "source", "catalogs", "build/__init__.py",
                      "build/registry.py")
DEFAULT_RESOURCES: Final = {"mem_mb": 800, "runtime": 15}


@dataclass(frozen=True, slots=True)
class Job:
    """One article in one language: what every builder gets."""

    config: Config
    source: Document  # the article as written, in its source language
    document: Document  # the same article translated for ``lang``
    lang: str  # gettext name, e.g. ``zh_Hans``

    @property
    def folder(self) -> Path:
        return self.config.output / self.lang

    def target(self, suffix: str) -> Path:
        """``output/<lang>/<slug><suffix>``."""
        return self.folder / f"{self.document.slug}{suffix}"

    def output(self, name: str) -> Path:
        """The main file of format ``name`` for this article and language (a format this
        one ``needs``)."""
        return load(name).target(self.config.output, self.document.slug, self.lang)


class Builder:
    """One output format. A subclass names itself and its code and writes its files; the
    defaults below fit a format made from the article alone."""

    name: ClassVar[str]  # the format's name: CLI ``--format``, Make target
    suffix: ClassVar[str]  # its main file is ``output/<lang>/<slug><suffix>``
    code: ClassVar[tuple[str, ...]]  # what it runs beside SHARED_CODE (paths, as there)
    needs: ClassVar[tuple[str, ...]] = ()  # builders whose outputs it reads
    translations_only: ClassVar[bool] = False  # True: not built for the source language
    # Settings its outputs show (e.g. ``base_url``, printed as a QR code): each is an
    # input of its units through ``setting_file``, wherever the value came from.
    settings: ClassVar[tuple[str, ...]] = ()
    # For cluster schedulers (Snakemake's resources): memory in MB, minutes.
    resources: ClassVar[Mapping[str, int]] = DEFAULT_RESOURCES

    def inputs(self, config: Config, slug: str, lang: str) -> Sequence[Path]:
        """Files besides the article, its images and catalogs that the output depends on."""
        return ()

    def target(self, output: Path, slug: str, lang: str) -> Path:
        """The main file: ``output/<lang>/<slug><suffix>``."""
        return output / lang / f"{slug}{self.suffix}"

    def products(self, target: Path) -> tuple[Path, ...]:
        """Every file or folder a build writes for one article: its target, then any
        companions (what must go with the target when it cannot be rebuilt)."""
        return (target,)

    def build(self, job: Job) -> str:
        """Write the outputs atomically; return a one-line summary of what was made."""
        raise NotImplementedError

    # A step over every unit of the format, once per build, after them (the site's lists,
    # feeds and checksums): the ``pipeline`` arguments that run it (none: no such step)
    # and the file it ends with, which Make and Snakemake see as its target.
    collect: ClassVar[tuple[str, ...]] = ()

    def collected(self, output: Path) -> Path | None:
        """The file the ``collect`` step writes last, or ``None`` without one."""
        return None


def register(builder: type[Builder]) -> type[Builder]:
    """Class decorator: add a builder to the registry under its ``name``; a name taken
    by another builder is refused (one would silently replace the other)."""
    taken = _LOADED.get(builder.name)
    if taken is not None and (taken.__module__, taken.__qualname__) \
            != (builder.__module__, builder.__qualname__):
        raise ValueError(f"two builders named '{builder.name}': "
                         f"{taken.__module__}.{taken.__qualname__} and "
                         f"{builder.__module__}.{builder.__qualname__}")
    _LOADED[builder.name] = builder
    return builder


def names() -> tuple[str, ...]:
    """Every format, in the order ``make`` builds them."""
    return tuple(BUILTIN_BUILDERS)


def load(name: str) -> Builder:
    """The builder called ``name``; an unknown name is a ``PipelineError``."""
    if name not in BUILTIN_BUILDERS:
        raise PipelineError(f"unknown format '{name}' (known: {', '.join(names())})")
    if name not in _LOADED:
        importlib.import_module(BUILTIN_BUILDERS[name])
    return _LOADED[name]()


def dependents(name: str) -> tuple[str, ...]:
    """The formats made from ``name``'s outputs, directly or through another, in build
    order: what cannot be current once ``name`` could not be rebuilt."""
    found: list[str] = []
    for other in names():
        if any(need == name or need in found for need in load(other).needs):
            found.append(other)
    return tuple(found)


def reproducible_date() -> dt.datetime | None:
    """The build date to stamp into outputs: only when SOURCE_DATE_EPOCH asks for one."""
    return creation_date() if "SOURCE_DATE_EPOCH" in os.environ else None


def setting_file(config: Config, name: str) -> Path:
    """A file holding one setting's value (e.g. ``base_url``), rewritten only when the
    value changes: an input of the units whose outputs print the setting. Given on the
    command line (``--base-url``, Make's ``BASE_URL=``) a setting leaves no other trace
    that Make or Snakemake could see, and a PDF must not keep an old address's QR code."""
    path = config.output / ".make" / "settings" / name
    value = f"{getattr(config, name) or ''}\n".encode()
    try:
        if path.read_bytes() == value:
            return path
    except OSError:  # not written yet (or a folder that cannot be: below)
        pass
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, value)
    except OSError:
        pass  # an output folder that cannot be written: the build says so, naming it
    return path

