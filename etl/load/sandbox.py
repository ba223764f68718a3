"""Reading files in processes a hostile file cannot take the run down with: `ReaderPool`.

Every file a run reads is read in a reader process forked from the writer, with a ceiling on
its memory (`READER_MEMORY_BYTES`, as `RLIMIT_AS`: an allocation past it fails) and a clock on
each file (`READ_SECONDS`: SIGALRM, which ends the process wherever it is). A reader that
crashes (python-calamine aborting on an allocation it cannot make, a segfault), runs out of
memory or of time takes only the file it was reading with it: that file's result is a
`ReadFailure` saying why, a new reader takes the files after it, and the run goes on (#17).
Files are sent as their bytes: a reader opens nothing itself.
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import multiprocessing
import os
import pickle
import resource
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from etl import rules
from etl.records import Finding, Location

J = TypeVar("J")
R = TypeVar("R")

#: The memory a reader process may take, in bytes of address space beyond what it holds when
#: forked (its `RLIMIT_AS` is set so). Reading the largest file accepted (50 MB, or 5,000,000
#: cells in a sheet) takes well under a gigabyte; a file that would need more is recorded
#: failed.
READER_MEMORY_BYTES = 2 * 1024**3
#: Seconds a reader may spend on one file (reading and checking it); a second or two at most
#: for the largest accepted file.
READ_SECONDS = 120.0
#: Files given to a reader at a time, and how many it may hold (given, not yet sent back):
#: enough to keep it busy while the writer writes.
FILES_PER_TASK = 8
READ_AHEAD_PER_READER = 32
#: Bytes of files a reader may hold, however few files that is (one at least): what bounds
#: the writer's memory when the files are large (32 of 50 MB would be 1.6 GB).
READ_AHEAD_BYTES = 128 * 1024 * 1024
#: Results read and not yet taken, per reader: what bounds memory however many files a run has.
HELD_PER_READER = 64
#: How much of a reader's last words (its stderr) a failure quotes.
_LAST_WORDS = 300


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """A file that stopped its reader: a crash, no more memory or no more time. The file's
    doing, not a bug of ours: it is recorded `failed` with `reason` and the run goes on, in
    every command (`etl.runs.run.Run.unreadable`)."""

    path: Path
    reason: str

    @property
    def finding(self) -> Finding:
        """The failure as a finding on the file (`file.unreadable`)."""
        expected = "a file the reader reads to its end within its time and memory"
        return rules.finding(
            "file.unreadable",
            Location(self.path.name),
            f"expected {expected}, found a file that {self.reason}",
            found=self.reason,
            expected=expected,
        )


@dataclass(frozen=True, slots=True)
class _Stopped:
    """Sent by a reader for a file that ran it out of memory or stack (what the reader still
    could say): the writer makes it a `ReadFailure`."""

    reason: str


@dataclass
class _Reader:
    """A reader process and what it was given."""

    process: multiprocessing.process.BaseProcess
    tasks: Any  # multiprocessing.Queue: its feeder thread never blocks the writer
    results: Connection
    stderr: IO[bytes]
    given: deque[int] = field(default_factory=deque)
    #: when the file it reads now was given to it, or its last result came back
    since: float = field(default_factory=time.monotonic)


@dataclass
class _Jobs(Generic[J, R]):
    """The jobs of one `ReaderPool.map`: numbered in order, given, done, taken."""

    remaining: Iterator[tuple[Path, J]]
    paths: dict[int, Path] = field(default_factory=dict)
    waiting: dict[int, J] = field(default_factory=dict)  # given, no result yet
    again: deque[int] = field(default_factory=deque)  # to give again: their reader died
    done: dict[int, R | ReadFailure] = field(default_factory=dict)
    issued: int = 0
    taken: int = 0
    exhausted: bool = False

    def next(self, held: int) -> int | None:
        """The next job to give (one given before first), or None when there is none yet."""
        if self.again:
            return self.again.popleft()
        if self.exhausted or self.issued - self.taken >= held:
            return None
        job = next(self.remaining, None)
        if job is None:
            self.exhausted = True
            return None
        seq, self.issued = self.issued, self.issued + 1
        self.paths[seq], self.waiting[seq] = job
        return seq

    def finish(self, seq: int, result: R | ReadFailure) -> None:
        """Take a job's result."""
        del self.waiting[seq]
        self.done[seq] = result


