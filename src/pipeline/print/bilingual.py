"""The article and its translation side by side, one table row per block, in clear print.

Clinicians and patients read the same paragraph in their own language (as Health
Information Translations' bilingual sheets do): the source language on the left, the
translation on the right, each cell tagged with its language. A table, not a CSS grid
(WeasyPrint lays grids out about ten times slower), whose rows never break across pages.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from pipeline.model import Block, Document, ListBlock, ListItem
from pipeline.print.html import (
    Page,
    PrintOptions,
    created_stamp,
    environment,
    font_faces,
    page_css,
    page_label,
    resources_for,
    stylesheet,
    view,
    with_qr,
)
from pipeline.print.qr import qr_code

QR_SIZE: Final = "3.2cm"  # clear print: a little smaller, as the text is


@dataclass(frozen=True, slots=True)
class Row:
    """One row: the same block (or list item) in the source and in the translation."""

    source: Block | ListItem
    translation: Block | ListItem
    ordered: bool = False  # list items: in a numbered list ...
    number: int = 1  # ... as item number ...
    depth: int = 0  # ... this deep (0: top level)

    @property
    def kind(self) -> str:
        return type(self.source).__name__


def rows(source: Document, translation: Document) -> Iterator[Row]:
    """The body's blocks, list items one by one, in reading order.

    A translation is made from its source segment by segment, so both have the same
    blocks in the same order; anything else is a bug.
    """
    for left, right in zip(source.body, translation.body, strict=True):
        if isinstance(left, ListBlock):
            assert isinstance(right, ListBlock)
            yield from _items(left, right, 0)
        else:
            yield Row(left, right)


def _items(left: ListBlock, right: ListBlock, depth: int) -> Iterator[Row]:
    for number, (a, b) in enumerate(zip(left.items, right.items, strict=True), left.start):
        yield Row(a, b, left.ordered, number, depth)
        if a.sublist is not None and b.sublist is not None:
            yield from _items(a.sublist, b.sublist, depth + 1)


def render_bilingual(source: Document, translation: Document, options: PrintOptions) -> Page:
    """Source and translation as one HTML table with its clear-print stylesheets."""
    resources = resources_for(translation, options)  # the same figures in both columns
    left, right = view(source, resources), view(translation, resources)
    qr = qr_code(options.url) if options.url else None
    html = environment().get_template("bilingual.html.j2").render(
        left=left, right=right, rows=tuple(rows(source, translation)),
        title=f"{right.title} / {left.title}", created=created_stamp(options), qr=qr)
    page = page_css(options.paper, right.title, page_label(translation), rtl=False,
                    header=(left.name, right.name))
    return with_qr(Page(html, (font_faces(), page, stylesheet("large-print.css"),
                               stylesheet("clear-print.css")), resources),
                   qr, QR_SIZE, rtl=right.dir == "rtl")
