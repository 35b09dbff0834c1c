"""Stage 1: read ``source/<slug>.md`` (YAML front matter + CommonMark) into a ``Document``.

The format is documented in ``docs/source-format.md``. Anything outside it is a
``PipelineError`` that names the file and line, so an author can fix it at once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NoReturn

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from pipeline.errors import PipelineError
from pipeline.model import (
    Block,
    Document,
    Figure,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Role,
    Segment,
    SourceLocation,
)
from pipeline.resources import image_problem, link_problem
from pipeline.source.frontmatter import FrontMatter, read_front_matter
from pipeline.source.labels import english_labels

_UNSUPPORTED_BLOCKS = {
    "table": "tables are not supported",
    "code_block": "code blocks are not supported",
    "fence": "code blocks are not supported",
    "html_block": "raw HTML is not supported",
    "blockquote": "block quotes are not supported",
}
_UNSUPPORTED_INLINE = {
    "code_inline": "inline code is not supported",
    "html_inline": "raw HTML is not supported",
    "hardbreak": "hard line breaks (two trailing spaces or a backslash) are not supported",
    "image": "an image must stand alone in its own paragraph",
}
_ALLOWED_INLINE = {"text", "softbreak", "em", "strong", "link"}


def parse_file(path: Path) -> Document:
    """Read and parse one source article; the slug is the file's stem."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise PipelineError("not valid UTF-8 text", path, line) from None
    except OSError as error:
        raise PipelineError(f"cannot read the file: {error.strerror}", path) from None
    return parse(text, path=str(path), slug=path.stem)


def parse(text: str, *, path: str, slug: str) -> Document:
    """Parse the text of a source article into its document model."""
    front, body, body_line = read_front_matter(text, path)
    parser = _BodyParser(front, path, body_line)
    blocks, attribution = parser.parse(body)
    return Document(
        slug=slug,
        path=path,
        lang=front.lang,
        meta=front.meta,
        body=blocks,
        credits=front.credits,
        attribution=attribution,
        disclaimer=front.disclaimer,
        labels=english_labels(),
    )


def _plain(text: str) -> str:
    """Inline source text on one line: line breaks and runs of blanks become one space."""
    return re.sub(r"\s+", " ", text).strip()


