"""Numbers said as words in the Arabic narration (pipeline.audio.script.numbers): every
number of the shipped Arabic catalog, Arabic-Indic digits, and the script as narrated."""

from __future__ import annotations

import re

import pytest
from arabic_tts_frontend.parse import words_to_values

from pipeline.audio.script.lexicon import read_lexicon
from pipeline.audio.script.narration import narrate
from pipeline.audio.script.numbers import arabic, in_words
from pipeline.catalogs.catalog import read_catalog
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.locales import to_gettext
from pipeline.source.parse import parse_file
from support import ROOT

CATALOG = ROOT / "locales" / "ar" / "LC_MESSAGES" / "baclofen.po"
DIGITS = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")

# Every number in the shipped Arabic catalog, with what the narration must say for it.
CATALOG_NUMBERS = {
    "20 mg": "عشرون mg",  # the dose (the lexicon spells mg out before this step)
    "20 MG": "عشرون MG",
    "الأسبوع 2 من": "الأسبوع اثنان من",
    "005915731g": "صفر صفر خمسة تسعة واحد خمسة سبعة ثلاثة واحد g",  # an image's code
    "(2016).": "(ألفان وستة عشر).",
    "الإصدار 6.0:": "الإصدار ستة فاصلة صفر:",
    "ص 1-135.": "ص واحد إلى مئة وخمسة وثلاثون.",
}


def test_every_number_of_the_arabic_catalog() -> None:
    """Each number the catalog holds is said as the words listed above, and no digit is
    left in any translation once the narration's number step has run."""
    msgstrs = [entry.msgstr for entry in read_catalog(CATALOG) if entry.msgstr]
    found = {written for written in CATALOG_NUMBERS if any(written in m for m in msgstrs)}
    assert found == set(CATALOG_NUMBERS), "the catalog's numbers changed: update the table"
    with_digits = [m for m in msgstrs if DIGITS.search(m)]
    assert len(with_digits) == 4
    for written, spoken in CATALOG_NUMBERS.items():
        assert arabic(written) == spoken
    for msgstr in msgstrs:
        assert not DIGITS.search(arabic(msgstr)), msgstr


@pytest.mark.parametrize(("number", "words"), [
    ("20", "عشرون"), ("21", "واحد وعشرون"), ("10", "عشرة"), ("135", "مئة وخمسة وثلاثون"),
    ("2017", "ألفان وسبعة عشر"), ("3", "ثلاثة")])
def test_cardinals_read_back_to_their_value(number: str, words: str) -> None:
    """Unit before ten (21 is "one and twenty"); an independent parser reads the words
    back as the same value."""
    assert arabic(number) == words
    assert words_to_values(words) == {int(number)}


def test_arabic_indic_digits_doses_dates_and_percentages() -> None:
    assert arabic("٢٠ مِلِّيغْرَام") == "عشرون مِلِّيغْرَام"
    assert arabic("۲۰") == "عشرون"  # Eastern Arabic-Indic, as written in Persian and Urdu
    assert arabic("٦٫٥") == "ستة فاصلة خمسة"
    assert arabic("تاريخ النشر 10 نوفمبر 2017.") == "تاريخ النشر عشرة نوفمبر ألفان وسبعة عشر."
    assert arabic("47%") == "سبعة وأربعون بالمئة"
    assert arabic("٪٤٧") == "سبعة وأربعون بالمئة"
    assert arabic("٥-١٠ ملغ") == "خمسة إلى عشرة ملغ"
    assert arabic("بدون أرقام.") == "بدون أرقام."


def test_only_arabic_is_changed() -> None:
    assert in_words("es")("20 mg") == "20 mg"
    assert in_words("ar")("20 mg") == "عشرون mg"
    assert in_words("ar-EG")("3") == "ثلاثة"


def test_the_arabic_narration_says_no_digit_and_the_dose_in_words() -> None:
    """The whole Arabic book, as narrated: not one digit (Western or Arabic-Indic) in an
    Arabic utterance, the dose said as 'twenty milligrams', the date as words."""
    config = Config(source=ROOT / "source", locales=ROOT / "locales")
    document = load_translation(config, parse_file(ROOT / "source" / "baclofen.md"), "ar")
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    arabic_texts = [u.text for u in script.utterances() if u.lang == "ar"]
    assert not [text for text in arabic_texts if DIGITS.search(text)]
    assert any("عشرون مِلِّيغْرَام" in text for text in arabic_texts)
    assert any("نوفمبر ألفان وسبعة عشر" in text for text in arabic_texts)
