"""The narration script: what the listener hears, in order (pipeline.audio.script.narration)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.audio.script.lexicon import Lexicon, read_lexicon
from pipeline.audio.script.narration import PAUSE, Script, Utterance, narrate, rendered, speakable
from pipeline.catalogs.catalog import read_catalog, write_catalog
from pipeline.catalogs.translate import load_translation
from pipeline.config import Config
from pipeline.locales import to_gettext
from pipeline.model import Document
from pipeline.source.parse import parse_file
from support import REAL_LANGS, ROOT, shipped_strings

REAL = Config(source=ROOT / "source", locales=ROOT / "locales")
BACLOFEN = ROOT / "source" / "baclofen.md"
# Markdown that must never be read aloud, and any trace of a web address.
MARKUP = re.compile(r"[*_\[\]]|\]\(|\(https?:")
ADDRESS = re.compile(r"https?|://|www\.|\b(?:[\w-]+\.)+[a-z]{2,}/")


def translated(config: Config, article: Path, lang: str) -> Document:
    return load_translation(config, parse_file(article), lang)


def no_lexicon(_lang: str) -> Lexicon:
    return Lexicon()


def shipped_lexicons(config: Config) -> Callable[[str], Lexicon]:
    return lambda lang: read_lexicon(config.locales / to_gettext(lang) / "lexicon.tsv")


def texts(script: Script) -> list[str]:
    return [u.text for u in script.utterances()]


def headings(article: Path) -> list[str]:
    """The level-2 headings as written in the Markdown source."""
    return re.findall(r"^## (.+)$", article.read_text(encoding="utf-8"), flags=re.MULTILINE)


@pytest.fixture
def small_es(project: Path) -> Document:
    return translated(Config(), project / "source" / "small.md", "es")


def test_small_es_script_reads_in_order(small_es: Document) -> None:
    """The Spanish fixture reads title, notice, byline, sections, credits, disclaimer."""
    script = narrate(small_es, no_lexicon)
    assert [c.title for c in script.chapters] == [
        "Artículo de prueba breve", "Puntos clave", "Más",
        "Créditos, fuentes y descargo de responsabilidad"]
    assert texts(script) == [
        "Artículo de prueba breve",
        small_es.labels.not_reviewed.text,
        "Escrito por Test Team.",
        "Revisado por A. Reviewer.",
        "Publicado 3 de febrero de 2020.",
        "Puntos clave",
        "Tome un comprimido de 20 mg cada día.",
        "No lo deje de golpe.",
        "Pregunte antes a su equipo.",
        "Más",
        "Imagen: Un comprimido redondo y blanco. Un comprimido de 20 mg.",
        "Lea nuestra guía para saber más.",
        "1. Primer paso",
        "2. Segundo paso",
        "Créditos de las imágenes",
        "Foto de un comprimido. Example Holder. CC BY 4.0.",
        "Fuentes",
        "Adaptado de Example Module (2016), p. 1-35.",
        "Descargo de responsabilidad",
        "Esto no es un consejo médico.",
        "Consulte a su médico antes de cambiar una dosis.",
    ]
    assert small_es.labels.not_reviewed.text.startswith("Esta traducción todavía no")
    assert {u.lang for u in script.utterances()} == {"es"}


def test_english_source_has_no_review_notice(project: Path) -> None:
    """The English source is not a translation, so no 'not yet reviewed' notice is read."""
    document = translated(Config(), project / "source" / "small.md", "en")
    script = narrate(document, no_lexicon)
    opening = [u.text for u in script.chapters[0].utterances]
    assert opening == ["Small test article", "Written by Test Team.",
                       "Reviewed by A. Reviewer.", "Published February 3, 2020."]
    assert not any("not yet been checked" in text for text in texts(script))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_real_article_chapters(lang: str) -> None:
    """The real article: an opening, one chapter per ## section, then the closing one."""
    document = translated(REAL, BACLOFEN, lang)
    script = narrate(document, no_lexicon)
    sections = [s.heading.text.text for s in document.sections() if s.heading is not None]
    assert len(sections) == len(headings(BACLOFEN)) == 7
    assert [c.title for c in script.chapters] == [
        document.meta.title.text, *sections, document.labels.closing.text]
    if lang == "en":
        assert sections == headings(BACLOFEN)
    opening = [u.text for u in script.chapters[0].utterances]
    assert opening[0] == document.meta.title.text
    notice = document.labels.not_reviewed.text
    assert (opening[1] == notice) if lang == "es" else (notice not in opening)
    assert any("SCIRE Community Team" in text for text in opening)
    assert any("Patricia Mills" in text for text in opening)
    for chapter, heading in zip(script.chapters[1:-1], sections, strict=True):
        assert chapter.utterances[0].text == heading


