"""The print builders: a translated article as a large-print PDF, and beside its source
as a bilingual clear-print PDF; both tagged PDF/UA-1."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, ClassVar

from pipeline.build.registry import Builder, Job, register, reproducible_date
from pipeline.errors import PipelineError
from pipeline.output import exclusive

if TYPE_CHECKING:
    from pipeline.print.html import Page, PrintOptions


def write(job: Job, suffix: str, render: Callable[[PrintOptions], Page]) -> str:
    """Lay out the page ``render`` makes on the paper of ``job``'s language; write it."""
    from pipeline.print.html import PrintOptions, paper_for
    from pipeline.print.pdf import write_pdf

    target = job.target(suffix)
    try:
        paper = paper_for(job.lang, job.config.paper)
    except ValueError as error:
        raise PipelineError(str(error)) from None
    page = render(PrintOptions(paper=paper, images=job.config.source,
                               created=reproducible_date(),
                               url=job.config.page_url(job.document.slug, job.lang)))
    with exclusive(target, job.config.cache / "locks"):
        write_pdf(page, target, base_url=job.config.source)
    return f"{target} ({paper})"


@register
class PdfBuilder(Builder):
    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    code: ClassVar[tuple[str, ...]] = ("print", "markup.py")
    settings: ClassVar[tuple[str, ...]] = ("paper", "base_url")  # the QR code's address
    resources: ClassVar[Mapping[str, int]] = {"mem_mb": 800, "runtime": 10}

    def build(self, job: Job) -> str:
        from pipeline.print.html import render

        return write(job, self.suffix, lambda options: render(job.document, options))


@register
class BilingualBuilder(Builder):
    """The source article and its translation side by side, one table row per block."""

    name: ClassVar[str] = "bilingual"
    suffix: ClassVar[str] = ".bilingual.pdf"
    translations_only: ClassVar[bool] = True
    code: ClassVar[tuple[str, ...]] = ("print", "markup.py")
    settings: ClassVar[tuple[str, ...]] = ("paper", "base_url")

    def build(self, job: Job) -> str:
        from pipeline.print.bilingual import render_bilingual

        return write(job, self.suffix,
                     lambda options: render_bilingual(job.source, job.document, options))
