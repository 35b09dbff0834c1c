"""Stage 2: gettext catalogs. Templates from the model, new catalogs, safe reading.

Two domains live under ``locales/``: one per article (``<slug>.pot`` / ``<slug>.po``)
and ``pipeline`` for the words the outputs add around every article.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from dataclasses import dataclass, fields
from pathlib import Path

import polib
from babel import Locale
from babel.messages.plurals import get_plural

from pipeline.errors import PipelineError
from pipeline.locales import babel_locale, english_name
from pipeline.model import Document, Labels, Role, Segment, iter_segments
from pipeline.output import atomic_write, creation_date
from pipeline.source import labels as label_texts

WRAP = 79  # GNU gettext's width, so a msgmerge or Poedit save does not rewrap everything

ROLE_NOTES = {
    Role.TITLE: "title of the article",
    Role.HEADING: "section heading",
    Role.PARAGRAPH: "paragraph",
    Role.LIST_ITEM: "list item",
    Role.IMAGE_ALT: "image description for blind readers: say what the image shows",
    Role.CAPTION: "image caption",
    Role.CREDIT_TITLE: "image credits: title of the image",
    Role.DISCLAIMER: "disclaimer: translate in full, leave nothing out",
    Role.ATTRIBUTION: "source attribution: keep names, titles of works and years as they are",
    Role.LABEL: "words the outputs add",
}
KEEP_NOTE = "keep Markdown markup, link URLs and every number"


@dataclass(frozen=True, slots=True)
class Catalogs:
    """Where the catalogs of one language live, for one article."""

    locales: Path
    slug: str

    def template(self, domain: str | None = None) -> Path:
        return self.locales / f"{domain or self.slug}.pot"

    def catalog(self, lang: str, domain: str | None = None) -> Path:
        return self.locales / lang / "LC_MESSAGES" / f"{domain or self.slug}.po"

    def languages(self) -> list[str]:
        """Every language with a catalog of this article, sorted."""
        return sorted(path.parent.parent.name
                      for path in self.locales.glob(f"*/LC_MESSAGES/{self.slug}.po"))


def project_languages(locales: Path) -> list[str]:
    """Every language of the project, sorted: a folder ``<lang>/LC_MESSAGES/`` with a ``.po``."""
    return sorted({path.parent.parent.name for path in locales.glob("*/LC_MESSAGES/*.po")})


def project_root(source: Path) -> Path:
    """The folder ``#:`` references are relative to: the working directory when the source
    folder is inside it (``pipeline`` run in the project), else the source folder's parent.

    So a template says ``source/baclofen.md:2`` however the folder was named (relative,
    absolute, from elsewhere), and is the same on every translator's machine.
    """
    here, folder = Path.cwd(), _absolute(source)
    return here if folder.is_relative_to(here) else folder.parent


def reference(path: str, root: Path) -> str:
    """``path`` relative to ``root``, with ``/`` (unchanged if it lies outside ``root``)."""
    absolute = _absolute(Path(path))
    return absolute.relative_to(root).as_posix() if absolute.is_relative_to(root) \
        else Path(path).as_posix()


def _absolute(path: Path) -> Path:
    # Not resolve(): the project is where the user says it is, symbolic links included.
    return Path(os.path.abspath(path))




def _po_date(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M+0000")


def _note(segment: Segment) -> str:
    note = ROLE_NOTES[segment.role]
    if re.search(r"[\d*\[]", segment.text):
        note += f"; {KEEP_NOTE}"
    return note


Key = tuple[str | None, str]


def keyed_segments(document: Document) -> list[tuple[Key, Segment]]:
    """Each segment of an article with the (msgctxt, msgid) of its catalog entry.

    Identical texts with the same role share one entry; identical texts with
    different roles are told apart by ``msgctxt`` = role.
    """
    segments = list(iter_segments(document))
    roles: dict[str, set[Role]] = {}
    for segment in segments:
        roles.setdefault(segment.text, set()).add(segment.role)
    return [((str(s.role) if len(roles[s.text]) > 1 else None, s.text), s) for s in segments]


def document_template(document: Document, *, root: Path | None = None) -> polib.POFile:
    """The ``.pot`` of an article: one entry per distinct segment, in document order;
    ``#:`` references relative to ``root`` (default: the working directory)."""
    root = _absolute(root or Path())
    template = _new_file(document.slug, f"Translation template for "
                                        f"'{document.meta.title.text}' "
                                        f"({reference(document.path, root)}).")
    entries: dict[Key, polib.POEntry] = {}
    for key, segment in keyed_segments(document):
        where = (reference(segment.location.path, root), str(segment.location.line))
        entry = entries.get(key)
        if entry is None:
            entries[key] = entry = polib.POEntry(msgctxt=key[0], msgid=key[1], msgstr="",
                                                 comment=_note(segment), occurrences=[where])
            template.append(entry)
        elif where not in entry.occurrences:
            entry.occurrences.append(where)
    return template


def labels_template(labels: Labels) -> polib.POFile:
    """The ``pipeline.pot``: one entry per label, its name as ``msgctxt``."""
    template = _new_file(label_texts.DOMAIN, "Translation template for the words the outputs "
                                             "add around every article.")
    for field in fields(labels):
        segment: Segment = getattr(labels, field.name)
        note = label_texts.TEXTS[field.name][1]
        template.append(polib.POEntry(
            msgctxt=field.name, msgid=segment.text, msgstr="", comment=note,
            occurrences=[(segment.location.path, str(segment.location.line))]))
    return template


def _new_file(project: str, header: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=WRAP)
    po.header = f"{header}\nThis file is made by `pipeline extract`; do not edit it by hand."
    po.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _po_date(creation_date()),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return po


