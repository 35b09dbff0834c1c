"""The last stage's edge: files appear whole or not at all.

Every output and every catalog is written to a temporary file beside its target
and renamed over it, so an interrupted or failed build leaves the earlier file as
it was and no partial file behind.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import PipelineError

TEMP_PREFIX = ".tmp-"


def creation_date() -> dt.datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set, so builds can be reproduced."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except ValueError:
            raise PipelineError(f"SOURCE_DATE_EPOCH must be whole seconds, not '{epoch}'")\
                from None
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@contextlib.contextmanager
def temporary(target: Path) -> Iterator[Path]:
    """Yield a new empty file beside ``target`` (same file system); it is removed after."""
    directory = target.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=target.suffix, dir=directory)
    except OSError as error:
        raise PipelineError(f"cannot write here: {error.strerror}", directory) from None
    os.close(handle)
    temp = Path(name)
    try:
        os.chmod(temp, 0o644)
        yield temp
    finally:
        temp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it is renamed to ``target``."""
    with temporary(target) as temp:
        yield temp
        os.replace(temp, target)


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file and a rename."""
    with atomic_path(target) as temp, temp.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


@contextlib.contextmanager
def exclusive(target: Path, lock_dir: Path) -> Iterator[None]:
    """Hold a lock on building ``target``; a second build of it at once is refused."""
    key = hashlib.sha256(str(target.resolve()).encode()).hexdigest()[:16]
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        handle = os.open(lock_dir / f"{key}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise PipelineError(f"cannot create a lock: {error.strerror}", lock_dir) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise PipelineError("another build of this file is running; "
                                    "wait for it to finish", target) from None
            raise
        yield
    finally:
        os.close(handle)
