"""Are the outputs byte-identical to another revision's? The check for restructuring.

    .venv/bin/python tools/same_outputs.py [REV]        (default: HEAD)

Builds every output of the articles in every language with the tests' voices
(``tests/fixtures/espeak-voices.toml``: eSpeak NG for Spanish, French, Hindi and
Chinese, Piper for English, eSpeak NG for Arabic) and a fixed ``SOURCE_DATE_EPOCH``,
once from REV (checked out in a temporary git worktree, its code run in place of the
working tree's) and once from the working tree, then compares the two output folders
file by file, byte by byte. Exit status 0 when they are identical, 1 with the list of
what differs. Both builds share the speech cache, which is keyed by content.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPOCH = "1700000000"


def build(tree: Path, output: Path) -> None:
    """Every output of ``tree``'s articles, made by ``tree``'s own code."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src"), "SOURCE_DATE_EPOCH": EPOCH,
           "PIPELINE_CACHE": str(ROOT / ".cache")}
    command = [sys.executable, "-m", "pipeline", "--settings",
               str(tree / "tests" / "fixtures" / "espeak-voices.toml"), "--source",
               str(tree / "source"), "--locales", str(tree / "locales"), "--output",
               str(output), "build"]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"{tree}: the build failed:\n{done.stderr[-3000:]}")


def differences(left: Path, right: Path) -> list[str]:
    """Every path that is only on one side or differs, below the two folders."""
    compared = filecmp.dircmp(left, right)
    found = [f"only in {side}: {Path(folder, name)}"
             for side, folder, names in (("the revision", left, compared.left_only),
                                         ("the working tree", right, compared.right_only))
             for name in names]
    _, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    found += [f"differs: {left / name}" for name in [*mismatch, *errors]]
    for name in compared.common_dirs:
        found += differences(left / name, right / name)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rev", nargs="?", default="HEAD", help="git revision (default: HEAD)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="same-outputs-") as scratch:
        worktree, folder = Path(scratch) / "tree", Path(scratch)
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(worktree),
                        args.rev], cwd=ROOT, check=True)
        try:
            build(worktree, folder / "before")
            build(ROOT, folder / "after")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT,
                           check=True)
        found = differences(folder / "before", folder / "after")
        files = sum(1 for path in (folder / "after").rglob("*") if path.is_file())
    for line in found:
        print(line)
    print(f"{files} files compared with {args.rev}: "
          f"{'identical' if not found else f'{len(found)} differences'}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
