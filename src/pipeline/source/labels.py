"""The English words the outputs add around an article, and where translators find them.

They are translated in ``locales/<lang>/LC_MESSAGES/pipeline.po`` (domain ``pipeline``),
one entry per label with the label's name as ``msgctxt``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Final

from pipeline.model import Labels, Role, Segment, SourceLocation

DOMAIN: Final = "pipeline"
SOURCE_LANG: Final = "en"

# name: (English text, note for translators)
TEXTS: Final[dict[str, tuple[str, str]]] = {
    "written_by": ("Written by", "byline: comes before the authors' names"),
    "reviewed_by": ("Reviewed by", "byline: comes before the reviewers' names"),
    "published": ("Published", "byline: comes before the date of publication"),
    "updated": ("Updated", "byline: comes before the date of the last update"),
    "not_reviewed": (
        "This translation has not yet been checked by a medical translator. "
        "Ask your health provider if anything is unclear.",
        "notice shown near the title and spoken first while the translation is unreviewed",
    ),
    "translation_reviewed": (
        "Translation reviewed by {reviewer}, {date}.",
        "shown near the title once a reviewer has signed the translation off; keep "
        "{reviewer} (the name, with the role in brackets) and {date} exactly as they are",
    ),
    "image": ("Image", "comes before the description of an image, e.g. 'Image: a tablet'"),
    "image_credits": ("Image credits", "heading of the list of who made each image"),
    "sources": ("Sources", "heading of the closing section that names the article's sources"),
    "disclaimer": ("Disclaimer", "heading of the medical disclaimer box"),
    "page_of": (
        "Page {page} of {pages}",
        "page footer; keep {page} and {pages} exactly as they are",
    ),
    "closing": (
        "Credits, sources and disclaimer",
        "title of the last audio chapter",
    ),
}

_PATH: Final = "src/pipeline/source/labels.py"


@cache
def english_labels() -> Labels:
    """The labels in English, each a segment with role ``label`` pointing at its line here."""
    lines = Path(__file__).read_text(encoding="utf-8").splitlines()

    def line_of(name: str) -> int:
        prefix = f'"{name}":'
        return next((n for n, line in enumerate(lines, 1) if line.strip().startswith(prefix)), 0)

    return Labels(**{
        name: Segment(text, Role.LABEL, SourceLocation(_PATH, line_of(name)), SOURCE_LANG)
        for name, (text, _note) in TEXTS.items()
    })
