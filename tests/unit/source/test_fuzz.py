"""Fuzzing: any input to the parser or the catalog reader works or is a PipelineError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.catalogs.catalog import read_catalog
from pipeline.errors import PipelineError
from pipeline.source.parse import parse
from support import FIXTURES

VALID_ARTICLE = (FIXTURES / "small.md").read_text(encoding="utf-8")
VALID_CATALOG = (FIXTURES / "locales/es/LC_MESSAGES/small.po").read_text(encoding="utf-8")

# Pieces that exercise the parser's rules far more often than random letters would.
MARKDOWN = st.sampled_from([
    "\n", "\n\n", "---\n", "# ", "## ", "### ", "#### ", "- ", "  - ", "    - ", "1. ", "* ",
    "*", "**", "_", "`", "```\n", "    ", "> ", "<b>", "</b>", "<div>\n", "![", "](", ")",
    "[", "]", '"', "|", "|---|\n", "\\\n", "  \n", "text", "Baclofen 20 mg", "images/tablet.png",
    "title: ", "lang: ", "disclaimer: ", ": ", "\t", "ü", "العربية", "中文", "\x00", "\r\n",
])
SCRAMBLE = st.lists(st.one_of(MARKDOWN, st.text(max_size=8)), max_size=40).map("".join)


def _parses_or_pipeline_error(text: str) -> None:
    try:
        parse(text, path="source/fuzz.md", slug="fuzz")
    except PipelineError as error:
        assert str(error).startswith("source/fuzz.md:")


@settings(max_examples=300, deadline=None)
@given(SCRAMBLE)
def test_any_body_after_valid_front_matter(body: str) -> None:
    front_matter = VALID_ARTICLE[: VALID_ARTICLE.index("---", 4) + 4]
    _parses_or_pipeline_error(front_matter + body)


@settings(max_examples=300, deadline=None)
@given(SCRAMBLE, SCRAMBLE)
def test_any_front_matter(front: str, body: str) -> None:
    _parses_or_pipeline_error(f"---\n{front}\n---\n{body}")


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(VALID_ARTICLE)), st.integers(0, 30), SCRAMBLE)
def test_valid_article_with_a_splice(at: int, cut: int, insert: str) -> None:
    _parses_or_pipeline_error(VALID_ARTICLE[:at] + insert + VALID_ARTICLE[at + cut:])


PO_PIECES = st.sampled_from([
    '"', "\\", "\n", 'msgid "', 'msgstr "', "msgctxt ", "#, fuzzy\n", "#~ ", "#| msgid ",
    'msgstr[0] "', "msgid_plural ", '\\n"', "\xe9", "\x00", "Content-Type", "charset=",
])


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, len(VALID_CATALOG)), st.integers(0, 20),
       st.lists(st.one_of(PO_PIECES, st.text(max_size=5)), max_size=6).map("".join),
       st.sampled_from(["utf-8", "latin-1"]))
def test_catalog_with_a_splice(at: int, cut: int, insert: str, encoding: str) -> None:
    text = VALID_CATALOG[:at] + insert + VALID_CATALOG[at + cut:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.po"
        path.write_bytes(text.encode(encoding, errors="replace"))
        try:
            read_catalog(path)
        except PipelineError as error:
            assert str(error).startswith(str(path))
