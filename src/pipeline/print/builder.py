"""The ``pdf`` builder: a translated article as a large-print, tagged PDF/UA-1."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from pipeline.builders import Job, register, reproducible_date
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.output import exclusive


@register
class PdfBuilder:
    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    needs: ClassVar[tuple[str, ...]] = ()
    translations_only: ClassVar[bool] = False
    code: ClassVar[tuple[str, ...]] = ("print",)

    def inputs(self, config: Config, slug: str, lang: str) -> Sequence[Path]:
        return ()

    def build(self, job: Job) -> str:
        from pipeline.print.html import PrintOptions, paper_for, render
        from pipeline.print.pdf import write_pdf

        target = job.target(self.suffix)
        try:
            paper = paper_for(job.lang, job.config.paper)
        except ValueError as error:
            raise PipelineError(str(error)) from None
        page = render(job.document, PrintOptions(paper=paper, images=job.config.source,
                                                 created=reproducible_date()))
        with exclusive(target, job.config.cache / "locks"):
            write_pdf(page, target, base_url=job.config.source)
        return f"{target} ({paper})"
