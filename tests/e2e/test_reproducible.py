"""Two clean builds of the same inputs give the same files (dates pinned where they appear)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pikepdf
import pytest

from support import FIXTURES, run_cli


def _clean_build(root: Path, *args: str, epoch: str | None = "1700000000") -> Path:
    """A fresh copy of the small project, its own cache, one command run in it."""
    (root / "source").mkdir(parents=True)
    shutil.copy(FIXTURES / "small.md", root / "source" / "small.md")
    shutil.copytree(FIXTURES / "locales", root / "locales")
    env = {"PIPELINE_CACHE": str(root / ".cache")}
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    result = run_cli(*args, cwd=root, env=env)
    assert result.code == 0, result.err
    return root


def _files(root: Path, pattern: str) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.glob(pattern))
            if p.is_file()}


def test_catalogs_are_identical(tmp_path: Path) -> None:
    first = _clean_build(tmp_path / "a", "update")
    second = _clean_build(tmp_path / "b", "update")
    catalogs = _files(first, "locales/**/*.po*")
    assert len(catalogs) == 4  # small.pot, pipeline.pot and the two Spanish catalogs
    assert catalogs == _files(second, "locales/**/*.po*")


@pytest.mark.parametrize(("lang", "kind", "suffix"), [
    ("en", "pdf", ".pdf"), ("es", "pdf", ".pdf"), ("es", "bilingual", ".bilingual.pdf")])
def test_pdfs_are_identical_with_source_date_epoch(tmp_path: Path, lang: str, kind: str,
                                                   suffix: str) -> None:
    first = _clean_build(tmp_path / "a", kind, "--lang", lang)
    second = _clean_build(tmp_path / "b", kind, "--lang", lang)
    pdf = f"output/{lang}/small{suffix}"
    assert (first / pdf).read_bytes() == (second / pdf).read_bytes()
    with pikepdf.open(first / pdf) as document:  # the date is SOURCE_DATE_EPOCH's
        assert str(document.docinfo["/CreationDate"]).startswith("D:20231114221320")


def test_mp3s_are_identical_audio_and_tags(tmp_path: Path) -> None:
    """Each build synthesises everything again (own cache), yet book and tracks match.

    eSpeak NG reads it (fast); that Kokoro's speech is the same on every run, with one
    thread or two, is tested in test_audio_kokoro."""
    args = ("audio", "--lang", "es", "--engine", "espeak")
    first = _clean_build(tmp_path / "a", *args, epoch=None)
    second = _clean_build(tmp_path / "b", *args, epoch=None)
    books = _files(first, "output/es/**/*")
    assert "output/es/small.mp3" in books and len(books) >= 5
    assert books == _files(second, "output/es/**/*")


def test_reading_formats_are_identical_with_source_date_epoch(tmp_path: Path) -> None:
    """HTML, EPUB (ZIP dates, dcterms:modified), transcript and timeline, byte for byte."""
    formats = ("--format", "audio", "--format", "html", "--format", "epub", "--format", "vtt")
    first = _clean_build(tmp_path / "a", "build", "--engine", "espeak", *formats, "--lang", "es")
    second = _clean_build(tmp_path / "b", "build", "--engine", "espeak", *formats, "--lang", "es")
    for name in ("small.html", "small.epub", "small.vtt", "small.timeline.json"):
        built = first / "output" / "es" / name
        assert built.stat().st_size > 0
        assert built.read_bytes() == (second / "output" / "es" / name).read_bytes(), name


TINY = """---
title: Tiny
lang: en
disclaimer: Not advice.
---

## Dose

Take one tablet each day.
"""


def test_piper_books_are_identical(tmp_path: Path) -> None:
    """Piper samples noise in its model; two clean builds still read the same."""
    books = []
    for name in ("a", "b"):
        root = tmp_path / name
        (root / "source").mkdir(parents=True)
        (root / "source" / "tiny.md").write_text(TINY, encoding="utf-8")
        (root / "locales").mkdir()
        result = run_cli("audio", cwd=root, env={"PIPELINE_CACHE": str(root / ".cache")})
        assert result.code == 0 and "piper" in result.err, result.err
        books.append((root / "output/en/tiny.mp3").read_bytes())
    assert books[0] == books[1]