@pytest.mark.parametrize("lang", ["en", "es"])
def test_closing_chapter_reads_credits_then_disclaimer_last(lang: str) -> None:
    """Image credits (title, holder, licence) are read; the disclaimer paragraphs end it."""
    document = translated(REAL, BACLOFEN, lang)
    closing = [u.text for u in narrate(document, no_lexicon).chapters[-1].utterances]
    assert closing[0] == document.labels.image_credits.text
    assert len(document.credits) == 3
    for credit in document.credits:
        assert any(credit.title.text in text and credit.holder in text
                   and credit.license in text for text in closing), credit.title.text
    disclaimer = [" ".join(p.text.split()) for p in document.disclaimer]
    assert len(disclaimer) == 2
    assert closing[-len(disclaimer):] == disclaimer
    assert closing[-len(disclaimer) - 1] == document.labels.disclaimer.text
    assert not any("creativecommons" in text for text in closing)


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_no_markdown_or_addresses_are_spoken(lang: str) -> None:
    """No Markdown punctuation and no URL (scheme, 'www.' or path) in any language."""
    document = translated(REAL, BACLOFEN, lang)
    script = narrate(document, shipped_lexicons(REAL))
    spoken = [*texts(script), *(c.title for c in script.chapters)]
    assert len(spoken) > 80
    for text in spoken:
        assert not MARKUP.search(text), text
        assert not ADDRESS.search(text), text


def test_link_text_is_spoken_and_address_is_not() -> None:
    """A link is read as its text; a bare address is read as its site only."""
    script = narrate(translated(REAL, BACLOFEN, "en"), shipped_lexicons(REAL))
    spoken = texts(script)
    assert any(t == "Refer to our article on Spasticity for more information!" for t in spoken)
    assert "Available from: scireproject.com" in spoken
    assert "Glossary terms available from: community.scireproject.com" in spoken


def test_figures_are_read_as_label_alt_caption() -> None:
    """Every figure of the real article is one utterance 'Image: <alt>. <caption>'."""
    document = translated(REAL, BACLOFEN, "en")
    spoken = texts(narrate(document, no_lexicon))
    figures = [t for t in spoken if t.startswith("Image: ")]
    assert figures == [
        "Image: A three-dimensional molecule drawn as grey, white, red, blue and green balls "
        "joined by sticks. A ball and stick model of baclofen.",
        "Image: A round white baclofen tablet. Baclofen tablet 20 mg.",
        "Image: A drawing of a pump placed under the skin of the belly, with a thin tube that "
        "carries the medicine into the spinal column. Diagram showing an intrathecal pump "
        "inside the spinal column.",
    ]


def test_pauses_follow_the_structure(small_es: Document) -> None:
    """Headings pause longer than paragraphs, paragraphs than items; chapters end longest."""
    assert PAUSE["chapter"] > PAUSE["heading"] > PAUSE["paragraph"] > PAUSE["item"]
    script = narrate(small_es, no_lexicon)
    pause = {u.text: u.pause_ms for u in script.utterances()}
    assert pause["Puntos clave"] == PAUSE["heading"]
    assert pause["Tome un comprimido de 20 mg cada día."] == PAUSE["item"]
    assert pause["Imagen: Un comprimido redondo y blanco. Un comprimido de 20 mg."] == \
        PAUSE["paragraph"]
    assert pause["Lea nuestra guía para saber más."] == PAUSE["paragraph"]
    assert pause["1. Primer paso"] == PAUSE["item"]
    for chapter in script.chapters:
        assert chapter.utterances[-1].pause_ms == PAUSE["chapter"]
        assert all(u.pause_ms != PAUSE["chapter"] for u in chapter.utterances[:-1])


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_every_chapter_of_the_real_article_ends_with_the_chapter_pause(lang: str) -> None:
    """In every language, only each chapter's last utterance has the chapter pause."""
    script = narrate(translated(REAL, BACLOFEN, lang), no_lexicon)
    for chapter in script.chapters:
        pauses = [u.pause_ms for u in chapter.utterances]
        assert pauses[-1] == PAUSE["chapter"]
        assert PAUSE["chapter"] not in pauses[:-1]


