"""The disclaimer's content, and the parts of credits and sources that must stay: each
rule refuses a broken translation of the real article in `pipeline check` (at its line)
and in the build, and every shipped translation passes it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.catalogs.checks import (
    check_length,
    check_sentences,
    length_floor,
    letters,
    prose,
    sentences,
)
from pipeline.model import Role
from support import ROOT, Cli

ES = Path("locales/es/LC_MESSAGES/baclofen.po")
FIRST = "This document does not provide medical advice."  # paragraph 1 begins so
SECOND = "The SCIRE Project, its partners"                  # and paragraph 2
SHIPPED = sorted(ROOT.glob("locales/*/LC_MESSAGES/baclofen.po"))


@pytest.fixture
def real(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The real article and its shipped catalogs, copied into a throwaway project."""
    shutil.copytree(ROOT / "source", tmp_path / "source")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PIPELINE_CACHE", str(tmp_path / ".cache"))
    return tmp_path


def _entry(po: polib.POFile, start: str) -> polib.POEntry:
    return next(e for e in po if not e.obsolete and e.msgid.startswith(start))


def _msgstr_line(path: Path, start: str) -> int:
    """The line of the ``msgstr`` of the entry whose msgid begins with ``start``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines) if text.startswith(f'msgid "{start[:20]}')
              or (text == 'msgid ""' and lines[n + 1].startswith(f'"{start[:20]}')))
    return next(n for n, text in enumerate(lines[at:], at + 1) if text.startswith("msgstr"))


Edit = Callable[[polib.POFile], str]  # changes the catalog, returns the msgid it points at


def _english(po: polib.POFile) -> str:
    entry = _entry(po, FIRST)
    entry.msgstr = entry.msgid
    return FIRST


def _first_sentence(po: polib.POFile) -> str:
    _entry(po, FIRST).msgstr = "Este documento no ofrece consejo médico."
    return FIRST


def _second_as_first(po: polib.POFile) -> str:
    _entry(po, SECOND).msgstr = _entry(po, FIRST).msgstr
    return SECOND


def _second_empty(po: polib.POFile) -> str:
    _entry(po, SECOND).msgstr = ""
    return SECOND


# name: (edit, what `pipeline check` says at the msgstr, what the build says)
CASES: dict[str, tuple[Edit, str, str]] = {
    "English copied in": (_english, "disclaimer copied from the source", "disclaimer copied"),
    "only the first sentence": (_first_sentence, "disclaimer too short",
                                "disclaimer too short"),
    "paragraph 2 = paragraph 1": (_second_as_first, "disclaimer paragraph repeated",
                                  "disclaimer paragraph repeated"),
    "paragraph 2 empty": (_second_empty, "the disclaimer is not translated",
                          "the disclaimer is not fully translated, so 'es' is not built"),
}


def _break(project: Path, edit: Edit) -> int:
    po = read_catalog(project / ES)
    start = edit(po)
    write_catalog(po, project / ES)
    return _msgstr_line(project / ES, start)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_broken_disclaimer_is_refused_by_check_and_build(real: Path, cli: Cli,
                                                          case: str) -> None:
    edit, checked_words, built_words = CASES[case]
    line = _break(real, edit)
    checked = cli("check")
    assert checked.code == 1
    assert f"{ES}:{line}: {checked_words}" in checked.out, checked.out
    built = cli("pdf", "--lang", "es")
    assert built.code == 1
    assert built_words in built.err, built.err
    assert "Traceback" not in built.err
    assert not (real / "output" / "es" / "baclofen.pdf").exists()


def test_a_first_sentence_only_disclaimer_also_lacks_sentences(real: Path, cli: Cli) -> None:
    line = _break(real, _first_sentence)
    result = cli("check", "--lang", "es")
    assert f"{ES}:{line}: disclaimer sentences missing: the source has 3 sentences, the " \
           "translation 1" in result.out
    assert "2 catalogs checked, 2 problems" in result.err


# (msgid begins, word in capitals dropped or changed, where it goes)
DROPPED = [
    ("Parts of this page have been adapted", "SCIRE", "Scire"),         # attribution
    (SECOND, "SCIRE", "Scire"),                                         # disclaimer
    ("005915731g Baclofen 20 MG", "MG", "mg"),                          # image credit
    ("Hsieh JTC, Connolly SJ", "Hsieh JTC", "Hsieh"),                   # attribution
]


@pytest.mark.parametrize(("start", "kept", "written"), DROPPED,
                         ids=["attribution", "disclaimer", "credit", "initials"])
def test_a_dropped_name_in_capitals_is_refused(real: Path, cli: Cli, start: str, kept: str,
                                               written: str) -> None:
    def drop(po: polib.POFile) -> str:
        entry = _entry(po, start)
        assert kept in entry.msgstr
        entry.msgstr = entry.msgstr.replace(kept, written)
        return start

    line = _break(real, drop)
    checked = cli("check", "baclofen", "--lang", "es")
    assert checked.code == 1
    assert f"{ES}:{line}: words in capitals missing: {kept.split()[-1]}" in checked.out
    built = cli("pdf", "--lang", "es")
    assert built.code == 1 and "words in capitals missing" in built.err


def test_a_catalog_in_the_source_language_may_keep_the_english(real: Path, cli: Cli) -> None:
    """en_GB of an English article: a disclaimer as in the source is no copy."""
    assert cli("init", "--lang", "en_GB").code == 0
    path = real / "locales" / "en_GB" / "LC_MESSAGES" / "baclofen.po"
    po = read_catalog(path)
    for entry in po:
        entry.msgstr = entry.msgid
    write_catalog(po, path)
    result = cli("check", "--lang", "en_GB")
    assert result.code == 0, result.out
    assert "2 catalogs checked, 0 problems" in result.err


def test_every_shipped_catalog_passes_check(real: Path, cli: Cli) -> None:
    result = cli("check")
    assert result.code == 0, result.out
    assert "10 catalogs checked, 0 problems" in result.err


def _long_translations(path: Path) -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.msgstr
            and len(e.msgid) >= 60]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.parent.parent.name for p in SHIPPED])
def test_length_floors_lie_between_real_translations_and_a_first_sentence(path: Path) -> None:
    """Every shipped translation of 60 characters or more is above its script's floor, and
    the disclaimer's first sentence alone is below it."""
    for entry in _long_translations(path):
        floor, _ = length_floor(prose(entry.msgstr))
        ratio = letters(prose(entry.msgstr)) / letters(prose(entry.msgid))
        assert ratio >= floor * 1.5, entry.msgid
    disclaimer = _entry(polib.pofile(str(path)), FIRST)
    cut = min((i for i, ch in enumerate(disclaimer.msgstr) if ch in ".。।"), default=-1)
    first = polib.POEntry(msgid=disclaimer.msgid, msgstr=disclaimer.msgstr[:cut + 1])
    assert check_length(first, Role.DISCLAIMER) is not None
    assert check_sentences(first, Role.DISCLAIMER) is not None


