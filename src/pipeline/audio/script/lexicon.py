"""Pronunciation lexicons: ``locales/<lang>/lexicon.tsv``, for audio only.

Each line is ``written<TAB>spoken``; ``#`` starts a comment line; blank lines are
ignored. A written form matches whole words only (``mg`` in "20 mg", never in
"mgmt"), is case-sensitive, and may span several words. Longer forms win.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import PipelineError


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Written form -> spoken form; build one with ``Lexicon.of``."""

    spoken: dict[str, str] = field(default_factory=dict)
    pattern: re.Pattern[str] | None = None

    @classmethod
    def of(cls, entries: dict[str, str]) -> Lexicon:
        return cls(dict(entries), _compile(entries) if entries else None)

    def apply(self, text: str) -> str:
        """``text`` with every listed written form replaced by its spoken form."""
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: self.spoken[match.group(0)], text)


# A letter or digit of a word in a script written with spaces between words. Combining
# marks (Devanagari vowel signs, Arabic diacritics) belong to their word; Chinese and
# Japanese characters (written without spaces) never make a word edge.
_WORD = (r"(?:[^\W\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]"
         r"|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0900-\u0903\u093a-\u094f])")


def _compile(entries: dict[str, str]) -> re.Pattern[str]:
    """Longest forms first; forms next to each other in that order that have the same
    edges share one check of them (``re`` takes ~5 ms to compile each copy of _WORD's
    class, over the CJK ranges)."""
    forms = sorted(entries, key=lambda form: (-len(form), _edges(form)))
    return re.compile("|".join(_whole(edges, list(run))
                               for edges, run in itertools.groupby(forms, key=_edges)))


def _edges(form: str) -> tuple[bool, bool]:
    """Whether ``form`` starts, and ends, with a letter of a space-separated script."""
    return re.match(_WORD, form[0]) is not None, re.match(_WORD, form[-1]) is not None


def _whole(edges: tuple[bool, bool], forms: list[str]) -> str:
    """``forms`` matched as whole words: where they start or end with a letter, no
    letter of a space-separated script may touch them there. A number may come right
    before, so units read the same in "20 mg" and "20mg"."""
    before = rf"(?<!(?!\d){_WORD})" if edges[0] else ""
    after = rf"(?!{_WORD})" if edges[1] else ""
    return before + "(?:" + "|".join(map(re.escape, forms)) + ")" + after


def read_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file; a missing file is an empty lexicon, a bad line an error."""
    if not path.is_file():
        return Lexicon()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise PipelineError("not UTF-8: save the lexicon as UTF-8", path) from None
    entries: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise PipelineError("expected 'written<TAB>spoken'", path, number)
        written = parts[0].strip()
        if written in entries:
            raise PipelineError(f"'{written}' is listed twice", path, number)
        entries[written] = parts[1].strip()
    return Lexicon.of(entries)
