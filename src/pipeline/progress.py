"""Progress for long work: one rewritten line on a terminal, a few plain lines in a log."""

from __future__ import annotations

import sys
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
