"""How many threads a build process uses: every core it may run on, shared with the
other jobs of ``make -jN`` by the system's scheduler.

A job does not know how long the others will run, so it does not take a fixed share of
the cores: the last book of a ``make -j2`` would then be spoken on one core while the
other stands idle (a cold six-language build kept 1.67 of 2 cores busy that way, its last
Kokoro book speaking alone on one thread). Each neural session instead
has a thread per core and does not spin while it waits (``SPIN``), so two books at once
cost little more than two one-thread books, and the last one alone gets both cores.
Measured on 8 Spanish sentences with Kokoro (onnxruntime 1.32, 2 cores): two processes
of two non-spinning threads each took 26.4 s against 25.4 s with one thread each, and
35.0 s with two spinning threads; one process alone took 15.6 s with two threads
against 24.4 s with one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from threadpoolctl import threadpool_limits

# onnxruntime's session option: its idle threads sleep instead of spinning, which would
# take the CPU from the other job's threads.
SPIN = "session.intra_op.allow_spinning"


def threads() -> int:
    """The cores this process may run on (its CPU affinity, as ``taskset`` sets it)."""
    return len(os.sched_getaffinity(0))


def session_options() -> Any:
    """onnxruntime's options for a voice's session: a thread per core, none spinning."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads()
    options.inter_op_num_threads = 1
    options.add_session_config_entry(SPIN, "0")
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