class _BodyParser:
    """Walks the CommonMark tree, checking each node against the source format."""

    def __init__(self, front: FrontMatter, path: str, first_line: int) -> None:
        self.front = front
        self.path = path
        self.first_line = first_line
        self.credits = {credit.image: credit for credit in front.credits}
        self.seen_h2 = False

    def parse(self, body: str) -> tuple[tuple[Block, ...], tuple[Paragraph, ...]]:
        markdown = MarkdownIt("commonmark").enable("table")
        # See every link and image as written, file: and javascript: ones included, so
        # that they are refused with their line rather than silently kept as text.
        markdown.validateLink = lambda url: True  # type: ignore[method-assign]
        env: dict[str, Any] = {}
        root = SyntaxTreeNode(markdown.parse(body, env))
        if env.get("references"):
            label = next(iter(env["references"]))
            self.fail_at(_reference_line(body, label),
                         "reference-style link definitions are not supported: write "
                         "[text](https://...) where the link is")
        blocks: list[Block] = []
        attribution: list[Paragraph] | None = None
        for index, node in enumerate(root.children):
            if node.type == "hr":
                if attribution is not None:
                    self.fail(node, "only one thematic break (---) may start the attribution")
                attribution = []
            elif attribution is not None:
                attribution.append(self.attribution_paragraph(node))
            elif node.type == "heading" and node.tag == "h1":
                self.title_heading(node, first=index == 0)
            else:
                blocks.append(self.block(node))
        return tuple(blocks), tuple(attribution or ())

    def line(self, node: SyntaxTreeNode, offset: int = 0) -> int:
        assert node.map is not None
        return self.first_line + node.map[0] + offset

    def fail(self, node: SyntaxTreeNode, message: str, offset: int = 0) -> NoReturn:
        raise PipelineError(message, self.path, self.line(node, offset))

    def fail_at(self, body_line: int, message: str) -> NoReturn:
        raise PipelineError(message, self.path, self.first_line + body_line)

    def segment(self, node: SyntaxTreeNode, role: Role) -> Segment:
        """The inline text of a heading or paragraph node, checked and kept as Markdown."""
        inline = node.children[0]
        for child, offset in _inline_nodes(inline):
            if child.type in _UNSUPPORTED_INLINE:
                self.fail(node, _UNSUPPORTED_INLINE[child.type], offset)
            if child.type not in _ALLOWED_INLINE:
                self.fail(node, f"unsupported inline Markdown ({child.type})", offset)
            if child.type == "link" and (problem := link_problem(str(child.attrs["href"]))):
                self.fail(node, problem, offset)
        text = _plain(inline.content)
        if not text:
            self.fail(node, f"empty {role}")
        return Segment(text, role, SourceLocation(self.path, self.line(node)), self.front.lang)

    def title_heading(self, node: SyntaxTreeNode, *, first: bool) -> None:
        if not first:
            self.fail(node, "a '# Title' heading may only be the first line of the body")
        title = self.segment(node, Role.TITLE).text
        if title != self.front.meta.title.text:
            self.fail(node, f"the '# {title}' heading differs from the front-matter title "
                            f"'{self.front.meta.title.text}'")

    def block(self, node: SyntaxTreeNode) -> Block:
        if node.type in _UNSUPPORTED_BLOCKS:
            self.fail(node, _UNSUPPORTED_BLOCKS[node.type])
        if node.type == "heading":
            return self.heading(node)
        if node.type == "paragraph":
            figure = self.figure(node)
            return figure if figure is not None else Paragraph(self.segment(node, Role.PARAGRAPH))
        if node.type in ("bullet_list", "ordered_list"):
            return self.list_block(node, depth=0)
        self.fail(node, f"unsupported Markdown ({node.type})")

    def heading(self, node: SyntaxTreeNode) -> Heading:
        level = int(node.tag[1])
        if level > 3:
            self.fail(node, f"only ## and ### headings are supported, not {'#' * level}")
        if level == 3 and not self.seen_h2:
            self.fail(node, "a ### heading must come after a ## heading")
        self.seen_h2 = True
        return Heading(level, self.segment(node, Role.HEADING))

    def list_block(self, node: SyntaxTreeNode, *, depth: int) -> ListBlock:
        if depth > 1:
            self.fail(node, "lists may be nested only one level deep")
        items = tuple(self.list_item(item, depth=depth) for item in node.children)
        start = node.attrs.get("start", 1)
        return ListBlock(node.type == "ordered_list", items, int(start))

    def list_item(self, node: SyntaxTreeNode, *, depth: int) -> ListItem:
        children = node.children
        if not children or children[0].type != "paragraph":
            self.fail(node, "a list item must start with text")
        if self.figure(children[0]) is not None:
            self.fail(children[0], "an image must stand alone in its own paragraph, not a list")
        text = self.segment(children[0], Role.LIST_ITEM)
        sublist: ListBlock | None = None
        for child in children[1:]:
            if child.type in ("bullet_list", "ordered_list") and sublist is None:
                sublist = self.list_block(child, depth=depth + 1)
            elif child.type == "paragraph":
                self.fail(child, "a list item may hold only one paragraph")
            else:
                self.fail(child, _UNSUPPORTED_BLOCKS.get(child.type,
                                                         f"unsupported in a list ({child.type})"))
        return ListItem(text, sublist)

    def figure(self, node: SyntaxTreeNode) -> Figure | None:
        """A paragraph holding only an image becomes a figure; otherwise ``None``."""
        parts = [c for c in node.children[0].children
                 if not (c.type == "text" and not c.content.strip())]
        if len(parts) != 1 or parts[0].type != "image":
            return None
        image = parts[0]
        src = str(image.attrs.get("src", ""))
        if problem := image_problem(src):
            self.fail(node, problem)
        where = SourceLocation(self.path, self.line(node))
        alt = _plain("".join(text.content for text, _ in _inline_nodes(image)
                             if text.type == "text"))
        if not alt:
            self.fail(node, f"image '{src}' has no alt text: write ![what it shows]({src})")
        credit = self.credits.get(src)
        if credit is None:
            self.fail(node, f"image '{src}' has no entry in image_credits")
        caption = _plain(str(image.attrs.get("title") or ""))
        lang = self.front.lang
        return Figure(
            src=src,
            alt=Segment(alt, Role.IMAGE_ALT, where, lang),
            caption=Segment(caption, Role.CAPTION, where, lang) if caption else None,
            credit=credit,
        )

    def attribution_paragraph(self, node: SyntaxTreeNode) -> Paragraph:
        if node.type != "paragraph" or self.figure(node) is not None:
            self.fail(node, "only paragraphs may follow the thematic break (---) "
                            "that starts the attribution")
        return Paragraph(self.segment(node, Role.ATTRIBUTION))


def _inline_nodes(node: SyntaxTreeNode) -> list[tuple[SyntaxTreeNode, int]]:
    """Every inline node below ``node``, in order, with its line offset within the block."""
    found: list[tuple[SyntaxTreeNode, int]] = []
    offset = 0

    def walk(parent: SyntaxTreeNode) -> None:
        nonlocal offset
        for child in parent.children:
            found.append((child, offset))
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            walk(child)

    walk(node)
    return found


def _reference_line(body: str, label: str) -> int:
    """The 0-based line of the body where the reference definition ``[label]:`` is."""
    for number, line in enumerate(body.splitlines()):
        match = re.match(r" {0,3}\[([^\]]+)\]:", line)
        if match and match.group(1).strip().lower() == label.lower():
            return number
    return 0
