"""`ogi validate`, `ogi load` and `ogi show`: check files, load them, list what was loaded."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from etl.cli import AppContext, main, pass_app
from etl.cli.options import agency_option, jobs_option, year_option
from etl.cli.output import output_options, output_rows
from etl.errors import ExitCode
from etl.listings import findings_table
from etl.load.validate import validate_paths
from etl.reports.figures import report_figures
from etl.reports.named import YearRange
from etl.runs.commands import LOAD, load_paths
from etl.runs.events import RunEvent
from etl.values import printable

#: The events that end a file's turn in a run.
FILE_DONE = ("file_loaded", "file_unchanged", "file_rejected", "file_failed")

_ENCODING = click.option(
    "--encoding",
    metavar="ENC",
    help="Encoding of CSV files (e.g. gb18030) when detection guesses wrong.",
)


@main.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@output_options()
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
    fmt: str,
    output: Path | None,
    encoding: str | None,
    offline: bool,
) -> None:
    """Check FILEs (or the spreadsheets under directories) and print every finding.

    Writes nothing to the warehouse. Exit status 0 when no file has an error, 2 when some do.

    \b
    Example:
      ogi validate inbox/anlu-2017.xlsx --format json
    """
    results = validate_paths(
        list(paths),
        engine=None if offline else app.warehouse(alternative="pass --offline"),
        encoding=encoding,
    )
    output_rows(app, findings_table(results), fmt, output)
    if any(f.severity == "error" for _, found in results for f in found):
        raise SystemExit(ExitCode.REJECTED)


@main.command("load")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_ENCODING
@click.option(
    "--no-wait",
    is_flag=True,
    help="Exit at once (status 3) when another run holds the ETL lock, instead of waiting.",
)
@jobs_option
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
            app.out.print(printable(f"rejected {result.path}: {result.message}"), markup=False)
    app.out.print(
        f"run {summary.run_id} {summary.status}: {summary.loaded} loaded, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected; "
        f"{summary.figures_written} figures written, {summary.warnings} warning(s)"
    )
    if summary.exit_code:
        raise SystemExit(summary.exit_code)


@main.command("show")
@agency_option(required=True)
@year_option(required=True)
@click.option(
    "--parent",
    hidden=True,
    deprecated="give --agency PARENT/NAME",
    help="The body's parent (deprecated: --agency PARENT/NAME says the same).",
)
@output_options()
@pass_app
def show(
    app: AppContext,
    agency: str,
    years: YearRange,
    parent: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Print every figure held for a body's current report, with its source file and cell
    (the rows of the view rpt_figures_long).

    \b
    Example:
      ogi show --agency 安陆市 --year 2017
      ogi show --agency 孝感市/安陆市 --year 2016-2018 --format csv
    """
    body = f"{parent}/{agency}" if parent else agency
    output_rows(app, report_figures(app.warehouse(), body, years), fmt, output)
