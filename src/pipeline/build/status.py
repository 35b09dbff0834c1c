"""What each unit's output is now: built, stale, missing, refused or failed.

A unit whose build fails (a refused catalog, a crash) records why in
``output/.failed/<lang>/<slug>.<format>.json`` and its old outputs, with those of the
units made from them, move to ``output/.stale/`` (same paths below it): an output that
could not be rebuilt never stays where it looks current, and nothing is destroyed. The
next successful build of the unit clears both.

    built     the output is there and newer than everything it is made from
    stale     it is there, but something it is made from changed since (Make would
              rebuild it)
    missing   not built yet
    refused   its input was refused (a catalog that fails a check or is not ready, a
              broken article): what to fix is in the message, at ``path:line``
    failed    its build crashed: a bug, with its traceback in the build's log
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.build import registry
from pipeline.config import Config
from pipeline.errors import PipelineError
from pipeline.locales import check_locale
from pipeline.output import atomic_write, exclusive
from pipeline.progress import table_text

FAILED_DIR = ".failed"
STALE_DIR = ".stale"


class State(enum.StrEnum):
    BUILT = "built"
    STALE = "stale"
    MISSING = "missing"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a unit's last build did not make its output, and what was set aside."""

    slug: str
    lang: str
    format: str
    state: State  # REFUSED or FAILED
    message: str
    moved: tuple[str, ...] = ()  # outputs moved under output/.stale/ then
    blocked_by: str | None = None  # the format it is made from, whose build failed


@dataclass(frozen=True, slots=True)
class UnitStatus:
    slug: str
    lang: str
    format: str
    state: State
    detail: str = ""


def record_path(output: Path, slug: str, lang: str, format: str) -> Path:
    return output / FAILED_DIR / lang / f"{slug}.{format}.json"


