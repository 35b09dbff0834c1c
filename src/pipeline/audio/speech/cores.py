"""How many threads a build process should use: the cores, shared among make's jobs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from threadpoolctl import threadpool_limits


def threads(makeflags: str | None = None, cores: int | None = None) -> int:
    """The cores divided among make's parallel jobs (read from ``MAKEFLAGS``).

    ``make -j2`` on two cores gives each job one thread; a lone build uses all cores.
    """
    flags = os.environ.get("MAKEFLAGS", "") if makeflags is None else makeflags
    cores = cores or len(os.sched_getaffinity(0))
    found = re.search(r"(?:^|\s)-j(\d*)", flags)
    if found is None:
        return cores
    jobs = int(found.group(1)) if found.group(1) else cores  # bare -j: as many as cores
    return max(1, cores // max(jobs, 1))


def session_options() -> Any:
    """onnxruntime's options for a voice's session: the job's share of the cores."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads()
    options.inter_op_num_threads = 1
    return options


@contextmanager
def no_blas_threads() -> Iterator[None]:
    """numpy's BLAS (OpenBLAS) kept to the calling thread while a book is made.

    The build's threads are its own (``threads``); OpenBLAS would add a pool of its own
    to each, whose spinning workers cost 40 % more CPU on the limiter's small products
    (measured on a Spanish book) and nothing gained.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield
