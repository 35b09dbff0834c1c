"""Catalog checks: each rule has a failing example; the shipped catalogs pass them all."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import ROOT, SHIPPED_CATALOGS, shipped_strings
from pipeline.catalog import read_catalog, write_catalog
from pipeline.checks import (
    check_disclaimer,
    check_markup,
    check_numbers,
    check_placeholders,
    markup,
    numbers,
    parsed_markup,
)
from pipeline.model import Role

SHIPPED = SHIPPED_CATALOGS


def _entry(msgid: str, msgstr: str, *, fuzzy: bool = False) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else [])


@pytest.mark.parametrize(("source", "translation"), [
    ("Take *one* tablet.", "Tome un comprimido."),                     # emphasis dropped
    ("Do **not** stop.", "**No* lo deje."),                             # broken strong
    ("See [the list](https://a.org/x).", "Vea [la lista](https://a.org/y)."),  # URL changed
    ("See [the list](https://a.org/x).", "Vea la lista (https://a.org/x)."),   # link lost
])
def test_markup_must_match(source: str, translation: str) -> None:
    message = check_markup(_entry(source, translation), None)
    assert message is not None and message.startswith("Markdown markup and links differ")


def test_markup_may_move_but_not_change() -> None:
    entry = _entry("Take *one* tablet, see [it](https://a.org).",
                   "Vea [esto](https://a.org) y tome *un* comprimido.")
    assert check_markup(entry, None) is None
    assert markup("a *b* **c** [d](u) [e](u)") == {"em": 1, "strong": 1, "link to u": 2}


@pytest.mark.parametrize(("source", "translation", "ok"), [
    ("A 20 mg tablet.", "Un comprimido de 2 mg.", False),
    ("A 20 mg tablet.", "Un comprimido de 200 mg.", False),
    ("After 2 weeks.", "Después de dos semanas.", False),
    ("Pages 1-135 (2016).", "Páginas 1–135 (2016).", True),
    ("Version 6.0", "Version 6,0", True),
    ("A 20 mg tablet.", "قرص 20 ملغ.", True),
    ("A 20 mg tablet.", "قرص ٢٠ ملغ.", True),          # Arabic-Indic digits are the same number
    ("A 20 mg tablet.", "२० मिलीग्राम की गोली।", True),  # Devanagari digits too
])
def test_numbers_must_match(source: str, translation: str, ok: bool) -> None:
    message = check_numbers(_entry(source, translation), None)
    assert (message is None) is ok, message
    if not ok:
        assert message is not None and message.startswith("numbers differ: the source has")


def test_numbers_are_compared_as_a_multiset() -> None:
    assert numbers("2 and 20 and 2") == {"2": 2, "20": 1}


def test_placeholders_must_be_kept() -> None:
    assert check_placeholders(_entry("Page {page} of {pages}", "Página {page}"), None)
    assert check_placeholders(_entry("Page {page} of {pages}", "{page}/{pages}"), None) is None


@pytest.mark.parametrize(("msgstr", "fuzzy", "words"), [
    ("", False, "not translated"),
    ("Esto no es un consejo.", True, "fuzzy"),
])
def test_disclaimer_must_be_translated(msgstr: str, fuzzy: bool, words: str) -> None:
    message = check_disclaimer(_entry("Not advice.", msgstr, fuzzy=fuzzy), Role.DISCLAIMER)
    assert message is not None and words in message
    assert check_disclaimer(_entry("Not advice.", "", fuzzy=False), Role.PARAGRAPH) is None


def _break(project: Path, msgid: str, msgstr: str) -> Path:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    po.find(msgid).msgstr = msgstr
    write_catalog(po, path)
    return path


def test_check_command_reports_path_line_and_fails(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = _break(project, "Take *one* tablet of 20 mg each day.",
                  "Tome un comprimido de 2 mg cada día.")
    result = cli("check")
    assert result.code == 1
    lines = result.out.splitlines()
    assert len(lines) == 2
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1)
                if text.startswith('msgstr "Tome un comprimido de 2 mg'))
    assert f"locales/es/LC_MESSAGES/small.po:{line}: Markdown markup" in lines[0]
    assert f"locales/es/LC_MESSAGES/small.po:{line}: numbers differ" in lines[1]
    assert "2 catalogs checked, 2 problems" in result.err


def test_check_command_reports_an_untranslated_disclaimer(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _break(project, "This is not medical advice.", "")
    result = cli("check")
    assert result.code == 1
    assert "the disclaimer is not translated" in result.out


def test_check_runs_msgfmt_check_and_reports_its_findings(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    text = path.read_text(encoding="utf-8").replace('"Language-Team: Spanish\\n"\n', "")
    path.write_text(text, encoding="utf-8")
    result = cli("check")
    assert result.code == 1
    assert "header field 'Language-Team' missing" in result.out


def test_malformed_catalog_is_reported_not_raised(project: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    path.write_text(path.read_text(encoding="utf-8") + '\nmsgid "x\nmsgstr "y"\n',
                    encoding="utf-8")
    result = cli("check")
    assert result.code == 1
    assert "small.po:" in result.out and "end-of-line within string" in result.out


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_msgfmt_check_passes_on_every_shipped_catalog(path: Path) -> None:
    done = subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_shipped_catalogs_have_no_problems(tmp_path: Path, cli,  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = cli("--output", tmp_path, "check")
    assert result.code == 0, result.out
    assert "10 catalogs checked, 0 problems" in result.err


# Texts that reach each kind of markup, or look as if they might, with none of the
# characters that begin a counted construct, and with them.
TRICKY = ("AT&T &lt;img src=x&gt; &#60;b&#62;", "http://example.org and www.example.org",
          "javascript:alert(1)", "a > b, 2 * 3 = 6", "snake_case and *stars*", "__bold__",
          "[label]: http://evil.example", "![x](file:///etc/passwd)", "<b>raw</b>",
          "<http://example.org>", "    indented code", "# heading", "- item", "1. item",
          "a `code` span", "line one\nline two", "a\\*b", "~~struck~~", "x_y_z", "")


def test_a_text_without_markup_characters_is_not_parsed_and_means_the_same() -> None:
    """``markup`` skips the parser for a text with none of * _ [ <: for every string of
    every shipped catalog and the tricky ones above, the parser finds exactly that."""
    texts = shipped_strings() + list(TRICKY)
    assert {text: markup(text) for text in texts} == \
        {text: parsed_markup(text) for text in texts}
    unparsed = [text for text in texts if not set(text) & set("*_[<")]
    assert len(unparsed) > len(texts) / 2 and any(parsed_markup(t) for t in TRICKY)
