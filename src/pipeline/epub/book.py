"""A translated document and its narration as the files of an EPUB 3 publication.

    document --html templates--> one XHTML chapter per audio chapter, the nav document
    timeline --overlay--> one SMIL per chapter (clips in the book's own MP3)
    both --package.opf.j2--> metadata (accessibility, durations), manifest, spine

The MP3 goes in unchanged, so the overlays' times are the timeline's exactly.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import jinja2
from markupsafe import Markup

from pipeline.audio.timeline import Timeline, clock
from pipeline.epub.overlay import Clip, by_document, clips
from pipeline.html.render import (
    FONT_FILES,
    IMAGE_TYPES,
    find_image,
    font_faces,
    font_path,
    stylesheet,
    templates,
)
from pipeline.markup import View, lang_attrs, plain
from pipeline.model import Document, Heading, Part, Section, Segment, ref
from pipeline.resources import Resources

TEMPLATES: Final = Path(__file__).parent / "templates"
ROOT: Final = "EPUB"  # folder of the publication's files inside the archive
XHTML: Final = "application/xhtml+xml"
ACTIVE_CLASS: Final = "-epub-media-overlay-active"
# Shown while its text is read aloud: black on yellow, whatever the reader's colours.
ACTIVE_CSS: Final = f".{ACTIVE_CLASS} {{ color: #000; background-color: #ff0; }}\n"


@dataclass(frozen=True, slots=True)
class Chapter:
    """One content document: the opening, one section, or the closing."""

    kind: str  # "opening", "section" or "closing"
    name: str  # file name, e.g. chapter-02.xhtml
    title: str
    sections: tuple[tuple[int, Section], ...]  # (number as in model.ref, section)


@dataclass(frozen=True, slots=True)
class Item:
    """One file of the publication, as the manifest lists it."""

    id: str
    href: str  # relative to the package document
    media_type: str
    data: bytes
    properties: str = ""
    overlay: str = ""  # id of its media overlay
    duration: int | None = None  # ms, for a media overlay
    spine: bool = False


@dataclass(frozen=True, slots=True)
class TocEntry:
    href: str
    text: str
    attrs: Markup
    children: tuple[TocEntry, ...] = ()


def chapters(document: Document) -> list[Chapter]:
    """The content documents, as the narration has its chapters: the opening (title,
    byline and any text before the first section), one per section, the closing."""
    numbered = list(enumerate(document.sections(), 1))
    first = numbered[:1] if numbered and numbered[0][1].heading is None else []
    found = [Chapter("opening", "", plain(document.meta.title.text), tuple(first))]
    for number, section in numbered[len(first):]:
        assert section.heading is not None
        found.append(Chapter("section", "", plain(section.heading.text.text),
                             ((number, section),)))
    found.append(Chapter("closing", "", plain(document.labels.closing.text), ()))
    return [Chapter(c.kind, f"chapter-{n:02d}.xhtml", c.title, c.sections)
            for n, c in enumerate(found, 1)]


def publication(document: Document, timeline: Timeline, mp3: Path, source: Path, *,
                modified: dt.datetime) -> list[Item]:
    """Every file of the EPUB (paths relative to ``ROOT``), the package document last."""
    resources = Resources.of(document, source)
    images = {figure.src: path for figure in document.figures()
              if (path := find_image(resources, figure)) is not None}
    names = {src: f"images/figure-{n}{path.suffix.lower()}"
             for n, (src, path) in enumerate(images.items(), 1)}
    audio = Item("audio", f"audio/{_safe(mp3.stem)}.mp3", "audio/mpeg", mp3.read_bytes())
    items = [Item("css", "reading.css", "text/css", _css().encode()), audio]
    items += [Item(f"font-{weight}", f"fonts/{name}", "font/ttf", font_path(weight).read_bytes())
              for weight, name in FONT_FILES.items()]
    items += [Item(f"image-{n}", names[src], IMAGE_TYPES[path.suffix.lower()],
                   path.read_bytes()) for n, (src, path) in enumerate(images.items(), 1)]
    environment = templates(TEMPLATES)
    shown = View(document, lambda figure: names.get(figure.src), xml=True)
    items += _chapters(environment, shown, chapters(document), clips(timeline), audio.href)
    nav = environment.get_template("nav.xhtml.j2").render(
        v=shown, toc=_toc(document, chapters(document)))
    _ids(nav, "nav.xhtml")  # well-formed, or a bug
    items.insert(0, Item("nav", "nav.xhtml", XHTML, nav.encode(), properties="nav"))
    return [*items, _package(environment, shown, items, images=bool(images),
                             modified=modified)]


def _chapters(environment: jinja2.Environment, shown: View, found: Sequence[Chapter],
              narration: Sequence[Clip], audio: str) -> list[Item]:
    """Each chapter's XHTML and its SMIL (the clips that read its elements)."""
    pages = {chapter.name: environment.get_template("chapter.xhtml.j2").render(
        v=shown, chapter=chapter) for chapter in found}
    grouped = by_document(narration, {name: _ids(page, name) for name, page in pages.items()})
    items = []
    for number, (name, page) in enumerate(pages.items(), 1):
        smil = environment.get_template("overlay.smil.j2").render(
            document=name, clips=grouped[name], audio=audio, clock=clock)
        overlay = f"overlay-{number:02d}"
        items += [Item(f"chapter-{number:02d}", name, XHTML, page.encode(), overlay=overlay,
                       spine=True),
                  Item(overlay, name.replace(".xhtml", ".smil"), "application/smil+xml",
                       smil.encode(), duration=sum(c.duration for c in grouped[name]))]
    return items


