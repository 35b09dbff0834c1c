"""Bad input never crashes or destroys anything.

Every case: a clear message naming the file and line (or the resource) first, a non-zero
exit, no traceback, no temporary files left in the output folder, and the earlier
outputs byte for byte as they were: where they were, or, those the failed build should
have replaced, whole under ``output/.stale/`` (never left looking current).
"""

from __future__ import annotations

import hashlib
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import FIXTURES, ROOT, Result, run_cli

SMALL_PO = Path("locales/es/LC_MESSAGES/small.po")
SMALL_MD = Path("source/small.md")


def _snapshot(folder: Path) -> dict[str, str]:
    """Every output file and its digest (not the build's bookkeeping in .make/)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and p.relative_to(folder).parts[0] != ".make"}


def _temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.startswith(".tmp-")]


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small project with its Spanish PDF and MP3 built (once for this module)."""
    root = tmp_path_factory.mktemp("built")
    (root / "source").mkdir()
    shutil.copy(FIXTURES / "small.md", root / "source" / "small.md")
    shutil.copytree(FIXTURES / "locales", root / "locales")
    result = run_cli("build", "--lang", "es", cwd=root, env={"PIPELINE_CACHE": ".cache"})
    assert result.code == 0, result.err
    return root


def _fresh_copy(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of a built project, with its own outputs and speech cache."""
    project = tmp_path / "project"
    shutil.copytree(template, project)
    monkeypatch.setenv("PIPELINE_CACHE", str(project / ".cache"))
    return project


@pytest.fixture
def built(built_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the built small project."""
    return _fresh_copy(built_once, tmp_path, monkeypatch)


def _fails_cleanly(project: Path, result: Result, before: dict[str, str], *, where: str,
                   words: str, set_aside: frozenset[str] | None = None) -> None:
    """``set_aside``: the earlier outputs moved to ``.stale/`` (default: all of them)."""
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    message = result.err.strip().splitlines()
    assert message[0].startswith(where), message[0]
    assert words in message[0], message[0]
    assert all(line.startswith(("pipeline: ", "  ")) for line in message[1:]), result.err
    now = _snapshot(project / "output")
    stale = {name.removeprefix(".stale/"): digest for name, digest in now.items()
             if name.startswith(".stale/")}
    kept = {name: digest for name, digest in now.items()
            if not name.startswith((".stale/", ".failed/"))}
    assert set(stale) == (set(before) if set_aside is None else set_aside)
    assert {**kept, **stale} == before and not kept.keys() & stale.keys()
    assert _temporaries(project / "output") == []


# What an audio build that fails sets aside: the book, and what is made from it.
BOOK = frozenset({"es/small.mp3", "es/small.timeline.json", "es/small.epub", "es/small.vtt",
                  *(f"es/small/{name}" for name in (
                      "01-articulo-de-prueba-breve.mp3", "02-puntos-clave.mp3", "03-mas.mp3",
                      "04-creditos-fuentes-y-descargo-de-responsabilidad.mp3",
                      "small.m3u8"))})


def _book(before: dict[str, str]) -> frozenset[str]:
    """BOOK, and the site's Spanish handout (its page and ZIP are made from the book)."""
    return BOOK | {name for name in before if name.startswith(("site/es/small/",
                                                                  "site/es/small-es.zip"))}


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _set_msgstr(msgid: str, msgstr: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        po = read_catalog(project / SMALL_PO)
        po.find(msgid).msgstr = msgstr
        write_catalog(po, project / SMALL_PO)
    return edit


def _at(relative: Path, start: str) -> Callable[[Path], str]:
    """Where a message must point: ``relative:LINE:`` of the line beginning with ``start``."""
    def where(project: Path) -> str:
        lines = (project / relative).read_text(encoding="utf-8", errors="replace").splitlines()
        return f"{relative}:{next(n for n, t in enumerate(lines, 1) if t.startswith(start))}:"
    return where


# name: (break the project, where the message points, words in it)
CASES: dict[str, tuple[Callable[[Path], None], Callable[[Path], str], str]] = {
    "po unterminated string": (
        lambda p: _replace(p / SMALL_PO, 'msgstr "Puntos clave"', 'msgstr "Puntos clave'),
        _at(SMALL_PO, 'msgstr "Puntos clave'),
        "end-of-line within string"),
    "po broken header": (
        lambda p: _replace(p / SMALL_PO, '"Content-Type: text/plain; charset=UTF-8\\n"\n', ""),
        lambda p: f"{SMALL_PO}:", "Content-Type"),
    "po wrong encoding": (
        lambda p: (p / SMALL_PO).write_bytes(
            (p / SMALL_PO).read_bytes().replace("Más".encode(), "Más".encode("latin-1"))),
        _at(SMALL_PO, 'msgstr "M'), "not UTF-8"),
    "invalid YAML": (
        lambda p: _replace(p / SMALL_MD, "lang: en", "lang: [en"),
        lambda p: f"{SMALL_MD}:", "front matter is not valid YAML"),
    "missing title": (
        lambda p: _replace(p / SMALL_MD, "title: Small test article\n", ""),
        lambda p: f"{SMALL_MD}:1:", "needs 'title'"),
    "missing lang": (
        lambda p: _replace(p / SMALL_MD, "lang: en\n", ""),
        lambda p: f"{SMALL_MD}:1:", "needs 'lang'"),
    "missing disclaimer": (
        lambda p: _replace(p / SMALL_MD, "disclaimer: |", "notes: |"),
        lambda p: f"{SMALL_MD}:", "unknown front-matter key 'notes'"),
    "image without alt text": (
        lambda p: _replace(p / SMALL_MD, "![A round white tablet.]", "![]"),
        _at(SMALL_MD, '![]('), "no alt text"),
    "image without credit": (
        lambda p: _replace(p / SMALL_MD, "(images/tablet.png \"", "(images/other.png \""),
        _at(SMALL_MD, '![A round'),
        "no entry in image_credits"),
    "unsupported Markdown": (
        lambda p: _replace(p / SMALL_MD, "## More\n", "## More\n\n| a | b |\n|---|---|\n"),
        _at(SMALL_MD, '| a |'), "tables are not supported"),
    "msgstr with broken markup": (
        _set_msgstr("Do **not** stop suddenly.", "**No lo deje de golpe."),
        _at(SMALL_PO, 'msgstr "**No lo'),
        "Markdown markup and links differ"),
    "msgstr with a changed number": (
        _set_msgstr("Take *one* tablet of 20 mg each day.",
                    "Tome *un* comprimido de 200 mg cada día."),
        _at(SMALL_PO, 'msgstr "Tome'), "numbers differ"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_fails_cleanly_and_keeps_earlier_outputs(built: Path, case: str) -> None:
    breaker, where, words = CASES[case]
    before = _snapshot(built / "output")
    breaker(built)
    result = run_cli("build", "--lang", "es", cwd=built)
    _fails_cleanly(built, result, before, where=where(built), words=words)


def test_unknown_language(built: Path) -> None:
    before = _snapshot(built / "output")
    result = run_cli("build", "--lang", "xx", cwd=built)
    _fails_cleanly(built, result, before, where="unknown language or locale 'xx'", words="",
                   set_aside=frozenset())


def test_missing_piper_voice_file(built: Path) -> None:
    (built / "pipeline.toml").write_text(
        '[pipeline.voices]\nes = { engine = "piper", voice = "es_ES-missing-medium" }\n')
    before = _snapshot(built / "output")
    result = run_cli("audio", "--lang", "es", cwd=built)
    _fails_cleanly(built, result, before, where="voices:", words="no Piper voice "
                   "'es_ES-missing-medium'", set_aside=_book(before))


def test_corrupt_piper_voice_file(built: Path) -> None:
    voices = built / "voices"
    voices.mkdir()
    (voices / "es_ES-broken-medium.onnx").write_bytes(b"not an onnx model" * 100)
    (voices / "es_ES-broken-medium.onnx.json").write_text('{"audio": {"sample_rate": 22050}}')
    before = _snapshot(built / "output")
    result = run_cli("audio", "--lang", "es", cwd=built)
    _fails_cleanly(built, result, before, where="voices/es_ES-broken-medium.onnx:",
                   words="cannot load this Piper voice", set_aside=_book(before))


def test_gtts_without_network(built: Path) -> None:
    before = _snapshot(built / "output")
    result = run_cli("audio", "--lang", "es", "--engine", "gtts", cwd=built)
    _fails_cleanly(built, result, before, where="gtts: cannot reach Google's speech service",
                   words="no network", set_aside=_book(before))


def test_output_folder_that_cannot_be_written(built: Path) -> None:
    blocker = built / "blocked"
    blocker.write_text("a file where the output folder should be")
    result = run_cli("--output", blocker / "out", "pdf", "--lang", "es", cwd=built)
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.startswith(f"{blocker / 'out' / 'es'}: cannot write here")
    assert blocker.read_text() == "a file where the output folder should be"


def _forget_encodes(project: Path) -> None:
    """Drop the prepared and encoded utterances, keep the speech: a rebuild then reads
    the speech cache and encodes every utterance again (else it takes a second)."""
    for layer in ("prepared", "encoded"):
        shutil.rmtree(project / ".cache" / layer, ignore_errors=True)


def test_corrupt_cache_entry_is_synthesised_again(built: Path) -> None:
    _forget_encodes(built)
    entries = sorted((built / ".cache" / "tts").rglob("*.pcm"))
    data = bytearray(entries[0].read_bytes())
    data[-1] ^= 0xFF
    entries[0].write_bytes(bytes(data))
    result = run_cli("audio", "--lang", "es", cwd=built)
    assert result.code == 0, result.err
    assert "1 utterances synthesised" in result.err


ESPEAK_AUDIO = ("audio", "--lang", "es", "--engine", "espeak")


@pytest.fixture(scope="module")
def real_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real article's Spanish book, built once: long enough to interrupt. eSpeak NG
    reads it (Kokoro, the default, would take minutes; interrupting is engine-blind)."""
    root = tmp_path_factory.mktemp("real")
    shutil.copytree(ROOT / "source", root / "source")
    shutil.copytree(ROOT / "locales", root / "locales")
    result = run_cli(*ESPEAK_AUDIO, cwd=root, env={"PIPELINE_CACHE": ".cache"})
    assert result.code == 0, result.err
    return root


@pytest.fixture
def real_project(real_once: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _fresh_copy(real_once, tmp_path, monkeypatch)


def _start_audio(project: Path) -> subprocess.Popen[str]:
    """The build as a user's terminal starts it: Ctrl-C (SIGINT) reaches it. A test run
    started in the background by a shell inherits SIGINT ignored, and so would the build."""
    return subprocess.Popen([sys.executable, "-m", "pipeline", *ESPEAK_AUDIO],
                            cwd=project, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for(process: subprocess.Popen[str], words: str) -> None:
    assert process.stderr is not None
    for line in process.stderr:
        if words in line:
            return
    raise AssertionError(f"never printed {words!r}")


def _wait_for_entry(process: subprocess.Popen[str], folder: Path) -> None:
    """Return once ``process`` has stored an entry in the cache ``folder`` (fanned out by
    key): it is encoding, however loaded the machine is."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if any(folder.glob("*/*.mp3")):
            return
        time.sleep(0.01)
    raise AssertionError(f"never saw an entry in {folder}")


def test_interrupt_mid_build_keeps_the_earlier_book(real_project: Path) -> None:
    before = _snapshot(real_project / "output")
    _forget_encodes(real_project)
    _replace(real_project / "locales/es/LC_MESSAGES/baclofen.po", "Puntos clave",
             "Lo esencial")
    process = _start_audio(real_project)
    _wait_for_entry(process, real_project / ".cache" / "encoded")  # 1 of 80 encoded
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert _snapshot(real_project / "output") == before
    assert _temporaries(real_project / "output") == []


def test_two_builds_of_the_same_output_at_once(real_project: Path) -> None:
    _forget_encodes(real_project)
    first = _start_audio(real_project)
    _wait_for(first, "utterance")
    second = run_cli(*ESPEAK_AUDIO, cwd=real_project)
    assert second.code == 1 and "Traceback" not in second.err
    assert second.err.strip() == (f"{Path('output/es/baclofen.mp3')}: another build of this "
                                  "file is running; wait for it to finish")
    first.communicate(timeout=120)
    assert first.returncode == 0
    assert _temporaries(real_project / "output") == []
