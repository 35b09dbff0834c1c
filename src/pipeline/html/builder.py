"""The ``html`` builder: a translated article as one self-contained, accessible page."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from pipeline.builders import Job, register, reproducible_date
from pipeline.config import Config
from pipeline.output import atomic_write


@register
class HtmlBuilder:
    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    needs: ClassVar[tuple[str, ...]] = ()
    translations_only: ClassVar[bool] = False
    code: ClassVar[tuple[str, ...]] = ("html",)

    def inputs(self, config: Config, slug: str, lang: str) -> Sequence[Path]:
        return ()

    def build(self, job: Job) -> str:
        from pipeline.html.render import render_page

        target = job.target(self.suffix)
        page = render_page(job.document, job.config.source, created=reproducible_date())
        atomic_write(target, page.encode("utf-8"))
        return f"{target} ({len(page.encode('utf-8')) // 1024} KB)"
