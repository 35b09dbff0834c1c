"""Catalog checks: each rule has a failing example; the shipped catalogs pass them all."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import polib
import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.catalogs.checks import (
    catalog_problems,
    check_capitals,
    check_disclaimer,
    check_markup,
    check_not_copied,
    check_numbers,
    check_placeholders,
    markup,
    numbers,
    parsed_markup,
)
from pipeline.model import Role
from support import ROOT, SHIPPED_CATALOGS, Cli, shipped_strings

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
    assert check_disclaimer(_entry("Not advice.", ""), Role.DISCLAIMER) == (
        "the disclaimer is not translated: every disclaimer paragraph must be translated")


def test_a_disclaimer_copied_from_the_source_is_no_translation() -> None:
    assert check_not_copied(_entry("Not advice.", " Not\nadvice. "), Role.DISCLAIMER)
    assert check_not_copied(_entry("Not advice.", "No es consejo."), Role.DISCLAIMER) is None
    assert check_not_copied(_entry("Baclofen", "Baclofen"), Role.TITLE) is None


@pytest.mark.parametrize(("role", "source", "translation", "missing"), [
    (Role.ATTRIBUTION, "Hsieh JTC, Mills P (2016).", "Hsieh J, Mills P (2016).", "JTC"),
    (Role.CREDIT_TITLE, "Baclofen 20 MG Oral Tablet", "Baclofeno 20 mg", "MG"),
    (Role.DISCLAIMER, "The SCIRE Project disclaims.", "El proyecto Scire declina.", "SCIRE"),
    (Role.ATTRIBUTION, "The SCIRE Project.", "SCIRE项目。", None),   # no space needed
    (Role.PARAGRAPH, "After SCI, ask.", "Tras una LME, pregunte.", None),  # other roles
    (Role.ATTRIBUTION, "In Eng JJ, editors.", "En: Eng JJ, editores.", None),  # "In" is no name
])
def test_names_in_capitals_stay_in_credits_sources_and_the_disclaimer(
        role: Role, source: str, translation: str, missing: str | None) -> None:
    message = check_capitals(_entry(source, translation), role)
    if missing is None:
        assert message is None
    else:
        assert message == (f"words in capitals missing: {missing}: names, initials and units "
                           "in capitals stay exactly as in the source")


def test_two_disclaimer_paragraphs_with_one_translation_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Language": "es", "Content-Type": "text/plain; charset=UTF-8"}
    for msgid in ("Not advice.", "Ask your doctor."):
        po.append(polib.POEntry(msgid=msgid, msgstr="No es un consejo."))
    write_catalog(po, path)
    po = read_catalog(path)
    roles = {(None, "Not advice."): Role.DISCLAIMER, (None, "Ask your doctor."): Role.DISCLAIMER}
    problems = catalog_problems(path, po, roles)
    lines = _msgstr_lines(path)
    assert [str(p) for p in problems] == [
        f"{path}:{lines['Ask your doctor.']}: disclaimer paragraph repeated: this translation "
        f"is the same as the one at line {lines['Not advice.']}, so this paragraph's content "
        "is missing: translate each paragraph"]
    assert catalog_problems(path, po, {}) == []  # not disclaimers: nothing to compare


def _break(project: Path, msgid: str, msgstr: str) -> Path:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    po.find(msgid).msgstr = msgstr
    write_catalog(po, path)
    return path


def test_check_command_reports_path_line_and_fails(project: Path, cli: Cli) -> None:
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


def test_check_command_reports_an_untranslated_disclaimer(project: Path, cli: Cli) -> None:
    _break(project, "This is not medical advice.", "")
    result = cli("check")
    assert result.code == 1
    assert "the disclaimer is not translated" in result.out


def test_one_problem_is_one_problem(project: Path, cli: Cli) -> None:
    _break(project, "Take *one* tablet of 20 mg each day.", "Tome *un* comprimido de 2 mg.")
    result = cli("check")
    assert result.code == 1
    assert result.err == "2 catalogs checked, 1 problem\n"


def test_a_charset_left_as_in_a_template_is_an_error(project: Path, cli: Cli) -> None:
    """msgfmt only warns, but --check fails the catalog: the message says what to do."""
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    path.write_text(path.read_text(encoding="utf-8").replace("charset=UTF-8", "charset=CHARSET"),
                    encoding="utf-8")
    result = cli("check")
    assert result.code == 1
    assert result.out.startswith("locales/es/LC_MESSAGES/small.po:4: the header must declare "
                                 "charset=UTF-8 (msgfmt: header field 'Content-Type' still "
                                 "has the initial default value)")
    assert "warning" not in result.out.split("(msgfmt:")[0]


def _msgstr_lines(path: Path) -> dict[str, int]:
    """Each msgid of a catalog with the line of its msgstr."""
    lines, found, msgid = path.read_text(encoding="utf-8").splitlines(), {}, ""
    for number, text in enumerate(lines, 1):
        if text.startswith("msgid "):
            msgid = text[7:-1]
        elif text.startswith("msgstr"):
            found[msgid] = number
    return found


def test_a_catalog_not_ready_lists_its_untranslated_and_fuzzy_entries(project: Path,
                                                                       cli: Cli) -> None:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(path)
    for msgid in ("First step", "Second step", "Key points"):
        po.find(msgid).msgstr = ""
    po.find("More").flags.append("fuzzy")
    write_catalog(po, path)
    lines = _msgstr_lines(path)
    result = cli("check", "--lang", "es")
    assert result.code == 1
    where = "locales/es/LC_MESSAGES/small.po"
    assert result.out.splitlines() == [
        f"{where}: only 73% of entries are translated (threshold 80%), so 'es' is not built: "
        "its untranslated and fuzzy entries follow",
        f'{where}:{lines["Key points"]}: untranslated: "Key points"',
        f'{where}:{lines["More"]}: fuzzy: "More"',
        f'{where}:{lines["First step"]}: untranslated: "First step"',
        f'{where}:{lines["Second step"]}: untranslated: "Second step"']
    assert result.err == "2 catalogs checked, 5 problems\n"
    # Ready at a lower threshold: entries left in English are no problem then.
    assert cli("check", "--threshold", "0.7").code == 0


def test_an_untranslated_disclaimer_is_named_once(project: Path, cli: Cli) -> None:
    path = _break(project, "Ask your doctor before you change a dose.", "")
    line = _msgstr_lines(path)["Ask your doctor before you change a dose."]
    result = cli("check")
    assert result.out.splitlines() == [
        f"locales/es/LC_MESSAGES/small.po:{line}: the disclaimer is not translated: every "
        "disclaimer paragraph must be translated",
        "locales/es/LC_MESSAGES/small.po: the disclaimer is not fully translated, so 'es' is "
        "not built: its untranslated and fuzzy entries follow"]


def test_check_takes_articles_and_languages(project: Path, cli: Cli) -> None:
    """A language just started does not fail the check of a translator working on another."""
    assert cli("init", "--lang", "de").code == 0
    everything = cli("check")
    assert everything.code == 1
    assert {line.split(":")[0] for line in everything.out.splitlines()} == {
        "locales/de/LC_MESSAGES/small.po"}
    assert "4 catalogs checked" in everything.err
    spanish = cli("check", "--lang", "es")
    assert (spanish.code, spanish.out, spanish.err) == (0, "", "2 catalogs checked, 0 problems\n")
    assert cli("check", "small", "--lang", "es", "--lang", "en").code == 0  # en: the source
    german = cli("check", "small", "--lang", "de")
    assert german.code == 1 and german.out == everything.out
    missing = cli("check", "--lang", "fr")
    assert missing.code == 1
    assert missing.out == ("locales/fr/LC_MESSAGES/small.po: no catalog for 'fr': create it "
                           "with 'pipeline init --lang fr'\n")
    assert cli("check", "nosuch").code == 1
    assert "unknown language or locale 'xx'" in cli("check", "--lang", "xx").err


def test_check_runs_msgfmt_check_and_reports_its_findings(project: Path, cli: Cli) -> None:
    path = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    text = path.read_text(encoding="utf-8").replace('"Language-Team: Spanish\\n"\n', "")
    path.write_text(text, encoding="utf-8")
    result = cli("check")
    assert result.code == 1
    assert "header field 'Language-Team' missing" in result.out


def test_malformed_catalog_is_reported_not_raised(project: Path, cli: Cli) -> None:
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


def test_shipped_catalogs_have_no_problems(tmp_path: Path, cli: Cli,
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
