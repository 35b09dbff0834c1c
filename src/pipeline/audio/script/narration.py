"""What the listener hears, in order: a translated document as chapters of utterances.

Opening (title, "not yet reviewed" notice, byline), one chapter per section, then a
closing chapter: image credits (no URLs), the source attribution and, always last,
the disclaimer. Spoken text passes through small ``str -> str`` steps: Markdown out,
addresses shortened to their site, the language's pronunciation lexicon applied,
numbers said as words where the language's voice needs it (``numbers``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Final

from babel.dates import format_date
from markdown_it import MarkdownIt

from pipeline.audio.script import numbers
from pipeline.audio.script.lexicon import Lexicon
from pipeline.locales import babel_locale, to_gettext
from pipeline.markup import review_notice
from pipeline.model import (
    Document,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Segment,
    SourceLocation,
    ref,
)

# Silence after each kind of utterance, in milliseconds.
PAUSE: Final = {"title": 1200, "heading": 900, "paragraph": 650, "item": 400,
                "chapter": 1600}

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True, slots=True)
class Utterance:
    """One stretch of speech in one language, then a pause."""

    text: str
    lang: str  # BCP 47: which voice reads it
    pause_ms: int
    ref: str  # id of the document element it reads (``model.ref``), for read-along
    # Where the segments it reads were written (the source's path:line, which each
    # catalog entry lists): how a listening check finds the .po line of a misread word.
    sources: tuple[SourceLocation, ...] = field(default=(), compare=False)


@dataclass(frozen=True, slots=True)
class Chapter:
    title: str
    utterances: tuple[Utterance, ...]


@dataclass(frozen=True, slots=True)
class Script:
    lang: str
    title: str
    chapters: tuple[Chapter, ...]

    def utterances(self) -> Iterator[Utterance]:
        for chapter in self.chapters:
            yield from chapter.utterances


# What can make inline Markdown render as anything but its own text (CommonMark:
# escapes, code spans, emphasis, links and images, autolinks and raw HTML, entities, line
# breaks, and \r and NUL, which the parser normalises; ~ for good measure): a text with
# none of them is spoken as written, unparsed.
_INLINE_STARTS = frozenset("\\`*_[]!<&\n\r\0~")


def speakable(markdown: str) -> str:
    """Inline Markdown as plain speech: markup removed, link text kept, URLs dropped."""
    return markdown if _INLINE_STARTS.isdisjoint(markdown) else rendered(markdown)


def rendered(markdown: str) -> str:
    """``speakable`` as the parser renders it, whatever the text."""
    html = _MARKDOWN.renderInline(markdown)
    text = re.sub(r"<[^>]+>", "", html)
    for entity, char in (("&quot;", '"'), ("&lt;", "<"), ("&gt;", ">"), ("&#39;", "'"),
                         ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def site_only(text: str) -> str:
    """A web address is read as its site: 'example.org/a/b/' -> 'example.org'."""
    return re.sub(r"\b(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[a-z]{2,})(?:/\S*)?",
                  lambda m: m.group(1), text)


def tidy(text: str) -> str:
    """One space between words, none before punctuation, no doubled full stops."""
    text = " ".join(text.split())
    text = re.sub(r"\s+([.,:;!?،؟。，：；、])", r"\1", text)
    return re.sub(r"([.!?。؟])(?:\s*[.。])+", r"\1", text)


def preprocessors(lexicon: Lexicon, lang: str = "") -> tuple[Callable[[str], str], ...]:
    """The steps from a segment's Markdown to what ``lang``'s voice says (numbers as
    words after the lexicon, so a unit it spells out stays beside its number)."""
    return (speakable, site_only, lexicon.apply, numbers.in_words(lang), tidy)


def narrate(document: Document, lexicons: Callable[[str], Lexicon]) -> Script:
    """The narration script of a document; ``lexicons`` gives the lexicon for a language."""
    builder = _Builder(document, lexicons)
    script = Script(document.lang, speakable(document.meta.title.text),
                    tuple(builder.chapters()))
    return latin_in_english(script)


# Languages written without Latin letters, whose voices mangle Latin words (names,
# "SCIRE", web sites, the English citation): those words are read in English (by the
# book's own Kokoro voice where it has one, see ``voices.choose``; else by the English one).
LATIN_IN_ENGLISH: Final = frozenset({"zh", "hi"})
SWITCH_PAUSE_MS: Final = 150  # between two languages inside one sentence
# A run of Latin-script words (accented letters too) with the digits and ASCII
# punctuation between them; it ends on a letter, digit, full stop or closing parenthesis.
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_LATIN_RUN = re.compile(rf"[{_LATIN}][{_LATIN}0-9'’&.,:;()/\- ]*[{_LATIN}0-9.)]")


def latin_in_english(script: Script) -> Script:
    """The script with Latin-script runs inside Chinese and Hindi utterances split off
    into English ones.

    Every other field of an utterance is kept (``dataclasses.replace``); its last part
    keeps its pause, the parts before it get a short one.
    """
    chapters = tuple(
        dataclasses.replace(chapter, utterances=tuple(
            part for utterance in chapter.utterances for part in _split_latin(utterance)))
        for chapter in script.chapters)
    return dataclasses.replace(script, chapters=chapters)


def _split_latin(utterance: Utterance) -> list[Utterance]:
    if re.split(r"[-_]", utterance.lang)[0] not in LATIN_IN_ENGLISH:
        return [utterance]
    parts: list[tuple[str, str]] = []
    position = 0
    for run in _LATIN_RUN.finditer(utterance.text):
        if len(re.findall(f"[{_LATIN}]", run.group(0))) < 2:  # "5 g": a unit, not a word
            continue
        parts += [(utterance.lang, utterance.text[position:run.start()]),
                  ("en", run.group(0))]
        position = run.end()
    parts.append((utterance.lang, utterance.text[position:]))
    kept = [(lang, text.strip().lstrip(".,:;").strip()) for lang, text in parts]
    kept = [(lang, text) for lang, text in kept if text.strip(" .,:;")]
    if len(kept) <= 1 and (not kept or kept[0][0] == utterance.lang):
        return [utterance]
    return [dataclasses.replace(utterance, text=text, lang=lang,
                                pause_ms=utterance.pause_ms if i == len(kept) - 1
                                else SWITCH_PAUSE_MS)
            for i, (lang, text) in enumerate(kept)]


class _Builder:
    def __init__(self, document: Document, lexicons: Callable[[str], Lexicon]) -> None:
        self.doc = document
        self.lexicons = lexicons

    def say(self, parts: Iterable[Segment | str], pause: str, element: str
            ) -> list[Utterance]:
        """Utterances for a run of segments, all reading ``element`` (an id); plain
        strings are in the document's language.

        Neighbouring parts in the same language are joined, so a label and its text
        ("Image: a tablet") are one utterance unless one of them fell back to the source.
        """
        spoken: list[tuple[str, str, tuple[SourceLocation, ...]]] = []
        for part in parts:
            lang, text = (self.doc.lang, part) if isinstance(part, str) else (part.lang,
                                                                               part.text)
            where = () if isinstance(part, str) else (part.location,)
            for step in preprocessors(self.lexicons(lang), lang):
                text = step(text)
            if not text:
                continue
            if spoken and spoken[-1][0] == lang:
                spoken[-1] = (lang, tidy(f"{spoken[-1][1]} {text}"), spoken[-1][2] + where)
            elif text.lstrip(" .,:;"):  # a new voice never starts on a separator
                spoken.append((lang, text.lstrip(" .,:;"), where))
        return [Utterance(text, lang, PAUSE[pause] if i == len(spoken) - 1 else 150, element,
                          sources)
                for i, (lang, text, sources) in enumerate(spoken)]

    def chapters(self) -> Iterator[Chapter]:
        doc = self.doc
        opening = self.say([doc.meta.title], "title", ref(Part.TITLE))
        notice = doc.labels.not_reviewed if not doc.reviewed else review_notice(doc)
        if notice is not None:
            opening += self.say([notice], "paragraph", ref(Part.NOTICE))
        opening += self.byline()
        sections = list(enumerate(doc.sections(), 1))
        if sections and sections[0][1].heading is None:
            opening += self.blocks(sections[0][1].blocks, 1)
            sections = sections[1:]
        yield self.chapter(speakable(doc.meta.title.text), opening)
        for number, section in sections:
            assert section.heading is not None
            body = self.say([section.heading.text], "heading", ref(Part.SECTION, number))
            body += self.blocks(section.blocks, number)
            yield self.chapter(speakable(section.heading.text.text), body)
        yield self.chapter(speakable(doc.labels.closing.text), self.closing())

    def chapter(self, title: str, utterances: list[Utterance]) -> Chapter:
        utterances[-1] = dataclasses.replace(utterances[-1], pause_ms=PAUSE["chapter"])
        return Chapter(title, tuple(utterances))

    def byline(self) -> list[Utterance]:
        doc, labels = self.doc, self.doc.labels
        locale = babel_locale(to_gettext(doc.lang))
        lines: list[tuple[str, list[Segment | str]]] = []
        if doc.meta.authors:
            lines.append(("written_by", [labels.written_by, ", ".join(doc.meta.authors) + "."]))
        if doc.meta.reviewers:
            lines.append(("reviewed_by",
                          [labels.reviewed_by, ", ".join(doc.meta.reviewers) + "."]))
        for name, label, day in (("published", labels.published, doc.meta.published),
                                 ("updated", labels.updated, doc.meta.updated)):
            if day is not None:
                lines.append((name, [label, format_date(day, format="long", locale=locale)
                                     + "."]))
        return [u for name, line in lines
                for u in self.say(line, "paragraph", ref(Part.BYLINE, name))]

    def blocks(self, blocks: Iterable[object], section: int) -> list[Utterance]:
        spoken: list[Utterance] = []
        for number, block in enumerate(blocks, 1):
            element = ref(Part.SECTION, section, number)
            if isinstance(block, Heading):
                spoken += self.say([block.text], "heading", element)
            elif isinstance(block, Paragraph):
                spoken += self.say([block.text], "paragraph", element)
            elif isinstance(block, ListBlock):
                spoken += self.list_items(block, (section, number))
            elif isinstance(block, Figure):
                caption = [block.caption] if block.caption else []
                spoken += self.say([self.doc.labels.image, ": ", block.alt, ". ", *caption],
                                   "paragraph", element)
        return spoken

    def list_items(self, block: ListBlock, path: tuple[int, ...], *, nested: bool = False
                   ) -> list[Utterance]:
        """The items of the list at ``path`` (section, block, item, ...) and their sublists."""
        spoken: list[Utterance] = []
        for position, (number, item) in enumerate(enumerate(block.items, block.start), 1):
            text = item.text
            if block.ordered:  # the number is read by the item's own voice
                text = dataclasses.replace(text, text=f"{number}. {text.text}")
            spoken += self.say([text], "item", ref(Part.SECTION, *path, position))
            if item.sublist is not None:
                spoken += self.list_items(item.sublist, (*path, position), nested=True)
        if spoken and not nested:  # the list ends: a paragraph's pause
            spoken[-1] = dataclasses.replace(spoken[-1], pause_ms=PAUSE["paragraph"])
        return spoken

    def closing(self) -> list[Utterance]:
        doc, labels = self.doc, self.doc.labels
        spoken: list[Utterance] = []
        if doc.credits:
            spoken += self.say([labels.image_credits], "heading", ref(Part.CREDITS))
            for number, credit in enumerate(doc.credits, 1):
                spoken += self.say([credit.title, f". {credit.holder}. {credit.license}."],
                                   "item", ref(Part.CREDITS, number))
        if doc.attribution:
            spoken += self.say([labels.sources], "heading", ref(Part.SOURCES))
            for number, paragraph in enumerate(doc.attribution, 1):
                spoken += self.say([paragraph.text], "paragraph", ref(Part.SOURCES, number))
        spoken += self.say([labels.disclaimer], "heading", ref(Part.DISCLAIMER))
        for number, segment in enumerate(doc.disclaimer, 1):
            spoken += self.say([segment], "paragraph", ref(Part.DISCLAIMER, number))
        return spoken
