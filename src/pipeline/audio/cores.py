"""How many threads a build process should use: the cores, shared among make's jobs."""

from __future__ import annotations

import os
import re


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
