"""Write one file to the warehouse in one transaction, and record what became of it.

A file is known by the SHA-256 of its content: content loaded before is `unchanged` and
touches nothing. A file with an error finding writes no figures and is recorded as rejected,
with its findings; a good file's figures, its lineage and its warnings commit together. A file
for a body and year already loaded becomes the next version of that report, and the previous
version stays as history. Runs of many files are `etl.runs`' (docs/office.md, "Loading").
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from etl.bodies.resolve import Identity, apply_identity, ensure_townships, identify
from etl.db import connect
from etl.faults import fault_point
from etl.load.fact_rows import Catalogue, insert_staged, stage_rows, staged_townships
from etl.load.lineage import (
    FileResult,
    SourceFileRow,
    SourceStatus,
    find_source_file,
    record_file,
    save_source_file,
    touch_source_file,
)
from etl.load.prepare import PreparedFile
from etl.load.validate import file_findings
from etl.load.versions import add_report_version, reports_from_file
from etl.records import Finding, Location
from etl.rules import finding


def load_prepared(
    engine: Engine,
    prepared: PreparedFile,
    *,
    run_id: int,
    catalogue: Catalogue,
    reload: bool = False,
) -> FileResult:
    """Write a file read by `etl.load.prepare` in one transaction, after the checks that need the
    warehouse; content the warehouse holds by now is recorded as unchanged (unless `reload`)."""
    findings: list[Finding] = []
    kept: SourceStatus = "rejected"
    try:
        with connect(engine) as connection, connection.begin():
            fault_point("file_begun", prepared.path.name)  # fault tests: etl/faults.py
            known = find_source_file(connection, prepared.digest)
            if known is not None and known.status != "rejected":
                if not reload:
                    return record_unchanged(
                        connection, run_id, prepared.path, prepared.digest, known
                    )
                kept = known.status
            identities: list[Identity] = []
            findings = file_findings(
                prepared.extraction, prepared.report_findings, connection, identities
            )
            result = _write(
                connection, run_id, prepared, findings, catalogue, kept, known, identities
            )
            fault_point("file_recorded", prepared.path.name)
            return result
    except (IntegrityError, DataError) as exc:
        # The database refused a figure the rules let through; nothing of it was written.
        refusal = finding(
            "load.constraint_violated",
            Location(prepared.path.name),
            "the warehouse refused the figures: " + " ".join(str(exc.orig).split()),
            found=next(iter(str(exc.orig).splitlines()), None),
        )
        with connect(engine) as connection, connection.begin():
            return _reject(connection, run_id, prepared, [*findings, refusal], kept)


def record_unchanged(
    connection: Connection, run_id: int, path: Path, digest: str, known: SourceFileRow
) -> FileResult:
    """Record a file whose content the warehouse holds: seen again, nothing written."""
    touch_source_file(connection, known.source_file_id)
    return record_file(
        connection,
        run_id,
        path=path,
        outcome="unchanged",
        source_file_id=known.source_file_id,
        sha256=digest,
        report_ids=reports_from_file(connection, known.source_file_id),
        message="the same content was loaded before",
    )


def _write(
    connection: Connection,
    run_id: int,
    prepared: PreparedFile,
    findings: list[Finding],
    catalogue: Catalogue,
    rejected_status: SourceStatus = "rejected",
    known: SourceFileRow | Literal["look up"] | None = "look up",
    identities: Sequence[Identity] = (),
) -> FileResult:
    """Write the file's reports, or reject it; `known` is its `source_files` row as
    `find_source_file` found it in this transaction, `identities` what `identify` found of
    each report's body (an earlier report of the file may change what a later one finds)."""
    extraction = prepared.extraction
    if any(f.severity == "error" for f in findings) or extraction.file_format is None:
        return _reject(connection, run_id, prepared, findings, rejected_status, known)
    first = extraction.reports[0].header
    source_file_id = save_source_file(
        connection,
        path=prepared.path,
        sha256=prepared.digest,
        file_format=extraction.file_format,
        content=prepared.content,
        status="loaded",
        report_year=first.year,
        agency_name=first.agency_name,
        known=known,
    )
    report_ids = []
    written = 0
    staged = prepared.staged or (None,) * len(extraction.reports)
    changed = False  # whether a report before this one created or changed a body
    for n, (report, tables) in enumerate(zip(extraction.reports, staged, strict=True)):
        header = report.header
        identity = identities[n] if n < len(identities) and not changed else None
        if identity is None:
            identity = identify(connection, header)
        agency_id = apply_identity(connection, header, identity, run_id)
        changed = changed or identity.action != "use"
        report_id = add_report_version(
            connection,
            agency_id,
            header,
            source_file_id,
            run_id,
            new_agency=identity.agency_id is None,
        )
        if tables is None:
            tables = stage_rows(catalogue, report)
        townships = ensure_townships(connection, agency_id, staged_townships(tables), header.year)
        for table in tables:
            rows = table.fill(report_id, townships)
            insert_staged(connection, table, rows)  # one executemany per fact table
            written += len(rows)
            fault_point("fact_insert", prepared.path.name)  # crash tests; etl/faults.py
        report_ids.append(report_id)
    return record_file(
        connection,
        run_id,
        path=prepared.path,
        outcome="loaded",
        source_file_id=source_file_id,
        sha256=prepared.digest,
        report_ids=report_ids,
        figures_written=written,
        findings=findings,
    )


def _reject(
    connection: Connection,
    run_id: int,
    prepared: PreparedFile,
    findings: list[Finding],
    status: SourceStatus = "rejected",
    known: SourceFileRow | Literal["look up"] | None = "look up",
) -> FileResult:
    """Record a file that writes no figures; `status` keeps a reloaded file's earlier status
    (its figures stay)."""
    extraction, path, digest = prepared.extraction, prepared.path, prepared.digest
    errors = [f for f in findings if f.severity == "error"]
    message = f"{len(errors)} error(s), the first: {errors[0]}" if errors else None
    if status != "rejected" and message is not None:
        message += "; the figures it loaded before stay"
    source_file_id = None
    if extraction.file_format is not None:  # only spreadsheets are kept
        first = extraction.reports[0].header if extraction.reports else None
        source_file_id = save_source_file(
            connection,
            path=path,
            sha256=digest,
            file_format=extraction.file_format,
            content=prepared.content,
            status=status,
            report_year=None if first is None else first.year,
            agency_name=None if first is None else first.agency_name,
            error=message,
            known=known,
        )
    return record_file(
        connection,
        run_id,
        path=path,
        outcome="rejected",
        source_file_id=source_file_id,
        sha256=digest,
        findings=findings,
        message=message,
    )
