"""Pronunciation lexicons: file format, whole-word matching in every script (lexicon.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.audio.script.lexicon import Lexicon, read_lexicon
from pipeline.errors import PipelineError
from support import ROOT

SHIPPED = sorted(ROOT.glob("locales/*/lexicon.tsv"))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_format_comments_blank_lines_and_tabs(tmp_path: Path) -> None:
    """Comments and blank lines are skipped; each entry is written<TAB>spoken."""
    path = write(tmp_path, "# a comment\n\n   # indented comment\nmg\tmilligrams\n  \n"
                           "Dr.\tDoctor\np 1-135\tpages 1 to 135\n")
    lexicon = read_lexicon(path)
    assert lexicon.spoken == {"mg": "milligrams", "Dr.": "Doctor", "p 1-135": "pages 1 to 135"}
    assert lexicon.apply("Dr. Vu: 20 mg, p 1-135.") == \
        "Doctor Vu: 20 milligrams, pages 1 to 135."


def test_whole_words_only() -> None:
    """'mg' is replaced in '20 mg' but not inside 'mgmt' or 'omg'."""
    lexicon = Lexicon.of({"mg": "milligrams"})
    assert lexicon.apply("20 mg") == "20 milligrams"
    assert lexicon.apply("(mg)") == "(milligrams)"
    assert lexicon.apply("mgmt omg mg_x") == "mgmt omg mg_x"


def test_case_sensitive() -> None:
    """'mg' does not match 'Mg' (magnesium) or 'MG'."""
    lexicon = Lexicon.of({"mg": "milligrams"})
    assert lexicon.apply("Mg, MG and mg") == "Mg, MG and milligrams"


def test_multi_word_forms() -> None:
    """A written form may span several words and keep its punctuation."""
    lexicon = Lexicon.of({"CC BY-SA 4.0": "Creative Commons Attribution Share-Alike 4.0"})
    assert lexicon.apply("Licence: CC BY-SA 4.0.") == \
        "Licence: Creative Commons Attribution Share-Alike 4.0."
    assert lexicon.apply("CC BY-SA 4.01") == "CC BY-SA 4.01"


def test_longest_form_wins() -> None:
    """'spinal cord injury (SCI)' is replaced whole, not as '... (spinal cord injury)'."""
    lexicon = Lexicon.of({"SCI": "spinal cord injury",
                          "spinal cord injury (SCI)": "spinal cord injury"})
    assert lexicon.apply("after spinal cord injury (SCI).") == "after spinal cord injury."
    assert lexicon.apply("people with SCI") == "people with spinal cord injury"


def test_longest_form_wins_over_a_prefix_with_other_edges() -> None:
    """Forms sharing a boundary check are grouped, longest first across the groups: 'Dr.'
    (ends with a mark) is tried before 'Dr' (ends with a letter) where both could match."""
    lexicon = Lexicon.of({"Dr": "Drive", "mg": "milligrams", "Dr.": "Doctor"})
    assert lexicon.apply("Dr. Vu, 3 Elm Dr, 20 mg") == "Doctor Vu, 3 Elm Drive, 20 milligrams"
    assert lexicon.apply("Drmg Dr.x") == "Drmg Doctorx"


def test_chinese_text_without_spaces() -> None:
    """Chinese characters never make a word edge: forms match inside a run of Hanzi."""
    lexicon = read_lexicon(ROOT / "locales" / "zh_Hans" / "lexicon.tsv")
    assert lexicon.apply("脊髓损伤（SCI）") == "脊髓损伤"
    assert lexicon.apply("20 mg") == "20 毫克"
    assert lexicon.apply("脊髓损伤（SCI）患者每次20 mg。") == "脊髓损伤患者每次20 毫克。"
    assert lexicon.apply("患者SCI后") == "患者脊髓损伤后"
    assert lexicon.apply("γ-氨基丁酸（GABA）是") == "伽马氨基丁酸是"


def test_devanagari_combining_marks_belong_to_the_word() -> None:
    """A vowel sign after or before a form makes it part of a longer word: no match."""
    lexicon = Lexicon.of({"गोल": "X"})
    assert lexicon.apply("गोल मेज़") == "X मेज़"
    assert lexicon.apply("गोली") == "गोली"  # गोल + vowel sign ी
    assert Lexicon.of({"ल": "X"}).apply("गोल") == "गोल"  # ो before ल
    hindi = read_lexicon(ROOT / "locales" / "hi" / "lexicon.tsv")
    assert hindi.apply("20 mg की गोली") == "20 मिलीग्राम की गोली"


def test_arabic_diacritics_belong_to_the_word() -> None:
    """A harakat mark after a form makes it another word; the article 'al-' does too."""
    lexicon = Lexicon.of({"قرص": "X"})
    assert lexicon.apply("قرص واحد") == "X واحد"
    assert lexicon.apply("قرصٌ واحد") == "قرصٌ واحد"
    assert lexicon.apply("القرص") == "القرص"
    arabic = read_lexicon(ROOT / "locales" / "ar" / "lexicon.tsv")
    assert arabic.apply("يؤخذ باكلوفين يوميًا") == "يؤخذ بَاكْلُوفِين يوميًا"


@pytest.mark.parametrize(("text", "line"), [
    ("# comment\nmg\tmilligrams\nSCI spinal cord injury\n", 3),  # spaces, no TAB
    ("mg\tmilligrams\n\nGABA\tgabba\textra\n", 3),  # three fields
    ("mg\t\n", 1),  # nothing to say
    ("\tmilligrams\n", 1),  # nothing written
])
def test_malformed_line_is_reported_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    """A bad line is a PipelineError printed as 'path:LINE: message'."""
    path = write(tmp_path, text)
    with pytest.raises(PipelineError) as raised:
        read_lexicon(path)
    assert str(raised.value).startswith(f"{path}:{line}: expected 'written<TAB>spoken'")


def test_duplicate_entry_is_an_error(tmp_path: Path) -> None:
    """A written form listed twice is an error at the second line."""
    path = write(tmp_path, "mg\tmilligrams\n# again\nmg\tmilligrammes\n")
    with pytest.raises(PipelineError) as raised:
        read_lexicon(path)
    assert str(raised.value) == f"{path}:3: 'mg' is listed twice"


def test_not_utf8_is_an_error(tmp_path: Path) -> None:
    """A lexicon saved in another encoding is a clear error naming the file."""
    path = tmp_path / "lexicon.tsv"
    path.write_bytes("lésion\tx\n".encode("latin-1"))
    with pytest.raises(PipelineError, match="not UTF-8") as raised:
        read_lexicon(path)
    assert raised.value.path == str(path)


def test_missing_file_is_an_empty_lexicon(tmp_path: Path) -> None:
    """No lexicon file: text passes through unchanged."""
    lexicon = read_lexicon(tmp_path / "nowhere" / "lexicon.tsv")
    assert lexicon.spoken == {}
    assert lexicon.apply("20 mg") == "20 mg"


def test_every_language_ships_a_lexicon() -> None:
    """Each of the six languages has a lexicon file."""
    assert [p.parent.name for p in SHIPPED] == ["ar", "en", "es", "fr", "hi", "zh_Hans"]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.parent.name)
def test_shipped_lexicon_reads_and_maps_mg(path: Path) -> None:
    """Each shipped lexicon parses and says 'mg' as a word of its language."""
    lexicon = read_lexicon(path)
    spoken = lexicon.apply("20 mg")
    assert spoken == f"20 {lexicon.spoken['mg']}"
    assert "mg" not in spoken


def test_a_unit_right_after_a_number_is_replaced() -> None:
    """"20mg" reads like "20 mg"; a letter before the form still blocks it ("xmg")."""
    lexicon = Lexicon.of({"mg": "milligrams"})
    assert lexicon.apply("20mg, 20 mg, xmg, mgmt") == "20milligrams, 20 milligrams, xmg, mgmt"
