"""One run model for every command that writes: the lock, the run row, the caches, the
checkpoints, the events and the retries.

A run holds the ETL lock (`etl.runs.locking`) from start to end, so writers never overlap and a
dead writer's lock dies with it. Once the lock is held, any other run still `running` belongs
to a dead process and is marked `abandoned`. Every database step goes through `Run.retried`:
tried again after transient errors (`etl.runs.retry`, as far as the run's policy allows),
confirming first that the lock is still held. What differs between `ogi load`, `ogi run
--inbox` and `ogi run --reprocess` is a `RunOptions`, decided once in `etl.runs.commands`.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DBAPIError

from etl.config import describe_url
from etl.db import connect
from etl.db.failures import storage_error
from etl.errors import ExitCode, LockHeld, LockLost, RunFailed, TransientErrorsExhausted
from etl.faults import fault_point
from etl.load.fact_rows import Catalogue
from etl.load.lineage import FileResult, RunStatus, RunTrigger, finish_run, record_file, start_run
from etl.load.sandbox import ReadFailure
from etl.runs.checkpoints import BackgroundCheckpoints
from etl.runs.events import EventSink, RunEvent, discard
from etl.runs.locking import HeldLock, etl_lock
from etl.runs.retry import RetryPolicy, with_retries
from models.base import utc_now
from models.lineage import EtlRun, RunFile

T = TypeVar("T")

#: One try of each database step: a connection error ends the run (recorded failed).
NO_RETRY = RetryPolicy(attempts=1)


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How one run differs from another; `etl.runs.commands` holds each command's choice, and
    docs/operator.md the table of them.

    - `record_unchanged`: list each file whose content was loaded before in `run_files`
      (`ogi load`), or only count it and note it seen, so that an unchanged inbox costs a
      query per 500 files (`ogi run`).
    - `on_broken_file`: a file whose reading or writing raised an unexpected error (a bug, a
      file that vanished) `stop`s the run, the error propagating (`ogi load`: a person is
      watching), or is `record`ed `failed` and the run goes on (`ogi run`: unattended). A
      file that stops its reader (a crash, no more memory or time: `Run.unreadable`) is no
      bug: it is recorded failed and the run goes on, whatever this says.
    - `reload`: load content seen before again, as the next version of its reports (a
      backfill); a reloaded file that now has errors is rejected and its figures stay.
    - `retry`: how often each database step is tried after a connection error.
    - `wait` / `lock_timeout`: queue behind a run holding the lock (for at most so long), or
      exit at once with `LockHeld`.
    - `jobs`: processes that read and check files (`etl.runs.pipeline`).
    """

    trigger: RunTrigger
    record_unchanged: bool = True
    on_broken_file: Literal["stop", "record"] = "stop"
    reload: bool = False
    retry: RetryPolicy = NO_RETRY
    wait: bool = True
    lock_timeout: float | None = None
    encoding: str | None = None
    jobs: int = 1
    command: str | None = None


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What a run did: its id and status, each file's result, the dead runs it marked
    abandoned, and the files it left for the next run (still being written)."""

    run_id: int
    status: RunStatus
    files: tuple[FileResult, ...]
    abandoned: tuple[int, ...] = ()
    skipped: tuple[Path, ...] = ()

    @property
    def loaded(self) -> int:
        """Files whose figures were written."""
        return sum(1 for f in self.files if f.outcome == "loaded")

    @property
    def unchanged(self) -> int:
        """Files whose content was loaded before."""
        return sum(1 for f in self.files if f.outcome == "unchanged")

    @property
    def rejected(self) -> int:
        """Files that wrote nothing because of errors, or whose loading broke off."""
        return sum(1 for f in self.files if f.outcome in ("rejected", "failed"))

    @property
    def figures_written(self) -> int:
        """Figures written by the run, over all files."""
        return sum(f.figures_written for f in self.files)

    @property
    def warnings(self) -> int:
        """Warnings about the files the run took (findings that did not stop a file)."""
        return sum(f.warning_count for f in self.files)

    @property
    def exit_code(self) -> ExitCode:
        """`ExitCode.OK` when every file loaded or was unchanged, else `ExitCode.REJECTED`."""
        return ExitCode.REJECTED if self.rejected else ExitCode.OK


@contextmanager
def exclusive(
    engine: Engine,
    *,
    wait: bool,
    timeout: float | None = None,
    on_event: EventSink = discard,
) -> Iterator[HeldLock]:
    """Hold the ETL lock; with `wait`, say so (`lock_wait`) and queue when another run has it.

    Without `wait`, raises `LockHeld` at once (after a `lock_held` event).
    """
    with ExitStack() as stack:
        try:
            held = stack.enter_context(etl_lock(engine))
        except LockHeld as exc:
            if not wait:
                on_event(RunEvent("lock_held", {"pid": os.getpid(), "message": str(exc)}))
                raise
            on_event(RunEvent("lock_wait", {"pid": os.getpid(), "message": str(exc)}))
            held = stack.enter_context(etl_lock(engine, wait=True, timeout=timeout))
        yield held


def mark_abandoned(engine: Engine, *, found_by: int) -> list[int]:
    """Mark every `running` run but `found_by` abandoned; return their ids.

    Call it only while holding the ETL lock: then no other writer is alive, so a run still
    `running` belongs to a process that died (killed, or its machine went down). Its counts are
    taken from the files it recorded; its error says which process it was and who found it.
    """
    now = utc_now()
    dead_runs = select(EtlRun.run_id, EtlRun.pid, EtlRun.hostname).where(
        EtlRun.status == "running", EtlRun.run_id != found_by
    )
    with connect(engine) as connection:
        if not connection.execute(dead_runs).first():
            return []  # the usual case: no write transaction
    with connect(engine) as connection, connection.begin():
        dead = connection.execute(dead_runs).all()
        for run in dead:
            counts = dict(
                connection.execute(
                    select(RunFile.outcome, func.count())
                    .where(RunFile.run_id == run.run_id)
                    .group_by(RunFile.outcome)
                ).all()
            )
            written = connection.execute(
                select(func.coalesce(func.sum(RunFile.figures_written), 0)).where(
                    RunFile.run_id == run.run_id
                )
            ).scalar_one()
            connection.execute(
                update(EtlRun)
                .where(EtlRun.run_id == run.run_id)
                .values(
                    status="abandoned",
                    finished_at=now,
                    files_seen=sum(counts.values()),
                    files_loaded=counts.get("loaded", 0),
                    files_unchanged=counts.get("unchanged", 0),
                    files_rejected=counts.get("rejected", 0) + counts.get("failed", 0),
                    figures_written=written,
                    error=(
                        f"abandoned: process {run.pid} on {run.hostname} ended without "
                        f"finishing the run (killed, or its machine stopped); found by run "
                        f"{found_by} at {now:%Y-%m-%d %H:%M:%S} UTC. Files it finished stay "
                        "loaded; the file it was loading, if any, was rolled back."
                    ),
                )
            )
    return [run.run_id for run in dead]


class Run:
    """One run in progress: its lock, row, options, caches, checkpoints, events and results."""

    def __init__(
        self,
        engine: Engine,
        lock: HeldLock,
        options: RunOptions,
        on_event: EventSink,
        checkpoints: BackgroundCheckpoints,
    ) -> None:
        self.engine = engine
        self.lock = lock
        self.options = options
        self.checkpoints = checkpoints  # the WAL's (`etl.runs.checkpoints`)
        self.on_event = on_event
        self.results: list[FileResult] = []
        self.run_id = self.retried(
            "starting the run",
            lambda: start_run(engine, trigger=options.trigger, command=options.command),
        )
        fault_point("run_started")  # fault tests: etl/faults.py
        self.abandoned = tuple(
            self.retried("marking dead runs", lambda: mark_abandoned(engine, found_by=self.run_id))
        )
        self.emit(
            "run_started",
            trigger=options.trigger,
            pid=os.getpid(),
            hostname=socket.gethostname(),
            command=options.command,
        )
        for dead in self.abandoned:
            self.emit("run_abandoned", abandoned_run_id=dead)
        self._catalogue: Catalogue | None = None

    @property
    def catalogue(self) -> Catalogue:
        """The measures catalogue, read once for the run's files."""
        if self._catalogue is None:
            self._catalogue = self.retried("reading the catalogue", self._read_catalogue)
        return self._catalogue

    def emit(self, event: str, **fields: Any) -> None:
        """Tell the run's sink that something happened."""
        self.on_event(RunEvent(event, {"run_id": getattr(self, "run_id", None), **fields}))

    def retried(self, what: str, work: Callable[[], T]) -> T:
        """`work` (a database step), tried again after transient errors as the options say,
        confirming first each time that the run still holds the lock."""

        def on_retry(attempt: int, delay: float, exc: BaseException) -> None:
            self.emit(
                "retry",
                what=what,
                attempt=attempt,
                delay_seconds=delay,
                error=" ".join(str(exc).split())[:300],
            )

        def confirmed() -> T:
            self.lock.confirm()
            return work()

        return with_retries(confirmed, self.options.retry, what=what, on_retry=on_retry)

    def add(self, result: FileResult) -> None:
        """Take a file's result: keep it, say so, and mark the WAL written to."""
        self.results.append(result)
        if result.outcome != "unchanged":  # (an unchanged file writes a row or two)
            self.checkpoints.written()
        self.emit(
            f"file_{result.outcome}",
            path=str(result.path),
            sha256=result.sha256,
            figures_written=result.figures_written,
            errors=result.error_count,
            warnings=result.warning_count,
            findings=len(result.findings),
            message=result.message,
        )

    def broken(self, path: Path, exc: Exception) -> FileResult:
        """A file whose reading or writing raised `exc`: recorded `failed` (the run goes on),
        or, when the options say `stop`, the error propagates."""
        if (
            self.options.on_broken_file == "stop"
            or isinstance(exc, TransientErrorsExhausted | LockLost)
            or storage_error(exc) is not None  # a full disk: no other file will do better
        ):
            raise exc
        message = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:2000]
        return self.retried(f"recording {path}", lambda: self._record_failed(path, message))

    def unreadable(self, path: Path, failure: ReadFailure) -> FileResult:
        """A file that stopped its reader (`etl.load.sandbox`): recorded `failed` with the
        reason and its finding, in every command; the run goes on."""

        def record() -> FileResult:
            with connect(self.engine) as connection, connection.begin():
                return record_file(
                    connection,
                    self.run_id,
                    path=path,
                    outcome="failed",
                    findings=[failure.finding],
                    message=f"the file {failure.reason}"[:2000],
                )

        return self.retried(f"recording {path}", record)

    def _read_catalogue(self) -> Catalogue:
        with connect(self.engine) as connection:
            return Catalogue.load(connection)

    def _record_failed(self, path: Path, message: str) -> FileResult:
        with connect(self.engine) as connection, connection.begin():
            return record_file(
                connection, self.run_id, path=path, outcome="failed", message=message
            )

    def finish(self, skipped: Sequence[Path] = ()) -> RunSummary:
        """Record the run's end and counts; its summary."""
        results = self.results
        fault_point("run_end")
        status = self.retried(
            "finishing the run", lambda: finish_run(self.engine, self.run_id, results)
        )
        summary = RunSummary(self.run_id, status, tuple(results), self.abandoned, tuple(skipped))
        self.emit(
            "run_finished",
            status=status,
            files_seen=len(results),
            files_loaded=summary.loaded,
            files_unchanged=summary.unchanged,
            files_rejected=summary.rejected,
            files_skipped=len(skipped),
            figures_written=summary.figures_written,
            warnings=summary.warnings,
            exit_code=summary.exit_code,
        )
        return summary

    def fail(self, exc: BaseException) -> None:
        """Record the run failed with its error, as far as the database lets us."""
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:2000]
        self.emit("run_failed", error=error, exit_code=ExitCode.FAILED)
        with suppress(Exception):  # the database is gone: the next run marks this one abandoned
            finish_run(self.engine, self.run_id, self.results, error=error)


