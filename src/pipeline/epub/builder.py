"""The ``epub`` builder: a translated article as an EPUB 3 whose text is read aloud in
sync (media overlays), from the book's own MP3 and timeline."""

from __future__ import annotations

from typing import ClassVar

from pipeline.build.registry import Builder, Job, register
from pipeline.output import creation_date, exclusive


@register
class EpubBuilder(Builder):
    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    needs: ClassVar[tuple[str, ...]] = ("audio",)
    code: ClassVar[tuple[str, ...]] = ("epub", "html", "markup.py", "audio/__init__.py",
                                      "audio/timeline.py")

    def build(self, job: Job) -> str:
        from pipeline.audio.timeline import read_timeline
        from pipeline.epub.archive import write_epub
        from pipeline.epub.book import publication

        target = job.target(self.suffix)
        mp3 = job.output("audio")
        timeline = read_timeline(mp3)
        # dcterms:modified is required: SOURCE_DATE_EPOCH's date, or now.
        modified = creation_date()
        items = publication(job.document, timeline, mp3, job.config.source, modified=modified)
        with exclusive(target, job.config.cache / "locks"):
            write_epub(target, items, modified=modified)
        overlays = sum(1 for item in items if item.duration is not None)
        return (f"{target}: {len(items)} files, {overlays} media overlays, "
                f"{target.stat().st_size / 1e6:.1f} MB")
