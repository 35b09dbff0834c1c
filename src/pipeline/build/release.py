"""The release: what an organisation may hand out, collected in ``output/release/``.

Only the source language and translations whose review is current, and only outputs
that are built from the current inputs: a release never holds an unreviewed translation
or an outdated file. ``release.json`` lists every file with its size and SHA-256, and who
reviewed each translation and when. The folder is replaced as a whole, or not at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pipeline.build import registry
from pipeline.build.run import statuses
from pipeline.build.status import State
from pipeline.catalogs import review
from pipeline.config import Config
from pipeline.errors import PipelineError

FOLDER = "release"


def collect(config: Config, slugs: Sequence[str], langs: Sequence[str] | None) -> Path:
    """Copy the reviewed, current outputs into ``output/release/``; returns the folder."""
    found = statuses(dataclasses.replace(config, reviewed_only=True), slugs, langs,
                     registry.names())
    unbuilt = [s for s in found if s.state is not State.BUILT]
    if unbuilt:
        listed = ", ".join(f"{s.lang}/{s.slug} {s.format} ({s.state})" for s in unbuilt[:5])
        raise PipelineError(f"{len(unbuilt)} outputs of reviewed translations are not "
                            f"built from the current text ({listed}): run 'make release'",
                            config.output)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=config.output))
    try:
        entries: dict[tuple[str, str], dict[str, Any]] = {}
        for unit in found:
            entry = entries.setdefault((unit.slug, unit.lang),
                                       _entry(config, unit.slug, unit.lang))
            builder = registry.load(unit.format)
            for product in builder.products(builder.target(config.output, unit.slug,
                                                           unit.lang)):
                entry["files"] += _copy(product, config.output, staging)
        (staging / "release.json").write_text(
            json.dumps([entries[key] for key in sorted(entries)], ensure_ascii=False,
                       indent=1) + "\n", encoding="utf-8")
        return _swap(staging, config.output / FOLDER)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _entry(config: Config, slug: str, lang: str) -> dict[str, Any]:
    signoff = review.read(review.path_for(config.locales, lang, slug)).get(slug)
    who = None if signoff is None else {
        "by": signoff.review.by, "role": signoff.review.role,
        "date": signoff.review.date.isoformat()}
    return {"article": slug, "language": lang, "review": who or "source", "files": []}


def _copy(product: Path, output: Path, staging: Path) -> list[dict[str, object]]:
    """Copy one output (a file, or a folder of tracks) under ``staging``; list its files."""
    paths = sorted(p for p in product.rglob("*") if p.is_file()) if product.is_dir() \
        else [product] if product.is_file() else []
    listed = []
    for path in paths:
        relative = path.relative_to(output)
        (staging / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, staging / relative)
        data = path.read_bytes()
        listed.append({"path": str(relative), "bytes": len(data),
                       "sha256": hashlib.sha256(data).hexdigest()})
    return listed


def _swap(staging: Path, folder: Path) -> Path:
    """Put ``staging`` where ``folder`` is; the old one goes only once the new one is in."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(staging, folder)
    shutil.rmtree(old, ignore_errors=True)
    return folder
