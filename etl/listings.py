"""The rows of the listing commands that are not reports: the findings of a validation, the
rule catalogue, the runs and one run, the warehouse's tables, the bodies and their changes.

Each returns what `ogi` renders in any `--format` (`etl.reports.render`); a column's name is
its JSON key, which scripts read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from etl.config import describe_url
from etl.db import list_tables
from etl.records import Finding
from etl.reports.result import ReportBook, ReportTable
from etl.rules import all_rules
from etl.runs.history import FindingRecord, RunDetails, RunFileRecord, RunRecord
from etl.values import Value, plain_value

if TYPE_CHECKING:  # the registry's module is imported by `ogi agencies` only
    from etl.bodies.registry import BodyRecord, ChangeRecord, ImportedRow

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


#: The columns of `ogi agencies list` (its JSON keys).
BODY_LIST_COLUMNS = [
    "agency_id",
    "name",
    "parent",
    "level",
    "division_code",
    "credit_code",
    "status",
    "aliases",
    "years",
]


def bodies_table(records: Sequence[BodyRecord]) -> ReportTable:
    """Bodies, one row each: aliases as `a, b`, report years as `2016-2018, 2020`."""
    return ReportTable(
        title="bodies",
        columns=BODY_LIST_COLUMNS,
        rows=[
            (
                r.agency_id,
                r.name,
                r.parent_name,
                r.level_code,
                r.division_code,
                r.credit_code,
                r.status,
                ", ".join(r.aliases) or None,
                years_list(r.years) or None,
            )
            for r in records
        ],
    )


def bodies_tree(records: Sequence[BodyRecord]) -> ReportTable:
    """The bodies as a tree: each name drawn under its parent (`├─ `, `└─ `)."""
    prefixes = tree_prefixes([r.depth for r in records])
    return ReportTable(
        title="bodies",
        columns=["body", "agency_id", "level", "division_code", "status", "aliases", "years"],
        rows=[
            (
                prefix + r.name,
                r.agency_id,
                r.level_code,
                r.division_code,
                r.status,
                ", ".join(r.aliases) or None,
                years_list(r.years) or None,
            )
            for prefix, r in zip(prefixes, records, strict=True)
        ],
    )


def changes_table(records: Sequence[ChangeRecord]) -> ReportTable:
    """Changes to the registry, each with the command that undoes it."""
    return ReportTable(
        title="changes",
        columns=CHANGE_COLUMNS,
        rows=[tuple(plain_value(getattr(r, c)) for c in CHANGE_COLUMNS) for r in records],
    )


#: The columns of `ogi agencies history` (its JSON keys): `ChangeRecord`'s fields.
CHANGE_COLUMNS = [
    "change_id",
    "changed_at",
    "changed_by",
    "kind",
    "body",
    "other",
    "old_value",
    "new_value",
    "detail",
    "undo",
]


def change_line(change: ChangeRecord) -> str:
    """A change in a line, as a command that made it says it:
    `change 7: renamed 安陆市/王义贞镇 (王义贞 → 王义贞镇); undo: ogi agencies rename ...`."""
    values = ""
    if change.old_value is not None or change.new_value is not None:
        values = f" ({change.old_value or '-'} → {change.new_value or '-'})"
    other = f" and {change.other}" if change.other else ""
    undo = f"; undo: {change.undo}" if change.undo else ""
    return f"change {change.change_id}: {change.kind} {change.body}{other}{values}{undo}"


def import_table(rows: Sequence[ImportedRow], *, dry_run: bool) -> ReportTable:
    """What an import did (or, in a dry run, would do) with each row of the registry."""
    counts = {a: sum(1 for r in rows if r.action == a) for a in ("created", "updated", "unchanged")}
    note = ", ".join(f"{n} {action}" for action, n in counts.items())
    return ReportTable(
        title="import",
        columns=["row", "name", "body", "action", "changes"],
        rows=[(r.row, r.name, r.body, r.action, r.changes) for r in rows],
        note=f"dry run, nothing written: {note}" if dry_run else note,
    )


def years_list(years: Sequence[int]) -> str:
    """Years as runs: (2016, 2017, 2018, 2020) is `2016-2018, 2020`."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def tree_prefixes(depths: Sequence[int]) -> list[str]:
    """What to draw before each row of a tree given in depth-first order by its depths:
    `├─ ` before a child with siblings after it, `└─ ` before the last, `│  ` under an
    ancestor with siblings after it."""
    last = [True] * len(depths)
    later: set[int] = set()  # depths with a row after this one, and no shallower row between
    for i in reversed(range(len(depths))):
        later = {d for d in later if d <= depths[i]}
        last[i] = depths[i] not in later
        later.add(depths[i])
    prefixes = []
    open_above: list[bool] = []  # at each depth: whether the row there has siblings after it
    for depth, is_last in zip(depths, last, strict=True):
        del open_above[depth:]
        if depth == 0:
            prefixes.append("")
        else:
            lines = "".join("│  " if more else "   " for more in open_above[1:depth])
            prefixes.append(lines + ("└─ " if is_last else "├─ "))
        open_above.append(not is_last)
    return prefixes
