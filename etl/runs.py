"""Scheduled runs that are safe to leave alone: exclusive, idempotent, crash-safe, observable.

`run_inbox` loads what is new or changed in a folder tree (`ogi run --inbox`); `reprocess`
reloads the stored files of some years (`ogi run --reprocess`, a backfill after a rule
changed); `load_exclusively` is `ogi load` under the same lock. Each file loads in one
transaction, so a run killed at any moment leaves every file loaded whole or not at all, and
the next run loads the rest. See README, "Scheduled runs"; the machinery is in
`etl.run_control`, the history in `etl.run_history`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from sqlalchemy import Engine, select

from etl.db import connect
from etl.errors import InputNotFound
from etl.inbox import InboxFile, archive_file, known_statuses, scan_inbox, touch_hashes
from etl.lineage import FileResult
from etl.load import LoadSummary, ProgressCallback, load_paths
from etl.reports.named import YearRange
from etl.retry import RetryPolicy
from etl.run_control import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_REJECTED,
    Run,
    RunFailed,
    RunSummary,
    conduct,
    exclusive,
    mark_abandoned,
)
from etl.run_events import EventSink, discard
from etl.run_history import list_runs, run_details
from models.lineage import SourceFile

__all__ = [
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_REJECTED",
    "RunFailed",
    "RunSummary",
    "list_runs",
    "load_exclusively",
    "mark_abandoned",
    "reprocess",
    "run_details",
    "run_inbox",
]

#: Five tries over about 15 seconds: enough for PostgreSQL to restart.
DEFAULT_RETRY = RetryPolicy()

#: Content the warehouse holds with one of these statuses is `unchanged` when seen again.
LOADED_BEFORE = ("loaded", "superseded")


def run_inbox(
    engine: Engine,
    inbox: Path,
    *,
    archive: bool = False,
    wait: bool = False,
    lock_timeout: float | None = None,
    settle_seconds: float = 0.0,
    encoding: str | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
    on_event: EventSink = discard,
    command: str | None = None,
) -> RunSummary:
    """Load the spreadsheets under `inbox` that are new or changed since last seen.

    Files are compared by content hash, all at once: content loaded before is counted
    `unchanged` (not listed in `run_files`, so an unchanged inbox costs one query); the rest
    load one transaction each (content rejected before is read again: the rules may have
    changed). With `archive`, each file then moves to `processed/` or `rejected/` beside the
    inbox. Files changed in the last `settle_seconds` are left for the next run. Raises
    `LockHeld` when another run holds the lock (unless `wait`), `RunFailed` when the run breaks
    off.
    """
    if not inbox.is_dir():
        raise InputNotFound(f"{inbox}: no such directory (the inbox to load from)")

    def body(run: Run, results: list[FileResult]) -> Sequence[Path]:
        files, young = scan_inbox(inbox, settle_seconds=settle_seconds)
        for path in young:
            run.emit("file_skipped", path=str(path), reason="changed in the last seconds")

        def statuses() -> dict[str, str]:
            with connect(engine) as connection:
                return known_statuses(connection, (f.sha256 for f in files))

        known = run.retried("looking up known files", statuses)
        unchanged: list[str] = []
        for item in files:
            if known.get(item.sha256) in LOADED_BEFORE:
                result = FileResult(item.path, "unchanged", run_file_id=0, sha256=item.sha256)
                unchanged.append(item.sha256)
                run.emit("file_unchanged", path=str(item.path), sha256=item.sha256)
            else:
                result = run.load(item.path, encoding=encoding)
            results.append(result)
            if archive:
                _archive(run, inbox, item, result)

        def touch() -> None:
            with connect(engine) as connection, connection.begin():
                touch_hashes(connection, unchanged)

        run.retried("noting unchanged files", touch)
        return young

    return conduct(
        engine,
        "run",
        wait=wait,
        lock_timeout=lock_timeout,
        retry=retry,
        on_event=on_event,
        command=command,
        body=body,
    )


def _archive(run: Run, inbox: Path, item: InboxFile, result: FileResult) -> None:
    try:
        target = archive_file(inbox, item, result.outcome)
    except OSError as exc:  # the file stays; the next run sees it again (unchanged or not)
        run.emit("archive_failed", path=str(item.path), error=str(exc))
    else:
        run.emit("file_archived", path=str(item.path), to=str(target))


def reprocess(
    engine: Engine,
    years: YearRange,
    *,
    wait: bool = False,
    lock_timeout: float | None = None,
    encoding: str | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
    on_event: EventSink = discard,
    command: str | None = None,
) -> RunSummary:
    """Reload the stored files whose report year is in `years` (inclusive), as one run.

    The files are those whose report is current (`loaded`) and those `rejected` that no later
    file of the same body and year has replaced, oldest first; their bytes come from
    `source_files`, so the inbox may be long archived. Each good file becomes the next version
    of its reports; a file that now has errors is recorded rejected and its figures stay.
    """

    def body(run: Run, results: list[FileResult]) -> Sequence[Path]:
        chosen = run.retried("choosing the files", lambda: stored_files(engine, years))
        with tempfile.TemporaryDirectory(prefix="ogi-reprocess-") as scratch:
            for source_file_id, original in chosen:
                copy = Path(scratch) / str(source_file_id) / original.name
                copy.parent.mkdir()
                copy.write_bytes(
                    run.retried(f"reading {original}", partial(_content, engine, source_file_id))
                )
                results.append(run.load(copy, encoding=encoding, reload=True, source_path=original))
        return ()

    return conduct(
        engine,
        "reprocess",
        wait=wait,
        lock_timeout=lock_timeout,
        retry=retry,
        on_event=on_event,
        command=command,
        body=body,
    )


def stored_files(engine: Engine, years: YearRange) -> list[tuple[int, Path]]:
    """The stored files a backfill of `years` reloads, oldest first: (id, original path)."""
    first, last = years
    with connect(engine) as connection:
        rows = connection.execute(
            select(
                SourceFile.source_file_id,
                SourceFile.original_path,
                SourceFile.status,
                SourceFile.agency_name,
                SourceFile.report_year,
            )
            .where(
                SourceFile.report_year.between(first, last),
                SourceFile.status.in_(("loaded", "rejected")),
            )
            .order_by(SourceFile.source_file_id)
        ).all()
    latest_loaded: dict[tuple[str | None, int | None], int] = {}
    for row in rows:
        if row.status == "loaded":
            latest_loaded[(row.agency_name, row.report_year)] = row.source_file_id
    return [
        (row.source_file_id, Path(row.original_path))
        for row in rows
        if row.status == "loaded"
        or row.source_file_id > latest_loaded.get((row.agency_name, row.report_year), 0)
    ]


def _content(engine: Engine, source_file_id: int) -> bytes:
    with connect(engine) as connection:
        content = connection.execute(
            select(SourceFile.content).where(SourceFile.source_file_id == source_file_id)
        ).scalar_one()
    return content or b""


def load_exclusively(
    engine: Engine,
    paths: Sequence[Path],
    *,
    wait: bool = True,
    lock_timeout: float | None = None,
    on_event: EventSink = discard,
    progress: ProgressCallback | None = None,
    encoding: str | None = None,
    command: str | None = None,
    jobs: int = 1,
) -> LoadSummary:
    """`load_paths` while holding the ETL lock (queueing behind a running `ogi run` unless
    `wait` is false), marking runs left by dead processes abandoned."""
    with exclusive(engine, wait=wait, timeout=lock_timeout, on_event=on_event):
        summary = load_paths(
            engine, paths, progress=progress, encoding=encoding, command=command, jobs=jobs
        )
        mark_abandoned(engine, found_by=summary.run_id)
    return summary
