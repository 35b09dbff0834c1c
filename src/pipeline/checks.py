"""Quality checks on a translated catalog, one small function per rule.

Each checker looks at one entry and returns what is wrong (or nothing); ``check_catalog``
turns those into ``path:line: message`` errors after GNU ``msgfmt --check`` has had its say.
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

from pipeline.catalog import msgfmt_problems, read_catalog
from pipeline.errors import PipelineError
from pipeline.merge import FUZZY
from pipeline.model import Role

Checker = Callable[[polib.POEntry, Role | None], str | None]

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
        return "the disclaimer is not translated: every disclaimer paragraph must be"
    if FUZZY in entry.flags:
        return "the disclaimer translation is fuzzy: review it and remove the fuzzy flag"
    return None


CHECKERS: tuple[Checker, ...] = (check_markup, check_numbers, check_placeholders,
                                 check_disclaimer)


TRANSLATION_CHECKERS: tuple[Checker, ...] = (check_markup, check_numbers, check_placeholders)


def check_catalog(path: Path, roles: dict[tuple[str | None, str], Role]) -> list[PipelineError]:
    """Every problem in one catalog, in line order; ``roles`` names each entry's role."""
    problems = msgfmt_problems(path, strict=True)
    if problems:
        return problems
    try:
        po = read_catalog(path, msgfmt_passed=True)
    except PipelineError as error:
        return [error]
    return entry_problems(path, po, roles, CHECKERS)


def entry_problems(path: Path, po: polib.POFile, roles: dict[tuple[str | None, str], Role],
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
        translated = bool(entry.msgstr.strip()) and FUZZY not in entry.flags
        for checker in checkers:
            if not translated and checker is not check_disclaimer:
                continue
            message = checker(entry, role)
            if message:
                problems.append(PipelineError(message, path, _msgstr_line(lines, entry)))
    return problems


def _msgstr_line(lines: list[str], entry: polib.POEntry) -> int:
    """The line of an entry's ``msgstr``: where a translator has to look."""
    for number in range(entry.linenum, len(lines) + 1):
        if lines[number - 1].startswith("msgstr"):
            return number
    return int(entry.linenum)
