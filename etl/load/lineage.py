"""Run bookkeeping: `etl_runs`, `source_files`, `run_files` and `validation_findings`.

Every load is a run; every file a run sees gets a `run_files` row saying what became of it, and
its findings; every file's content is kept once, by SHA-256, in `source_files`. `start_run` and
`finish_run` commit on their own; the per-file functions take the connection of the file's
transaction, so a file's lineage commits (or not) with its figures.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from etl.db import DriverStatement, connect, table_of
from etl.records import Finding
from models.base import utc_now
from models.lineage import EtlRun, RunFile, SourceFile, ValidationFinding

RunTrigger = Literal["load", "run", "reprocess"]
RunStatus = Literal["running", "succeeded", "partial", "failed", "abandoned"]
FileOutcome = Literal["loaded", "unchanged", "rejected", "failed"]
SourceStatus = Literal["loaded", "rejected", "superseded"]


@dataclass(frozen=True, slots=True)
class FileResult:
    """What a run did with one file, as recorded in `run_files` (and its findings)."""

    path: Path
    outcome: FileOutcome
    run_file_id: int
    source_file_id: int | None = None
    sha256: str | None = None
    report_ids: tuple[int, ...] = ()
    figures_written: int = 0
    findings: tuple[Finding, ...] = field(default=())
    message: str | None = None

    @property
    def error_count(self) -> int:
        """Findings that stopped the file from loading."""
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warning_count(self) -> int:
        """Findings worth a look that did not stop the file."""
        return sum(1 for f in self.findings if f.severity == "warning")


@dataclass(frozen=True, slots=True)
class SourceFileRow:
    """A file the warehouse has seen before: its id and status."""

    source_file_id: int
    status: SourceStatus


def start_run(engine: Engine, *, trigger: RunTrigger = "load", command: str | None = None) -> int:
    """Record the start of a run (status `running`) and return its id."""
    with connect(engine) as connection, connection.begin():
        return int(
            connection.execute(
                insert(EtlRun)
                .values(
                    run_trigger=trigger,
                    command=command,
                    status="running",
                    started_at=utc_now(),
                    hostname=socket.gethostname(),
                    pid=os.getpid(),
                )
                .returning(EtlRun.run_id)
            ).scalar_one()
        )


def run_status(results: Sequence[FileResult], error: str | None = None) -> RunStatus:
    """`failed` if the run broke off or no file got in, `partial` if some files did not."""
    refused = sum(1 for r in results if r.outcome in ("rejected", "failed"))
    if error is not None or (results and refused == len(results)):
        return "failed"
    return "partial" if refused else "succeeded"


def finish_run(
    engine: Engine, run_id: int, results: Sequence[FileResult], *, error: str | None = None
) -> RunStatus:
    """Record the end of a run: its counts, status and the error that stopped it, if any."""
    status = run_status(results, error)
    with connect(engine) as connection, connection.begin():
        connection.execute(
            update(EtlRun)
            .where(EtlRun.run_id == run_id)
            .values(
                status=status,
                finished_at=utc_now(),
                files_seen=len(results),
                files_loaded=sum(1 for r in results if r.outcome == "loaded"),
                files_unchanged=sum(1 for r in results if r.outcome == "unchanged"),
                files_rejected=sum(1 for r in results if r.outcome in ("rejected", "failed")),
                figures_written=sum(r.figures_written for r in results),
                error=error,
            )
        )
    return status


def find_source_file(connection: Connection, sha256: str) -> SourceFileRow | None:
    """The file with this content, if the warehouse has seen it."""
    found = _BY_SHA256.rows(connection, {"sha256": sha256})
    return SourceFileRow(*found[0]) if found else None


def find_source_files(connection: Connection, digests: Iterable[str]) -> dict[str, SourceFileRow]:
    """The files with these contents that the warehouse has seen, by SHA-256 (one query per
    thousand, so a rerun over an unchanged inbox asks once, not once per file)."""
    wanted = sorted(set(digests))
    found: dict[str, SourceFileRow] = {}
    for start in range(0, len(wanted), 1000):
        query = select(SourceFile.sha256, SourceFile.source_file_id, SourceFile.status).where(
            SourceFile.sha256.in_(wanted[start : start + 1000])
        )
        for row in connection.execute(query):
            found[row.sha256] = SourceFileRow(row.source_file_id, row.status)
    return found


def save_source_file(
    connection: Connection,
    *,
    path: Path,
    sha256: str,
    file_format: str,
    content: bytes,
    status: SourceStatus,
    report_year: int | None = None,
    agency_name: str | None = None,
    error: str | None = None,
    known: SourceFileRow | Literal["look up"] | None = "look up",
) -> int:
    """Insert the file, or update the one with the same content (seen again); return its id.

    `known` is what `find_source_file` found for `sha256` in this transaction, when the caller
    has just asked (the loader does), so as not to ask again.
    """
    values = {
        "file_name": path.name,
        "original_path": str(path),
        "file_format": file_format,
        "size_bytes": len(content),
        "status": status,
        "report_year": report_year,
        "agency_name": agency_name,
        "error": error,
        "last_seen_at": utc_now(),
    }
    if known == "look up":
        known = find_source_file(connection, sha256)
    if known is not None:
        connection.execute(
            update(SourceFile)
            .where(SourceFile.source_file_id == known.source_file_id)
            .values(**values)
        )
        return known.source_file_id
    params = {"sha256": sha256, "content": content, "first_seen_at": values["last_seen_at"]}
    return int(_INSERT_SOURCE_FILE.rows(connection, params | values)[0][0])


# Statements built once: the loader runs them for every file, and building an ORM statement
# with .values() costs more than executing it (on SQLite they go to the driver: DriverStatement).
_INSERT_SOURCE_FILE = DriverStatement(
    insert(table_of(SourceFile)).returning(SourceFile.source_file_id)
)
_INSERT_RUN_FILE = DriverStatement(insert(table_of(RunFile)).returning(RunFile.run_file_id))
_BY_SHA256 = DriverStatement(
    select(SourceFile.source_file_id, SourceFile.status).where(
        SourceFile.sha256 == bindparam("sha256")
    )
)


def touch_source_file(connection: Connection, source_file_id: int) -> None:
    """Note that a known file was seen again."""
    connection.execute(
        update(SourceFile)
        .where(SourceFile.source_file_id == source_file_id)
        .values(last_seen_at=utc_now())
    )


def set_source_status(connection: Connection, source_file_id: int, status: SourceStatus) -> None:
    """Change a file's status (a file whose report was replaced becomes `superseded`)."""
    connection.execute(
        update(SourceFile).where(SourceFile.source_file_id == source_file_id).values(status=status)
    )


