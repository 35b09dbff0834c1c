"""The Arabic front end for Kokoro (pipeline.audio.speech.arabic): diacritics, pausal
form, phonemes, every symbol in Kokoro's vocabulary. Real text2tashkeel and eSpeak NG."""

from __future__ import annotations

import json
import re
from importlib import resources

from pipeline.audio.script.lexicon import read_lexicon
from pipeline.audio.script.narration import narrate
from pipeline.audio.speech import arabic
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.locales import to_gettext
from pipeline.source.parse import parse_file
from support import ROOT

HARAKAT = re.compile("[\u064b-\u0652]")


def kokoro_vocabulary() -> set[str]:
    config = resources.files("kokoro_onnx").joinpath("config.json").read_text(encoding="utf-8")
    return set(json.loads(config)["vocab"])


def arabic_script() -> list[str]:
    config = Config(source=ROOT / "source", locales=ROOT / "locales")
    document = load_translation(config, parse_file(ROOT / "source" / "baclofen.md"), "ar")
    script = narrate(document, lambda code: read_lexicon(
        config.locales / to_gettext(code) / "lexicon.tsv"))
    return [u.text for u in script.utterances() if u.lang == "ar"]


def test_diacritics_are_restored_on_the_same_letters() -> None:
    plain = "يؤخذ الدواء عن طريق الفم"
    vowelled = arabic.diacritised(plain)
    assert len(HARAKAT.findall(vowelled)) >= 10
    assert HARAKAT.sub("", vowelled) == plain


def test_the_lexicons_vowels_are_kept() -> None:
    """A word the lexicon vowelled keeps its marks (the model would re-guess them, and
    it reads باكلوفين as بِأُكْلُوفِين, with a hamza); its neighbours are vowelled."""
    vowelled = arabic.diacritised("قرص بَاكْلُوفِين أبيض")
    assert vowelled.split(" ")[1] == "بَاكْلُوفِين"
    assert HARAKAT.search(vowelled.split(" ")[0]) and HARAKAT.search(vowelled.split(" ")[2])
    # A translator's single mark (يُستخدم) does not make a word vowelled: the model's
    # vowels are taken, or eSpeak NG would read a consonant cluster.
    word = arabic.diacritised("دواء يُستخدم لإرخاء العضلات").split(" ")[1]
    assert HARAKAT.sub("", word) == "يستخدم" and len(HARAKAT.findall(word)) >= 4


def test_pausal_form_drops_case_endings_only() -> None:
    assert arabic.pausal("كِتَابٌ") == "كِتَاب"
    assert arabic.pausal("الْعَضَلِيِّ") == "الْعَضَلِيّ"  # a final shadda stays
    assert arabic.pausal("كُلًّا") == "كُلّا"  # nunation before a final alef: a long a
    assert arabic.pausal("مِنْ بَعْدِ") == "مِن بَعْد"
    assert arabic.pausal("SCI 20") == "SCI 20"


def test_kokoro_symbols_map_what_kokoro_lacks() -> None:
    mapped = arabic.kokoro_symbols("ħabl ʕadˤˈa.lat sˤabr dʒamiːl. ʔiθˤ")
    assert mapped == "habl ʔadˈɑlat sɑbr ʤamiːl. ʔiθ"


def test_a_drug_name_and_an_emphatic() -> None:
    assert re.sub("[ˈˌ]", "", arabic.phonemes("بَاكْلُوفِين")) == "baːkluːfiːn"
    assert arabic.phonemes("حَبْل") == "hˈabl"  # ħ said as h
    assert arabic.phonemes("ضَرَبَ").startswith("dˈɑr")  # an emphatic darkens its a


def test_every_phoneme_of_the_arabic_book_is_in_kokoros_vocabulary() -> None:
    """The whole Arabic narration: nothing Kokoro would drop silently (ʕ, ħ, ˤ, eSpeak's
    language-switch flags or syllable dots), and something to say for every utterance."""
    vocabulary = kokoro_vocabulary()
    texts = arabic_script()
    spoken = [arabic.phonemes(text) for text in texts]
    assert len(spoken) == len(texts) > 60
    unknown = {symbol for phonemes in spoken for symbol in phonemes} - vocabulary
    assert unknown == set()
    assert all(len(phonemes) > 3 for phonemes in spoken)
    assert not any("(en)" in phonemes or "(ar)" in phonemes for phonemes in spoken)


def test_the_version_names_the_front_end() -> None:
    assert arabic.FRONT_END in arabic.version()
    assert "text2tashkeel" in arabic.version()


def test_a_book_is_phonemised_apart_as_in_process() -> None:
    """``apart`` (a child process, so text2tashkeel never sits beside the model) gives
    the same phonemes as ``phonemes``, in order."""
    texts = ["قرص بَاكْلُوفِين أبيض.", "تأليف SCIRE Community Team."]
    assert arabic.apart(texts) == [arabic.phonemes(text) for text in texts]
