"""The ``html`` builder: a translated article as one self-contained, accessible page."""

from __future__ import annotations

from typing import ClassVar

from pipeline.build.registry import Builder, Job, register, reproducible_date
from pipeline.output import atomic_write


@register
class HtmlBuilder(Builder):
    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    code: ClassVar[tuple[str, ...]] = ("html", "markup.py")

    def build(self, job: Job) -> str:
        from pipeline.html.render import render_page

        target = job.target(self.suffix)
        page = render_page(job.document, job.config.source, created=reproducible_date())
        atomic_write(target, page.encode("utf-8"))
        return f"{target} ({len(page.encode('utf-8')) // 1024} KB)"
