"""Files of the site as they are written: reproducible ZIPs, a handout's folder replaced
whole, and files rewritten only when their bytes change.

A ZIP holds each file's time, owner system and permissions besides its bytes: here they
are fixed (``SOURCE_DATE_EPOCH``'s time, else 1980-01-01, Unix, 0644) and the entries
sorted, so two builds of the same inputs give the same archive, and the same checksum.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from pipeline.errors import PipelineError
from pipeline.output import TEMP_PREFIX, atomic_path, atomic_write

# Formats that are compressed already (audio, PDF streams, EPUB's own ZIP): stored as
# they are, which costs a few bytes and saves the time of deflating megabytes again.
STORED: Final = frozenset({".mp3", ".pdf", ".epub", ".zip", ".png", ".jpg", ".jpeg"})
EARLIEST: Final = (1980, 1, 1, 0, 0, 0)  # the first time a ZIP can hold


def zip_time() -> tuple[int, int, int, int, int, int]:
    """Every entry's time: ``SOURCE_DATE_EPOCH`` (UTC) when set, else a fixed date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return EARLIEST
    try:
        when = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
    except ValueError:
        raise PipelineError(f"SOURCE_DATE_EPOCH must be whole seconds, not '{epoch}'") \
            from None
    return max(EARLIEST, (when.year, when.month, when.day, when.hour, when.minute,
                          when.second))


def write_zip(target: Path, files: Iterable[tuple[str, Path]]) -> int:
    """Write ``target`` from (name in the archive, file) pairs, atomically; its size."""
    stamp = zip_time()
    with atomic_path(target) as temp:
        with zipfile.ZipFile(temp, "w") as archive:
            for name, path in sorted(files):
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.create_system = 3  # Unix, whatever builds it
                info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
                info.compress_type = zipfile.ZIP_STORED \
                    if path.suffix.lower() in STORED else zipfile.ZIP_DEFLATED
                with path.open("rb") as source, archive.open(info, "w") as entry:
                    shutil.copyfileobj(source, entry, 1 << 20)
        size = temp.stat().st_size
    return size


def files_below(folder: Path) -> list[Path]:
    """Every file under ``folder`` (not temporary ones), sorted."""
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and not p.name.startswith(TEMP_PREFIX))


def copy_file(source: Path, target: Path) -> None:
    """A copy (never a link: the site must survive being zipped or moved), rw-r--r--."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    os.chmod(target, 0o644)


def staging_folder(target: Path) -> Path:
    """A new empty folder beside ``target`` to fill before ``replace_folder``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=target.parent))
    os.chmod(folder, 0o755)
    return folder


def replace_folder(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is, so readers see the old folder or the new one;
    the old one is removed after."""
    old = None
    if target.exists():
        old = target.with_name(f"{TEMP_PREFIX}old-{target.name}-{os.getpid()}")
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_if_changed(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` (atomically) unless it holds those bytes already:
    a web server's dates and a sync tool's work then follow real changes only."""
    try:
        if target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write(target, data)
    return True
