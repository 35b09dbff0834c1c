"""The ``site`` builder: one handout (an article in one language) as a folder of the
published site, with its page, every format it was built in, and its ZIP.

    output/site/<lang>/<slug>/index.html        the page: text, player, chapters, downloads
    output/site/<lang>/<slug>/<slug>.*          the formats (copies: the site is moved whole)
    output/site/<lang>/<slug>/tracks/           one MP3 per chapter and the playlist
    output/site/<lang>/<slug>/<slug>.chapters.json   Podcasting 2.0 chapters, from the timeline
    output/site/<lang>/<slug>/handout.json      what ``pipeline site`` needs (site/index.py)
    output/site/<lang>/<slug>-<lang>.zip        every format, reproducibly zipped

It reads the other formats' outputs and never rebuilds them (site/folder.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Final

from pipeline.build.registry import Builder, Job, register

SITE: Final = "site"  # the site's folder under the output folder
PAGE: Final = "index.html"


@register
class SiteBuilder(Builder):
    name: ClassVar[str] = "site"
    suffix: ClassVar[str] = ".html"  # unused: its target is site/<lang>/<slug>/index.html
    # The bilingual sheet is made for translations only: the source language's handout
    # simply offers no bilingual download.
    needs: ClassVar[tuple[str, ...]] = ("audio", "pdf", "bilingual", "html", "epub", "vtt")
    # The whole site/ folder: its collect step (the lists, feeds) runs it all too.
    code: ClassVar[tuple[str, ...]] = (
        "site", "html", "markup.py", "templates", "audio/__init__.py", "audio/timeline.py")

    # Then, once for the whole site: `pipeline site` (site/index.py) writes the lists,
    # the feeds and, last, SHA256SUMS.
    collect: ClassVar[tuple[str, ...]] = ("site",)
    settings: ClassVar[tuple[str, ...]] = ("base_url",)  # the feeds' addresses

    def collected(self, output: Path) -> Path:
        return output / SITE / "SHA256SUMS"

    def target(self, output: Path, slug: str, lang: str) -> Path:
        return output / SITE / lang / slug / PAGE

    def products(self, target: Path) -> tuple[Path, ...]:
        """The handout's folder and its ZIP."""
        return (target.parent, bundle_path(target.parent))

    def build(self, job: Job) -> str:
        from pipeline.site.folder import publish_handout

        folder = self.target(job.config.output, job.document.slug, job.lang).parent
        files, size = publish_handout(job, folder, bundle_path(folder))
        return (f"{folder}/: {files} files, {size / 1e6:.1f} MB; "
                f"{bundle_path(folder).name}")


def bundle_path(folder: Path) -> Path:
    """``site/es/baclofen`` -> ``site/es/baclofen-es.zip``."""
    return folder.with_name(f"{folder.name}-{folder.parent.name}.zip")
