"""The rows of the listing commands that are not reports: the findings of a validation, the
rule catalogue, the runs and one run, the warehouse's tables.

Each returns what `ogi` renders in any `--format` (`etl.reports.render`); a column's name is
its JSON key, which scripts read.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path

from sqlalchemy import Engine

from etl.config import describe_url
from etl.db import list_tables
from etl.records import Finding
from etl.reports.result import ReportBook, ReportTable
from etl.rules import all_rules
from etl.runs.history import FindingRecord, RunDetails, RunFileRecord, RunRecord
from etl.values import Value, plain_value

_RUN_COLUMNS = [f.name for f in fields(RunRecord)]
_FILE_COLUMNS = [f.name for f in fields(RunFileRecord) if f.name != "findings"]
_FINDING_COLUMNS = [f.name for f in fields(FindingRecord)]


def findings_table(results: list[tuple[Path, list[Finding]]]) -> ReportTable:
    """Every finding of `ogi validate`, file by file; the note counts files, errors, warnings."""
    rows = [
        (
            str(path),
            f.location.file,
            f.location.sheet,
            f.location.cell,
            f.rule_code,
            f.severity,
            f.found,
            f.expected,
            f.message,
        )
        for path, found in results
        for f in found
    ]
    errors = sum(1 for row in rows if row[5] == "error")
    return ReportTable(
        title="findings",
        columns=[
            "path",
            "file",
            "sheet",
            "cell",
            "rule",
            "severity",
            "found",
            "expected",
            "message",
        ],
        rows=list(rows),
        note=f"{len(results)} file(s): {errors} error(s), {len(rows) - errors} warning(s)",
    )


def rules_table() -> ReportTable:
    """The catalogue of validation rules, in registration order."""
    return ReportTable(
        title="rules",
        columns=["code", "severity", "description"],
        rows=[(r.code, r.severity, r.description) for r in all_rules()],
    )


def runs_table(records: list[RunRecord]) -> ReportTable:
    """Runs, one row each, with every column of `etl_runs` that `RunRecord` holds."""
    return ReportTable(title="runs", columns=_RUN_COLUMNS, rows=[_run_row(r) for r in records])


def run_book(details: RunDetails) -> ReportBook:
    """One run: its row, the files it recorded, their findings (each with its file's path);
    JSON keeps each file's findings inside the file, as `RunDetails` does."""
    files = [
        (f.path, f.outcome, f.figures_written, f.error_count, f.warning_count, f.message)
        for f in details.files
    ]
    findings = [
        (f.path, g.severity, g.rule_code, g.sheet, g.cell, g.found, g.expected, g.message)
        for f in details.files
        for g in f.findings
    ]
    record = _run_row(details.run)
    return ReportBook(
        title=f"run {details.run.run_id}",
        record=ReportTable("run", _RUN_COLUMNS, [record]),
        tables=[
            ReportTable("files", _FILE_COLUMNS, list(files)),
            ReportTable("findings", ["path", *_FINDING_COLUMNS], list(findings)),
        ],
        document={**asdict(details), "run": dict(zip(_RUN_COLUMNS, record, strict=True))},
    )


def tables_table(engine: Engine) -> ReportTable:
    """The warehouse's tables and views with their row counts."""
    return ReportTable(
        title=describe_url(engine.url),
        columns=["name", "kind", "rows"],
        rows=list(list_tables(engine)),
    )


def _run_row(record: RunRecord) -> tuple[Value, ...]:
    """The run's values, its moments in UTC on either backend (`plain_value`)."""
    return tuple(plain_value(getattr(record, name)) for name in _RUN_COLUMNS)