def test_fallback_segment_is_read_in_english(project: Path) -> None:
    """An untranslated entry is one English utterance; the rest stays Spanish."""
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(catalog)
    entry = po.find("Do **not** stop suddenly.")
    assert entry is not None
    entry.msgstr = ""
    write_catalog(po, catalog)
    document = translated(Config(threshold=0), project / "source" / "small.md", "es")
    script = narrate(document, no_lexicon)
    english = [u for u in script.utterances() if u.lang != "es"]
    assert english == [Utterance("Do not stop suddenly.", "en", PAUSE["item"], "s-1-1-2")]
    assert len(list(script.utterances())) == 21
    last = script.chapters[-1].utterances[-1]
    assert last == Utterance("Consulte a su médico antes de cambiar una dosis.", "es",
                             PAUSE["chapter"], "disclaimer-2")


def _blank(project: Path, *msgids: str) -> Document:
    catalog = project / "locales" / "es" / "LC_MESSAGES" / "small.po"
    po = read_catalog(catalog)
    for msgid in msgids:
        po.find(msgid).msgstr = ""
    write_catalog(po, catalog)
    return translated(Config(threshold=0), project / "source" / "small.md", "es")


def test_untranslated_pieces_switch_voice_cleanly(project: Path) -> None:
    """A fallback credit title or numbered item: each voice reads whole words, and the
    number goes with its item's voice."""
    script = narrate(_blank(project, "A tablet photo", "First step"), no_lexicon)
    spoken = [(u.lang, u.text) for u in script.utterances()]
    assert ("en", "1. First step") in spoken
    assert ("es", "2. Segundo paso") in spoken
    assert ("en", "A tablet photo") in spoken
    assert ("es", "Example Holder. CC BY 4.0.") in spoken
    assert not [text for _, text in spoken if text[0] in ".,:;"]


def test_a_nested_list_keeps_the_item_pause_inside_its_parent() -> None:
    """Only the end of the whole list gets the paragraph pause, not the end of a sublist."""
    from pipeline.source.parse import parse

    article = ("---\ntitle: T\nlang: en\ndisclaimer: D.\n---\n\n## S\n\n"
               "- One\n  - One point one\n- Two\n\nAfter.\n")
    document = parse(article, path="source/t.md", slug="t")
    pause = {u.text: u.pause_ms for u in narrate(document, no_lexicon).utterances()}
    assert pause["One point one"] == PAUSE["item"]
    assert pause["Two"] == PAUSE["paragraph"]


def test_each_utterance_names_the_element_it_reads(project: Path) -> None:
    """Utterance.ref is model.ref of the element read: title, notice, byline lines,
    section headings and blocks (list items by position, nested ones below them), then
    the closing headings and their items, in reading order."""
    document = translated(Config(), project / "source" / "small.md", "es")
    assert [u.ref for u in narrate(document, no_lexicon).utterances()] == [
        "title", "notice", "by-written_by", "by-reviewed_by", "by-published",
        "s-1", "s-1-1-1", "s-1-1-2", "s-1-1-2-1",  # Key points: a list with a sublist
        "s-2", "s-2-1", "s-2-2", "s-2-3-1", "s-2-3-2",  # More: figure, paragraph, list
        "credits", "credits-1", "sources", "sources-1",
        "disclaimer", "disclaimer-1", "disclaimer-2"]


