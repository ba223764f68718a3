"""A fault-injection point for the crash tests: inert unless `$OGI_TEST_KILL_AT` is set.

The crash tests must stop a real `ogi run` in the middle of a file's transaction, on both
backends, at the same place every time. The loader calls `fault_point(name)` at a few named
places; when `OGI_TEST_KILL_AT` is `NAME` or `NAME#N`, the process SIGKILLs itself at the N-th
(default first) time it reaches that point. Nothing else reads the variable.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

#: The environment variable naming the point to die at (tests only).
KILL_AT_ENV = "OGI_TEST_KILL_AT"

_hits: Counter[str] = Counter()
#: The point to die at, read once: the crash tests set it before starting the process, and
#: the loader passes a point for every table of every file.
_wanted = os.environ.get(KILL_AT_ENV) or None


def fault_point(point: str, detail: str = "") -> None:
    """SIGKILL this process if `$OGI_TEST_KILL_AT` names this point, `POINT` or
    `POINT:DETAIL` (and its count is due)."""
    if _wanted is None:
        return
    name = f"{point}:{detail}" if detail else point
    wanted, _, nth = _wanted.partition("#")
    if wanted != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
