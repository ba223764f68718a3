"""The machinery of an exclusive run: the lock, the run row, retries, events, dead runs.

A run holds the ETL lock (`etl.locking`) from start to end, so writers never overlap and a dead
writer's lock dies with it. Once the lock is held, any other run still `running` belongs to a
dead process and is marked `abandoned`. Every database step is retried after transient errors
(`etl.retry`), confirming first that the lock is still held. `etl.runs` builds on this.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, func, select, update

from etl.agencies import AgencyIds
from etl.checkpoints import BackgroundCheckpoints
from etl.db import connect
from etl.errors import WarehouseError
from etl.fact_rows import Catalogue
from etl.lineage import FileResult, RunTrigger, finish_run, record_file, start_run
from etl.load import LoadSummary, load_file
from etl.locking import HeldLock, LockHeld, LockLost, etl_lock
from etl.retry import RetryPolicy, TransientErrorsExhausted, with_retries
from etl.run_events import EventSink, RunEvent, discard
from models.base import utc_now
from models.lineage import EtlRun, RunFile

T = TypeVar("T")

#: Exit statuses of `ogi run` (and `ogi load`), for schedulers.
EXIT_OK = 0  # every file loaded or unchanged
EXIT_FAILED = 1  # the run itself failed (see its error); the files done before it stay
EXIT_REJECTED = 2  # some files were rejected; the others loaded
EXIT_LOCKED = LockHeld.exit_code  # 3: another run holds the lock; nothing was done


class RunFailed(WarehouseError):
    """The run broke off (the database stayed away, or the lock was lost); it is recorded failed."""


@dataclass(frozen=True, slots=True)
class RunSummary(LoadSummary):
    """A scheduled run: `LoadSummary` plus the dead runs it marked abandoned and the files it
    left for the next run because they were still being written."""

    abandoned: tuple[int, ...] = ()
    skipped: tuple[Path, ...] = ()


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
    with connect(engine) as connection, connection.begin():
        dead = connection.execute(
            select(EtlRun.run_id, EtlRun.pid, EtlRun.hostname).where(
                EtlRun.status == "running", EtlRun.run_id != found_by
            )
        ).all()
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
    """One run in progress: its row, its retries and its events."""

    def __init__(
        self,
        engine: Engine,
        lock: HeldLock,
        trigger: RunTrigger,
        policy: RetryPolicy,
        on_event: EventSink,
        command: str | None,
        checkpoints: BackgroundCheckpoints,
    ) -> None:
        self.engine = engine
        self.lock = lock
        self.checkpoints = checkpoints  # the WAL's, as `etl.load.load_paths` takes them
        self.policy = policy
        self.on_event = on_event
        # Read once for the run's files: the measures catalogue, and the bodies' ids as the
        # files' transactions commit them (see `AgencyIds`).
        self.catalogue: Catalogue | None = None
        self.agencies = AgencyIds()
        self.run_id = self.retried(
            "starting the run", lambda: start_run(engine, trigger=trigger, command=command)
        )
        self.abandoned = tuple(
            self.retried("marking dead runs", lambda: mark_abandoned(engine, found_by=self.run_id))
        )
        self.emit(
            "run_started",
            trigger=trigger,
            pid=os.getpid(),
            hostname=socket.gethostname(),
            command=command,
        )
        for dead in self.abandoned:
            self.emit("run_abandoned", abandoned_run_id=dead)

    def emit(self, event: str, **fields: Any) -> None:
        self.on_event(RunEvent(event, {"run_id": getattr(self, "run_id", None), **fields}))

    def retried(self, what: str, work: Callable[[], T]) -> T:
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

        return with_retries(confirmed, self.policy, what=what, on_retry=on_retry)

    def load(self, path: Path, **options: Any) -> FileResult:
        """Load a file (retried as a whole); a file that breaks off is recorded `failed`."""
        shown = options.get("source_path") or path
        if self.catalogue is None:
            self.catalogue = self.retried("reading the catalogue", self._read_catalogue)
        catalogue = self.catalogue
        try:
            result = self.retried(
                f"loading {shown}",
                lambda: load_file(
                    self.engine,
                    path,
                    run_id=self.run_id,
                    catalogue=catalogue,
                    agencies=self.agencies,
                    **options,
                ),
            )
        except (TransientErrorsExhausted, LockLost):
            raise  # the run stops: see `conduct`
        except Exception as exc:  # a bad file never stops the others
            message = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:2000]
            result = self.retried(f"recording {shown}", lambda: self._record_failed(shown, message))
        if result.outcome != "unchanged":  # (an unchanged file writes a row or two)
            self.checkpoints.written()
        self.emit(
            f"file_{'rejected' if result.outcome == 'rejected' else result.outcome}",
            path=str(shown),
            sha256=result.sha256,
            figures_written=result.figures_written,
            errors=result.error_count,
            warnings=result.warning_count,
            findings=len(result.findings),
            message=result.message,
        )
        return result

    def _read_catalogue(self) -> Catalogue:
        with connect(self.engine) as connection:
            return Catalogue.load(connection)

    def _record_failed(self, path: Path, message: str) -> FileResult:
        with connect(self.engine) as connection, connection.begin():
            return record_file(
                connection, self.run_id, path=path, outcome="failed", message=message
            )

    def finish(self, results: Sequence[FileResult], skipped: Sequence[Path] = ()) -> RunSummary:
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
            exit_code=summary.exit_code,
        )
        return summary

    def fail(self, results: Sequence[FileResult], exc: BaseException) -> None:
        """Record the run failed with its error, as far as the database lets us."""
        error = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:2000]
        self.emit("run_failed", error=error, exit_code=EXIT_FAILED)
        with suppress(Exception):  # the database is gone: the next run marks this one abandoned
            finish_run(self.engine, self.run_id, results, error=error)


def conduct(
    engine: Engine,
    trigger: RunTrigger,
    *,
    wait: bool,
    lock_timeout: float | None,
    retry: RetryPolicy,
    on_event: EventSink,
    command: str | None,
    body: Callable[[Run, list[FileResult]], Sequence[Path]],
) -> RunSummary:
    """Hold the lock, start a run, let `body` fill in its results, and finish (or fail) it."""
    with (
        exclusive(engine, wait=wait, timeout=lock_timeout, on_event=on_event) as lock,
        BackgroundCheckpoints(engine) as checkpoints,
    ):
        run = Run(engine, lock, trigger, retry, on_event, command, checkpoints)
        results: list[FileResult] = []
        try:
            skipped = body(run, results)
        except BaseException as exc:
            run.fail(results, exc)
            if isinstance(exc, TransientErrorsExhausted | LockLost):
                raise RunFailed(f"run {run.run_id} failed: {exc}") from exc
            raise
        return run.finish(results, skipped)