def record_file(
    connection: Connection,
    run_id: int,
    *,
    path: Path,
    outcome: FileOutcome,
    source_file_id: int | None = None,
    sha256: str | None = None,
    report_ids: Sequence[int] = (),
    figures_written: int = 0,
    findings: Sequence[Finding] = (),
    message: str | None = None,
) -> FileResult:
    """Record what the run did with a file, and its findings; returns the result."""
    result = FileResult(
        path=path,
        outcome=outcome,
        run_file_id=0,
        source_file_id=source_file_id,
        sha256=sha256,
        report_ids=tuple(report_ids),
        figures_written=figures_written,
        findings=tuple(findings),
        message=message,
    )
    now = utc_now()
    inserted = _INSERT_RUN_FILE.rows(
        connection,
        {
            "run_id": run_id,
            "source_file_id": source_file_id,
            "path": str(path),
            "outcome": outcome,
            "report_id": report_ids[0] if report_ids else None,
            "figures_written": figures_written,
            "error_count": result.error_count,
            "warning_count": result.warning_count,
            "message": message,
            "started_at": now,
            "finished_at": now,
        },
    )
    run_file_id = int(inserted[0][0])
    if findings:
        connection.execute(
            insert(table_of(ValidationFinding)),
            [
                {
                    "run_file_id": run_file_id,
                    "source_file_id": source_file_id,
                    "severity": f.severity,
                    "rule_code": f.rule_code,
                    "sheet": _clip(f.location.sheet, 100),
                    "cell": _clip(f.location.cell, 200),
                    "found": f.found,
                    "expected": f.expected,
                    "message": f.message,
                }
                for f in findings
            ],
        )
    return replace(result, run_file_id=run_file_id)


def _clip(text: str | None, length: int) -> str | None:
    return None if text is None else text[:length]
