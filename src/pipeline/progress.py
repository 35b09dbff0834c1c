"""What the commands print for people: progress for long work (one rewritten line on a
terminal, a few plain lines in a log), and tables."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import TextIO


class Progress:
    """``label n/N detail``; on a non-terminal only every tenth of the way is printed."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.shown = -1

    def update(self, done: int, detail: str = "") -> None:
        tenth = done * 10 // max(self.total, 1)
        if not self.tty and tenth == self.shown and done != self.total:
            return
        self.shown = tenth
        line = f"{self.label} {done}/{self.total} {detail}".rstrip()
        if self.tty:
            self.stream.write(f"\r\033[K{line[:150]}")
            if done == self.total:
                self.stream.write("\n")
        else:
            self.stream.write(line[:150] + "\n")
        self.stream.flush()


def width(text: str) -> int:
    """Columns a text takes in a terminal: wide for CJK, nothing for combining marks."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table_text(rows: Sequence[tuple[str, ...]]) -> str:
    """Rows as columns padded to their widest cell, a rule under the first."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell + " " * (size - width(cell))
                       for cell, size in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * size for size in widths))
    return "\n".join(lines)
