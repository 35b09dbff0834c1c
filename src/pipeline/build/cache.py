"""The cache folder and ``pipeline cache prune``: keep what the library uses, drop the rest.

Everything the pipeline and its libraries keep between builds is under one folder,
``config.cache`` (``PIPELINE_CACHE``, the ``cache`` setting, else ``.cache``)::

    tts/           each utterance as its voice spoke it     audio.caches.speech
    prepared/      ... resampled, filtered and measured     audio.caches.prepared
    encoded/       ... levelled and encoded as MP3 frames   audio.caches.encoded
    jieba.cache    jieba's dictionary index: the report's Chinese word counts and the
                   Chinese phonemiser (audio.speech.chinese)
    nltk_data/     CMUdict for the English readability figures
    locks/         one lock file per output being built     output.exclusive

An audio entry is keyed by everything that shapes it (text, voice, engine version,
speaking rate, loudness target...), so a changed setting leaves the old entries behind,
never read again. ``prune`` computes the keys every book of the library looks up, the
way the build does (``audio.book.book_keys``: the narration script and the voices'
names and settings; nothing is synthesised and no model is loaded), keeps those entries
and removes the others, lock files no build holds, and writes interrupted long ago.

It always considers the whole library: every article, in the source language and in
every language that has a catalog. A language left out for now (below the threshold,
say) keeps the entries of what is translated, which its next build will use; an entry
carries no article or language, so a prune limited to some of them could not tell
their stale entries from the others' current ones. A part of the library that cannot
be read (a broken article, a refused catalog, a missing voice) would make its entries
look unused: prune then refuses, and says why.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pipeline.audio.book import book_keys, caches
from pipeline.audio.caches.store import Entries
from pipeline.audio.synthesis import Keys
from pipeline.build.units import plan
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.output import TEMP_PREFIX, release_stale_lock
from pipeline.progress import table_text
from pipeline.source.documents import articles

KEPT_FILES: Final = ("jieba.cache", "nltk_data")  # rebuilt from installed packages if lost
ABANDONED_AFTER: Final = 3600.0  # s: a temporary file this old is no write under way
MB: Final = 1e6


@dataclass(slots=True)
class Part:
    """One part of the cache folder: what is kept and what is (or would be) removed."""

    name: str
    kept: int = 0
    kept_bytes: int = 0
    removed: int = 0
    removed_bytes: int = 0

    def count(self, path: Path, *, keep: bool) -> int:
        size = _size(path)
        if keep:
            self.kept, self.kept_bytes = self.kept + 1, self.kept_bytes + size
        else:
            self.removed, self.removed_bytes = self.removed + 1, self.removed_bytes + size
        return size


@dataclass(slots=True)
class Pruned:
    """What ``prune`` kept and removed, part by part; ``notices``: languages that keep
    nothing (their catalogs cannot be read yet)."""

    folder: Path
    dry_run: bool
    parts: list[Part] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def before(self) -> int:
        return sum(p.kept_bytes + p.removed_bytes for p in self.parts)

    @property
    def after(self) -> int:
        return sum(p.kept_bytes for p in self.parts)

    def text(self) -> str:
        """A table of the parts and one line of totals."""
        verb = "would remove" if self.dry_run else "removed"
        rows = [("part", "kept", "MB", verb, "MB")]
        rows += [(p.name, str(p.kept), f"{p.kept_bytes / MB:.1f}", str(p.removed),
                  f"{p.removed_bytes / MB:.1f}") for p in self.parts]
        after = "after" if not self.dry_run else "after a prune"
        return (f"{table_text(rows)}\n{self.folder}: {self.before / MB:.1f} MB before, "
                f"{self.after / MB:.1f} MB {after}"
                + (" (dry run: nothing removed)" if self.dry_run else ""))


def used_keys(config: Config) -> tuple[set[Keys], list[str]]:
    """The cache keys every book of the library looks up, and notices of the languages
    left out for now that keep nothing; a part that cannot be read is an error."""
    used: set[Keys] = set()
    notices: list[str] = []
    problems: list[str] = []
    for slug, source in articles(config, ()):
        if isinstance(source, PipelineError):
            problems.append(f"{source} (article '{slug}')")
            continue
        for lang, reason in plan(config, source, None):
            # A language left out for now is read as if the threshold were 0: the
            # entries of what is translated stay for its next build.
            chosen = config if reason is None else dataclasses.replace(config, threshold=0.0)
            try:
                used.update(book_keys(load_translation(chosen, source, lang), config))
            except PipelineError as error:
                (problems if reason is None else notices).append(str(error))
    if problems:
        raise PipelineError("cannot tell which cache entries are in use while a part of the "
                            "library cannot be read (its entries would look unused); "
                            "nothing was removed:\n  " + "\n  ".join(problems), config.cache)
    return used, notices


def prune(config: Config, *, dry_run: bool) -> Pruned:
    """Remove (``dry_run``: only count) what no book of the library uses, stale locks
    and abandoned temporary files; keep the rest."""
    used, notices = used_keys(config)
    report = Pruned(config.cache, dry_run, notices=notices)
    audio = caches(config.cache)
    stores: tuple[tuple[Entries[Any], set[str]], ...] = (
        (audio.speech, {k.speech for k in used}),
        (audio.prepared.store, {k.prepared for k in used}),
        (audio.encoded.store, {k.encoded for k in used}))
    for entries, wanted in stores:
        report.parts.append(_prune_entries(entries, wanted, dry_run=dry_run))
    report.parts.append(_prune_locks(config.cache / "locks", dry_run=dry_run))
    report.parts.append(_prune_abandoned(config.cache, dry_run=dry_run))
    kept, other = Part("jieba, nltk"), Part("other (left alone)")
    known = {entries.folder.name for entries, _ in stores} | {"locks", *KEPT_FILES}
    for path in sorted(config.cache.glob("*")):
        if path.name in KEPT_FILES:
            kept.count(path, keep=True)
        elif path.name not in known and not path.name.startswith("tmp"):  # jieba's: above
            other.count(path, keep=True)
    report.parts += [kept, other]
    return report


def _prune_entries(entries: Entries[Any], wanted: set[str], *, dry_run: bool) -> Part:
    part = Part(entries.folder.name)
    for key, path in entries.stored():
        keep = key in wanted
        part.count(path, keep=keep)
        if not keep and not dry_run:
            path.unlink(missing_ok=True)
    return part


def _prune_locks(folder: Path, *, dry_run: bool) -> Part:
    """Lock files no build holds (each is made again by the next build of its output)."""
    part = Part("locks")
    for path in folder.glob("*.lock"):
        part.count(path, keep=not release_stale_lock(path, remove=not dry_run))
    return part


def _prune_abandoned(folder: Path, *, dry_run: bool) -> Part:
    """Temporary files of writes interrupted long ago: the caches' (``.tmp-*``) and
    jieba's (``tmp*`` beside its index)."""
    part = Part("interrupted writes")
    now = time.time()
    for path in _temporaries(folder):
        try:
            abandoned = now - path.stat().st_mtime > ABANDONED_AFTER
        except FileNotFoundError:
            continue  # the write finished
        if abandoned:
            part.count(path, keep=False)
            if not dry_run:
                path.unlink(missing_ok=True)
    return part


def _temporaries(folder: Path) -> Iterator[Path]:
    yield from (p for p in folder.glob("tmp*") if p.is_file())
    yield from folder.glob(f"*/??/{TEMP_PREFIX}*")


def _size(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        return path.stat().st_size
    except FileNotFoundError:
        return 0
