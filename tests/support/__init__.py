"""What the tests share besides fixtures: where things are, the real project's languages
and catalogs, running the CLI, and the one real build of the article (``RealBuild``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
# The seed article as received, kept beside the tests so a clone anywhere can check
# source/baclofen.md against it; test_source checks the copy against ../shared when
# that folder is there.
SEED = FIXTURES / "seed.txt"
SHARED_SEED = ROOT.parent / "shared" / "seed" / "000_8be5613c8abd27c7.txt"
REAL_LANGS = ("en", "es", "fr", "ar", "zh_Hans", "hi")
# The reading formats are built in four: left to right, right to left, and two complex
# scripts, with eSpeak NG (fast) for every voice.
READING_LANGS = ("es", "ar", "hi", "zh_Hans")
READING_FORMATS = ("audio", "html", "epub", "vtt")
SHIPPED_CATALOGS = sorted(ROOT.glob("locales/*/LC_MESSAGES/*.po"))
EPOCH = "1700000000"


def listed_units(listing: str) -> list[dict[str, Any]]:
    """Every unit of ``pipeline units --json`` (which lists them by article and language),
    each with its article and language."""
    data = json.loads(listing)
    return [{**unit, "article": group["article"], "lang": group["lang"],
             "code": data["code"][unit["format"]]}
            for group in data["groups"] for unit in group["units"]]


def shipped_strings() -> list[str]:
    """Every msgid and msgstr of every shipped catalog."""
    import polib

    return [text for path in SHIPPED_CATALOGS for entry in polib.pofile(str(path))
            for text in (entry.msgid, entry.msgstr)]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Cli = Callable[..., Result]  # the ``cli`` fixture: pipeline's arguments -> its result


def run_cli(*args: str | Path, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> Result:
    """Run ``python -m pipeline`` in a subprocess: real exit status, real stderr."""
    done = subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})
    return Result(done.returncode, done.stdout, done.stderr)


@dataclass(frozen=True)
class RealBuild:
    """The real article built once for the whole test session, by ``pipeline build`` in a
    scratch copy of the project (its own speech cache, ``SOURCE_DATE_EPOCH``): the
    large-print and bilingual PDFs in all six languages, the reading formats (MP3 and
    timeline, page, EPUB, WebVTT) in ``READING_LANGS``, read by eSpeak NG."""

    output: Path
    seconds: dict[tuple[str, str], float]  # (format, language): its build line's time

    def path(self, lang: str, suffix: str) -> Path:
        return self.output / lang / f"baclofen{suffix}"

    def pdf(self, lang: str) -> Path:
        return self.path(lang, ".pdf")

    def bilingual(self, lang: str) -> Path:
        return self.path(lang, ".bilingual.pdf")
