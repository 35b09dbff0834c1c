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
    # Print, beside the QR code; then the published site (`pipeline site`).
    "online": (
        "Listen to this handout and read it online:",
        "printed on page 1 of the PDFs beside a QR code; the web address follows",
    ),
    "skip_to_content": (
        "Skip to content",
        "first link of each web page, for keyboard and screen-reader users: it jumps "
        "past the links at the top",
    ),
    "all_languages": ("All languages", "link at the top of the website's pages back to "
                      "the list of languages"),
    "languages": ("Languages", "heading of the list of languages on the website's first page"),
    "handouts": ("Handouts", "title of the web page that lists the handouts in one language"),
    "original": ("Original text", "status of a handout in the language it was written in "
                 "(it is not a translation)"),
    "not_reviewed_short": (
        "Not yet reviewed by a medical translator",
        "status of a translation in the list of handouts until a reviewer signs it off",
    ),
    "listen": ("Listen", "heading above the audio player on a handout's web page"),
    "duration": ("Duration", "comes before how long the recording lasts, e.g. "
                 "'Duration: 12 min, 5 s'"),
    "chapters": ("Chapters", "heading of the list of audio chapters: each link starts "
                 "the recording at that chapter"),
    "downloads": ("Downloads", "heading of the list of files to download"),
    "large_print_pdf": ("Large-print PDF, to print", "download: the handout in large print"),
    "bilingual_pdf": (
        "Bilingual PDF: the original and this translation side by side",
        "download: the source text beside the translation, to print",
    ),
    "web_page": ("Web page in one file, for reading offline", "download: the handout as "
                 "one HTML file that works without the internet"),
    "epub": ("EPUB e-book that highlights the text as it is read aloud",
             "download: the EPUB 3 book with read-along audio"),
    "audio_book": ("Audio book (one MP3 file, with chapters)",
                   "download: the whole recording as one file"),
    "audio_tracks": ("One MP3 file per chapter, for simple players",
                     "download: the recording cut into one file per chapter"),
    "playlist": ("Playlist of those files (M3U)",
                 "download: the list that plays the chapter files in order"),
    "transcript": ("Transcript of the audio, with times (WebVTT)",
                   "download: the words of the recording with when each is heard"),
    "bundle": ("All of these files in one ZIP archive",
               "download: every file above in one compressed file"),
    "subscribe": ("Subscribe in a podcast app", "heading of the link to this language's "
                  "podcast feed; the feed's web address follows"),
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
