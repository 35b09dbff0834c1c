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
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import PipelineError

TEMP_PREFIX = ".tmp-"
LOCK_WAIT = 0.5  # s: how long a lock held by someone else is waited for before refusing


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
    handle = _locked(lock_dir / f"{key}.lock", target)
    try:
        yield
    finally:
        os.close(handle)


def _locked(path: Path, target: Path) -> int:
    """An open descriptor of the lock file ``path``, locked.

    ``pipeline cache prune`` takes each lock file for a moment to see whether a build
    holds it, and removes it if none does (while holding it): a lock held for a moment
    is waited for (LOCK_WAIT), and a file removed between our open and our lock was
    locked in vain, so it is opened again."""
    waited = 0.0
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as error:
            raise PipelineError(f"cannot create a lock: {error.strerror}", path.parent) \
                from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.fstat(handle).st_ino == os.stat(path).st_ino:
                return handle
        except FileNotFoundError:
            pass  # removed meanwhile: open it again
        except OSError as error:
            os.close(handle)
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise
            if waited >= LOCK_WAIT:
                raise PipelineError("another build of this file is running; "
                                    "wait for it to finish", target) from None
            time.sleep(0.05)
            waited += 0.05
            continue
        os.close(handle)


def release_stale_lock(path: Path, *, remove: bool) -> bool:
    """Whether the lock file ``path`` is held by no one (then, with ``remove``, it is
    removed while locked here, so ``exclusive`` cannot take the removed file)."""
    try:
        handle = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return False  # held: a build is running
            raise
        if remove:
            path.unlink(missing_ok=True)
        return True
    finally:
        os.close(handle)
