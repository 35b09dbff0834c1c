"""Settings: command-line options over ``pipeline.toml`` over ``[tool.pipeline]`` in
``pyproject.toml`` over defaults, gathered once into a frozen ``Config``.

Example (either file)::

    [tool.pipeline]            # in pipeline.toml the table is just [pipeline]
    threshold = 0.8            # share of entries that must be translated to build
    paper = "A4"               # default: A4, or US Letter where the territory uses it
    base_url = "https://example.org/handouts/"  # where `make site` is published: QR
                               # codes on print, podcast feeds (default: none)
    [tool.pipeline.voices]
    es = { engine = "piper", voice = "es_ES-davefx-medium" }
    fr = { engine = "gtts" }   # opt-in: needs the network

``pipeline --settings FILE`` (Make: ``SETTINGS=FILE``) reads FILE instead, e.g. the
tests' ``tests/fixtures/espeak-voices.toml``, which has eSpeak NG read every language
but English so that whole books build in seconds.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.errors import PipelineError

DEFAULT_THRESHOLD = 0.8


@dataclass(frozen=True, slots=True)
class VoiceChoice:
    """Which engine (and optionally which voice) speaks a language."""

    engine: str
    voice: str | None = None


@dataclass(frozen=True, slots=True)
class Config:
    source: Path = Path("source")
    locales: Path = Path("locales")
    output: Path = Path("output")
    cache: Path = Path(".cache")
    voices_dir: Path = Path("voices")
    threshold: float = DEFAULT_THRESHOLD
    strict: bool = False
    reviewed_only: bool = False  # build and release only translations with a current review
    paper: str | None = None
    engine: str | None = None
    voices: dict[str, VoiceChoice] = field(default_factory=dict)
    settings: Path | None = None  # the file the settings came from (it chooses the voices)
    base_url: str | None = None  # where the site is published, ending in "/" (check_base_url)

    def articles(self) -> list[Path]:
        """Every source article, sorted; none at all is an error."""
        articles = sorted(self.source.glob("*.md"))
        if not articles:
            raise PipelineError("no source articles (*.md) here", self.source)
        return articles

    def page_url(self, slug: str, lang: str) -> str | None:
        """The address of a handout's page on the published site (``pipeline site``
        writes it at ``site/<lang>/<slug>/``), or ``None`` without a ``base_url``."""
        return f"{self.base_url}{lang}/{slug}/" if self.base_url else None

    def article(self, slug: str) -> Path:
        path = self.source / f"{slug}.md"
        if not path.is_file():
            raise PipelineError(f"no source article '{slug}' (looked for {path})", self.source)
        return path


def cache_folder(setting: str | None = None) -> Path:
    """The cache folder: ``PIPELINE_CACHE``, else the ``cache`` setting, else ``.cache``.
    Every cache the pipeline and its libraries keep goes under it (``pipeline cache``)."""
    return Path(os.environ.get("PIPELINE_CACHE") or setting or ".cache")


def load_settings(directory: Path = Path(), file: Path | None = None
                  ) -> tuple[dict[str, Any], Path | None]:
    """The pipeline's settings table and the file it came from (``None``: defaults).

    ``file`` (``--settings``) is read instead of looking for pipeline.toml, then
    pyproject.toml, in ``directory``.
    """
    if file is not None:
        if not file.is_file():
            raise PipelineError("no such settings file", file)
        table = ("tool", "pipeline") if file.name == "pyproject.toml" else ("pipeline",)
        return _table(file, table), file
    for name, table in (("pipeline.toml", ("pipeline",)), ("pyproject.toml", ("tool", "pipeline"))):
        path = directory / name
        if not path.is_file():
            continue
        data = _table(path, table)
        if data or name == "pipeline.toml":
            return data, path
    return {}, None


def _table(path: Path, table: tuple[str, ...]) -> dict[str, Any]:
    try:
        data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PipelineError(f"not valid TOML: {error}", path) from None
    for key in table:
        data = data.get(key, {}) if isinstance(data, dict) else {}
    return dict(data)


def make_config(settings: dict[str, Any], origin: Path | None, **options: Any) -> Config:
    """Merge settings from a file with command-line ``options`` (``None`` = not given)."""
    where = origin or Path("pyproject.toml")
    known = {"threshold", "paper", "voices", "voices_dir", "cache", "base_url"}
    for key in settings:
        if key not in known:
            raise PipelineError(f"unknown setting '{key}' (known: {', '.join(sorted(known))})",
                                where)
    voices = {}
    for lang, choice in dict(settings.get("voices", {})).items():
        if not isinstance(choice, dict) or "engine" not in choice:
            raise PipelineError(f"voices.{lang} needs an engine, e.g. "
                                f'{lang} = {{ engine = "espeak" }}', where)
        voices[str(lang)] = VoiceChoice(str(choice["engine"]), choice.get("voice"))
    values: dict[str, Any] = {
        "threshold": float(settings.get("threshold", DEFAULT_THRESHOLD)),
        "paper": settings.get("paper"),
        "voices": voices,
        "voices_dir": Path(os.environ.get("PIPELINE_VOICES",
                                          settings.get("voices_dir", "voices"))),
        "cache": cache_folder(settings.get("cache")),
        "settings": origin,
    }
    values.update({key: value for key, value in options.items() if value is not None})
    if "base_url" in settings or options.get("base_url") is not None:
        # Named where it was given: the option, or the settings file.
        given = options.get("base_url")
        values["base_url"] = check_base_url(settings["base_url"] if given is None else given,
                                            where if given is None else "--base-url")
    if not 0 <= values["threshold"] <= 1:
        raise PipelineError(f"threshold must be between 0 and 1, not {values['threshold']}",
                            where)
    return Config(**values)


def check_base_url(value: object, where: str | Path) -> str:
    """A site's address as the outputs print and link it: an absolute http(s) URL with a
    host, no query or fragment, ending in "/" (added if missing); anything else is a
    ``PipelineError`` naming ``where`` it was given. A QR code on paper cannot be
    corrected once printed, so a typo is refused here rather than printed."""
    text = value.strip() if isinstance(value, str) else ""
    parts = urlsplit(text)
    if not text or parts.scheme not in ("http", "https") or not parts.hostname \
            or parts.query or parts.fragment or any(c.isspace() for c in text):
        raise PipelineError(f"base_url must be a web address such as "
                            f"https://example.org/handouts/, not {value!r}", where)
    return text if text.endswith("/") else text + "/"
