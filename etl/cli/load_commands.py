"""`ogi validate`, `ogi load` and `ogi show`: check files, load them, list what was loaded."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from etl.checks import format_value
from etl.cli import AppContext, main, pass_app
from etl.cli.options import table_or_json
from etl.errors import ExitCode
from etl.load.validate import validate_paths
from etl.records import Finding
from etl.runs.commands import LOAD, load_paths
from etl.runs.events import RunEvent
from etl.show import report_figures

#: The events that end a file's turn in a run.
FILE_DONE = ("file_loaded", "file_unchanged", "file_rejected", "file_failed")

_ENCODING = click.option(
    "--encoding",
    metavar="ENC",
    help="Encoding of CSV files (e.g. gb18030) when detection guesses wrong.",
)


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@table_or_json
@_ENCODING
@click.option(
    "--offline",
    is_flag=True,
    help="Check the files alone: no measure catalogue, no comparison with last year.",
)
@pass_app
def validate(
    app: AppContext,
    paths: tuple[Path, ...],
    output_format: str,
    encoding: str | None,
    offline: bool,
) -> None:
    """Check FILEs (or the spreadsheets under directories) and print every finding.

    Writes nothing. Exit status 0 when no file has an error, 2 when some do.

    \b
    Example:
      ogi validate inbox/anlu-2017.xlsx --format json
    """
    results = validate_paths(
        list(paths),
        engine=None if offline else app.warehouse(alternative="pass --offline"),
        encoding=encoding,
    )
    findings = [(path, f) for path, found in results for f in found]
    if output_format == "json":
        click.echo(json.dumps([_finding_json(p, f) for p, f in findings], ensure_ascii=False))
    else:
        table = Table("file", "sheet", "cell", "rule", "severity", "found", "expected", "message")
        for path, f in findings:
            table.add_row(
                path.name,
                f.location.sheet or "",
                f.location.cell or "",
                f.rule_code,
                f.severity,
                f.found or "",
                f.expected or "",
                f.message,
            )
        if findings:
            app.out.print(table)
        errors = sum(1 for _, f in findings if f.severity == "error")
        app.out.print(
            f"{len(results)} file(s): {errors} error(s), {len(findings) - errors} warning(s)"
        )
    if any(f.severity == "error" for _, f in findings):
        raise SystemExit(ExitCode.REJECTED)


@main.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_ENCODING
@click.option(
    "--no-wait",
    is_flag=True,
    help="Exit at once (status 3) when another run holds the ETL lock, instead of waiting.",
)
@click.option(
    "--jobs",
    metavar="N",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Read and check files in N processes (this one and N-1 workers); writing stays in "
    "order, one file at a time.",
)
@pass_app
def load(
    app: AppContext, paths: tuple[Path, ...], encoding: str | None, no_wait: bool, jobs: int
) -> None:
    """Load FILEs and the spreadsheets (.xlsx, .xls, .csv) under directories.

    Each file loads whole or not at all; a file loaded before is skipped as unchanged; a file
    with errors is rejected and its findings kept (see `ogi validate`). Waits for the ETL lock
    while another load or `ogi run` is writing. Exit status 0 when every file loaded or was
    unchanged, 2 when some were rejected, 3 with --no-wait when the lock was held.

    \b
    Example:
      ogi load inbox/
      ogi load --jobs 2 inbox/
    """
    engine = app.warehouse()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    live = app.err.is_terminal  # a bar only for a person watching
    with Progress(*columns, console=app.err, transient=True, disable=not live) as progress:
        task = progress.add_task("loading", total=None)

        def follow(event: RunEvent) -> None:
            if event.event == "lock_wait":
                app.err.print("waiting for another ETL run to finish ...", markup=False)
            elif event.event == "files_found":
                progress.update(task, total=event.fields["count"])
            elif event.event in FILE_DONE:
                progress.update(task, advance=1, description=Path(event.fields["path"]).name)

        options = replace(
            LOAD,
            wait=not no_wait,
            encoding=encoding,
            jobs=jobs,
            command=" ".join(
                ["ogi load", *(["--jobs", str(jobs)] if jobs > 1 else []), *map(str, paths)]
            ),
        )
        summary = load_paths(engine, list(paths), options=options, on_event=follow)
    for result in summary.files:
        if result.outcome in ("rejected", "failed"):
            app.out.print(f"rejected {result.path}: {result.message}", markup=False)
    app.out.print(
        f"run {summary.run_id} {summary.status}: {summary.loaded} loaded, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected; "
        f"{summary.figures_written} figures written"
    )
    if summary.exit_code:
        raise SystemExit(summary.exit_code)


@main.command("show")
@click.option("--agency", required=True, help="The reporting body, e.g. 安陆市.")
@click.option("--year", type=int, required=True, help="The report year.")
@click.option("--parent", help="The body's parent, where two bodies share a name.")
@table_or_json
@pass_app
def show(app: AppContext, agency: str, year: int, parent: str | None, output_format: str) -> None:
    """Print every figure held for a body's current report, with its source file and cell.

    \b
    Example:
      ogi show --agency 安陆市 --year 2017
    """
    figures = report_figures(app.warehouse(), agency, year, parent=parent)
    if output_format == "json":
        click.echo(
            json.dumps(
                [
                    {
                        "measure_code": f.measure_code,
                        "label_zh": f.label_zh,
                        "dims": dict(f.dims),
                        "value": _json_number(f.value),
                        "qualifier": f.qualifier,
                        "unit": f.unit_code,
                        "source": f.source,
                    }
                    for f in figures
                ],
                ensure_ascii=False,
            )
        )
        return
    table = Table(
        "measure", "label", "dimensions", "value", "qualifier", "unit", "source", title=agency
    )
    for f in figures:
        table.add_row(
            f.measure_code,
            f.label_zh,
            ", ".join(f"{k}={v}" for k, v in f.dims),
            format_value(f.value),
            f.qualifier,
            f.unit_code or "",
            f.source,
        )
    app.out.print(table)


def _finding_json(path: Path, finding: Finding) -> dict[str, Any]:
    return {
        "path": str(path),
        "file": finding.location.file,
        "sheet": finding.location.sheet,
        "cell": finding.location.cell,
        "rule": finding.rule_code,
        "severity": finding.severity,
        "found": finding.found,
        "expected": finding.expected,
        "message": finding.message,
    }


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
