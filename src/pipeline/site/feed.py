"""A language's podcast feed: RSS 2.0 with the iTunes tags podcast apps read and the
Podcasting 2.0 tags for the transcript and the chapters (podcastindex.org namespace).

One item per handout: its MP3 as the enclosure (length = the file's size in bytes), its
duration, a description that ends with the medical disclaimer (an app shows the
description, never the page), the WebVTT transcript and the JSON chapters. A feed is
read by apps from anywhere, so every address in it is absolute, under ``base_url``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Final

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from pipeline.locales import to_bcp47
from pipeline.site.handout import Record, Text

PODCAST_NS: Final = "https://podcastindex.org/namespace/1.0"
FEED: Final = "feed.xml"


class Podcasting20(BaseExtension):  # type: ignore[misc]
    """feedgen extension: declares the ``podcast:`` namespace."""

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}


class Podcasting20Entry(BaseEntryExtension):  # type: ignore[misc]
    """feedgen extension: ``podcast:transcript`` and ``podcast:chapters`` on an item."""

    def __init__(self) -> None:
        self.tags: list[tuple[str, dict[str, str]]] = []

    def add(self, tag: str, **attributes: str) -> None:
        self.tags.append((tag, attributes))

    def extend_rss(self, item: Any) -> Any:
        for tag, attributes in self.tags:  # ``item`` is feedgen's lxml element
            item.append(item.makeelement(f"{{{PODCAST_NS}}}{tag}", attributes))
        return item


def feed_url(base_url: str, lang: str) -> str:
    return f"{base_url}{lang}/{FEED}"


def description(record: Record) -> str:
    """The handout's first paragraph, then its disclaimer, whole."""
    heading, *disclaimer = record.disclaimer
    return "\n\n".join(part for part in (record.summary, f"{heading}:", *disclaimer) if part)


def podcast_feed(lang: str, records: Sequence[Record], *, base_url: str, title: str,
                 labels: Mapping[str, Text], built: dt.datetime) -> bytes:
    """The RSS feed of the handouts in ``lang`` (gettext name); ``built``: its date."""
    tag = to_bcp47(lang)
    fg = FeedGenerator()
    fg.load_extension("podcast")  # the iTunes namespace
    fg.register_extension("podcasting20", Podcasting20, Podcasting20Entry)
    fg.title(title)
    # feedgen writes the last link as the channel's <link>: the self link (atom) first.
    fg.link(href=feed_url(base_url, lang), rel="self")
    fg.link(href=f"{base_url}{lang}/", rel="alternate")
    fg.description(f"{labels['handouts'].text}: "
                   + "; ".join(record.title.text for record in records))
    fg.language(tag)
    fg.generator("pipeline")
    fg.lastBuildDate(built)
    authors = sorted({author for record in records for author in record.authors})
    if authors:
        fg.podcast.itunes_author(", ".join(authors))
    fg.podcast.itunes_category("Health & Fitness", "Medicine")
    fg.podcast.itunes_explicit("no")
    for record in records:
        _item(fg, record, base_url=base_url, tag=tag, built=built)
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


def _item(fg: Any, record: Record, *, base_url: str, tag: str, built: dt.datetime) -> None:
    folder = f"{base_url}{record.folder}/"
    entry = fg.add_entry(order="append")
    entry.title(record.title.text)
    entry.link(href=folder)
    entry.guid(folder, permalink=True)
    text = description(record)
    entry.description(text)
    entry.enclosure(f"{folder}{record.mp3}", str(record.mp3_bytes), "audio/mpeg")
    day = dt.datetime.combine(dt.date.fromisoformat(record.date), dt.time(), dt.UTC) \
        if record.date else built
    entry.pubDate(day)
    entry.podcast.itunes_duration(round(record.duration))
    entry.podcast.itunes_summary(text)
    entry.podcasting20.add("transcript", url=f"{folder}{record.vtt}", type="text/vtt",
                           language=tag, rel="captions")
    entry.podcasting20.add("chapters", url=f"{folder}{record.chapters}",
                           type="application/json+chapters")
