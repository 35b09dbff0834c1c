"""The YAML front matter of a source article, checked field by field with line numbers."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml

from pipeline.errors import PipelineError
from pipeline.locales import check_locale
from pipeline.model import ImageCredit, Metadata, Role, Segment, SourceLocation

_FIELDS = {"title", "lang", "authors", "reviewers", "published", "updated", "source_url",
           "publisher", "disclaimer", "image_credits"}
_REQUIRED = ("title", "lang", "disclaimer")
_CREDIT_FIELDS = ("image", "title", "holder", "license", "license_url")


@dataclass(frozen=True, slots=True)
class FrontMatter:
    lang: str
    meta: Metadata
    credits: tuple[ImageCredit, ...]
    disclaimer: tuple[Segment, ...]


def read_front_matter(text: str, path: str) -> tuple[FrontMatter, str, int]:
    """Split ``text`` into checked front matter, the body, and the body's first line number."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise PipelineError("the file must start with YAML front matter between '---' lines",
                            path, 1)
    end = next((n for n, line in enumerate(lines[1:], 1) if line.rstrip() in ("---", "...")),
               None)
    if end is None:
        raise PipelineError("the front matter has no closing '---' line", path, 1)
    reader = _Reader("".join(lines[1:end]), path, first_line=2)
    return reader.front_matter(), "".join(lines[end + 1:]), end + 2


class _Reader:
    def __init__(self, yaml_text: str, path: str, *, first_line: int) -> None:
        self.text = yaml_text
        self.path = path
        self.first_line = first_line
        node, data = self._load(yaml_text)
        if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
            self.fail("the front matter must be a mapping of 'key: value' lines",
                      first_line - 1)
        for key, _ in node.value:  # null, numbers, dates, lists: YAML keys, but no field's
            if key.tag != "tag:yaml.org,2002:str":
                self.fail(f"a front-matter key must be a name such as 'title', not "
                          f"'{key.value}'", first_line + key.start_mark.line)
        self.data: dict[Any, Any] = data
        self.nodes = {key.value: (key, value) for key, value in node.value}

    def _load(self, yaml_text: str) -> tuple[yaml.Node | None, Any]:
        """The YAML node tree (for line numbers) and its safely constructed value."""
        loader: yaml.SafeLoader | None = None
        try:
            loader = yaml.SafeLoader(yaml_text)
            node = loader.get_single_node()
            return node, loader.construct_document(node) if node is not None else None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = self.first_line + (mark.line if mark is not None else 0)
            self.fail(f"front matter is not valid YAML: {error.problem}", line)
        except yaml.reader.ReaderError as error:  # a control character, before any parsing
            line = self.first_line + yaml_text[: error.position].count("\n")
            self.fail(f"front matter is not valid YAML: {error.reason} "
                      f"(character U+{error.character:04X})", line)
        except yaml.YAMLError as error:
            self.fail(f"front matter is not valid YAML: {error}", self.first_line)
        finally:
            if loader is not None:
                loader.dispose()

    def fail(self, message: str, line: int) -> NoReturn:
        raise PipelineError(message, self.path, line)

    def line(self, key: str) -> int:
        return self.first_line + int(self.nodes[key][0].start_mark.line)

    def front_matter(self) -> FrontMatter:
        for key in self.data:
            if key not in _FIELDS:
                self.fail(f"unknown front-matter key '{key}' (known: {', '.join(sorted(_FIELDS))})",
                          self.line(key))
        for key in _REQUIRED:
            if not self.data.get(key):
                self.fail(f"the front matter needs '{key}'", self.first_line - 1)
        lang = self.string("lang")
        try:
            check_locale(lang)
        except PipelineError as error:
            self.fail(error.message, self.line("lang"))
        title = Segment(self.string("title"), Role.TITLE,
                        SourceLocation(self.path, self.line("title")), lang)
        meta = Metadata(
            title=title,
            authors=self.names("authors"),
            reviewers=self.names("reviewers"),
            published=self.date("published"),
            updated=self.date("updated"),
            source_url=self.string("source_url") if "source_url" in self.data else None,
            publisher=self.string("publisher") if "publisher" in self.data else None,
        )
        return FrontMatter(lang, meta, self.credits(lang), self.disclaimer(lang))

    def string(self, key: str, value: Any = None, line: int = 0) -> str:
        value = self.data[key] if value is None else value
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{key}' must be a non-empty text", line or self.line(key))
        return " ".join(value.split())

    def names(self, key: str) -> tuple[str, ...]:
        if key not in self.data:
            return ()
        value = self.data[key]
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.fail(f"'{key}' must be a list of names", self.line(key))
        return tuple(self.string(key, name) for name in value)

    def date(self, key: str) -> dt.date | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        self.fail(f"'{key}' must be a date written YYYY-MM-DD, not '{value}'", self.line(key))

    def disclaimer(self, lang: str) -> tuple[Segment, ...]:
        """One segment per paragraph; paragraphs are separated by blank lines."""
        text = self.data["disclaimer"]
        if not isinstance(text, str):
            self.fail("'disclaimer' must be text (paragraphs separated by blank lines)",
                      self.line("disclaimer"))
        paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]
        lines = self.paragraph_lines(self.nodes["disclaimer"][1], len(paragraphs))
        return tuple(Segment(p, Role.DISCLAIMER, SourceLocation(self.path, line), lang)
                     for p, line in zip(paragraphs, lines, strict=True))

    def paragraph_lines(self, node: yaml.Node, count: int) -> list[int]:
        """The line on which each of the ``count`` paragraphs of a scalar starts."""
        start, end = node.start_mark.line, node.end_mark.line
        raw = self.text.splitlines()[start:end + 1]
        skip = 1 if getattr(node, "style", None) in ("|", ">") else 0
        starts: list[int] = []
        blank_before = True
        for offset, line in enumerate(raw[skip:], start + skip):
            if line.strip() and blank_before:
                starts.append(self.first_line + offset)
            blank_before = not line.strip()
        if len(starts) != count:  # an unusual layout: point at the key for every paragraph
            return [self.line("disclaimer")] * count
        return starts

    def credits(self, lang: str) -> tuple[ImageCredit, ...]:
        entries = self.data.get("image_credits") or []
        if not isinstance(entries, list):
            self.fail("'image_credits' must be a list", self.line("image_credits"))
        items = self.nodes["image_credits"][1].value if entries else []
        return tuple(self.credit(entry, node, lang) for entry, node in zip(entries, items,
                                                                            strict=True))

    def credit(self, entry: Any, node: yaml.Node, lang: str) -> ImageCredit:
        line = self.first_line + node.start_mark.line
        if not isinstance(entry, dict):
            self.fail("each image credit must be a mapping with " + ", ".join(_CREDIT_FIELDS),
                      line)
        for key in entry:
            if key not in _CREDIT_FIELDS:
                self.fail(f"unknown image-credit key '{key}'", line)
        for key in _CREDIT_FIELDS:
            if key not in entry:
                self.fail(f"the image credit needs '{key}'", line)
        keys = {k.value: k.start_mark.line for k, _ in node.value}
        fields = {key: self.string(key, entry[key], self.first_line + keys[key])
                  for key in _CREDIT_FIELDS}
        title = Segment(fields["title"], Role.CREDIT_TITLE,
                        SourceLocation(self.path, self.first_line + keys["title"]), lang)
        return ImageCredit(fields["image"], title, fields["holder"], fields["license"],
                           fields["license_url"])
