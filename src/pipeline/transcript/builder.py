"""The ``vtt`` builder: a WebVTT transcript of each narrated book, from its timeline."""

from __future__ import annotations

from typing import ClassVar

from pipeline.build.registry import Builder, Job, register
from pipeline.output import atomic_write


@register
class VttBuilder(Builder):
    name: ClassVar[str] = "vtt"
    suffix: ClassVar[str] = ".vtt"
    needs: ClassVar[tuple[str, ...]] = ("audio",)
    code: ClassVar[tuple[str, ...]] = ("transcript", "markup.py", "audio/__init__.py",
                                      "audio/timeline.py")

    def build(self, job: Job) -> str:
        from pipeline.audio.timeline import read_timeline
        from pipeline.markup import plain
        from pipeline.transcript.webvtt import webvtt

        target = job.target(self.suffix)
        timeline = read_timeline(job.output("audio"))
        text = webvtt(timeline, lang=job.document.lang,
                      title=plain(job.document.meta.title.text))
        atomic_write(target, text.encode("utf-8"))
        return f"{target}: {len(timeline.spoken)} cues"
