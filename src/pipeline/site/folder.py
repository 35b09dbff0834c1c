"""A handout's folder on the site: the built formats copied in, the chapters file, the
ZIP, the page and the record, filled beside its place and then put there whole, so a
reader never sees half a handout."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from pipeline.audio.timeline import Timeline, read_timeline
from pipeline.build.registry import Job
from pipeline.errors import PipelineError
from pipeline.locales import to_gettext
from pipeline.markup import plain, review_notice
from pipeline.model import Paragraph
from pipeline.output import exclusive
from pipeline.site import bundle
from pipeline.site.handout import (
    INDEX_LABELS,
    TRACKS,
    Record,
    Text,
    chapters,
    chapters_json,
    clock_text,
    duration_text,
    size_text,
)
from pipeline.site.page import ChapterLink, Download, handout_page

PAGE: Final = "index.html"
# Each download: label name, the format that makes it, its name in the folder, media type.
DOWNLOADS: Final = (
    ("large_print_pdf", "pdf", "{slug}.pdf", "application/pdf"),
    ("bilingual_pdf", "bilingual", "{slug}.bilingual.pdf", "application/pdf"),
    ("web_page", "html", "{slug}.html", "text/html"),
    ("epub", "epub", "{slug}.epub", "application/epub+zip"),
    ("audio_book", "audio", "{slug}.mp3", "audio/mpeg"),
    ("transcript", "vtt", "{slug}.vtt", "text/vtt"),
)
PLAYLIST_TYPE: Final = "audio/x-mpegurl"


def sources(job: Job) -> dict[str, Path]:
    """Every built file the handout offers, by its name in the folder; one that is not
    built is an error (the bilingual sheet exists for translations only)."""
    slug = job.document.slug
    found: dict[str, Path] = {}
    for _label, name, file, _type in DOWNLOADS:
        if name == "bilingual" and job.lang == to_gettext(job.source.lang):
            continue
        path = job.output(name)
        if not path.is_file():
            raise PipelineError(f"the site's page needs the {name} output, which is not "
                                f"built: run make {name}", path)
        found[file.format(slug=slug)] = path
    tracks = job.output("audio").with_suffix("")  # the audio builder's folder of tracks
    if tracks.is_dir():
        for path in sorted(p for p in tracks.iterdir() if p.is_file()):
            found[f"{TRACKS}/{path.name}"] = path
    return found


def publish_handout(job: Job, folder: Path, zip_path: Path) -> tuple[int, int]:
    """Fill a new folder for the handout, zip it, and put it in place; returns how many
    files it has and their bytes, the ZIP's included."""
    found = sources(job)
    timeline = read_timeline(job.output("audio"))  # refuses a timeline of another MP3
    slug = job.document.slug
    with exclusive(folder, job.config.cache / "locks"):
        staging = bundle.staging_folder(folder)
        try:
            for name, path in found.items():
                bundle.copy_file(path, staging / name)
            (staging / f"{slug}.chapters.json").write_bytes(
                chapters_json(chapters(timeline), title=plain(job.document.meta.title.text)))
            zipped = bundle.write_zip(zip_path, (
                (f"{slug}-{job.lang}/{path.relative_to(staging).as_posix()}", path)
                for path in bundle.files_below(staging)))
            _write_page(job, staging, timeline, zipped)
            bundle.replace_folder(staging, folder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    files = bundle.files_below(folder)
    return len(files), sum(p.stat().st_size for p in files) + zipped


def _write_page(job: Job, staging: Path, timeline: Timeline, zipped: int) -> None:
    """The handout's page and its record, from the files in ``staging``."""
    slug, lang, document = job.document.slug, job.lang, job.document
    mp3 = f"{slug}.mp3"
    feed = f"{job.config.base_url}{lang}/feed.xml" if job.config.base_url else None
    seconds = timeline.seconds(timeline.length)
    page = handout_page(
        document, job.config.source, mp3=mp3, vtt=f"{slug}.vtt",
        duration=duration_text(seconds, lang),
        chapters=[ChapterLink(c.title, c.start, clock_text(c.start))
                  for c in chapters(timeline)],
        downloads=downloads(job, staging, zipped), feed=feed)
    (staging / PAGE).write_text(page, encoding="utf-8")
    (staging / "handout.json").write_bytes(
        record(job, seconds, (staging / mp3).stat().st_size).to_json())


def downloads(job: Job, staging: Path, zipped: int) -> list[Download]:
    """What the page offers, in order, each with its size in the page's language."""
    slug, lang, labels = job.document.slug, job.lang, job.document.labels

    def offer(label: str, href: str | None, kind: str, size: int,
              parts: tuple[Download, ...] = ()) -> Download:
        text = getattr(labels, label)
        return Download(Text(text.text, text.lang), href, kind, size_text(size, lang), parts)

    found = []
    for label, _name, file, kind in DOWNLOADS:
        path = staging / file.format(slug=slug)
        if path.is_file():
            found.append(offer(label, path.name, kind, path.stat().st_size))
    tracks = playlist(staging / TRACKS / f"{slug}.m3u8")
    if tracks:
        parts = tuple(Download(Text(title, job.document.lang), f"{TRACKS}/{name}",
                               "audio/mpeg", size_text((staging / TRACKS / name).stat()
                                                       .st_size, lang))
                      for title, name in tracks)
        total = sum((staging / TRACKS / name).stat().st_size for _title, name in tracks)
        found.append(offer("audio_tracks", None, "audio/mpeg", total, parts))
        found.append(offer("playlist", f"{TRACKS}/{slug}.m3u8", PLAYLIST_TYPE,
                           (staging / TRACKS / f"{slug}.m3u8").stat().st_size))
    found.append(offer("bundle", f"../{slug}-{lang}.zip", "application/zip", zipped))
    return found


def playlist(path: Path) -> list[tuple[str, str]]:
    """(title, file) of each track in an M3U playlist, in order (none without one)."""
    if not path.is_file():
        return []
    found, title = [], ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#EXTINF:"):
            title = line.partition(",")[2].strip()
        elif line and not line.startswith("#"):
            found.append((title or line, line))
            title = ""
    return found


def record(job: Job, seconds: float, mp3_bytes: int) -> Record:
    """What the language pages and the feed need about this handout."""
    document, slug = job.document, job.document.slug
    labels = document.labels
    source_lang = to_gettext(job.source.lang)
    notice = review_notice(document)
    status = labels.original if job.lang == source_lang \
        else notice if notice is not None else labels.not_reviewed_short
    first = next((b for b in document.body if isinstance(b, Paragraph)), None)
    meta = document.meta
    day = meta.updated or meta.published
    return Record(
        slug=slug, lang=job.lang, source_lang=source_lang,
        title=Text(plain(meta.title.text), meta.title.lang),
        status=Text(status.text, status.lang),
        summary=plain(first.text.text) if first else "",
        disclaimer=(labels.disclaimer.text, *(plain(p.text) for p in document.disclaimer)),
        authors=meta.authors, date=day.isoformat() if day else None,
        duration=round(seconds, 3), mp3=f"{slug}.mp3", mp3_bytes=mp3_bytes,
        vtt=f"{slug}.vtt", chapters=f"{slug}.chapters.json",
        labels={name: Text(getattr(labels, name).text, getattr(labels, name).lang)
                for name in INDEX_LABELS})
