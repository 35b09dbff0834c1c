"""Translation coverage per language: a table for people, JSON for tools."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from pipeline.locales import english_name, native_name
from pipeline.translate import Coverage


@dataclass(frozen=True, slots=True)
class LanguageReport:
    slug: str
    lang: str
    coverage: Coverage
    review_status: str
    labels: Coverage | None

    def as_json(self) -> dict[str, Any]:
        c = self.coverage
        return {
            "article": self.slug,
            "language": self.lang,
            "name_en": english_name(self.lang),
            "name_native": native_name(self.lang),
            "entries": {"total": c.entries, "translated": c.translated, "fuzzy": c.fuzzy,
                        "untranslated": c.untranslated},
            "words": {"translated": c.translated_words, "fuzzy": c.fuzzy_words,
                      "untranslated": c.untranslated_words},
            "percent": round(100 * c.ratio, 1),
            "disclaimer_translated": c.disclaimer_translated,
            "review_status": self.review_status,
            "labels_percent": round(100 * self.labels.ratio, 1) if self.labels else None,
        }


def _width(text: str) -> int:
    """Columns a text takes in a terminal: wide for CJK, nothing for combining marks."""
    return sum(0 if unicodedata.category(ch) in ("Mn", "Me", "Cf") else
               2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_COLUMNS = ("article", "lang", "language", "translated", "fuzzy", "untransl.", "words",
            "%", "disclaimer", "review", "labels %")


def table(reports: list[LanguageReport]) -> str:
    """A plain-text table, one row per article and language."""
    rows = [_COLUMNS]
    for report in reports:
        data = report.as_json()
        c = report.coverage
        rows.append((
            report.slug, report.lang, f"{data['name_en']} ({data['name_native']})",
            str(c.translated), str(c.fuzzy), str(c.untranslated),
            f"{c.translated_words}/{c.translated_words + c.fuzzy_words + c.untranslated_words}",
            f"{data['percent']:.1f}", "complete" if c.disclaimer_translated else "MISSING",
            report.review_status,
            "-" if data["labels_percent"] is None else f"{data['labels_percent']:.0f}",
        ))
    widths = [max(_width(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(cell + " " * (width - _width(cell))
                       for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)
