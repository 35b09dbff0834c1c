"""``make bench-corpus N=...``: a library of N articles, built by Make and by Snakemake.

The articles are the shipped one under N names, each with the five translations, so
each language's speech is synthesised once and reused from the cache: what is measured
is scheduling and the per-file work (loudness, encoding, layout), with fast engines
(eSpeak NG reads every language, English included). Prints a table and writes
``bench/corpus-results.json``:

- ``make -j2``, ``make distributed PROFILE=local`` and ``PROFILE=cluster-sim`` on the
  same library from the same warm speech cache: jobs, wall time, CPU time, and each
  scheduler's overhead per job over Make's;
- the plan for a 200-article x 10-language library (dry runs): the unit list
  (``pipeline units``), ``make -n`` and ``snakemake -n``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "source" / "baclofen.md"
TRANSLATIONS = ("es", "fr", "ar", "zh_Hans", "hi")
# Extra languages for the planning library: copies of the Spanish catalog under other
# names (their text does not matter to a plan).
PLAN_EXTRA = ("de", "it", "pt", "nl")
FAST_VOICES = "[pipeline.voices]\n" + "".join(
    f'{lang} = {{ engine = "espeak" }}\n' for lang in ("en", *TRANSLATIONS, *PLAN_EXTRA))


def library(root: Path, articles: int, extra: tuple[str, ...] = ()) -> None:
    """``articles`` copies of the article, each with every translation's catalogs."""
    (root / "source").mkdir(parents=True)
    for lang in (*TRANSLATIONS, *extra, "en"):
        origin = ROOT / "locales" / (lang if lang in (*TRANSLATIONS, "en") else "es")
        (root / "locales" / lang / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
        if (origin / "lexicon.tsv").exists():
            shutil.copy(origin / "lexicon.tsv", root / "locales" / lang)
        if lang != "en":
            shutil.copy(origin / "LC_MESSAGES" / "pipeline.po",
                        root / "locales" / lang / "LC_MESSAGES")
    for number in range(1, articles + 1):
        slug = f"article-{number:03d}"
        shutil.copy(ARTICLE, root / "source" / f"{slug}.md")
        for lang in (*TRANSLATIONS, *extra):
            origin = ROOT / "locales" / (lang if lang in TRANSLATIONS else "es")
            shutil.copy(origin / "LC_MESSAGES" / "baclofen.po",
                        root / "locales" / lang / "LC_MESSAGES" / f"{slug}.po")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Run ``command`` in the project; (wall seconds, CPU seconds of children, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"bench-corpus: {' '.join(command)} failed:\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout + done.stderr


def builds(scratch: Path, articles: int) -> dict[str, object]:
    root = scratch / "library"
    library(root, articles)
    settings = scratch / "fast-voices.toml"
    settings.write_text(FAST_VOICES, encoding="utf-8")
    env = {**os.environ, "PIPELINE_CACHE": str(scratch / "cache"), "MAKEFLAGS": ""}
    folders = [f"SOURCE={root / 'source'}", f"LOCALES={root / 'locales'}",
               f"SETTINGS={settings}"]

    def make(output: str, *goal: str) -> list[str]:
        return ["make", "--no-print-directory", *goal, *folders, f"OUTPUT={scratch / output}"]

    print("bench-corpus: warming the speech cache...", file=sys.stderr)
    run(make("warm", "-j2", "audio"), env)
    jobs = sum(1 for line in run(["make", "-n", "units", *folders,
                                  f"OUTPUT={scratch / 'count'}"], env)[2].splitlines()
               if " build --format " in line)
    results: dict[str, object] = {"articles": articles, "languages": 1 + len(TRANSLATIONS),
                                  "jobs": jobs}
    for name, command in (("make -j2", make("out-make", "-j2", "all")),
                          ("snakemake local", make("out-local", "distributed",
                                                   "PROFILE=local")),
                          ("snakemake cluster-sim", make("out-sim", "distributed",
                                                         "PROFILE=cluster-sim"))):
        print(f"bench-corpus: {name}...", file=sys.stderr)
        wall, cpu, _ = run(command, env)
        results[name] = {"wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1)}
        print(f"bench-corpus: {name}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr)
    base = results["make -j2"]
    assert isinstance(base, dict)
    for name in ("snakemake local", "snakemake cluster-sim"):
        entry = results[name]
        assert isinstance(entry, dict)
        entry["overhead_per_job_seconds"] = round(
            (entry["wall_seconds"] - base["wall_seconds"]) / max(jobs, 1), 2)
    return results


def plan(scratch: Path, articles: int = 200) -> dict[str, object]:
    """Dry runs of a large library: how long before the first job could start."""
    root = scratch / "plan"
    library(root, articles, PLAN_EXTRA)
    env = {**os.environ, "PIPELINE_CACHE": str(scratch / "cache"), "MAKEFLAGS": ""}
    folders = [f"SOURCE={root / 'source'}", f"LOCALES={root / 'locales'}",
               f"OUTPUT={root / 'output'}"]
    print(f"bench-corpus: planning {articles} articles x "
          f"{1 + len(TRANSLATIONS) + len(PLAN_EXTRA)} languages...", file=sys.stderr)
    units, _, listed = run([str(ROOT / ".venv/bin/pipeline"), "--source", str(root / "source"),
                            "--locales", str(root / "locales"), "--output",
                            str(root / "output"), "units", "--json"], env)
    jobs = len(json.loads(listed[listed.index("["):]))
    make_plan, _, _ = run(["make", "-n", "all", *folders], env)  # includes the unit list
    make_again, _, _ = run(["make", "-n", "all", *folders], env)  # unit list up to date
    snake, _, _ = run(["make", "distributed", *folders, "PROFILE=local",
                       "SNAKEMAKE_ARGS=-n --quiet all"], env)
    return {"articles": articles, "languages": 1 + len(TRANSLATIONS) + len(PLAN_EXTRA),
            "jobs": jobs, "unit_list_seconds": round(units, 1),
            "make_n_seconds_first": round(make_plan, 1),
            "make_n_seconds_again": round(make_again, 1),
            "snakemake_n_seconds": round(snake, 1)}


def main() -> None:
    articles = int(os.environ.get("N", "10"))
    scratch = Path(tempfile.mkdtemp(prefix="pipeline-corpus-"))
    try:
        results = {"builds": builds(scratch, articles), "plan": plan(scratch)}
        (ROOT / "bench" / "corpus-results.json").write_text(json.dumps(results, indent=2)
                                                            + "\n")
        print(table(results))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def table(results: dict[str, dict[str, object]]) -> str:
    b, p = results["builds"], results["plan"]
    rows = [(f"library: {b['articles']} articles x {b['languages']} languages",
             f"{b['jobs']} jobs")]
    for name in ("make -j2", "snakemake local", "snakemake cluster-sim"):
        entry = b[name]
        assert isinstance(entry, dict)
        overhead = entry.get("overhead_per_job_seconds")
        rows.append((name, f"{entry['wall_seconds']} s wall, {entry['cpu_seconds']} s CPU"
                     + (f", {overhead} s per job over make" if overhead is not None else "")))
    rows += [(f"plan {p['articles']} x {p['languages']} ({p['jobs']} jobs): unit list",
              f"{p['unit_list_seconds']} s"),
             ("  make -n (first, with the unit list / again)",
              f"{p['make_n_seconds_first']} s / {p['make_n_seconds_again']} s"),
             ("  snakemake -n", f"{p['snakemake_n_seconds']} s")]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


if __name__ == "__main__":
    main()