@contextmanager
def started(engine: Engine, options: RunOptions, on_event: EventSink = discard) -> Iterator[Run]:
    """Hold the lock, start a run and hand it over; finish it after, or record it failed.

    A lost database or lock, a full disk, a warehouse that cannot be written or is no
    database (`etl.db.failures.storage_error`) become `RunFailed` saying so; before the run
    has started, the error itself.
    """
    where = f"the warehouse at {describe_url(engine.url)}"
    try:
        with (
            exclusive(
                engine, wait=options.wait, timeout=options.lock_timeout, on_event=on_event
            ) as lock,
            BackgroundCheckpoints(engine) as checkpoints,
        ):
            run = Run(engine, lock, options, on_event, checkpoints)
            try:
                yield run
            except BaseException as exc:
                run.fail(exc)
                failure = _run_failure(run, exc, where)
                if failure is None:
                    raise
                raise failure from exc
    except (DBAPIError, OSError, sqlite3.Error) as exc:  # before the run started, or after
        found = storage_error(exc, where)
        if found is None:
            raise
        raise found from exc


def _run_failure(run: Run, exc: BaseException, where: str) -> RunFailed | None:
    """The `RunFailed` a run's error becomes, or None for one that stays as it is (a bug)."""
    found = storage_error(exc, where)
    retried = run.options.retry.attempts > 1
    if isinstance(exc, LockLost) or (isinstance(exc, TransientErrorsExhausted) and retried):
        return RunFailed(f"run {run.run_id} failed: {exc}")
    if found is not None:
        return RunFailed(f"run {run.run_id} failed: {found}")
    if isinstance(exc, TransientErrorsExhausted):
        return RunFailed(f"run {run.run_id} failed: {exc}")
    return None
