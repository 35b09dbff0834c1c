"""Reading text back from built PDFs: poppler's pdftotext, and pdfplumber's glyphs put
back into reading order where pdftotext cannot be trusted (right-to-left lines)."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

Char = dict[str, Any]  # one of pdfplumber's characters (or rectangles)

# The bidi marks pdftotext puts around right-to-left text (LRE, RLE, PDF, LRM, RLM ...).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdftotext(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


def page_texts(path: Path, *, furniture: int = 2) -> list[str]:
    """pdftotext's text of each page without its running footer (its last lines)."""
    pages = []
    for text in pdftotext(path).split("\f")[:-1]:
        lines = [line for line in text.splitlines() if line.strip()]
        pages.append(BIDI_CONTROLS.sub(" ", "\n".join(lines[:-furniture])))
    return pages


def lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped by baseline, top of the page first."""
    found: dict[int, list[Char]] = {}
    for char in chars:
        found.setdefault(round(char["matrix"][5]), []).append(char)
    return [found[y] for y in sorted(found, reverse=True)]


def direction(text: str) -> str | None:
    """'R' for Arabic letters, 'L' for Latin letters and digits, None for the neutrals."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind in ("L", "EN", "AN"):
            return "L"
    return None


def reading_order(glyphs: list[Char]) -> str:
    """One right-to-left line's glyphs as text in reading order.

    Each glyph's ToUnicode text is already in logical order (a ligature maps to both
    letters); the line is read right to left and each left-to-right run (Latin, digits)
    is turned back. Good enough for prose; numbers beside Latin words are not split.
    """
    text: list[str] = []
    run: list[str] = []  # a left-to-right run, gathered right to left

    def flush() -> None:
        trailing = []  # neutrals left of the run belong to the right-to-left text after it
        while run and direction(run[-1]) is None:
            trailing.append(run.pop())
        text.extend(reversed(run))
        text.extend(reversed(trailing))
        run.clear()

    for glyph in sorted(glyphs, key=lambda g: -g["x0"]):
        kind = direction(glyph["text"])
        if kind == "L" or (kind is None and run):
            run.append(glyph["text"])
        else:
            flush()
            text.append(glyph["text"])
    flush()
    return "".join(text)
