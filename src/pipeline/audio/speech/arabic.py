"""Arabic text to Kokoro-82M's phonemes: diacritics, pausal form, IPA, Kokoro's symbols.

Kokoro has no Arabic voice, but its phoneme vocabulary holds most Arabic sounds, and
a voice of another language reads Arabic IPA well enough to be followed far better
than eSpeak NG's own Arabic (measured: docs/voices.md, Intelligibility). Unvowelled
Arabic is ambiguous, so the text goes through four steps:

    text --diacritise--> vowelled --pausal--> vowelled, no case endings
         --eSpeak NG IPA--> IPA --kokoro_symbols--> phonemes in Kokoro's vocabulary

- ``text2tashkeel`` restores the short vowels (its ONNX models ship in the wheel; one
  sentence per call, as its documentation asks);
- pausal form: a speaker drops a word's final short vowel or nunation, and eSpeak NG
  reads the dropped endings far more often wrongly than right;
- eSpeak NG (``phonemizer`` over the ``espeakng-loader`` library, the one kokoro-onnx
  uses) gives the IPA; kokoro-onnx's own tokenizer would drop ʕ, ħ and ˤ silently;
- ``kokoro_symbols`` maps what Kokoro lacks to its nearest sound (ħ -> h, ʕ -> ʔ,
  an emphatic's ˤ + a -> ɑ) and drops what it cannot say.

Nothing is written to disk and nothing is downloaded. A book's Arabic is phonemised
all at once in a child process (``apart``, as ``chinese`` does), before the model loads.

    python -m pipeline.audio.speech.arabic  < JSON list of texts  > JSON list of phonemes
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Sequence
from functools import cache
from typing import Any, Final

from pipeline.audio.speech import child
from pipeline.audio.speech.engines import package_version

# Bumped when a step below changes what is said: part of the speech cache key.
FRONT_END: Final = "ar-3"

SHORT_VOWELS: Final = "\u064b\u064c\u064d\u064e\u064f\u0650\u0652"  # tanween, harakat, sukun
SHADDA: Final = "\u0651"
TANWEEN_FATH: Final = "\u064b"
# Arabic punctuation eSpeak NG's phonemiser does not keep: Latin marks, so the model
# hears where clauses and sentences end.
PUNCTUATION: Final = str.maketrans({"،": ",", "؛": ";", "؟": "?", "«": '"', "»": '"',
                                    "\u06d4": "."})
_HARAKAT = re.compile(f"[{SHORT_VOWELS}{SHADDA}\u0670]")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a\u0671-\u06d3\u064b-\u0652\u0670]+")
_lock = threading.Lock()  # text2tashkeel's session and eSpeak NG's state are shared


@cache
def _diacritizer() -> Any:
    from text2tashkeel import Diacritizer

    return Diacritizer()


def diacritised(text: str) -> str:
    """``text`` with its short vowels restored, sentence by sentence; a word already
    vowelled (by the lexicon) keeps its own marks."""
    sentences = re.split(r"(?<=[.!?؟:؛])\s+", text)
    with _lock:
        return " ".join(_merged(s, str(_diacritizer().diacritize(s)))
                        if _ARABIC_WORD.search(s) else s for s in sentences)


def _merged(written: str, predicted: str) -> str:
    """The predicted vowels, word by word, except where the writer vowelled the word
    (the lexicon's words: a mark for at least every other letter) or where the model
    changed its letters (it sometimes adds a hamza: باكلوفين -> بِأُكْلُوفِين). A word
    with a mark or two (يُستخدم) takes the model's vowels: eSpeak NG reads its
    unmarked letters as a consonant cluster (jˈustχdm)."""
    words, guesses = written.split(" "), predicted.split(" ")
    if len(words) != len(guesses):
        return predicted
    kept = []
    for word, guess in zip(words, guesses, strict=True):
        bare = _HARAKAT.sub("", word)
        same = _HARAKAT.sub("", guess) == bare
        vowelled = 2 * len(_HARAKAT.findall(word)) >= len(bare)
        kept.append(guess if same and not vowelled else word)
    return " ".join(kept)


_FINAL_MARKS = re.compile(f"[{SHORT_VOWELS}{SHADDA}]+$")


def _pausal_word(word: str) -> str:
    """One word without its final short vowel or nunation (a final shadda stays)."""
    if word.endswith("ا"):  # كتابًا -> كتابا, read with a long a
        return word[:-1].replace(TANWEEN_FATH, "") + "ا" if word[:-1] else word
    marks = _FINAL_MARKS.search(word)
    if marks is None or marks.start() == 0:
        return word
    return word[:marks.start()] + (SHADDA if SHADDA in marks.group(0) else "")


def pausal(text: str) -> str:
    """Every Arabic word in its pausal form: case endings dropped."""
    return _ARABIC_WORD.sub(lambda m: _pausal_word(m.group(0)), text)


@cache
def _wrapper_ready() -> None:
    """Point phonemizer at the espeakng-loader library and data (as kokoro-onnx does)."""
    import espeakng_loader
    from phonemizer.backend.espeak.wrapper import EspeakWrapper

    EspeakWrapper.set_data_path(espeakng_loader.get_data_path())
    EspeakWrapper.set_library(espeakng_loader.get_library_path())


def ipa(text: str) -> str:
    """eSpeak NG's Arabic IPA for vowelled ``text``, stress marks and punctuation kept."""
    import phonemizer

    _wrapper_ready()
    with _lock:
        spoken = phonemizer.phonemize(text.translate(PUNCTUATION), "ar",
                                      preserve_punctuation=True, with_stress=True,
                                      language_switch="remove-flags")
    return " ".join(str(spoken).split())


_EMPHATIC_A = re.compile(r"([tdsðz])ˤ([ˈˌ]?)a")


def kokoro_symbols(phonemes: str) -> str:
    """eSpeak NG's Arabic IPA in Kokoro's vocabulary (the nearest sound where it lacks one)."""
    phonemes = phonemes.replace("\u032a", "")  # dental diacritic
    phonemes = re.sub(r"(?<=\w)\.(?=[\wˈˌ])", "", phonemes)  # eSpeak's syllable dots
    phonemes = phonemes.replace("dʒ", "ʤ").replace("tʃ", "ʧ")
    phonemes = _EMPHATIC_A.sub(r"\1\2ɑ", phonemes)  # an emphatic darkens its a
    phonemes = phonemes.replace("ˤ", "").replace("ħ", "h").replace("ʕ", "ʔ")
    return phonemes.replace('"', "")


def phonemes(text: str) -> str:
    """Kokoro's phonemes for Arabic ``text`` (all four steps)."""
    return kokoro_symbols(ipa(pausal(diacritised(text))))


def apart(texts: Sequence[str]) -> list[str]:
    """``phonemes`` of each text, made in a child process that exits when done, so that
    text2tashkeel's sessions (~75 MB) are not in memory beside the model's."""
    return child.run(__name__, texts, "the Arabic front end")


def version() -> str:
    """What changes the phonemes: part of the speech cache key."""
    return (f"{FRONT_END}, text2tashkeel {package_version('text2tashkeel')}, "
            f"phonemizer {package_version('phonemizer')}")


if __name__ == "__main__":
    logging.getLogger("phonemizer").setLevel(logging.ERROR)
    child.serve(phonemes)
