"""``pipeline site``: the pages that list the handouts, the feeds, the stylesheet and the
checksums, from what the site's units built (their ``handout.json``), never rebuilding
one. A handout the library no longer makes (its catalog removed or no longer ready, its
review gone stale under ``--reviewed-only``, its article removed or unreadable) is
withdrawn from the site, folder and ZIP, and so is a language left with none: a page
that can no longer be rebuilt is not left looking current. Each file is rewritten only
when its bytes change; ``SHA256SUMS`` comes last and lists every file of the site
(``sha256sum -c SHA256SUMS`` in ``output/site/``).
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.html.render import FONT_FILES, font_path
from pipeline.locales import to_bcp47
from pipeline.markup import colon
from pipeline.output import creation_date
from pipeline.site.builder import SITE, bundle_path
from pipeline.site.bundle import files_below, write_if_changed
from pipeline.site.feed import FEED, feed_url, podcast_feed
from pipeline.site.handout import INDEX_LABELS, RECORD, Record, Text, duration_text
from pipeline.site.page import FONTS, index_page, language_name, language_page, site_css

SUMS: Final = "SHA256SUMS"


@dataclass(frozen=True, slots=True)
class Listed:
    """A handout as a language page lists it."""

    slug: str
    title: Text
    status: Text
    duration: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link on the first page: to a language or to one version of an article."""

    href: str
    lang: str  # BCP 47
    name: str


@dataclass(frozen=True, slots=True)
class Article:
    href: str
    title: Text
    versions: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class Published:
    """What ``publish`` did, for the command's report."""

    handouts: int
    languages: int
    written: tuple[Path, ...]
    listed: int  # files in SHA256SUMS
    feeds: bool
    withdrawn: tuple[str, ...] = ()  # handouts' folders removed: "es/baclofen"

    def lines(self, site: Path) -> list[str]:
        found = [f"{site / folder}/: withdrawn: the library no longer makes this handout "
                 "(its catalog removed or not ready, its review not current, or its "
                 "article gone)" for folder in self.withdrawn]
        found.append(f"{site}: {self.handouts} handouts in {self.languages} languages; "
                     f"{len(self.written)} files written, {self.listed} listed in "
                     f"{site / SUMS}")
        if not self.feeds:
            found.append(f"{site}: no podcast feeds: they need the site's address "
                         "(base_url in pipeline.toml, --base-url, or make site BASE_URL=...)")
        return found


def records(site: Path) -> list[Record]:
    """Every handout the site's units built, by language then article."""
    return [Record.read(path) for path in sorted(site.glob(f"*/*/{RECORD}"))]


def publish(config: Config, current: Collection[tuple[str, str]]) -> Published:
    """Withdraw the built handouts not in ``current`` (article, language), then write the
    site's shared files from the others; ``SHA256SUMS`` last."""
    site = config.output / SITE
    present = records(site)
    found = [r for r in present if (r.slug, r.lang) in current]
    withdrawn = withdraw(site, [r for r in present if (r.slug, r.lang) not in current],
                         kept={r.lang for r in found})
    if not found:
        raise PipelineError("no handouts are built for the site yet: run make site", site)
    written: list[Path] = []

    def write(path: Path, data: bytes) -> None:
        if write_if_changed(path, data):
            written.append(path)

    write(site / "site.css", site_css().encode("utf-8"))
    for weight, name in FONT_FILES.items():
        write(site / FONTS / name, font_path(weight).read_bytes())
    by_lang: dict[str, list[Record]] = {}
    for record in found:
        by_lang.setdefault(record.lang, []).append(record)
    built = creation_date()
    for lang, items in by_lang.items():
        labels = items[0].labels
        feed = feed_url(config.base_url, lang) if config.base_url else None
        listed = [Listed(r.slug, r.title, r.status, duration_text(r.duration, lang))
                  for r in items]
        write(site / lang / "index.html",
              language_page(lang, labels, listed, feed).encode("utf-8"))
        if config.base_url:
            title = f"{labels['handouts'].text} – {language_name(lang)}"
            write(site / lang / FEED, podcast_feed(lang, items, base_url=config.base_url,
                                                   title=title, labels=labels, built=built))
        else:
            # A feed from an earlier build would carry another site's addresses.
            (site / lang / FEED).unlink(missing_ok=True)
    write(site / "index.html", _first_page(found).encode("utf-8"))
    files = [path for path in files_below(site) if path != site / SUMS]
    write(site / SUMS, checksums(site, files))
    return Published(len(found), len(by_lang), tuple(written), len(files),
                     bool(config.base_url), withdrawn)


def withdraw(site: Path, stale: Sequence[Record], kept: Collection[str]) -> tuple[str, ...]:
    """Remove these handouts (folder, then ZIP), then the folder of each of their languages
    not ``kept`` (its list and feed)."""
    for record in stale:
        folder = site / record.folder
        shutil.rmtree(folder)
        bundle_path(folder).unlink(missing_ok=True)
    for lang in {record.lang for record in stale} - set(kept):
        shutil.rmtree(site / lang)
    return tuple(record.folder for record in stale)


def _first_page(found: Sequence[Record]) -> str:
    """The first page, in the language the articles are written in (its labels come from
    a handout in that language, else English)."""
    original = [r for r in found if r.lang == r.source_lang]
    lang = original[0].lang if original else "en"
    labels = original[0].labels if original else _english_labels()
    articles = []
    for slug in sorted({r.slug for r in found}):
        versions = sorted((r for r in found if r.slug == slug),
                          key=lambda r: (r.lang != r.source_lang, r.lang))
        first = versions[0]
        articles.append(Article(
            f"{first.folder}/index.html", first.title,
            tuple(Link(f"{r.folder}/index.html", to_bcp47(r.lang),
                       f"{language_name(r.lang)}{colon(r.lang)}{r.title.text}")
                  for r in versions)))
    langs = sorted({r.lang for r in found}, key=lambda code: (code != lang, code))
    languages = [Link(f"{code}/index.html", to_bcp47(code), language_name(code))
                 for code in langs]
    return index_page(lang, labels, articles, languages)


def _english_labels() -> dict[str, Text]:
    from pipeline.source.labels import english_labels

    labels = english_labels()
    return {name: Text(getattr(labels, name).text, getattr(labels, name).lang)
            for name in INDEX_LABELS}


def checksums(site: Path, files: Sequence[Path]) -> bytes:
    """``sha256sum`` lines for ``files``, sorted by their path in the site."""
    lines = []
    for path in sorted(files, key=lambda p: p.relative_to(site).as_posix()):
        relative = path.relative_to(site).as_posix()
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 20), b""):
                digest.update(chunk)
        lines.append(f"{digest.hexdigest()}  {relative}\n")
    return "".join(lines).encode("utf-8")
