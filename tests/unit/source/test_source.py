"""The source parser: the real article keeps the seed, and every format rule has a failing case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.model import Document, Figure, Heading, ListBlock, Paragraph, Role, iter_segments
from pipeline.source.parse import parse, parse_file
from support import ROOT, SEED, SHARED_SEED

FRONT = """---
title: T
lang: en
image_credits:
  - image: a.png
    title: A picture
    holder: Someone
    license: CC0 1.0
    license_url: https://creativecommons.org/publicdomain/zero/1.0/
disclaimer: |
  Not advice.
---
"""
BODY_LINE = FRONT.count("\n") + 1  # the body's first line number


def _parse(body: str, front: str = FRONT) -> object:
    return parse(front + body, path="source/x.md", slug="x")


def _plain(markdown: str) -> str:
    """Markdown inline text as the reader sees it: links become their text."""
    return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown).split())


@pytest.fixture(scope="module")
def baclofen() -> Document:
    return parse_file(ROOT / "source" / "baclofen.md")


@pytest.mark.skipif(not SHARED_SEED.exists(), reason="no ../shared beside this clone")
def test_the_seed_copy_is_the_shared_seed() -> None:
    assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_every_seed_sentence_is_in_the_model(baclofen: Document) -> None:
    """Each sentence of the seed, white space normalised, is in a segment or a credit."""
    doc = baclofen
    model_text = " ".join(
        [_plain(s.text) for s in iter_segments(doc)]
        + [f"{c.holder} {c.license}" for c in doc.credits])
    seed = SEED.read_text(encoding="utf-8")
    # Extraction artefacts: "(#)" link stubs and footnote marks pointing at the credits,
    # which the model links directly (each figure carries its credit).
    seed = re.sub(r"[¹²³]", "", seed.replace("(#)", ""))
    structural = ("Author:", "Image credits", "1. [", "2. [", "3. [")
    missing = []
    for raw in seed.splitlines():
        if raw.strip().startswith(structural):
            continue  # checked field by field in the next test
        line = _plain(raw.strip().removeprefix("- ").removeprefix("Disclaimer: "))
        line = re.sub(r"\[([^\]]*)\]", r"\1", line)
        missing += [s for s in re.split(r"(?<=[.!?:])\s+", line) if s not in model_text]
    assert missing == []


def test_structural_seed_lines_are_in_the_front_matter(baclofen: Document) -> None:
    """Byline, image credits and disclaimer of the seed are structured, not lost."""
    doc = baclofen
    assert doc.meta.title.text == "Baclofen"
    assert doc.meta.authors == ("SCIRE Community Team",)
    assert doc.meta.reviewers == ("Patricia Mills",)
    assert doc.meta.published.isoformat() == "2017-11-10"
    assert doc.meta.updated is None  # "Updated ~" in the seed: no date given
    credits = [(c.title.text, c.holder, c.license) for c in doc.credits]
    assert credits == [
        ("Baclofen ball-and-stick model", "PubChem", "CC BY-SA 4.0"),
        ("005915731g Baclofen 20 MG Oral Tablet", "NLM Pillbox", "CC0 1.0"),
        ("Intrathecal-pump-cartoon", "Anand Swaminathan", "CC BY-NC-ND 3.0"),
    ]
    disclaimer = " ".join(s.text for s in doc.disclaimer)
    seed = " ".join(SEED.read_text(encoding="utf-8").split())
    assert "Disclaimer: " + disclaimer in seed


def test_the_real_article_has_its_structure(baclofen: Document) -> None:
    doc = baclofen
    headings = [s.heading.text.text for s in doc.sections() if s.heading]
    assert headings[0] == "Key points"
    assert headings[-1] == "The bottom line"
    assert len(headings) == 7
    figures = doc.figures()
    assert [f.credit.holder for f in figures] == ["PubChem", "NLM Pillbox",
                                                  "Anand Swaminathan"]
    assert all(f.alt.text and f.caption for f in figures)
    assert doc.attribution[0].text.text.startswith("Parts of this page have been adapted")
    links = re.findall(r"\]\((https://[^)]+)\)", " ".join(s.text for s in
                                                          iter_segments(doc)))
    assert "https://community.scireproject.com/topic/spasticity/" in links
    assert "https://community.scireproject.com/about/glossary/" in links


def test_a_valid_article_parses_into_the_model() -> None:
    doc = _parse("# T\n\nIntro *text*.\n\n## One\n\n3. three\n4. four\n   - sub\n\n"
                 "![Alt text.](a.png \"Cap.\")\n\n### Two\n\nMore.\n\n---\n\nFrom [x](https://x.org).\n")
    assert [type(b).__name__ for b in doc.body] == [
        "Paragraph", "Heading", "ListBlock", "Figure", "Heading", "Paragraph"]
    intro, _, numbered, figure, sub, _ = doc.body
    assert isinstance(intro, Paragraph) and intro.text.text == "Intro *text*."
    assert intro.text.location.line == BODY_LINE + 2
    assert isinstance(numbered, ListBlock) and numbered.ordered and numbered.start == 3
    assert numbered.items[1].sublist is not None
    assert numbered.items[1].sublist.items[0].text.text == "sub"
    assert isinstance(figure, Figure)
    assert (figure.alt.text, figure.caption.text if figure.caption else None) == (
        "Alt text.", "Cap.")
    assert figure.credit.holder == "Someone"
    assert isinstance(sub, Heading) and sub.level == 3
    assert doc.attribution[0].text.role is Role.ATTRIBUTION
    sections = doc.sections()
    assert sections[0].heading is None and len(sections) == 2


def test_disclaimer_paragraphs_are_segments_with_their_own_lines() -> None:
    front = FRONT.replace("disclaimer: |\n  Not advice.\n",
                          "disclaimer: |\n  First paragraph\n  goes on.\n\n  Second.\n")
    doc = _parse("Body.\n", front)
    assert [s.text for s in doc.disclaimer] == ["First paragraph goes on.", "Second."]
    lines = front.splitlines()
    assert [s.location.line for s in doc.disclaimer] == [
        lines.index("  First paragraph") + 1, lines.index("  Second.") + 1]


# (what is wrong, body or None, front matter or None, line, words in the message)
BAD_BODIES = [
    ("table", "| a | b |\n|---|---|\n| 1 | 2 |\n", 0, "tables"),
    ("indented code", "Text.\n\n    code\n", 2, "code blocks"),
    ("fenced code", "```\ncode\n```\n", 0, "code blocks"),
    ("raw HTML block", "<div>\nx\n</div>\n", 0, "raw HTML"),
    ("block quote", "> quoted\n", 0, "block quotes"),
    ("inline code", "Use `this`.\n", 0, "inline code"),
    ("inline HTML", "A <b>bold</b> word.\n", 0, "raw HTML"),
    ("hard break", "Line one  \nline two\n", 0, "hard line breaks"),
    ("inline image", "Text ![alt](a.png) more.\n", 0, "stand alone"),
    ("image in list", "- ![alt](a.png)\n", 0, "stand alone"),
    ("image without alt", "![](a.png)\n", 0, "no alt text"),
    ("image without credit", "![Alt.](b.png)\n", 0, "no entry in image_credits"),
    ("deep heading", "## A\n\n#### B\n", 2, "only ## and ###"),
    ("h3 first", "### B\n", 0, "after a ## heading"),
    ("title mismatch", "# Other\n", 0, "differs from the front-matter title"),
    ("title not first", "Text.\n\n# T\n", 2, "first line of the body"),
    ("deep list", "- a\n  - b\n    - c\n", 2, "one level deep"),
    ("two paragraphs in an item", "- a\n\n  more\n", 2, "one paragraph"),
    ("two thematic breaks", "A.\n\n---\n\nB.\n\n---\n", 6, "only one thematic break"),
    ("heading in attribution", "A.\n\n---\n\n## H\n", 4, "only paragraphs"),
    ("second line of a paragraph", "Fine\nbut `code` here.\n", 1, "inline code"),
]


@pytest.mark.parametrize(("body", "offset", "words"),
                         [case[1:] for case in BAD_BODIES], ids=[c[0] for c in BAD_BODIES])
def test_body_rules(body: str, offset: int, words: str) -> None:
    with pytest.raises(PipelineError) as caught:
        _parse(body)
    assert str(caught.value).startswith(f"source/x.md:{BODY_LINE + offset}: ")
    assert words in str(caught.value)


BAD_FRONT = [
    ("no front matter", "Hello\n", 1, "must start with YAML front matter"),
    ("unclosed", "---\ntitle: T\n", 1, "no closing"),
    ("invalid YAML", "---\ntitle: T\nlang: [en\ndisclaimer: x\n---\n", 4, "not valid YAML"),
    ("not a mapping", "---\n- a\n- b\n---\n", 1, "must be a mapping"),
    ("missing title", "---\nlang: en\ndisclaimer: x\n---\n", 1, "needs 'title'"),
    ("missing lang", "---\ntitle: T\ndisclaimer: x\n---\n", 1, "needs 'lang'"),
    ("missing disclaimer", "---\ntitle: T\nlang: en\n---\n", 1, "needs 'disclaimer'"),
    ("unknown key", "---\ntitle: T\nlang: en\ndisclaimr: x\n---\n", 4, "unknown front-matter"),
    ("null key", "---\ntitle: T\n?\n---\n", 3, "must be a name such as 'title'"),
    ("number key", "---\ntitle: T\nlang: en\n2020: x\n---\n", 4, "not '2020'"),
    ("unknown language", "---\ntitle: T\nlang: xx\ndisclaimer: x\n---\n", 3, "unknown lang"),
    ("bad date", "---\ntitle: T\nlang: en\npublished: 10 Nov\ndisclaimer: x\n---\n", 4,
     "YYYY-MM-DD"),
    ("credit missing holder",
     "---\ntitle: T\nlang: en\ndisclaimer: x\nimage_credits:\n  - image: a.png\n"
     "    title: A\n    license: L\n    license_url: u\n---\n", 6, "needs 'holder'"),
    ("credit unknown key",
     "---\ntitle: T\nlang: en\ndisclaimer: x\nimage_credits:\n  - image: a.png\n"
     "    title: A\n    holder: H\n    license: L\n    license_url: u\n    year: 1\n---\n", 6,
     "unknown image-credit key"),
]


@pytest.mark.parametrize(("text", "line", "words"), [c[1:] for c in BAD_FRONT],
                         ids=[c[0] for c in BAD_FRONT])
def test_front_matter_rules(text: str, line: int, words: str) -> None:
    with pytest.raises(PipelineError) as caught:
        parse(text, path="source/x.md", slug="x")
    assert str(caught.value).startswith(f"source/x.md:{line}: ")
    assert words in str(caught.value)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(FRONT.encode() + b"Caf\xe9\n")
    with pytest.raises(PipelineError) as caught:
        parse_file(path)
    assert str(caught.value) == f"{path}:{BODY_LINE}: not valid UTF-8 text"