def _one(text: str, lang: str, pause: str = "paragraph") -> list[tuple[str, str, int]]:
    """``text`` as one utterance in ``lang``, through the Latin-in-English split."""
    from pipeline.audio.script.narration import Chapter, latin_in_english

    script = Script(lang, "t", (Chapter("t", (Utterance(text, lang, PAUSE[pause], "s-1-2"),)),))
    parts = list(latin_in_english(script).utterances())
    assert {u.ref for u in parts} == {"s-1-2"}  # every part still reads its element
    return [(u.lang, u.text, u.pause_ms) for u in parts]


def test_latin_words_in_chinese_are_read_in_english() -> None:
    """Names and the English citation in Chinese text go to the English voice; the last
    part keeps the utterance's pause, the parts before it get a short one."""
    assert _one("作者 SCIRE Community Team.", "zh-Hans") == [
        ("zh-Hans", "作者", 150), ("en", "SCIRE Community Team.", 650)]
    assert _one("请观看：Vu 医生讲解，Verma 医生讲述。", "zh-Hans") == [
        ("zh-Hans", "请观看：", 150), ("en", "Vu", 150), ("zh-Hans", "医生讲解，", 150),
        ("en", "Verma", 150), ("zh-Hans", "医生讲述。", 650)]
    assert _one("Wolfe DL (2016). Spasticity. 载于：Querée M 编.", "zh-Hans") == [
        ("en", "Wolfe DL (2016). Spasticity.", 150), ("zh-Hans", "载于：", 150),
        ("en", "Querée M", 150), ("zh-Hans", "编.", 650)]


def test_latin_words_in_hindi_are_read_in_english() -> None:
    """A separator left at the start of the Hindi part is dropped (no voice starts on one)."""
    assert _one("SCIRE Project, इसके भागीदार।", "hi") == [
        ("en", "SCIRE Project", 150), ("hi", "इसके भागीदार।", 650)]


@pytest.mark.parametrize(("text", "lang"), [
    ("每天 20 毫克，5 g 即可。", "zh-Hans"),  # digits and a lone unit letter stay Chinese
    ("Tome 20 mg de baclofeno (Lioresal).", "es"),  # Latin script: nothing to split
    ("This is English.", "en")])
def test_other_text_is_not_split(text: str, lang: str) -> None:
    assert _one(text, lang) == [(lang, text, 650)]


@pytest.mark.parametrize("lang", ["zh_Hans", "hi"])
def test_real_article_latin_words_go_to_the_english_voice(lang: str) -> None:
    """In the real Chinese and Hindi scripts no utterance in those languages keeps a word
    of two or more Latin letters; the attribution's names are read in English."""
    document = translated(REAL, BACLOFEN, lang)
    script = narrate(document, shipped_lexicons(REAL))
    native = [u.text for u in script.utterances() if u.lang != "en"]
    assert not [t for t in native if re.search(r"[A-Za-z]{2}", t)]
    english = [u.text for u in script.utterances() if u.lang == "en"]
    assert "SCIRE Community Team." in english and any("Wolfe DL" in t for t in english)


SPOKEN_TRICKY = ("AT&T", "AT&amp;T", "&copy; 2020", "&lt;b&gt;", 'say "yes"', "it's 50 %",
                 "a > b", "a < b", "2 * 3", "snake_case", "*em* and **strong**",
                 "[link](http://example.org)", "![image](x.png)", "<http://example.org>",
                 "a `code` span", "a\\*b", "line one\nline two", "hard  \nbreak",
                 "trailing  ", "  leading", "tab\there", "~~struck~~", "#1 - item: 1. first",
                 "carriage\rreturn", "nul\0char", " ", "")


def test_a_text_without_markup_characters_is_spoken_as_the_parser_renders_it() -> None:
    """``speakable`` skips the parser for a text with none of the characters that can
    begin inline Markdown: for every string of every shipped catalog, the source and the
    tricky ones above, the parser renders exactly that."""
    texts = shipped_strings()
    texts += BACLOFEN.read_text(encoding="utf-8").splitlines() + list(SPOKEN_TRICKY)
    assert {text: speakable(text) for text in texts} == {text: rendered(text) for text in texts}
    assert sum(speakable(text) is text for text in texts) > len(texts) / 2
    assert any(rendered(text) != text for text in SPOKEN_TRICKY)
