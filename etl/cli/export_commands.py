"""`ogi export parquet`: the current figures as Parquet files, for analysts at scale."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import AppContext, main, pass_app
from etl.cli.options import year_option
from etl.export import export_parquet
from etl.reports.named import YearRange


@main.group("export")
def export() -> None:
    """Export the warehouse's figures in a columnar format.

    \b
    Example:
      ogi export parquet exports/figures
    """


@export.command("parquet")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@year_option()
@click.option("--full", is_flag=True, help="Write every year again, changed or not.")
@pass_app
def export_parquet_command(
    app: AppContext, directory: Path, years: YearRange | None, full: bool
) -> None:
    """Write the current figures (the columns of rpt_figures_long) to DIRECTORY as Parquet,
    one folder per year (year=2017/figures.parquet), writing only the years whose reports
    changed since the last export (--year: only those years).

    DuckDB, pandas, Spark and Trino read the folder as one table with a year column.

    \b
    Example:
      ogi export parquet exports/figures
      duckdb -c "SELECT year, sum(value) FROM read_parquet('exports/figures/*/*.parquet',
                 hive_partitioning = true) WHERE measure_code = 'proactive.total' GROUP BY year"
    """
    chosen = None if years is None else range(years[0], years[1] + 1)
    summary = export_parquet(app.warehouse(), directory, years=chosen, full=full)
    written = ", ".join(map(str, summary.written)) or "none"
    app.err.print(
        f"{directory}: {summary.rows} figures written (years {written}); "
        f"{len(summary.unchanged)} year(s) unchanged, {len(summary.removed)} removed",
        markup=False,
    )
