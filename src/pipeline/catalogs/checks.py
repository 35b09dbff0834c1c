"""Quality checks on a translated catalog, one small function per rule.

Each checker looks at one entry and returns what is wrong (or nothing); the rules that
compare entries with each other look at the whole catalog. ``catalog_problems`` turns
both into ``path:line: message`` errors; ``check_catalog`` lets GNU ``msgfmt --check``
have its say first. The build applies the same rules (``TRANSLATION_CHECKERS``) but not
``check_disclaimer``: an untranslated disclaimer makes a language not ready, not wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
from markdown_it import MarkdownIt

from pipeline.catalogs.catalog import Key, keyed_segments, msgfmt_problems, read_catalog
from pipeline.catalogs.merge import FUZZY
from pipeline.errors import PipelineError
from pipeline.model import Document, Role

Checker = Callable[[polib.POEntry, Role | None], str | None]
Roles = dict[Key, Role]

_MARKDOWN = MarkdownIt("commonmark")
# Every link and image as written (file:, javascript: and data: ones too), so that a
# translation cannot hide one from the comparison by using a scheme the renderers drop.
_MARKDOWN.validateLink = lambda url: True  # type: ignore[method-assign]
# What a translation may never add: each could make a build read a file or put active
# content in an output. Links added are refused as well, by the same comparison.
_ADDED = ("image ", "raw HTML ", "reference definition ")


# Every construct ``markup`` counts begins with one of these in CommonMark (emphasis and
# strong: * _; links, images, reference definitions: [; autolinks and raw HTML: <), so a
# text without them uses none, and is not parsed (most of a catalog's strings).
_MARKUP_STARTS = frozenset("*_[<")


def markup(text: str) -> Counter[str]:
    """The Markdown a text uses: emphasis, strong, each link and image by its address, raw
    HTML, and reference definitions (``[label]: url`` lines)."""
    return Counter() if _MARKUP_STARTS.isdisjoint(text) else parsed_markup(text)


def parsed_markup(text: str) -> Counter[str]:
    """``markup`` as the parser finds it, whatever the text."""
    found: Counter[str] = Counter()
    env: dict[str, Any] = {}
    for block in _MARKDOWN.parse(text, env):
        if block.type.startswith("html"):
            found[f"raw HTML {block.content.strip()[:40]}"] += 1
        for token in block.children or []:
            if token.type in ("em_open", "strong_open"):
                found[token.type.removesuffix("_open")] += 1
            elif token.type == "link_open":
                found[f"link to {token.attrGet('href')}"] += 1
            elif token.type == "image":
                found[f"image {token.attrGet('src')}"] += 1
            elif token.type == "html_inline":
                found[f"raw HTML {token.content[:40]}"] += 1
    for label, reference in env.get("references", {}).items():
        found[f"reference definition [{label.lower()}]: {reference['href']}"] += 1
    return found


def numbers(text: str) -> Counter[str]:
    """Each run of digits, in any script (Arabic-Indic ٢٠ and Devanagari २० count as 20)."""
    runs = re.findall(r"\d+", text)
    return Counter("".join(str(unicodedata.decimal(ch)) for ch in run) for run in runs)


def placeholders(text: str) -> Counter[str]:
    return Counter(re.findall(r"\{[a-z_]+\}", text))


def _describe(counts: Counter[str]) -> str:
    return ", ".join(f"{key} ({n} times)" if n > 1 else key
                     for key, n in sorted(counts.items())) \
        or "none"


def _compare(what: str, source: Counter[str], target: Counter[str]) -> str | None:
    if source == target:
        return None
    return f"{what} differ: the source has {_describe(source)}; " \
           f"the translation has {_describe(target)}"


def check_markup(entry: polib.POEntry, role: Role | None) -> str | None:
    source, target = markup(entry.msgid), markup(entry.msgstr)
    added = sorted(key for key in target - source if key.startswith(_ADDED))
    if added:
        return (f"the translation adds {'; '.join(added)}: translations may not add images, "
                "raw HTML, links or reference definitions that the source does not have")
    return _compare("Markdown markup and links", source, target)


def check_numbers(entry: polib.POEntry, role: Role | None) -> str | None:
    return _compare("numbers", numbers(entry.msgid), numbers(entry.msgstr))


def check_placeholders(entry: polib.POEntry, role: Role | None) -> str | None:
    return _compare("placeholders", placeholders(entry.msgid), placeholders(entry.msgstr))


def check_disclaimer(entry: polib.POEntry, role: Role | None) -> str | None:
    if role is not Role.DISCLAIMER:
        return None
    if not entry.msgstr.strip():
        return "the disclaimer is not translated: every disclaimer paragraph must be translated"
    if FUZZY in entry.flags:
        return "the disclaimer translation is fuzzy: review it and remove the fuzzy flag"
    return None


def check_not_copied(entry: polib.POEntry, role: Role | None) -> str | None:
    """The disclaimer left in the source language (skipped for a catalog in that language)."""
    if role is Role.DISCLAIMER and entry.msgstr.split() == entry.msgid.split():
        return ("disclaimer copied from the source: the translation is the source text "
                "unchanged; translate it")
    return None


# The shortest a disclaimer paragraph's translation may be: letters, marks and digits of
# the translation / of the source (``letters`` of the ``prose``), by the translation's
# script. Measured so on the shipped baclofen catalogs, every entry of 60 characters or
# more (min / median): Latin es 0.99 / 1.14, fr 1.00 / 1.24; Arabic (ar) 0.66 / 0.87;
# Devanagari (hi) 0.84 / 1.06; Han (zh_Hans) 0.23 / 0.33. A translation of only the first
# sentence of the disclaimer's first paragraph gives es 0.20, fr 0.24, ar 0.15, hi 0.19,
# zh_Hans 0.06. Each floor lies well under the real minimum and above that. Kana is
# written with Han in Japanese, hence its floor. Scripts with no shipped catalog yet
# (Hangul, Cyrillic, Thai, ...) get a default low enough for a syllabic script; the
# sentence count still catches a one-sentence disclaimer in them.
LENGTH_FLOORS = {"LATIN": 0.5, "ARABIC": 0.35, "DEVANAGARI": 0.45, "CJK": 0.12,
                 "HIRAGANA": 0.12, "KATAKANA": 0.12}
DEFAULT_LENGTH_FLOOR = 0.15


def letters(text: str) -> int:
    """How many letters, marks and digits a text has (composed first, so NFD counts alike)."""
    return sum(1 for ch in unicodedata.normalize("NFC", text)
               if unicodedata.category(ch)[0] in "LMN")


def prose(text: str) -> str:
    """A text without its link addresses: the same in every language, and Latin in all."""
    return _ADDRESS.sub(" ", text)


_ADDRESS = re.compile(r"\]\([^)\s]*\)|<?\b(?:https?:|mailto:|www\.)\S+")


def scripts(text: str) -> Counter[str]:
    """How many of a text's letters each script has, by their Unicode names (LATIN, CJK...)."""
    return Counter(unicodedata.name(ch, "?").split(" ")[0] for ch in text
                   if unicodedata.category(ch).startswith("L"))


