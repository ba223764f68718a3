"""Running a command as its own process and measuring it: wall time, peak RSS, its output.

Every contender runs the same way. Throughput is taken over the files alone, by each command's
own clock (a contender prints its seconds, imports excluded; `ogi load` records its run's start
and end); the older figure, the command's wall time less the same command's on an empty
directory (interpreter start-up, imports, opening the warehouse), is kept beside it: on a shared
machine that subtraction of two separate runs added as much noise as it removed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Measured:
    """One process run: wall seconds, peak resident set of the process itself, exit, output."""

    command: tuple[str, ...]
    wall_s: float
    max_rss_mb: float
    returncode: int
    stdout: str
    stderr: str

    def check(self) -> Measured:
        """Itself, or an error showing what the command printed when it failed."""
        if self.returncode not in (0,):
            raise RuntimeError(
                f"{' '.join(self.command)} exited {self.returncode}:\n{self.stdout}\n{self.stderr}"
            )
        return self


def run_measured(command: list[str], *, env: dict[str, str] | None = None) -> Measured:
    """Run `command` from the repository root; its own peak RSS is its `VmHWM`, sampled while
    it runs (worker processes it starts are not counted).

    Not wait4's `ru_maxrss`: on Linux it keeps the high-water mark of the forked copy of this
    process across the child's exec, so every contender reported the bench's own size.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(env or {})}
        )
        peak_kb, status = _watch(process.pid)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Measured(
            tuple(command),
            wall,
            peak_kb / 1024,
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )


#: How often a running contender's high-water mark is read: it only grows, so what is missed
#: is growth in the last interval before the process exits.
SAMPLE_SECONDS = 0.005


def _watch(pid: int) -> tuple[int, int]:
    """Wait for `pid`, reading its `VmHWM` (kB) meanwhile; its peak and its wait status."""
    peak = 0
    status_file = Path(f"/proc/{pid}/status")
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return peak, status
        try:
            for line in status_file.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
                    break
        except (OSError, ValueError):  # exiting: its memory is gone already
            pass
        time.sleep(SAMPLE_SECONDS)


def ogi(*args: str) -> list[str]:
    """The command line of `ogi ARGS` with this interpreter."""
    return [sys.executable, "-m", "etl", *args]


def contender(*args: str) -> list[str]:
    """The command line of a contender of `bench.contenders`."""
    return [sys.executable, "-m", "bench.contenders", *args]


def per_second(files: int, wall: float, startup: float) -> float:
    """Files per second over the files alone (start-up subtracted, never below 1 ms)."""
    return files / max(wall - startup, 0.001)
