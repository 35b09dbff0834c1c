"""One handout on the site: the record its unit leaves for ``pipeline site``
(``handout.json``), its audio chapters, and sizes and durations as each language writes
them.

The language pages and the feeds are written from the records alone, so ``pipeline
site`` never parses an article or reads a catalog: it publishes what the units built.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from babel.lists import format_list
from babel.units import format_unit

from pipeline.audio.timeline import Timeline
from pipeline.errors import PipelineError
from pipeline.locales import babel_locale

RECORD: Final = "handout.json"
FORMAT: Final = 1  # bumped when the record's shape changes
TRACKS: Final = "tracks"  # the folder of one MP3 per chapter, and the playlist
# The labels the language pages and the root page need (the handout page has them all).
INDEX_LABELS: Final = ("handouts", "languages", "all_languages", "skip_to_content",
                       "subscribe", "duration")


@dataclass(frozen=True, slots=True)
class Text:
    """A text and the language it is in (a label may be left in English)."""

    text: str
    lang: str  # BCP 47


@dataclass(frozen=True, slots=True)
class Record:
    """What ``pipeline site`` needs to know about one built handout."""

    slug: str
    lang: str  # gettext name: the folder, e.g. zh_Hans
    source_lang: str  # gettext name of the language the article is written in
    title: Text
    status: Text  # "Original text", who reviewed it, or "Not yet reviewed ..."
    summary: str  # the first paragraph, as plain text
    disclaimer: tuple[str, ...]  # plain text, heading first
    authors: tuple[str, ...]
    date: str | None  # ISO date: updated, else published
    duration: float  # seconds of audio
    mp3: str  # file names in the handout's folder
    mp3_bytes: int
    vtt: str
    chapters: str
    labels: dict[str, Text] = field(default_factory=dict)  # INDEX_LABELS

    def to_json(self) -> bytes:
        data = {"format": FORMAT, **asdict(self)}
        return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()

    @classmethod
    def read(cls, path: Path) -> Record:
        """The record at ``path``; an unreadable one is an error that says what to do."""
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("format") != FORMAT:
                raise ValueError("an older format")
            data |= {key: Text(**data[key]) for key in ("title", "status")}
            data |= {key: tuple(data[key]) for key in ("disclaimer", "authors")}
            data["labels"] = {name: Text(**value) for name, value in data["labels"].items()}
            return cls(**data)
        except (ValueError, KeyError, TypeError) as error:
            raise PipelineError(f"unreadable handout record ({error}): build the site's "
                                "units again (make site)", path) from None

    @property
    def folder(self) -> str:
        """The handout's folder, relative to the site: ``es/baclofen``."""
        return f"{self.lang}/{self.slug}"


@dataclass(frozen=True, slots=True)
class Chapter:
    """One chapter of the narrated book, in seconds."""

    title: str
    start: float
    end: float


def chapters(timeline: Timeline) -> tuple[Chapter, ...]:
    return tuple(Chapter(span.title, round(timeline.seconds(span.start), 3),
                         round(timeline.seconds(span.end), 3)) for span in timeline.chapters)


def chapters_json(found: tuple[Chapter, ...], *, title: str) -> bytes:
    """Podcasting 2.0 JSON chapters (``application/json+chapters``, version 1.2.0), the
    file a feed's ``podcast:chapters`` names: the MP3's own chapters, from its timeline."""
    data = {"version": "1.2.0", "title": title,
            "chapters": [{"startTime": c.start, "endTime": c.end, "title": c.title}
                         for c in found]}
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def size_text(size: int, lang: str) -> str:
    """A file size as the language writes it: "44 kB", "6,7 MB" (decimal units)."""
    locale = babel_locale(lang)
    if size < 1_000_000:
        return str(format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short",
                               locale=locale))
    return str(format_unit(size / 1_000_000, "digital-megabyte", length="short",
                           locale=locale, format="#,##0.0"))


def duration_text(seconds: float, lang: str) -> str:
    """A duration as the language writes it: "12 min y 5 s", "12分钟和5秒"."""
    locale = babel_locale(lang)
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = [str(format_unit(value, unit, length="short", locale=locale))
             for value, unit in ((hours, "duration-hour"), (minutes, "duration-minute"),
                                 (secs, "duration-second")) if value]
    # "standard": CLDR's "unit" lists are incomplete for some locales in Babel 2.x.
    return format_list(parts or [str(format_unit(0, "duration-second", length="short",
                                                 locale=locale))],
                       style="standard", locale=locale)


def clock_text(seconds: float) -> str:
    """Where a chapter starts, as players show it: "3:05", "1:02:03"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
