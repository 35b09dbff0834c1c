"""Repair the empty ToUnicode entries WeasyPrint 70 writes for some Devanagari glyphs.

A conjunct or reph glyph whose characters were already mapped through another glyph of
the same cluster gets ``<gid> <>`` in the font's ToUnicode CMap. PDF/UA-1 (ISO 14289-1,
7.21.7) requires every glyph to map to Unicode, so validators reject the file. Mapping
such a glyph to U+200B ZERO WIDTH SPACE adds nothing visible to extracted text and
passes. (The glyphs' text as read back comes from ``actualtext``'s spans, which
replace these entries for extraction.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

_EMPTY = re.compile(rb"(<[0-9A-Fa-f]+>\s*)<>")
ZERO_WIDTH_SPACE = b"<200B>"


def repair_empty_unicode_maps(path: Path) -> int:
    """Rewrite empty ToUnicode targets in ``path`` in place; return how many were fixed."""
    fixed = 0
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for font in _fonts(pdf):
            cmap = font.get("/ToUnicode")
            if not isinstance(cmap, pikepdf.Stream):
                continue
            data = cmap.read_bytes()
            repaired, count = _EMPTY.subn(rb"\1" + ZERO_WIDTH_SPACE, data)
            if count:
                cmap.write(repaired)
                fixed += count
        if fixed:
            pdf.save(path, deterministic_id=True)
    return fixed


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    """Every font object in the file, each once."""
    seen: set[tuple[int, int]] = set()
    fonts = []
    for page in pdf.pages:
        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        for font in resources.get("/Font", pikepdf.Dictionary()).values():
            if font.objgen not in seen:
                seen.add(font.objgen)
                fonts.append(font)
    return fonts