@pytest.mark.parametrize(("text", "floor", "name"), [
    ("Este documento no ofrece consejo médico.", 0.5, "LATIN"),
    ("本页部分内容改编自 SCIRE Professional 的“Spasticity”模块：", 0.12, "CJK"),
    ("يُخلي مشروع SCIRE وشركاؤه", 0.35, "ARABIC"),
    ("इस पृष्ठ के कुछ हिस्से SCIRE Professional के", 0.45, "DEVANAGARI"),
    ("この文書は医学的な助言を提供しません。", 0.12, "CJK"),  # kana and kanji: one floor
    ("이 문서는 의학적 조언을 제공하지 않습니다.", 0.15, "HANGUL"),  # not measured: the default
    ("1234", 0.15, ""),
], ids=["es", "zh with Latin names", "ar", "hi", "ja", "ko", "no letters"])
def test_the_floor_is_that_of_the_translation_s_script(text: str, floor: float,
                                                       name: str) -> None:
    assert length_floor(text) == (floor, name)


@pytest.mark.parametrize(("text", "count"), [
    ("One. Two! Three? Four", 4),
    ("本文件不提供医疗建议。本信息仅供教育用途。如需进一步的信息，请咨询专业人员。", 3),
    ("यह दस्तावेज़ सलाह नहीं देता। यह जानकारी केवल शैक्षिक है।", 2),
    ("هل هذا واضح؟ نعم. شكرا", 3),
    ("Ask e.g. the team. Then stop.", 2),      # an abbreviation before a lowercase word
    ('He said "stop." Then he left.', 2),      # a quote closes the sentence
    ("Version 6.0: p. 1-135", 2),              # "p." before a number ends one, as in English
    ("", 0),
], ids=["Latin", "zh", "hi", "ar", "abbreviation", "quote", "page", "empty"])
def test_sentences_are_counted_in_every_script(text: str, count: int) -> None:
    assert sentences(text) == count
