"""``make bench-corpus N=...``: a library of N articles, built by Make and by Snakemake.

The articles are the shipped one under N names, each with the five translations, so
each language's speech is synthesised once and reused from the cache: what is measured
is scheduling and the per-file work (loudness, encoding, layout), with fast engines
(eSpeak NG reads every language, English included). Prints a table and writes
``bench/corpus-results.json``:

- ``make -j2``, ``make distributed PROFILE=local`` and ``PROFILE=cluster-sim`` on the
  same library from the same warm speech cache: jobs (one per article and language,
  each making every format of it), wall time, CPU time, and each scheduler's overhead
  per job over Make's;
- the plan for a 200-article x 10-language library (dry runs): the unit list
  (``pipeline units``), ``make -n`` and ``snakemake -n`` (goal: within 3x ``make -n``);
- a no-op ``make`` of that library once every output is there (goal < 5 s): the
  outputs are stand-ins (empty files dated after their inputs), since building 2,000
  books is not a benchmark.
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
               if " build --outdated " in line)
    results: dict[str, object] = {"articles": articles, "languages": 1 + len(TRANSLATIONS),
                                  "jobs": jobs}
    for name, command in (("make -j2", make("out-make", "-j2", "all")),
                          ("snakemake local", make("out-local", "distributed",
                                                   "PROFILE=local")),
                          ("snakemake cluster-sim", make("out-sim", "distributed",
                                                         "PROFILE=cluster-sim"))):
        print(f"bench-corpus: {name}...", file=sys.stderr)
        wall, cpu, _ = run(command, env)
        # cluster-sim's jobs are detached processes (as on a cluster's nodes): their CPU
        # time is not a child's of this one and cannot be counted here.
        results[name] = {"wall_seconds": round(wall, 1),
                         "cpu_seconds": None if "cluster" in name else round(cpu, 1)}
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
    jobs = sum(len(g["units"]) for g in json.loads(listed[listed.index("{"):])["groups"])
    print(f"bench-corpus: unit list {units:.1f} s; make -n, twice...", file=sys.stderr)
    make_plan, _, _ = run(["make", "-n", "all", *folders], env)  # includes the unit list
    make_again, _, _ = run(["make", "-n", "all", *folders], env)  # unit list up to date
    snake, _, _ = run(["make", "distributed", *folders, "PROFILE=local",
                       "SNAKEMAKE_ARGS=-n --quiet all"], env)
    listing = json.loads(listed[listed.index("{"):])
    groups = listing["groups"]
    # Stand-in outputs, newer than everything they are made from; the collect steps'
    # files (the site's SHA256SUMS) last, newer than the units they collect.
    for target in [*(t for group in groups for t in group["targets"]),
                   *(step["target"] for step in listing["collect"])]:
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        Path(target).touch()
    run(["make", "all", *folders], env)  # the first sums up (pipeline status --sweep)
    noop, _, _ = run(["make", "all", *folders], env)
    return {"articles": articles, "languages": 1 + len(TRANSLATIONS) + len(PLAN_EXTRA),
            "jobs": len(groups), "units": jobs, "unit_list_seconds": round(units, 1),
            "make_n_seconds_first": round(make_plan, 1),
            "make_n_seconds_again": round(make_again, 1),
            "snakemake_n_seconds": round(snake, 1),
            "snakemake_over_make_n": round(snake / make_plan, 2),
            "noop_make_seconds": round(noop, 2)}


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
        cpu = entry["cpu_seconds"]
        rows.append((name, f"{entry['wall_seconds']} s wall, "
                     + (f"{cpu} s CPU" if cpu is not None else "CPU not seen (detached jobs)")
                     + (f", {overhead} s per job over make" if overhead is not None else "")))
    rows += [(f"plan {p['articles']} x {p['languages']} ({p['jobs']} jobs, {p['units']} "
              "files): unit list", f"{p['unit_list_seconds']} s"),
             ("  make -n (first, with the unit list / again)",
              f"{p['make_n_seconds_first']} s / {p['make_n_seconds_again']} s"),
             ("  snakemake -n", f"{p['snakemake_n_seconds']} s, "
              f"{p['snakemake_over_make_n']}x make -n (goal <= 3: "
              f"{'met' if p['snakemake_over_make_n'] <= 3 else 'NOT met'})"),
             ("  no-op make, every output there", f"{p['noop_make_seconds']} s (goal < 5 s: "
              f"{'met' if p['noop_make_seconds'] < 5 else 'NOT met'})")]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {value}" for name, value in rows)


if __name__ == "__main__":
    main()
