"""The same build on Snakemake: the cluster path (cluster-generic executor, each job a
separate process) gives byte-identical files to `make`, from the same unit list."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOT

LANGS = "en ar"  # Piper and eSpeak NG: two engines, left to right and right to left
# eSpeak NG for Arabic, whose default voice is Kokoro's: two whole Kokoro books would take
# ~15 minutes of the CI's 30 (Kokoro is tested on short texts in test_audio_kokoro).
ESPEAK_SETTINGS = ROOT / "tests" / "fixtures" / "espeak-voices.toml"
EPOCH = "1510272000"  # 2017-11-10, the article's publication date


def _library(root: Path) -> None:
    """Two articles (the shipped one under a second name too) with their catalogs."""
    (root / "source").mkdir(parents=True)
    article = ROOT / "source" / "baclofen.md"
    for slug in ("baclofen", "baclofen-copy"):
        shutil.copy(article, root / "source" / f"{slug}.md")
        for lang in LANGS.split()[1:]:
            folder = root / "locales" / lang / "LC_MESSAGES"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "locales" / lang / "LC_MESSAGES" / "baclofen.po",
                        folder / f"{slug}.po")
            shutil.copy(ROOT / "locales" / lang / "LC_MESSAGES" / "pipeline.po", folder)
    for lang in ("en", *LANGS.split()[1:]):
        shutil.copytree(ROOT / "locales" / lang, root / "locales" / lang, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("LC_MESSAGES"))


def _make(root: Path, output: str, *goal: str) -> subprocess.CompletedProcess[str]:
    variables = [f"SOURCE={root / 'source'}", f"LOCALES={root / 'locales'}",
                 f"OUTPUT={root / output}", f"LANGS={LANGS}", f"SETTINGS={ESPEAK_SETTINGS}"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "MAKEFLAGS": "",
           "PIPELINE_CACHE": str(ROOT / ".cache")}
    return subprocess.run(["make", "--no-print-directory", *goal, *variables], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and ".make" not in p.parts}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("library")
    _library(root)
    made = _make(root, "by-make", "-j2", "all")
    assert made.returncode == 0, made.stderr[-3000:]
    snake = _make(root, "by-snakemake", "distributed", "PROFILE=cluster-sim")
    assert snake.returncode == 0, (snake.stdout + snake.stderr)[-3000:]
    return root, snake.stdout + snake.stderr


def test_cluster_sim_builds_what_make_builds_byte_for_byte(builds: tuple[Path, str]) -> None:
    root, _ = builds
    by_make, by_snakemake = _files(root / "by-make"), _files(root / "by-snakemake")
    targets = {name for name in by_make if name.endswith((".pdf", ".mp3")) and "/" in name
               and name.count("/") == 1}
    assert len(targets) >= 2 * 2 * 2  # two articles x two languages x (at least) two formats
    assert sorted(by_snakemake) == sorted(by_make)
    different = [name for name in by_make if by_make[name] != by_snakemake[name]]
    assert different == []


def test_cluster_sim_submits_jobs_as_separate_processes(builds: tuple[Path, str]) -> None:
    _, log = builds
    submitted = [line for line in log.splitlines() if "with external jobid 'sim-" in line]
    assert submitted, log[-2000:]
    assert "Submitted group job" in log  # small jobs go several to a submission


def test_the_slurm_template_plans_the_same_units(builds: tuple[Path, str]) -> None:
    """The Slurm profile is a template (no cluster here), but it must plan every unit:
    one job per article and language, then the site's collect step."""
    root, _ = builds
    planned = _make(root, "planned", "distributed", "PROFILE=slurm", "SNAKEMAKE_ARGS=-n")
    assert planned.returncode == 0, planned.stderr[-2000:]
    rules = {line.split()[0] for line in planned.stdout.splitlines()
             if line.startswith(("baclofen", "collect__"))}
    assert rules == {f"{slug}__{lang}" for lang in LANGS.split()
                     for slug in ("baclofen", "baclofen_copy")} | {"collect__site"}