class ReaderPool(Generic[J, R]):
    """`readers` processes applying `task` to jobs under the limits, results in order
    (`map`). A context manager: leaving it ends the readers. No process starts before the
    first job: a run with no new file forks nothing."""

    def __init__(
        self,
        task: Callable[[J], R],
        *,
        readers: int = 1,
        memory_bytes: int | None = None,
        seconds: float | None = None,
        weigh: Callable[[J], int] = lambda _job: 0,
    ) -> None:
        self.task = task
        self.weigh = weigh  # a job's size, in bytes (`READ_AHEAD_BYTES`)
        self.count = max(1, readers)
        self.memory_bytes = READER_MEMORY_BYTES if memory_bytes is None else memory_bytes
        self.seconds = READ_SECONDS if seconds is None else seconds
        self._readers: list[_Reader] = []
        # fork: readers start at once and share the loaded code; they never touch the
        # database connections they inherit (SQLAlchemy's rule for pools across fork).
        self._context = multiprocessing.get_context("fork")

    def __enter__(self) -> ReaderPool[J, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def map(self, jobs: Iterable[tuple[Path, J]]) -> Iterator[R | ReadFailure]:
        """Each job's result, in order: what `task` returned in a reader, or a `ReadFailure`
        for the job whose reader crashed or ran out of memory or time. A job is a path (for
        the failure) and what `task` takes; jobs are taken as readers have room for them."""
        state: _Jobs[J, R] = _Jobs(iter(jobs))
        while True:
            while state.taken in state.done:
                result = state.done.pop(state.taken)
                del state.paths[state.taken]
                state.taken += 1
                yield result
            self._give(state)
            if state.exhausted and not state.again and state.taken == state.issued:
                return
            self._collect(state)

    def close(self) -> None:
        """End the readers: idle ones are told to stop, busy ones are killed."""
        readers, self._readers = self._readers, []
        for reader in readers:
            if reader.given or not reader.process.is_alive():
                reader.process.kill()
            else:
                with contextlib.suppress(Exception):
                    reader.tasks.put(None)
        for reader in readers:
            reader.process.join(5)
            if reader.process.is_alive():
                reader.process.kill()
                reader.process.join()
            self._discard(reader)

    def _give(self, state: _Jobs[J, R]) -> None:
        """Give each reader jobs until it holds `READ_AHEAD_PER_READER`, or
        `READ_AHEAD_BYTES` of them (starting readers as there are jobs for them)."""
        held = self.count * HELD_PER_READER
        for n in range(self.count):
            if n == len(self._readers):
                seq = state.next(held)
                if seq is None:
                    return
                state.again.appendleft(seq)
                self._readers.append(self._start())
            reader = self._readers[n]
            if not reader.given and not reader.process.is_alive():  # ended while idle
                self._discard(reader)
                reader = self._readers[n] = self._start()
            batch: list[tuple[int, J]] = []
            weight = sum(self.weigh(state.waiting[seq]) for seq in reader.given)
            while len(reader.given) < READ_AHEAD_PER_READER and (
                not reader.given or weight < READ_AHEAD_BYTES
            ):
                seq = state.next(held)
                if seq is None:
                    break
                reader.given.append(seq)
                batch.append((seq, state.waiting[seq]))
                weight += self.weigh(state.waiting[seq])
                if len(batch) == FILES_PER_TASK:
                    self._send(reader, batch)
                    batch = []
            if batch:
                self._send(reader, batch)

    def _send(self, reader: _Reader, batch: list[tuple[int, J]]) -> None:
        if len(reader.given) == len(batch):  # it was idle: its file's time starts now
            reader.since = time.monotonic()
        reader.tasks.put(batch)

    def _collect(self, state: _Jobs[J, R]) -> None:
        """Wait for results, or a reader's end, and take them."""
        busy = [reader for reader in self._readers if reader.given]
        if not busy:
            return
        # A reader's own clock ends it (SIGALRM); this is in case that clock never rang.
        grace = self.seconds * 2 + 5
        deadline = min(reader.since for reader in busy) + grace
        ready = wait(
            [reader.results for reader in busy] + [reader.process.sentinel for reader in busy],
            timeout=max(0.0, deadline - time.monotonic()),
        )
        for reader in busy:
            ended = reader.process.sentinel in ready
            if reader.results in ready or ended:
                self._receive(reader, state)
            if ended or (reader.given and time.monotonic() >= reader.since + grace):
                self._replace(reader, state)

    def _receive(self, reader: _Reader, state: _Jobs[J, R]) -> None:
        """Take every result the reader has sent."""
        while reader.given:
            try:
                if not reader.results.poll():
                    return
                data = reader.results.recv_bytes()
            except (EOFError, OSError):
                return
            seq = reader.given.popleft()
            try:
                sent, result = pickle.loads(data)
            except Exception as exc:  # a result that pickled but does not unpickle
                sent, result = seq, RuntimeError(f"a reader's result was unreadable: {exc}")
            assert sent == seq, (sent, seq)
            reader.since = time.monotonic()
            if isinstance(result, _Stopped):
                result = ReadFailure(state.paths[seq], result.reason)
            state.finish(seq, result)

    def _replace(self, reader: _Reader, state: _Jobs[J, R]) -> None:
        """A reader ended (or hung): the file it was reading failed, the files it held go
        to the next reader, and a new reader takes its place."""
        if reader.process.is_alive():
            reader.process.kill()
        reader.process.join()
        self._receive(reader, state)  # what it sent before it ended
        if reader.given:
            culprit = reader.given.popleft()
            state.finish(culprit, ReadFailure(state.paths[culprit], self._why(reader)))
            state.again.extendleft(reversed(reader.given))
            reader.given.clear()
        self._discard(reader)
        self._readers[self._readers.index(reader)] = self._start()

    def _why(self, reader: _Reader) -> str:
        """Why the reader ended, for the file it was reading."""
        code = reader.process.exitcode
        last = _last_words(reader.stderr)
        if code == -signal.SIGALRM or code is None:
            return f"took longer than {self.seconds:g} s to read"
        if "memory allocation of" in last:
            return f"needed more memory than a reader may use ({_mb(self.memory_bytes)}): {last}"
        if code < 0:
            how = f"stopped the reader ({signal.Signals(-code).name})"
        else:
            how = f"stopped the reader (exit status {code})"
        return f"{how}: {last}" if last else how

    def _start(self) -> _Reader:
        tasks = self._context.Queue()
        receiving, sending = self._context.Pipe(duplex=False)
        stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed with the reader: `_discard`)
        others = [other.results for other in self._readers]
        process = self._context.Process(
            target=_serve,
            args=(
                self.task,
                tasks,
                sending,
                stderr.fileno(),
                self.memory_bytes,
                self.seconds,
                [*others, receiving],
            ),
            daemon=True,
            name="ogi-reader",
        )
        process.start()
        sending.close()
        return _Reader(process, tasks, receiving, stderr)

    def _discard(self, reader: _Reader) -> None:
        reader.tasks.cancel_join_thread()  # what it still held is not needed
        reader.tasks.close()
        reader.results.close()
        reader.stderr.close()


