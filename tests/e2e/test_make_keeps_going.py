"""Through make, on the whole article: a changed dose, one translator behind. Every other
language is built again with the new dose, make exits non-zero naming the one behind,
and no output a reader could take holds the old dose."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

from pipeline.catalogs.catalog import read_catalog, write_catalog
from support import FIXTURES, ROOT

CAPTION = "Baclofen tablet 20 mg."
OLD_DOSE = re.compile(r"(?<!\d)20\s*mg|mg\s*20(?!\d)")  # lower-case: the credit says "20 MG"
NEW_DOSE = re.compile(r"(?<!\d)10\s*mg|mg\s*10(?!\d)")
BROKEN = "fr"  # its translator has not updated the dose yet


def _make(root: Path, settings: Path) -> subprocess.CompletedProcess[str]:
    variables = [f"{name.upper()}={root / name}" for name in ("source", "locales", "output")]
    return subprocess.run(["make", "--no-print-directory", "-j2", *variables,
                           f"SETTINGS={settings}"], cwd=ROOT, text=True, capture_output=True,
                          check=False, env={**os.environ, "MAKEFLAGS": "",
                                            "PIPELINE_CACHE": str(root / ".cache")})


def _change_dose(root: Path) -> None:
    """The source now says 10 mg; every translator but one has followed."""
    article = root / "source" / "baclofen.md"
    article.write_text(article.read_text().replace(CAPTION, CAPTION.replace("20", "10")))
    for path in (root / "locales").glob("*/LC_MESSAGES/baclofen.po"):
        catalog = read_catalog(path)
        entry = catalog.find(CAPTION)
        entry.msgid = CAPTION.replace("20", "10")
        if path.parts[-3] != BROKEN:
            entry.msgstr = entry.msgstr.replace("20", "10")
        write_catalog(catalog, path)


def _texts(output: Path) -> dict[str, str]:
    """Every built file under ``output`` as the text a reader or a tool gets from it
    (PDF: its text layer; EPUB: its XHTML); what is set aside or recorded is not built."""
    texts = {}
    for path in sorted(output.rglob("*")):
        relative = path.relative_to(output)
        if not path.is_file() or relative.parts[0] in (".stale", ".failed", ".make"):
            continue
        if path.suffix == ".pdf":
            texts[str(relative)] = subprocess.run(["pdftotext", str(path), "-"], text=True,
                                                  capture_output=True, check=True).stdout
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                texts[str(relative)] = "".join(book.read(name).decode() for name in
                                               book.namelist() if name.endswith(".xhtml"))
        elif path.suffix in (".html", ".vtt", ".json", ".m3u8"):
            texts[str(relative)] = path.read_text(encoding="utf-8")
    return texts


def test_make_rebuilds_every_other_language_with_the_new_dose(tmp_path: Path) -> None:
    for name in ("source", "locales"):
        shutil.copytree(ROOT / name, tmp_path / name)
    settings = tmp_path / "voices.toml"  # eSpeak NG for every language, English too
    settings.write_text((FIXTURES / "espeak-voices.toml").read_text()
                        + 'en = { engine = "espeak", voice = "en-us" }\n')
    first = _make(tmp_path, settings)
    assert first.returncode == 0, first.stderr[-3000:]
    spoken = {path.parts[-2]: path.read_text(encoding="utf-8")
              for path in (tmp_path / "output").glob("*/baclofen.timeline.json")}
    old_captions = [CAPTION] + [read_catalog(path).find(CAPTION).msgstr for path in
                                (tmp_path / "locales").glob("*/LC_MESSAGES/baclofen.po")]

    _change_dose(tmp_path)
    second = _make(tmp_path, settings)
    assert second.returncode != 0
    summary = second.stderr[second.stderr.index("pipeline: "):]
    where = f"{tmp_path}/locales/{BROKEN}/LC_MESSAGES/baclofen.po:"
    # One process per language: every format of it refused, with the catalog's line.
    assert f"refused: baclofen {BROKEN} (audio, pdf, bilingual, html, epub, vtt, site): " \
        f"{where}" in summary
    assert "numbers differ" in summary
    assert [line for line in summary.splitlines() if line.startswith("  refused:")] \
        == [line for line in summary.splitlines() if f"baclofen {BROKEN} " in line]

    texts = _texts(tmp_path / "output")  # the site's copies of every format too
    langs = {name.split("/")[0] for name in texts} - {"site"}
    assert langs == {"en", "es", "ar", "hi", "zh_Hans"}
    assert {name.split("/")[1] for name in texts if name.startswith("site/")} \
        >= {"en", "es", "ar", "hi", "zh_Hans"}
    assert not (tmp_path / "output" / "site" / BROKEN / "baclofen").exists()
    for name, text in texts.items():
        assert not OLD_DOSE.search(text), f"{name} still says 20 mg"
        assert not any(caption in text for caption in old_captions), name
    for lang in langs:
        for suffix in (".pdf", ".html", ".epub", *((".bilingual.pdf",) if lang != "en" else ())):
            assert NEW_DOSE.search(texts[f"{lang}/baclofen{suffix}"]), (lang, suffix)
        timeline = texts[f"{lang}/baclofen.timeline.json"]
        assert timeline != spoken[lang]  # read again, with the new caption
    stale = tmp_path / "output" / ".stale" / BROKEN
    assert sorted(p.name for p in stale.iterdir()) == sorted(
        p.name for p in (tmp_path / "output" / "es").iterdir())
