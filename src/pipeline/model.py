"""The document model: frozen dataclasses that every stage after the parser reads.

A ``Document`` is built once from ``source/<slug>.md`` and then only replaced,
never mutated: translation returns a new ``Document`` whose segments carry the
target text and language (or keep the source text and language on fallback).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date


class Role(enum.StrEnum):
    """What a translatable piece of text is, which decides how it is translated and shown."""

    TITLE = "title"
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    IMAGE_ALT = "image alt"
    CAPTION = "caption"
    CREDIT_TITLE = "credit title"
    DISCLAIMER = "disclaimer"
    ATTRIBUTION = "attribution"
    LABEL = "label"


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """Where a piece of text was written: a file and a 1-based line (0 when unknown)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit: inline Markdown text, its role, origin and language (BCP 47)."""

    text: str
    role: Role
    location: SourceLocation
    lang: str


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    text: Segment


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: Segment


@dataclass(frozen=True, slots=True)
class ListItem:
    text: Segment
    sublist: ListBlock | None = None


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]
    start: int = 1


@dataclass(frozen=True, slots=True)
class ImageCredit:
    """Who made an image and under which licence; only the title is translatable."""

    image: str
    title: Segment
    holder: str
    license: str
    license_url: str


@dataclass(frozen=True, slots=True)
class Figure:
    """An image standing alone in its paragraph, with its alt text, caption and credit."""

    src: str
    alt: Segment
    caption: Segment | None
    credit: ImageCredit


Block = Heading | Paragraph | ListBlock | Figure


@dataclass(frozen=True, slots=True)
class Section:
    """A level-2 heading (``None`` for the opening text) and every block up to the next one."""

    heading: Heading | None
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Metadata:
    """Front matter that is not translated, apart from the title."""

    title: Segment
    authors: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    published: date | None = None
    updated: date | None = None
    source_url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """A named reviewer's sign-off on a translation, current for the text it shows."""

    by: str
    role: str | None
    date: date

    def who(self, *, wide: bool = False) -> str:
        """"Ana García (medical translator)"; ``wide``: full-width brackets (Chinese)."""
        if not self.role:
            return self.by
        return f"{self.by}（{self.role}）" if wide else f"{self.by} ({self.role})"


@dataclass(frozen=True, slots=True)
class Labels:
    """The words the outputs add around the article ("Image credits", "Page 1 of 9", ...).

    Their English text is in ``labels.py``; translations come from the ``pipeline`` catalog.
    """

    written_by: Segment
    reviewed_by: Segment
    published: Segment
    updated: Segment
    not_reviewed: Segment
    translation_reviewed: Segment
    image: Segment
    image_credits: Segment
    sources: Segment
    disclaimer: Segment
    page_of: Segment
    closing: Segment
    # beside the QR code on print, and the published site's words
    online: Segment
    skip_to_content: Segment
    all_languages: Segment
    languages: Segment
    handouts: Segment
    original: Segment
    not_reviewed_short: Segment
    listen: Segment
    duration: Segment
    chapters: Segment
    downloads: Segment
    large_print_pdf: Segment
    bilingual_pdf: Segment
    web_page: Segment
    epub: Segment
    audio_book: Segment
    audio_tracks: Segment
    playlist: Segment
    transcript: Segment
    bundle: Segment
    subscribe: Segment


@dataclass(frozen=True, slots=True)
class Document:
    """One article in one language, ready for the print and audio stages.

    ``lang`` is the BCP 47 tag of the language this version is *for*; a segment whose
    translation is missing keeps the source text and its own (source) ``lang``.
    ``reviewed``: the source itself, or a translation with a current ``review``; the
    outputs of any other say that the translation has not yet been checked.
    """

    slug: str
    path: str
    lang: str
    meta: Metadata
    body: tuple[Block, ...]
    credits: tuple[ImageCredit, ...]
    attribution: tuple[Paragraph, ...]
    disclaimer: tuple[Segment, ...]
    labels: Labels
    reviewed: bool = True
    review: Review | None = None

    def sections(self) -> tuple[Section, ...]:
        """The body split at each level-2 heading, the opening text (if any) first."""
        sections: list[Section] = []
        heading: Heading | None = None
        blocks: list[Block] = []
        for block in self.body:
            if isinstance(block, Heading) and block.level == 2:
                if heading is not None or blocks:
                    sections.append(Section(heading, tuple(blocks)))
                heading, blocks = block, []
            else:
                blocks.append(block)
        if heading is not None or blocks:
            sections.append(Section(heading, tuple(blocks)))
        return tuple(sections)

    def figures(self) -> tuple[Figure, ...]:
        return tuple(block for block in self.body if isinstance(block, Figure))


