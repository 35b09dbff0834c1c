"""Review sign-offs, bound to the exact text they approve.

``pipeline review ARTICLE --lang L --by NAME [--role ROLE] [--date YYYY-MM-DD]`` records
that a named reviewer has checked one article's translation, in
``locales/<lang>/<slug>.review.toml``. Not in the ``.po``: gettext has no field for it,
editors such as Poedit and Weblate keep only the headers they know, and a header would
approve a file, not the text it was given for.

With the sign-off goes one digest per text the outputs show, article and labels alike:
the source text (and its role) -> the text shown for it (and its language). Any later
change to one of them, a source sentence or a translation, makes the review stale: the
outputs say "not yet reviewed" again, and ``pipeline report`` says what changed. A
review signs off a whole translation: a language with text still in the source language
cannot be signed off.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import tomli_w

from pipeline.errors import PipelineError
from pipeline.locales import english_name, to_gettext
from pipeline.model import Document, Labels, Review, Segment, iter_segments
from pipeline.output import atomic_write

SUFFIX: Final = ".review.toml"
REVIEWED: Final = "reviewed"
STALE: Final = "stale"
UNREVIEWED: Final = "unreviewed"


@dataclass(frozen=True, slots=True)
class SignOff:
    """What a reviews file holds for one article: who, when, and the text approved."""

    review: Review
    entries: Mapping[str, str]  # digest of a source text -> digest of the text shown


@dataclass(frozen=True, slots=True)
class Shown:
    """One text an output shows, and what it translates."""

    source: Segment
    shown: Segment
    where: str  # "paragraph" or the label's name

    @property
    def key(self) -> str:
        return _digest(f"{self.where}\0{self.source.text}")

    @property
    def value(self) -> str:
        return _digest(f"{self.shown.lang}\0{self.shown.text}")


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Whether an article's translation has a current review, and if not, why."""

    state: str  # REVIEWED, STALE or UNREVIEWED
    review: Review | None = None  # the sign-off (current or stale)
    changes: tuple[str, ...] = ()  # what changed since (STALE)

    def describe(self) -> str:
        """One line for the report: "reviewed by ...", "stale: ...", "unreviewed"."""
        if self.review is None:
            return self.state
        who = f"{self.review.by}, {self.review.date.isoformat()}"
        if self.state == REVIEWED:
            return f"reviewed ({who})"
        more = f" and {len(self.changes) - 1} more" if len(self.changes) > 1 else ""
        return f"stale (reviewed {who}; since then {self.changes[0]}{more})"


def path_for(locales: Path, lang: str, slug: str) -> Path:
    """``locales/<lang>/<slug>.review.toml``."""
    return locales / lang / f"{slug}{SUFFIX}"


def shown(source: Document, translation: Document) -> dict[str, Shown]:
    """Every text the outputs of ``translation`` show, by the digest of its source."""
    pairs = [Shown(a, b, str(a.role)) for a, b in
             zip(iter_segments(source), iter_segments(translation), strict=True)]
    pairs += [Shown(getattr(source.labels, f.name), getattr(translation.labels, f.name), f.name)
              for f in dataclasses.fields(Labels)]
    return {pair.key: pair for pair in pairs}


def state_of(path: Path, slug: str, source: Document, translation: Document) -> ReviewState:
    """The review of ``slug`` in the file ``path``, checked against the text shown now."""
    signoff = read(path).get(slug)
    if signoff is None:
        return ReviewState(UNREVIEWED)
    changes = tuple(_changes(signoff.entries, shown(source, translation)))
    return ReviewState(STALE if changes else REVIEWED, signoff.review, changes)


def _changes(approved: Mapping[str, str], now: dict[str, Shown]) -> Iterator[str]:
    for key, text in now.items():
        where = f"'{_short(text.source.text)}' ({text.source.location})"
        if key not in approved:
            yield f"the source text {where} is new or changed"
        elif approved[key] != text.value:
            yield f"the translation of {where} changed"
    removed = len(approved.keys() - now.keys())
    if removed:
        yield f"{removed} source text{'s' if removed > 1 else ''} reviewed then are gone"


def apply(locales: Path, source: Document, translation: Document) -> Document:
    """``translation`` with its review when the sign-off is current; else unreviewed."""
    slug, lang = source.slug, to_gettext(translation.lang)
    state = state_of(path_for(locales, lang, slug), slug, source, translation)
    return dataclasses.replace(translation, reviewed=state.state == REVIEWED,
                               review=state.review if state.state == REVIEWED else None)


def sign_off(path: Path, slug: str, source: Document, translation: Document,
             review: Review) -> int:
    """Record ``review`` of ``translation``; returns how many texts it approves."""
    entries = shown(source, translation)
    left = [s for s in entries.values() if s.shown.lang != translation.lang]
    if left:
        first = left[0].source
        raise PipelineError(
            f"'{slug}' in '{translation.lang}' still shows {len(left)} "
            f"text{'s' if len(left) > 1 else ''} in the source language (the first: "
            f"'{_short(first.text)}'): a review signs off a whole translation",
            first.location.path, first.location.line)
    atomic_write(path, _file(slug, translation.lang, review, entries).encode("utf-8"))
    return len(entries)


def read(path: Path) -> dict[str, SignOff]:
    """The sign-offs in a reviews file, by article (none when there is no file)."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        found = re.search(r"line (\d+)", str(error))
        raise PipelineError(f"not a valid reviews file: {error}", path,
                            int(found.group(1)) if found else 0) from None
    return {slug: _signoff(path, slug, table) for slug, table in data.items()}


def _signoff(path: Path, slug: str, table: object) -> SignOff:
    if not isinstance(table, dict):
        raise PipelineError(f"'{slug}' must be a table ([{slug}])", path)
    by, role, day, entries = (table.get(key) for key in ("by", "role", "date", "entries"))
    if not isinstance(by, str) or not by.strip() or not isinstance(day, dt.date) \
            or not isinstance(role, str | None) or not isinstance(entries, dict):
        raise PipelineError(f"[{slug}] needs by = \"name\", date = YYYY-MM-DD and "
                            f"[{slug}.entries] (role is optional): write it with "
                            "'pipeline review'", path)
    return SignOff(Review(by.strip(), role, day), {str(k): str(v) for k, v in entries.items()})


def _file(slug: str, tag: str, review: Review, entries: dict[str, Shown]) -> str:
    """The reviews file: who and when, then one line per text, commented with its source."""
    who = {"by": review.by, **({"role": review.role} if review.role else {}),
           "date": review.date}
    # A bare key when it can be one; else quoted (JSON's escapes are TOML's too).
    table = slug if re.fullmatch(r"[A-Za-z0-9_-]+", slug) else json.dumps(slug)
    lines = [
        f"# Review sign-off for the {english_name(tag)} ({tag}) translation of '{slug}',",
        "# written by `pipeline review` (see docs/translators.md). Each entry binds it to",
        "# one text the outputs show: digest of the source text = digest of the text shown.",
        "# A change to either makes the review stale until it is signed off again.",
        "",
        f"[{table}]",
        tomli_w.dumps(who).rstrip(),
        "",
        f"[{table}.entries]",
    ]
    lines += [f'{key} = "{text.value}"  # {text.source.location}: '
              f"{_short(text.source.text)}" for key, text in entries.items()]
    return "\n".join(lines) + "\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 50 else flat[:49] + "…"