def record(output: Path, failure: Failure) -> None:
    """Keep ``failure`` until the unit builds again."""
    data = {"state": str(failure.state), "message": failure.message,
            "moved": list(failure.moved), "blocked_by": failure.blocked_by}
    # Best effort: an output folder that cannot be written is the error being reported.
    with contextlib.suppress(OSError, PipelineError):
        atomic_write(record_path(output, failure.slug, failure.lang, failure.format),
                     json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")


def read_record(path: Path) -> Failure | None:
    """The failure recorded at ``path`` (``<lang>/<slug>.<format>.json``), if readable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        slug, format = path.name.removesuffix(".json").rsplit(".", 1)
        return Failure(slug, path.parent.name, format, State(data["state"]),
                       str(data["message"]), tuple(data.get("moved", ())),
                       data.get("blocked_by"))
    except (OSError, ValueError, KeyError):
        return None


def failures(output: Path, slugs: Sequence[str] = (), langs: Sequence[str] = (),
             formats: Sequence[str] = ()) -> list[Failure]:
    """Every recorded failure of the articles, languages and formats named (default: all)."""
    found = []
    for path in sorted((output / FAILED_DIR).glob("*/*.json")):
        failure = read_record(path)
        if failure is not None and all(
                not wanted or value in wanted for value, wanted in
                ((failure.slug, slugs), (failure.lang, langs), (failure.format, formats))):
            found.append(failure)
    return found


def clear(output: Path, slug: str, lang: str, format: str, products: Iterable[Path],
          dependents: Iterable[str] = ()) -> None:
    """A unit built: forget its failure, and the stale copies its new outputs replace;
    the formats made from it that were only blocked by it are buildable again."""
    forget(output, slug, lang, format)
    for name in dependents:
        failure = read_record(record_path(output, slug, lang, name))
        if failure is not None and failure.blocked_by == format:
            forget(output, slug, lang, name)
    for product in products:
        stale = stale_path(output, product)
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)
        _prune(stale.parent, output)


def _prune(folder: Path, output: Path) -> None:
    """Remove ``folder`` and its parents below ``output`` while they are empty, so that
    ``.failed/`` and ``.stale/`` exist only while something is in them."""
    while folder != output and folder.is_relative_to(output):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def forget(output: Path, slug: str, lang: str, format: str) -> None:
    """Drop a unit's record (it built, or its article or language was removed); what it
    set aside stays in ``.stale/``."""
    path = record_path(output, slug, lang, format)
    path.unlink(missing_ok=True)
    _prune(path.parent, output)


def stale_path(output: Path, path: Path) -> Path:
    """Where ``path`` (under ``output``) goes when it cannot be rebuilt."""
    return output / STALE_DIR / path.relative_to(output)


def set_aside(output: Path, products: Iterable[Path]) -> tuple[str, ...]:
    """Move the products that exist under ``output/.stale/``; return what was moved."""
    moved = []
    for path in products:
        if not (path.exists() or path.is_symlink()):
            continue
        stale = stale_path(output, path)
        try:
            stale.parent.mkdir(parents=True, exist_ok=True)
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale)
            os.replace(path, stale)
        except OSError:
            continue  # cannot be moved (the output folder is read-only): reported as failed
        moved.append(str(path))
    return tuple(moved)


def outdated(target: Path, sources: Iterable[Path]) -> bool:
    """Make's rule: a prerequisite is missing or newer than the target."""
    built = target.stat().st_mtime_ns
    for path in sources:
        try:
            if path.stat().st_mtime_ns > built:
                return True
        except FileNotFoundError:
            return True
    return False


def summary(found: Sequence[Failure]) -> Iterator[str]:
    """Lines saying which units failed and why, one group per (article, language, reason)."""
    groups: dict[tuple[str, str, State, str], list[Failure]] = {}
    for failure in found:
        groups.setdefault((failure.slug, failure.lang, failure.state, failure.message),
                          []).append(failure)
    yield (f"pipeline: {_count(len(found), 'output')} could not be built "
           f"({', '.join(f'{n} {s}' for s, n in _states(found))}):")
    for (slug, lang, state, message), group in groups.items():
        formats = ", ".join(f.format for f in group)
        yield f"  {state}: {slug} {lang} ({formats}): {message}"
        moved = [path for f in group for path in f.moved]
        if moved:
            yield f"    their outdated outputs are set aside in {STALE_DIR}/: " + ", ".join(moved)


def _states(found: Sequence[Failure]) -> list[tuple[State, int]]:
    return [(state, n) for state in State
            if (n := sum(1 for f in found if f.state is state))]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def table(statuses: Sequence[UnitStatus], formats: Sequence[str]) -> str:
    """One row per article and language, one column per format, then the details."""
    rows: dict[tuple[str, str], dict[str, UnitStatus]] = {}
    for status in statuses:
        rows.setdefault((status.slug, status.lang), {})[status.format] = status
    lines = [("article", "lang", *formats)]
    for (slug, lang), cells in rows.items():
        lines.append((slug, lang, *(str(cells[f].state) if f in cells else "-"
                                    for f in formats)))
    text = [table_text(lines)]
    details: dict[tuple[str, str, str], list[str]] = {}
    for status in statuses:
        if status.detail:
            details.setdefault((status.slug, status.lang, status.detail), []).append(
                status.format)
    if details:
        text.append("")
    text += [f"{slug} {lang} ({', '.join(names)}): {detail}"
             for (slug, lang, detail), names in details.items()]
    return "\n".join(text)


def fail(config: Config, slug: str, lang: str, formats: Sequence[str], state: State,
         message: str) -> list[Failure]:
    """Record why ``formats`` were not built and set aside their old outputs, and those
    of the formats made from them; returns a failure for every format so affected."""
    found: list[Failure] = []
    for name in formats:
        failure, owned = _fail_one(config, slug, lang, name, state, message)
        found.append(failure)
        if not owned:
            continue  # another build of it is running: its outcome is that build's
        for dependent in registry.dependents(name):
            if dependent not in formats and all(f.format != dependent for f in found):
                found.append(_fail_one(
                    config, slug, lang, dependent, state,
                    f"needs the {name} output, which could not be built: {message}",
                    cause=name)[0])
    return found


def _fail_one(config: Config, slug: str, lang: str, name: str, state: State, why: str, *,
              cause: str | None = None) -> tuple[Failure, bool]:
    """Set aside one unit's outputs and record why; False: another build holds it."""
    builder = registry.load(name)
    target = builder.target(config.output, slug, lang)
    try:
        with exclusive(target, config.cache / "locks"):
            moved = set_aside(config.output, builder.products(target))
    except PipelineError:
        return Failure(slug, lang, name, state, why, blocked_by=cause), False
    # Moved now, or by an earlier failure of the same unit (still in .stale/).
    earlier = read_record(record_path(config.output, slug, lang, name))
    moved = tuple(dict.fromkeys((*(earlier.moved if earlier else ()), *moved)))
    failure = Failure(slug, lang, name, state, why, moved, cause)
    record(config.output, failure)
    return failure, True


def refuse_article(config: Config, slug: str, error: PipelineError,
                   formats: Sequence[str]) -> Failure:
    """An article that cannot be read: its outputs in every language are set aside."""
    moved: list[str] = []
    for lang in _language_folders(config.output):
        for name in formats:
            builder = registry.load(name)
            target = builder.target(config.output, slug, lang)
            if target.exists():
                moved += set_aside(config.output, builder.products(target))
    return Failure(slug, "-", "-", State.REFUSED, str(error), tuple(moved))


def _language_folders(output: Path) -> list[str]:
    """The folders of ``output`` named after a language (not ``release/``, ``.stale/``)."""
    found = []
    for path in sorted(output.glob("[!.]*")):
        try:
            if path.is_dir():
                found.append(check_locale(path.name))
        except PipelineError:
            continue
    return found