def write_template(template: polib.POFile, path: Path) -> bool:
    """Write a ``.pot`` unless only its ``POT-Creation-Date`` would change; True if written."""
    text = str(template) + "\n"
    if path.exists():
        old = path.read_text(encoding="utf-8", errors="replace")
        if _without_creation_date(old) == _without_creation_date(text):
            return False
    atomic_write(path, text.encode("utf-8"))
    return True


def _without_creation_date(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*"$', "", text, count=1, flags=re.MULTILINE)


def dated_as_written(template: polib.POFile, path: Path) -> polib.POFile:
    """``template`` with the date of the ``.pot`` at ``path`` if that holds the same entries,
    so that a catalog made from it is what ``update`` would merge from that file (the
    template is changed in place and returned)."""
    if path.exists():
        old = path.read_text(encoding="utf-8", errors="replace")
        date = re.search(r'^"POT-Creation-Date: (.*)\\n"$', old, flags=re.MULTILINE)
        if date and _without_creation_date(old) == _without_creation_date(str(template) + "\n"):
            template.metadata["POT-Creation-Date"] = date.group(1)
    return template


def new_catalog(template: polib.POFile, lang: str) -> polib.POFile:
    """A fresh catalog for ``lang`` from a template, with headers from Babel's CLDR data."""
    locale = babel_locale(lang)
    po = polib.POFile(wrapwidth=WRAP)
    po.header = (f"{english_name(lang)} translation of {template.metadata['Project-Id-Version']}."
                 "\nThis file is the translators' own: `pipeline update` merges new source "
                 "text into it without losing any translation.")
    po.metadata = {
        **template.metadata,
        "PO-Revision-Date": _po_date(creation_date()),
        "Last-Translator": "",
        "Language-Team": english_name(lang),
        "Language": lang,
        "Plural-Forms": _plural_forms(locale),
    }
    for entry in template:
        po.append(polib.POEntry(msgid=entry.msgid, msgctxt=entry.msgctxt, msgstr="",
                                comment=entry.comment, occurrences=list(entry.occurrences)))
    return po


def _plural_forms(locale: Locale) -> str:
    plural = get_plural(locale)
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def write_catalog(po: polib.POFile, path: Path) -> None:
    atomic_write(path, (str(po) + "\n").encode("utf-8"))


def read_catalog(path: Path, *, msgfmt_passed: bool = False) -> polib.POFile:
    """Read a ``.po``/``.pot`` file; anything malformed is a ``PipelineError`` at its line.

    GNU msgfmt judges the syntax first (skipped when the caller has just run it):
    polib alone accepts some broken files (an unterminated string is cut short).
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as error:
        raise PipelineError(f"cannot read the catalog: {error.strerror}", path) from None
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise PipelineError("not UTF-8: catalogs must be saved as UTF-8", path, line) from None
    problems = [] if msgfmt_passed else msgfmt_problems(path, strict=False)
    if problems:
        raise problems[0]
    try:
        po = polib.pofile(text, wrapwidth=WRAP)
    except (OSError, ValueError) as error:  # the odd file msgfmt accepts and polib does not
        found = re.search(r"line (\d+)", str(error))
        raise PipelineError("polib cannot read this catalog: "
                            + re.sub(r"\s*\(line \d+\)|po file ", "", str(error)),
                            path, int(found.group(1)) if found else 0) from None
    _check_structure(po, path)
    return po


def msgfmt_problems(path: Path, *, strict: bool) -> list[PipelineError]:
    """What GNU msgfmt finds wrong in a catalog (``strict``: ``--check``, headers included)."""
    command = ["msgfmt", "--check" if strict else "--check-format", "-o", os.devnull, str(path)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise PipelineError("msgfmt is missing: run 'make setup' (Debian package gettext)")\
            from None
    problems = []
    for line in result.stderr.splitlines():
        match = re.match(r"^(.*?):(\d+):(?:\d+:)? (.*)$", line)
        fatal = strict or not match or not match.group(3).startswith("warning:")
        if match and match.group(1) == str(path) and fatal:
            number, message = int(match.group(2)), _as_error(match.group(3))
            if message == "end-of-line within string":
                number -= 1  # msgfmt counts the newline that ends the string into the next line
            problems.append(PipelineError(message, path, number))
    if result.returncode != 0 and not problems:
        problems.append(PipelineError(result.stderr.strip().replace("\n", "; ")
                                      or "msgfmt rejected the catalog", path))
    return problems


def _as_error(message: str) -> str:
    """A msgfmt warning that ``--check`` makes fatal, said as the error it then is."""
    if not message.startswith("warning: "):
        return message
    said = message.removeprefix("warning: ")
    field = re.search(r"header field '([^']+)'", said)
    if "charset" in said.lower() or (field and field.group(1) == "Content-Type"):
        return f"the header must declare charset=UTF-8 (msgfmt: {said})"
    if field:
        return f"the header must give '{field.group(1)}' a real value (msgfmt: {said})"
    return f"msgfmt --check refuses this: {said}"


def _check_structure(po: polib.POFile, path: Path) -> None:
    """What polib lets through but later stages rely on: a UTF-8 header, unique entries."""
    content_type = po.metadata.get("Content-Type", "")
    if "charset=utf-8" not in content_type.lower().replace(" ", ""):
        raise PipelineError("the header needs 'Content-Type: text/plain; charset=UTF-8'",
                            path, _header_line(path))
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise PipelineError(f"duplicate entry (first at line {seen[key]})", path,
                                entry.linenum)
        seen[key] = entry.linenum


def _header_line(path: Path) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith('msgid ""'):
            return number
    return 1