def length_floor(text: str) -> tuple[float, str]:
    """The floor for a translation and the script it is that of: the lowest among the
    scripts that write a quarter of its letters or more, so that a Chinese sentence around
    Latin names (本页改编自 SCIRE Professional 的 “Spasticity” 模块) is judged as Chinese."""
    found = scripts(text)
    main = [name for name, count in found.items() if count * 4 >= found.total()] or [""]
    return min((LENGTH_FLOORS.get(name, DEFAULT_LENGTH_FLOOR), name) for name in main)


def check_length(entry: polib.POEntry, role: Role | None) -> str | None:
    """A disclaimer translation far shorter than its source: part of it left out."""
    source, target = letters(prose(entry.msgid)), prose(entry.msgstr)
    if role is not Role.DISCLAIMER or not source:
        return None
    (floor, found), ratio = length_floor(target), letters(target) / source
    if ratio >= floor:
        return None
    name = "Han" if found == "CJK" else found.title() or "this"
    return (f"disclaimer too short: {letters(target)} letters and digits for the source's "
            f"{source} ({ratio:.2f} of it; at least {floor:.2f} in {name} script): "
            "translate the whole paragraph")


# A sentence ends at . ! ? । ؟ ۔ (and any closing quote or bracket) before a space or at the
# end, and at 。！？ whatever follows (Chinese and Japanese put no space after them); not
# where a lowercase letter follows ("e.g. the"), which is an abbreviation.
_SENTENCE_END = re.compile(r"[.!?।؟۔][\"'”’»)\]]*(?:\s+|$)|[。！？]")


def sentences(text: str) -> int:
    """How many sentences a text has: the pieces between sentence ends that have words."""
    cuts = [end.end() for end in _SENTENCE_END.finditer(text)
            if not text[end.end():end.end() + 1].islower()]
    pieces = (text[start:stop] for start, stop in zip([0, *cuts], [*cuts, len(text)],
                                                      strict=True))
    return sum(1 for piece in pieces if letters(piece))


def check_sentences(entry: polib.POEntry, role: Role | None) -> str | None:
    """A disclaimer translation with fewer sentences than its source: one left out."""
    if role is not Role.DISCLAIMER:
        return None
    source, target = sentences(entry.msgid), sentences(entry.msgstr)
    if target >= source:
        return None
    return (f"disclaimer sentences missing: the source has {source} sentences, the "
            f"translation {target}: translate every sentence")


# Image credits, sources and the disclaimer name people, organisations and units
# (SCIRE, Hsieh JTC, 20 MG): in capitals, they stay as written in every language.
_KEPT_ROLES = frozenset({Role.CREDIT_TITLE, Role.ATTRIBUTION, Role.DISCLAIMER})
_LATIN_WORD = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]+")


def capitals(text: str) -> set[str]:
    """The Latin-script words of two letters or more written in capitals."""
    return {word for word in _LATIN_WORD.findall(text) if len(word) > 1 and word.isupper()}


