"""Write one file to the warehouse in one transaction, and record what became of it.

A file is known by the SHA-256 of its content: content loaded before is `unchanged` and
touches nothing. A file with an error finding writes no figures and is recorded as rejected,
with its findings; a good file's figures, its lineage and its warnings commit together. A file
for a body and year already loaded becomes the next version of that report, and the previous
version stays as history. Runs of many files are `etl.runs`' (docs/office.md, "Loading").
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from etl.agencies import AgencyIds, ensure_agency, ensure_townships
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
    agencies: AgencyIds | None = None,
) -> FileResult:
    """Write a file read by `etl.load.prepare` in one transaction, after the checks that need the
    warehouse; content the warehouse holds by now is recorded as unchanged (unless `reload`).
    `agencies` is the run's cache of agency ids; it keeps only what this file's transaction
    committed."""
    findings: list[Finding] = []
    kept: SourceStatus = "rejected"
    ids = AgencyIds() if agencies is None else agencies
    try:
        with connect(engine) as connection, connection.begin():
            known = find_source_file(connection, prepared.digest)
            if known is not None and known.status != "rejected":
                if not reload:
                    return record_unchanged(
                        connection, run_id, prepared.path, prepared.digest, known
                    )
                kept = known.status
            findings = file_findings(prepared.extraction, prepared.report_findings, connection)
            result = _write(connection, run_id, prepared, findings, catalogue, kept, known, ids)
        ids.keep()  # committed
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
    finally:
        ids.drop()  # what a rolled-back transaction learnt is forgotten


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
    agencies: AgencyIds | None = None,
) -> FileResult:
    """Write the file's reports, or reject it; `known` is its `source_files` row as
    `find_source_file` found it in this transaction, `agencies` the run's agency ids."""
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
    ids = AgencyIds() if agencies is None else agencies
    staged = prepared.staged or (None,) * len(extraction.reports)
    for report, tables in zip(extraction.reports, staged, strict=True):
        agency_id = ensure_agency(connection, report.header, ids)
        new_agency = agency_id in ids.created
        ids.created.discard(agency_id)  # its next report may have a version before it
        report_id = add_report_version(
            connection, agency_id, report.header, source_file_id, run_id, new_agency=new_agency
        )
        if tables is None:
            tables = stage_rows(catalogue, report)
        townships = ensure_townships(connection, agency_id, staged_townships(tables), ids)
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
