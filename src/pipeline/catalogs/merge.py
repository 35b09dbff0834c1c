"""Merge a new template into a translator's catalog without ever losing a translation.

It follows ``msgmerge --previous``: an unchanged entry keeps its translation; an
entry whose source changed keeps the closest old translation, marked fuzzy, with
the old source as ``#| msgid`` so Poedit and Weblate can show what changed; a new
entry starts empty; an entry that left the source stays at the end as obsolete
(``#~``). Nothing translated is ever dropped.
"""

from __future__ import annotations

import difflib

import polib

FUZZY = "fuzzy"
SIMILAR_ENOUGH = 0.6  # msgmerge's fuzzy-match threshold

Key = tuple[str | None, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def _translated(entry: polib.POEntry) -> bool:
    return bool(entry.msgstr) or any(entry.msgstr_plural.values())


def merge(catalog: polib.POFile, template: polib.POFile) -> polib.POFile:
    """The catalog brought up to date with ``template``; ``catalog`` itself is not changed."""
    active = {_key(e): e for e in catalog if not e.obsolete}
    obsolete = {_key(e): e for e in catalog if e.obsolete}
    used: set[Key] = set()
    merged = polib.POFile(wrapwidth=catalog.wrapwidth)
    merged.header = catalog.header
    merged.metadata = dict(catalog.metadata)
    if "POT-Creation-Date" in template.metadata:
        merged.metadata["POT-Creation-Date"] = template.metadata["POT-Creation-Date"]

    unmatched: list[polib.POEntry] = []
    for new in template:
        old = active.get(_key(new)) or obsolete.get(_key(new))
        if old is not None:
            used.add(_key(old))
            merged.append(_carry(new, old, fuzzy=FUZZY in old.flags))
        else:
            merged.append(_carry(new, None, fuzzy=False))
            unmatched.append(merged[-1])

    candidates = [e for key, e in {**obsolete, **active}.items()
                  if key not in used and _translated(e)]
    for entry in unmatched:
        source = _closest(entry, candidates)
        if source is not None:
            used.add(_key(source))
            _take_fuzzy(entry, source)

    for key, old in {**active, **obsolete}.items():
        if key not in used and _translated(old):
            merged.append(_as_obsolete(old))
    return merged


def _carry(new: polib.POEntry, old: polib.POEntry | None, *, fuzzy: bool) -> polib.POEntry:
    """The template's entry with the translator's part of ``old`` (if any) kept."""
    entry = polib.POEntry(
        msgid=new.msgid, msgctxt=new.msgctxt, msgid_plural=new.msgid_plural,
        comment=new.comment, occurrences=list(new.occurrences), flags=list(new.flags),
        msgstr="", msgstr_plural={},
    )
    if old is not None:
        entry.msgstr = old.msgstr
        entry.msgstr_plural = dict(old.msgstr_plural)
        entry.tcomment = old.tcomment
        entry.flags += [f for f in old.flags if f not in entry.flags]
        if fuzzy:
            entry.previous_msgid = old.previous_msgid
            entry.previous_msgctxt = old.previous_msgctxt
        else:
            entry.flags = [f for f in entry.flags if f != FUZZY]
    return entry


def _closest(entry: polib.POEntry, candidates: list[polib.POEntry]) -> polib.POEntry | None:
    """The candidate whose source is most like ``entry``'s, if similar enough."""
    best, best_score = None, SIMILAR_ENOUGH - 1e-9
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, candidate.msgid, entry.msgid, autojunk=False)
        if matcher.real_quick_ratio() < best_score or matcher.quick_ratio() < best_score:
            continue
        score = matcher.ratio()
        if candidate.msgctxt == entry.msgctxt:
            score += 0.01  # among equals, prefer the entry with the same context
        if score > best_score:
            best, best_score = candidate, score
    return best


def _take_fuzzy(entry: polib.POEntry, source: polib.POEntry) -> None:
    entry.msgstr = source.msgstr
    entry.msgstr_plural = dict(source.msgstr_plural)
    entry.tcomment = source.tcomment
    if FUZZY not in entry.flags:
        entry.flags.append(FUZZY)
    if FUZZY in source.flags and source.previous_msgid:
        # Still unreviewed: the translation was made for the older text, so keep that one.
        entry.previous_msgid = source.previous_msgid
        entry.previous_msgctxt = source.previous_msgctxt
    else:
        entry.previous_msgid = source.msgid
        entry.previous_msgctxt = source.msgctxt


def _as_obsolete(old: polib.POEntry) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=old.msgid, msgctxt=old.msgctxt, msgid_plural=old.msgid_plural,
        msgstr=old.msgstr, msgstr_plural=dict(old.msgstr_plural), tcomment=old.tcomment,
        flags=list(old.flags), obsolete=True,
    )
    return entry  # no "#~|" line: polib cannot read one back, so it would churn the file


def changed(before: polib.POFile, after: polib.POFile) -> bool:
    """Whether writing ``after`` would change what ``before`` holds."""
    return str(before) != str(after)
