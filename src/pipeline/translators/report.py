"""Translation coverage and readability per language: tables for people, JSON for tools."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.catalogs.review import ReviewState
from pipeline.catalogs.translate import Coverage
from pipeline.locales import english_name, native_name
from pipeline.progress import table_text
from pipeline.translators.readability import GRADE_LIMIT, LABELS, Readability


@dataclass(frozen=True, slots=True)
class LanguageReport:
    slug: str
    lang: str
    coverage: Coverage
    review: ReviewState | None  # None: the source language, or no catalog yet
    labels: Coverage | None
    readability: Readability | None = None
    fallback: int | None = 0  # texts shown in the source language (labels too); None: no catalog
    catalog: bool = True  # False: the project has this language, this article has no catalog

    @property
    def review_status(self) -> str:
        """"source", "no catalog", or the review's state: reviewed, stale, unreviewed."""
        if self.review is None:
            return "source" if self.catalog else "no catalog"
        return self.review.state

    def as_json(self) -> dict[str, Any]:
        c = self.coverage
        review = self.review.review if self.review else None
        return {
            "article": self.slug,
            "language": self.lang,
            "name_en": english_name(self.lang),
            "name_native": native_name(self.lang),
            "catalog": self.catalog,
            "entries": {"total": c.entries, "translated": c.translated, "fuzzy": c.fuzzy,
                        "untranslated": c.untranslated},
            "words": {"translated": c.translated_words, "fuzzy": c.fuzzy_words,
                      "untranslated": c.untranslated_words},
            "percent": round(100 * c.ratio, 1),
            "disclaimer_translated": c.disclaimer_translated,
            "fallback": self.fallback,
            "review_status": self.review_status,
            "review": None if review is None else {
                "by": review.by, "role": review.role, "date": review.date.isoformat(),
                "changes": list(self.review.changes) if self.review else []},
            "labels_percent": round(100 * self.labels.ratio, 1) if self.labels else None,
            "readability": self.readability.as_json() if self.readability else None,
        }


_COLUMNS = ("article", "lang", "language", "translated", "fuzzy", "untransl.", "words",
            "%", "disclaimer", "fallback", "labels %", "review")


def table(reports: list[LanguageReport]) -> str:
    """Coverage as a plain-text table, one row per article and language."""
    rows = [_COLUMNS]
    for report in reports:
        data = report.as_json()
        c = report.coverage
        rows.append((
            report.slug, report.lang, f"{data['name_en']} ({data['name_native']})",
            str(c.translated), str(c.fuzzy), str(c.untranslated),
            f"{c.translated_words}/{c.translated_words + c.fuzzy_words + c.untranslated_words}",
            f"{data['percent']:.1f}", "complete" if c.disclaimer_translated else "MISSING",
            "-" if report.fallback is None else str(report.fallback),
            "-" if data["labels_percent"] is None else f"{data['labels_percent']:.0f}",
            report.review.describe() if report.review else report.review_status,
        ))
    return table_text(rows)


def readability_table(reports: list[LanguageReport]) -> str:
    """Readability as a plain-text table: each language's formulas, or its counts only."""
    rows = [("article", "lang", "readability")]
    for report in reports:
        if report.readability is not None:
            rows.append((report.slug, report.lang, describe(report.readability)))
    return table_text(rows)


def listening(output: Path, slug: str, lang: str) -> dict[str, Any] | None:
    """The listening check of a built book (``make listen``: ``<slug>.listen.json``
    beside it), if one was run: the share heard per voice language and the worst
    utterances with their ``.po`` path:line."""
    path = output / lang / f"{slug}.listen.json"
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    return data if data.get("format") == 1 else None


LISTED = 3  # worst utterances named per book in the report (the file lists more)


def listening_table(reports: list[LanguageReport], output: Path) -> str:
    """One row per book with a listening check: share heard, and its worst utterances."""
    rows = [("article", "lang", "heard as written (Whisper base)", "worst heard")]
    for report in reports:
        data = listening(output, report.slug, report.lang)
        if data is None:
            continue
        shares = ", ".join(f"{code} {share:.0%}" for code, share in data["share_heard"].items())
        worst = "; ".join(f"{item['where']} {item['share']:.0%}"
                          for item in data["worst"][:LISTED])
        rows.append((report.slug, report.lang, shares, worst))
    return table_text(rows) if len(rows) > 1 else ""


# Figures that come from a readability formula (the rest are plain counts).
FORMULAS = ("flesch_kincaid_grade", "smog_index", "flesch_reading_ease", "fernandez_huerta",
            "szigriszt_pazos", "kandel_moles")


def describe(readability: Readability) -> str:
    """One line: "Flesch-Kincaid grade 10.4, SMOG 12.7 ...; 15.1 words per sentence"."""
    figures = dict(readability.figures)
    formulas = [f"{LABELS[name]} {value}" for name, value in readability.figures
                if name in FORMULAS]
    if "inflesz" in figures:
        formulas[-1] += f" (INFLESZ: {figures['inflesz']})"
    counts = [f"{figures['words_per_sentence']} {LABELS['words_per_sentence']}"]
    if "characters_per_word" in figures:
        counts.append(f"{figures['characters_per_word']} {LABELS['characters_per_word']}")
    text = (", ".join(formulas) + "; " if formulas
            else "no validated formula, counts only: ") + ", ".join(counts)
    return f"{text}  WARNING: above grade {GRADE_LIMIT}" if readability.warning else text