def check_capitals(entry: polib.POEntry, role: Role | None) -> str | None:
    """A name, initials or unit in capitals dropped or changed in a credit, source or
    disclaimer."""
    if role not in _KEPT_ROLES:
        return None
    missing = capitals(entry.msgid) - set(_LATIN_WORD.findall(entry.msgstr))
    if not missing:
        return None
    return (f"words in capitals missing: {', '.join(sorted(missing))}: names, initials and "
            "units in capitals stay exactly as in the source")


# The build refuses a language for any of these; ``pipeline check`` also names an
# untranslated or fuzzy disclaimer (``check_disclaimer``).
TRANSLATION_CHECKERS: tuple[Checker, ...] = (
    check_markup, check_numbers, check_placeholders, check_not_copied, check_length,
    check_sentences, check_capitals)
CHECKERS: tuple[Checker, ...] = (check_disclaimer, *TRANSLATION_CHECKERS)


def document_roles(document: Document) -> Roles:
    """The role of each catalog entry of an article, by (msgctxt, msgid)."""
    return {key: segment.role for key, segment in keyed_segments(document)}


def check_catalog(path: Path, roles: Roles, *, source_lang: str | None = None
                  ) -> tuple[polib.POFile | None, list[PipelineError]]:
    """One catalog as read (``None``: it cannot be) and every problem in it, in line order.

    ``roles`` names each entry's role; ``source_lang`` is the source's language.
    """
    problems = msgfmt_problems(path, strict=True)
    if problems:
        return None, problems
    try:
        po = read_catalog(path, msgfmt_passed=True)
    except PipelineError as error:
        return None, [error]
    return po, catalog_problems(path, po, roles, source_lang=source_lang, checkers=CHECKERS)


def catalog_problems(path: Path, po: polib.POFile, roles: Roles, *,
                     source_lang: str | None = None,
                     checkers: tuple[Checker, ...] = TRANSLATION_CHECKERS
                     ) -> list[PipelineError]:
    """What ``checkers`` and the rules over the whole catalog find in ``po``, by line."""
    # A catalog in the source's own language (en_GB of English) may keep its text; its
    # language: the Language header, or else the name of its folder.
    if same_language(po.metadata.get("Language", "").strip() or path.parent.parent.name,
                     source_lang):
        checkers = tuple(checker for checker in checkers if checker is not check_not_copied)
    # A repeated paragraph first: on its line, what the other rules find follows from it.
    problems = repeated_disclaimers(path, po, roles) + entry_problems(path, po, roles, checkers)
    return sorted(problems, key=lambda problem: problem.line)


def same_language(lang: str, other: str | None) -> bool:
    """Whether two locale names share their base language (``en_GB`` and ``en``)."""
    return other is not None and _base(lang) == _base(other)


def _base(name: str) -> str:
    return re.split(r"[_@.-]", name, maxsplit=1)[0].lower()


def entry_problems(path: Path, po: polib.POFile, roles: Roles,
                   checkers: tuple[Checker, ...] = TRANSLATION_CHECKERS) -> list[PipelineError]:
    """What ``checkers`` find in the active entries of ``po`` (read from ``path``).

    Only translated, non-fuzzy entries are checked, except by ``check_disclaimer``,
    whose point is to find the untranslated ones.
    """
    problems = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for entry in po:
        if entry.obsolete:
            continue
        role = roles.get((entry.msgctxt, entry.msgid))
        for checker in checkers:
            if not translated(entry) and checker is not check_disclaimer:
                continue
            message = checker(entry, role)
            if message:
                problems.append(PipelineError(message, path, msgstr_line(lines, entry)))
    return problems


def repeated_disclaimers(path: Path, po: polib.POFile, roles: Roles) -> list[PipelineError]:
    """Two disclaimer paragraphs with the same translation: one paragraph copied over
    another, so that paragraph's content is missing."""
    lines = path.read_text(encoding="utf-8").splitlines()
    first: dict[tuple[str, ...], int] = {}
    problems = []
    for entry in po:
        if entry.obsolete or not translated(entry) \
                or roles.get((entry.msgctxt, entry.msgid)) is not Role.DISCLAIMER:
            continue
        line = msgstr_line(lines, entry)
        seen = first.setdefault(tuple(entry.msgstr.split()), line)
        if seen != line:
            problems.append(PipelineError(
                f"disclaimer paragraph repeated: this translation is the same as the one at "
                f"line {seen}, so this paragraph's content is missing: translate each "
                "paragraph", path, line))
    return problems


def translated(entry: polib.POEntry) -> bool:
    """Whether an entry has a translation the build uses (not empty, not fuzzy)."""
    return bool(entry.msgstr.strip()) and FUZZY not in entry.flags


def msgstr_line(lines: list[str], entry: polib.POEntry) -> int:
    """The line of an entry's ``msgstr``: where a translator has to look."""
    for number in range(entry.linenum, len(lines) + 1):
        if lines[number - 1].startswith("msgstr"):
            return number
    return int(entry.linenum)
