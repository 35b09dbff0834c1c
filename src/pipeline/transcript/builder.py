"""The ``vtt`` builder: a WebVTT transcript of each narrated book, from its timeline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from pipeline.builders import Job, register
from pipeline.config import Config
from pipeline.output import atomic_write


@register
class VttBuilder:
    name: ClassVar[str] = "vtt"
    suffix: ClassVar[str] = ".vtt"
    needs: ClassVar[tuple[str, ...]] = ("audio",)
    translations_only: ClassVar[bool] = False
    code: ClassVar[tuple[str, ...]] = ("transcript",)

    def inputs(self, config: Config, slug: str, lang: str) -> Sequence[Path]:
        return ()

    def build(self, job: Job) -> str:
        from pipeline.audio.timeline import read_timeline
        from pipeline.markup import plain
        from pipeline.transcript.webvtt import webvtt

        target = job.target(self.suffix)
        timeline = read_timeline(job.target(".mp3"))
        text = webvtt(timeline, lang=job.document.lang,
                      title=plain(job.document.meta.title.text))
        atomic_write(target, text.encode("utf-8"))
        return f"{target}: {len(timeline.spoken)} cues"
