"""The history of runs, for `ogi runs`: each run's row, and one run's files and findings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, select

from etl.db import connect
from etl.errors import NotFound
from models.lineage import EtlRun, RunFile, ValidationFinding


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One row of `etl_runs`."""

    run_id: int
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    files_seen: int
    files_loaded: int
    files_unchanged: int
    files_rejected: int
    figures_written: int
    error: str | None
    pid: int | None
    hostname: str | None
    command: str | None


@dataclass(frozen=True, slots=True)
class FindingRecord:
    """One finding about a file of the run."""

    severity: str
    rule_code: str
    sheet: str | None
    cell: str | None
    found: str | None
    expected: str | None
    message: str


@dataclass(frozen=True, slots=True)
class RunFileRecord:
    """What the run did with one file (unchanged files of `ogi run` are counted, not listed)."""

    path: str
    outcome: str
    figures_written: int
    error_count: int
    warning_count: int
    message: str | None
    findings: tuple[FindingRecord, ...]


@dataclass(frozen=True, slots=True)
class RunDetails:
    """A run with the files it recorded and their findings."""

    run: RunRecord
    files: tuple[RunFileRecord, ...]


_RUN_COLUMNS = (
    EtlRun.run_id,
    EtlRun.run_trigger,
    EtlRun.status,
    EtlRun.started_at,
    EtlRun.finished_at,
    EtlRun.files_seen,
    EtlRun.files_loaded,
    EtlRun.files_unchanged,
    EtlRun.files_rejected,
    EtlRun.figures_written,
    EtlRun.error,
    EtlRun.pid,
    EtlRun.hostname,
    EtlRun.command,
)


def _run_record(row: Row[Any, *tuple[Any, ...]]) -> RunRecord:
    return RunRecord(
        run_id=row.run_id,
        trigger=row.run_trigger,
        status=row.status,
        started_at=row.started_at,
        finished_at=row.finished_at,
        files_seen=row.files_seen,
        files_loaded=row.files_loaded,
        files_unchanged=row.files_unchanged,
        files_rejected=row.files_rejected,
        figures_written=row.figures_written,
        error=row.error,
        pid=row.pid,
        hostname=row.hostname,
        command=row.command,
    )


def list_runs(engine: Engine, *, last: int = 20) -> list[RunRecord]:
    """The `last` runs, newest first."""
    with connect(engine) as connection:
        rows = connection.execute(
            select(*_RUN_COLUMNS).order_by(EtlRun.run_id.desc()).limit(last)
        ).all()
    return [_run_record(row) for row in rows]


def run_details(engine: Engine, run_id: int) -> RunDetails:
    """Run `run_id` with its files, in the order it met them, and their findings."""
    with connect(engine) as connection:
        row = connection.execute(select(*_RUN_COLUMNS).where(EtlRun.run_id == run_id)).first()
        if row is None:
            raise NotFound(f"no run {run_id}; `ogi runs` lists the runs")
        files = connection.execute(
            select(
                RunFile.run_file_id,
                RunFile.path,
                RunFile.outcome,
                RunFile.figures_written,
                RunFile.error_count,
                RunFile.warning_count,
                RunFile.message,
            )
            .where(RunFile.run_id == run_id)
            .order_by(RunFile.run_file_id)
        ).all()
        findings: dict[int, list[FindingRecord]] = {}
        for f in connection.execute(
            select(
                ValidationFinding.run_file_id,
                ValidationFinding.severity,
                ValidationFinding.rule_code,
                ValidationFinding.sheet,
                ValidationFinding.cell,
                ValidationFinding.found,
                ValidationFinding.expected,
                ValidationFinding.message,
            )
            .join(RunFile, RunFile.run_file_id == ValidationFinding.run_file_id)
            .where(RunFile.run_id == run_id)
            .order_by(ValidationFinding.finding_id)
        ):
            findings.setdefault(f.run_file_id, []).append(FindingRecord(*f[1:]))
    return RunDetails(
        _run_record(row),
        tuple(
            RunFileRecord(*f[1:], findings=tuple(findings.get(f.run_file_id, ()))) for f in files
        ),
    )
