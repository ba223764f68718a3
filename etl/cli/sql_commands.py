"""`ogi sql`: ad hoc read-only queries of the warehouse."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import AppContext, main, pass_app
from etl.cli.output import output_options, output_rows
from etl.config import resolve_database_url
from etl.reports import parse_params, run_sql
from etl.reports.sql import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S


@main.command("sql")
@click.argument("statement")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind :NAME to VALUE (numbers bind as numbers); repeatable.",
)
@click.option("--max-rows", type=int, default=DEFAULT_MAX_ROWS, show_default=True)
@click.option(
    "--timeout",
    "timeout_s",
    type=float,
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    help="Stop the statement after this many seconds.",
)
@output_options()
@pass_app
def sql(
    app: AppContext,
    statement: str,
    params: tuple[str, ...],
    fmt: str,
    max_rows: int,
    timeout_s: float,
    output: Path | None,
) -> None:
    """Run one read-only SQL statement; the database refuses writes.

    \b
    Example:
      ogi sql "SELECT agency, total_items FROM rpt_proactive WHERE year = :year" \\
        --param year=2017 --format csv
    """
    url = resolve_database_url(app.db)
    table = run_sql(
        url, statement, parse_params(list(params)), max_rows=max_rows, timeout_s=timeout_s
    )
    output_rows(app, table, fmt, output)