def _serve(
    task: Callable[[Any], Any],
    tasks: Any,
    results: Connection,
    stderr: int,
    memory_bytes: int,
    seconds: float,
    inherited: list[Connection],
) -> None:
    """A reader: take batches of jobs, send back each job's result, until told to stop."""
    _die_with_parent()
    for connection in inherited:  # the writer's ends, inherited through fork
        connection.close()
    os.dup2(stderr, 2)  # its last words go to the writer, not the terminal
    faulthandler.disable()  # (its dump would go to the terminal: the signal says enough)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the writer handles Ctrl-C
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # its clock ends it, wherever it is
    _limit_memory(memory_bytes)
    while (batch := tasks.get()) is not None:
        for seq, job in batch:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                result: Any = task(job)
            except MemoryError:
                result = _Stopped(f"needed more memory than a reader may use ({_mb(memory_bytes)})")
            except RecursionError:
                result = _Stopped("is nested too deeply to read")
            except Exception as exc:
                result = exc
            except BaseException as exc:  # a Rust panic in python-calamine (PanicException)
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                result = _Stopped(f"stopped the reader ({type(exc).__name__}: {exc})"[:500])
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            try:
                results.send((seq, result))
            except Exception as exc:  # a result that does not pickle
                results.send((seq, RuntimeError(f"{type(result).__name__}: {exc}")))


def _die_with_parent() -> None:
    """Have the kernel end this process when the writer ends (Linux's PR_SET_PDEATHSIG): a
    writer killed with SIGKILL leaves no reader behind."""
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _limit_memory(memory_bytes: int) -> None:
    """Let the process take `memory_bytes` of address space beyond what it holds (`RLIMIT_AS`)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        held = 0
    limit = held + memory_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _last_words(stderr: IO[bytes]) -> str:
    """The last meaningful line a reader wrote on its stderr ("memory allocation of ...
    failed", a Python error), without a Rust backtrace's frames."""
    try:
        stderr.seek(0)
        text = stderr.read(1024 * 1024).decode("utf-8", "replace")
    except (OSError, ValueError):
        return ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("memory allocation of"):
            return line[:_LAST_WORDS]
    meaningful = [
        line
        for line in lines
        if not line[:1].isdigit() and not line.startswith(("at ", "stack backtrace", "note:"))
    ]
    return meaningful[-1][:_LAST_WORDS] if meaningful else ""


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"