class Part(enum.StrEnum):
    """The parts of a document that element ids name (see ``ref``)."""

    TITLE = "title"
    NOTICE = "notice"  # "not yet reviewed", or who reviewed the translation
    BYLINE = "by"
    SECTION = "s"
    CREDITS = "credits"
    SOURCES = "sources"
    DISCLAIMER = "disclaimer"


def ref(part: Part, *position: int | str) -> str:
    """The id of an element a reader sees and the narration reads.

    One scheme for every output: the HTML page and the EPUB's XHTML give an element
    this id, and the narration script marks each utterance with the id of the element
    it reads (``Utterance.ref``), so read-along timing never has to match up text.
    Positions count from 1, sections as ``Document.sections()`` gives them::

        title  notice  by-written_by        the title, review notice, byline lines
        s-3  s-3-2  s-3-2-1  s-3-2-1-4      section 3's heading, its 2nd block, that
                                            list's 1st item, the 4th item of its sublist
        credits  credits-1                  a closing heading, its 1st credit; also
        sources  sources-1  disclaimer  disclaimer-1
    """
    return "-".join((part.value, *map(str, position)))


def iter_segments(document: Document) -> Iterator[Segment]:
    """Every translatable segment of the article, in document order (labels excluded)."""
    yield document.meta.title
    for block in document.body:
        yield from _block_segments(block)
    for credit in document.credits:
        yield credit.title
    for paragraph in document.attribution:
        yield paragraph.text
    yield from document.disclaimer


def _block_segments(block: Block) -> Iterator[Segment]:
    if isinstance(block, Heading | Paragraph):
        yield block.text
    elif isinstance(block, ListBlock):
        for item in block.items:
            yield item.text
            if item.sublist is not None:
                yield from _block_segments(item.sublist)
    else:
        yield block.alt
        if block.caption is not None:
            yield block.caption


def map_segments(document: Document, change: Callable[[Segment], Segment]) -> Document:
    """A copy of ``document`` with ``change`` applied to every article segment (not labels)."""

    def block(b: Block) -> Block:
        if isinstance(b, Heading):
            return Heading(b.level, change(b.text))
        if isinstance(b, Paragraph):
            return Paragraph(change(b.text))
        if isinstance(b, ListBlock):
            return ListBlock(b.ordered, tuple(item(i) for i in b.items), b.start)
        caption = change(b.caption) if b.caption is not None else None
        return Figure(b.src, change(b.alt), caption, credit(b.credit))

    def item(i: ListItem) -> ListItem:
        sublist = block(i.sublist) if i.sublist is not None else None
        assert sublist is None or isinstance(sublist, ListBlock)
        return ListItem(change(i.text), sublist)

    def credit(c: ImageCredit) -> ImageCredit:
        return dataclasses.replace(c, title=change(c.title))

    return dataclasses.replace(
        document,
        meta=dataclasses.replace(document.meta, title=change(document.meta.title)),
        body=tuple(block(b) for b in document.body),
        credits=tuple(credit(c) for c in document.credits),
        attribution=tuple(Paragraph(change(p.text)) for p in document.attribution),
        disclaimer=tuple(change(s) for s in document.disclaimer),
    )


def to_json(value: object) -> object:
    """The model as plain JSON data; each dataclass also names its ``kind``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"kind": type(value).__name__, **fields}
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
