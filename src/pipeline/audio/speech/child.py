"""A front end's work for a whole book, done in a child process that has exited before
the model loads, so the front end's memory (misaki's dictionaries, text2tashkeel's
sessions) is never beside the model's.

The child is ``python -P -m MODULE ARGS... < JSON list of texts > JSON list of results``
(``-P``: the working folder is not on its path, so no file there is imported); the
module's ``__main__`` calls ``serve``.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Callable, Sequence

from pipeline.errors import PipelineError


def run(module: str, texts: Sequence[str], what: str, *args: str) -> list[str]:
    """Each text through ``module``'s ``serve`` in a child process; ``what`` names the
    front end in errors (e.g. "the Arabic front end")."""
    done = subprocess.run([sys.executable, "-P", "-m", module, *args],
                          input=json.dumps(list(texts)), capture_output=True, text=True,
                          encoding="utf-8", check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PipelineError(f"{what} failed: {last}")
    spoken: list[str] = json.loads(done.stdout)
    if len(spoken) != len(texts):
        raise PipelineError(f"{what} gave {len(spoken)} results for {len(texts)} texts")
    return spoken


def serve(each: Callable[[str], str]) -> None:
    """The child's side: JSON texts on stdin, ``each`` of them as JSON on stdout."""
    texts = json.load(sys.stdin)
    with contextlib.redirect_stdout(sys.stderr):  # a library's print must not break the JSON
        spoken = [each(text) for text in texts]
    json.dump(spoken, sys.stdout)
