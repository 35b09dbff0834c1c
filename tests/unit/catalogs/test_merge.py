"""Merging templates into catalogs: every scenario keeps every translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.catalogs.catalog import read_catalog
from pipeline.catalogs.merge import FUZZY, changed, merge
from support import ROOT, Cli


def _po(*entries: tuple[str, str], obsolete: tuple[tuple[str, str], ...] = ()) -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "POT-Creation-Date": "old"}
    for msgid, msgstr in entries:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    for msgid, msgstr in obsolete:
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, obsolete=True))
    return po


def _template(*msgids: str) -> polib.POFile:
    template = _po(*((m, "") for m in msgids))
    template.metadata["POT-Creation-Date"] = "new"
    return template


def _translations(po: polib.POFile) -> set[str]:
    return {e.msgstr for e in po if e.msgstr}


def test_unchanged_entries_keep_their_translation() -> None:
    old = _po(("Take one tablet.", "Tome un comprimido."), ("Stop slowly.", "Pare despacio."))
    new = merge(old, _template("Take one tablet.", "Stop slowly."))
    assert [(e.msgid, e.msgstr, e.flags) for e in new] == [
        ("Take one tablet.", "Tome un comprimido.", []), ("Stop slowly.", "Pare despacio.", [])]
    assert new.metadata["POT-Creation-Date"] == "new"


def test_changed_entry_is_fuzzy_with_the_old_source_as_previous() -> None:
    old = _po(("Take one tablet each day.", "Tome un comprimido al día."))
    new = merge(old, _template("Take one tablet every day."))
    entry = new[0]
    assert entry.msgstr == "Tome un comprimido al día."
    assert entry.flags == [FUZZY]
    assert entry.previous_msgid == "Take one tablet each day."
    assert '#| msgid "Take one tablet each day."' in str(new)


def test_new_entry_is_empty_and_removed_entry_becomes_obsolete() -> None:
    old = _po(("Gone sentence about nothing.", "Frase que se va."), ("Kept.", "Guardada."))
    new = merge(old, _template("Kept.", "A completely different new line."))
    active = [(e.msgid, e.msgstr) for e in new if not e.obsolete]
    assert active == [("Kept.", "Guardada."), ("A completely different new line.", "")]
    assert [(e.msgid, e.msgstr) for e in new if e.obsolete] == [
        ("Gone sentence about nothing.", "Frase que se va.")]
    assert '#~ msgid "Gone sentence about nothing."' in str(new)


def test_moved_entries_keep_translations_in_the_new_order() -> None:
    old = _po(("First.", "Primero."), ("Second.", "Segundo."))
    new = merge(old, _template("Second.", "First."))
    assert [(e.msgid, e.msgstr, e.flags) for e in new] == [
        ("Second.", "Segundo.", []), ("First.", "Primero.", [])]


def test_obsolete_translation_comes_back_when_its_text_returns() -> None:
    old = _po(("Now.", "Ahora."), obsolete=(("Back again.", "De vuelta."),))
    new = merge(old, _template("Now.", "Back again."))
    assert [(e.msgid, e.msgstr, e.obsolete) for e in new] == [
        ("Now.", "Ahora.", False), ("Back again.", "De vuelta.", False)]


def test_still_fuzzy_entry_keeps_the_text_it_was_translated_from() -> None:
    first = merge(_po(("Take one tablet each day.", "Tome uno al día.")),
                  _template("Take one tablet every day."))
    second = merge(first, _template("Take one tablet every single day."))
    assert second[0].previous_msgid == "Take one tablet each day."
    assert second[0].msgstr == "Tome uno al día."


def test_translator_comments_survive() -> None:
    old = _po(("Kept.", "Guardada."))
    old[0].tcomment = "checked with Dr. X"
    assert merge(old, _template("Kept."))[0].tcomment == "checked with Dr. X"


def test_nothing_to_change_is_detected() -> None:
    old = _po(("Kept.", "Guardada."))
    old.metadata["POT-Creation-Date"] = "new"
    assert not changed(old, merge(old, _template("Kept.")))
    assert changed(old, merge(old, _template("Kept.", "Added.")))


WORDS = st.sampled_from(["take", "one", "tablet", "each", "day", "stop", "slowly", "ask",
                         "your", "team", "doctor", "dose", "baclofen", "pump", "spasticity"])
SENTENCE = st.lists(WORDS, min_size=2, max_size=9).map(lambda ws: " ".join(ws).capitalize())
EDIT = st.one_of(
    st.tuples(st.just("change"), st.integers(0, 20), WORDS),
    st.tuples(st.just("add"), st.integers(0, 20), SENTENCE),
    st.tuples(st.just("remove"), st.integers(0, 20), st.just("")),
    st.tuples(st.just("move"), st.integers(0, 20), st.just("")),
)


def _apply(source: list[str], edit: tuple[str, int, str]) -> list[str]:
    kind, index, text = edit
    source = list(source)
    if not source and kind != "add":
        return source
    at = index % max(len(source), 1)
    if kind == "change":
        source[at] = f"{source[at]} {text}"
    elif kind == "add":
        source.insert(at, text)
    elif kind == "remove":
        source.pop(at)
    else:
        source.append(source.pop(at))
    return list(dict.fromkeys(source))


@settings(max_examples=150, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=8, unique=True),
       st.lists(st.lists(EDIT, max_size=4), min_size=1, max_size=5))
def test_no_translation_is_ever_lost(start: list[str], rounds: list[list[tuple[str, int, str]]]
                                     ) -> None:
    """Random rounds of source edits, each followed by translating every empty entry:
    every translation ever made is still in the catalog, active or obsolete."""
    catalog = merge(_po(), _template(*start))
    made: set[str] = set()
    source = start
    for number, edits in enumerate(rounds):
        for entry in catalog:
            if not entry.msgstr and not entry.obsolete:
                entry.msgstr = f"T{number}:{entry.msgid}"
                made.add(entry.msgstr)
        for edit in edits:
            source = _apply(source, edit)
        catalog = merge(catalog, _template(*source))
        # written and read back, as `pipeline update` does
        catalog = polib.pofile(str(catalog))
        assert made <= _translations(catalog)
        assert [e.msgid for e in catalog if not e.obsolete] == source


@pytest.fixture
def real_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "source", tmp_path / "source")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_update_with_nothing_to_do_leaves_catalogs_byte_identical(real_project: Path, cli
                                                                  ) -> None:
    before = {p: p.read_bytes() for p in real_project.glob("locales/**/*.po")}
    result = cli("update")
    assert result.code == 0
    assert {p: p.read_bytes() for p in before} == before
    assert result.out.count("up to date") == len(before) == 10


def test_changing_one_sentence_marks_exactly_that_entry_fuzzy_everywhere(
        real_project: Path, cli: Cli) -> None:
    old = "Baclofen is not appropriate for everyone."
    new = "Baclofen is not right for everyone."
    template = read_catalog(real_project / "locales" / "baclofen.pot")
    paragraph = next(e.msgid for e in template if old in e.msgid)
    source = real_project / "source" / "baclofen.md"
    source.write_text(source.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    catalogs = sorted(real_project.glob("locales/*/LC_MESSAGES/baclofen.po"))
    assert len(catalogs) == 5
    before = {p: _translations(read_catalog(p)) for p in catalogs}
    assert cli("update").code == 0
    for path in catalogs:
        po = read_catalog(path)
        fuzzy = [(e.msgid, e.previous_msgid) for e in po if FUZZY in e.flags]
        assert fuzzy == [(paragraph.replace(old, new), paragraph)], path
        assert _translations(po) == before[path], f"{path} lost a translation"
        assert not [e for e in po if e.obsolete]


def test_update_gives_a_new_article_its_catalogs_in_every_language(
        project: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A language is a folder locales/<lang>/LC_MESSAGES/ with any .po: each gets the new
    article's catalog; the catalogs already there lose nothing."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the fixture catalogs' date
    assert cli("init", "--lang", "de").code == 0
    for lang in ("fr", "en"):  # en: the source's language
        (project / "locales" / lang / "LC_MESSAGES").mkdir(parents=True)
        shutil.copy(project / "locales" / "es" / "LC_MESSAGES" / "pipeline.po",
                    project / "locales" / lang / "LC_MESSAGES" / "pipeline.po")
    before = {p: p.read_bytes() for p in project.glob("locales/*/LC_MESSAGES/small.po")}
    kept = {p: _translations(read_catalog(p))
            for p in project.glob("locales/*/LC_MESSAGES/pipeline.po")}
    article = project / "source" / "small.md"
    (project / "source" / "second.md").write_text(
        article.read_text(encoding="utf-8").replace("Small test article", "Second article"),
        encoding="utf-8")
    result = cli("update")
    assert result.code == 0, result.err
    for lang in ("de", "es", "fr"):
        folder = project / "locales" / lang / "LC_MESSAGES"
        assert f"{folder.relative_to(project)}/second.po: created" in result.out
        po = read_catalog(folder / "second.po")
        assert po.metadata["Language"] == lang and len(po) == 15
    assert (project / "locales" / "fr" / "LC_MESSAGES" / "small.po").is_file()
    assert {p: p.read_bytes() for p in before} == before
    assert all(kept[p] <= _translations(read_catalog(p)) for p in kept)
    assert [p.name for p in project.glob("locales/en/LC_MESSAGES/*")] == ["pipeline.po"]
