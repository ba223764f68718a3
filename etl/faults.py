"""Fault-injection points for the crash and fault tests: inert unless a test arms one.

The crash tests must stop a real `ogi run` in the middle of a file's transaction, on both
backends, at the same place every time; the fault tests must have the database server end
the connection at each step of a load. The loader calls `fault_point(name)` at a few named
places (`POINTS`). When `OGI_TEST_KILL_AT` is `NAME` or `NAME#N`, the process SIGKILLs itself
at the N-th (default first) time it reaches that point; a test in the same process can arm a
point with an action instead (`ACTIONS`). Nothing else reads either.
"""

from __future__ import annotations

import os
import signal
from collections import Counter
from collections.abc import Callable

#: The environment variable naming the point to die at (tests only).
KILL_AT_ENV = "OGI_TEST_KILL_AT"

#: The points, in the order a run meets them: the run recorded started; a batch of files
#: about to be looked up among those loaded before; a file's transaction begun; a fact table
#: of it inserted (its detail, as for the next two: the file's name); the file recorded, not
#: yet committed; the run's end about to be recorded.
POINTS = ("run_started", "files_lookup", "file_begun", "fact_insert", "file_recorded", "run_end")

#: Actions armed by a test in this process: point (or `POINT:DETAIL`) → what to do there.
ACTIONS: dict[str, Callable[[], None]] = {}

_hits: Counter[str] = Counter()
#: The point to die at, read once: the crash tests set it before starting the process, and
#: the loader passes a point for every table of every file.
_wanted = os.environ.get(KILL_AT_ENV) or None


def fault_point(point: str, detail: str = "") -> None:
    """SIGKILL this process if `$OGI_TEST_KILL_AT` names this point, `POINT` or
    `POINT:DETAIL` (and its count is due); run the action a test armed here, if any."""
    if _wanted is None and not ACTIONS:
        return
    name = f"{point}:{detail}" if detail else point
    action = ACTIONS.get(name) or ACTIONS.get(point)
    if action is not None:
        action()
    if _wanted is None:
        return
    wanted, _, nth = _wanted.partition("#")
    if wanted != name:
        return
    _hits[name] += 1
    if _hits[name] >= int(nth or 1):
        os.kill(os.getpid(), signal.SIGKILL)
