"""Run ``pipeline`` with a Python audit hook that records every file the process opens.

Usage: ``python audit_build.py RECORD.json -- <pipeline arguments>``. The paths opened
(through Python: ``open``, ``os.open``, ``io``; C libraries such as fontconfig and
child processes such as ffmpeg are not seen) are written, sorted, to RECORD.json.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main() -> int:
    record, separator, *arguments = sys.argv[1:]
    assert separator == "--"
    opened: set[str] = set()

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            opened.add(os.path.abspath(os.fsdecode(args[0])))

    sys.addaudithook(hook)
    from pipeline.cli import main as pipeline

    code = pipeline(arguments)
    Path(record).write_text(json.dumps(sorted(opened), indent=0), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main())