def _ids(page: str, name: str) -> frozenset[str]:
    """Every ``id`` in an XHTML page; a page that is not well-formed XML is a bug."""
    try:
        root = ET.fromstring(page)
    except ET.ParseError as error:
        raise AssertionError(f"{name} is not well-formed XML: {error}") from None
    return frozenset(element.attrib["id"] for element in root.iter() if "id" in element.attrib)


def _toc(document: Document, found: Sequence[Chapter]) -> list[TocEntry]:
    """The table of contents: chapters, their subheadings, the closing parts."""
    def entry(href: str, segment: Segment, children: Sequence[TocEntry] = ()) -> TocEntry:
        return TocEntry(href, plain(segment.text), lang_attrs(segment, document.lang, xml=True),
                        tuple(children))

    labels, toc = document.labels, []
    for chapter in found:
        if chapter.kind == "opening":
            toc.append(entry(f"{chapter.name}#{ref(Part.TITLE)}", document.meta.title))
        elif chapter.kind == "section":
            (number, section), = chapter.sections
            assert section.heading is not None
            subheadings = [entry(f"{chapter.name}#{ref(Part.SECTION, number, n)}", block.text)
                           for n, block in enumerate(section.blocks, 1)
                           if isinstance(block, Heading)]
            toc.append(entry(f"{chapter.name}#{ref(Part.SECTION, number)}",
                             section.heading.text, subheadings))
        else:
            parts = [(Part.CREDITS, labels.image_credits, document.credits),
                     (Part.SOURCES, labels.sources, document.attribution),
                     (Part.DISCLAIMER, labels.disclaimer, True)]
            toc.append(entry(chapter.name, labels.closing,
                             [entry(f"{chapter.name}#{ref(part)}", label)
                              for part, label, present in parts if present]))
    return toc


def _package(environment: jinja2.Environment, shown: View, items: list[Item], *,
             images: bool, modified: dt.datetime) -> Item:
    """The package document: metadata, manifest and spine."""
    document = shown.doc
    features = ["synchronizedAudioText", "structuralNavigation", "tableOfContents",
                "readingOrder", "displayTransformability"]
    opf = environment.get_template("package.opf.j2").render(
        v=shown, items=items, clock=clock,
        identifier=_identifier(document),
        modified=modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        access_modes=["textual", "auditory", *(["visual"] if images else [])],
        features=[*features, *(["alternativeText"] if images else [])],
        summary=_summary(document, images=images),
        certified_by=CERTIFIED_BY,
        total=sum(item.duration or 0 for item in items))
    return Item("package", "package.opf", "application/oebps-package+xml", opf.encode())


CERTIFIED_BY: Final = "pipeline: automated checks (EPUBCheck, DAISY Ace)"


def _summary(document: Document, *, images: bool) -> str:
    """The accessibility summary (in English: it is not translated yet)."""
    pictures = ("Images have text descriptions." if images else
                "The images are not included; each is described in text instead.")
    review = (" The translation has not yet been checked by a medical translator."
              if not document.reviewed else
              f" The translation was reviewed by {document.review.who()} on "
              f"{document.review.date.isoformat()}." if document.review else "")
    return ("Reflowable text with headings and a table of contents, in reading order. "
            "Every part is narrated, and the text is synchronised with the narration "
            f"(read-along). {pictures} The disclaimer and image credits are included."
            f"{review} Checked with EPUBCheck and DAISY Ace (axe-core); "
            "no manual accessibility audit has been made.")


def _identifier(document: Document) -> str:
    """A stable identifier for this article in this language."""
    name = f"{document.meta.source_url or document.slug}#{document.lang}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _safe(name: str) -> str:
    """A file name made of ASCII letters, digits and dashes (archive names must be safe)."""
    kept = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in name)
    return kept.strip("-") or "narration"


def _css() -> str:
    faces = font_faces(lambda weight: f"fonts/{FONT_FILES[weight]}")
    return f"{faces}\n{stylesheet()}\n{ACTIVE_CSS}"
