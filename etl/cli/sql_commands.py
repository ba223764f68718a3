"""`ogi sql`: ad hoc read-only queries of the warehouse."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import click

from etl.cli import AppContext, main, pass_app
from etl.cli.output import output_options, output_rows
from etl.config import resolve_database_url
from etl.reports import parse_params, run_sql
from etl.reports.sql import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT_S,
    MAX_ROWS_LIMIT,
    MAX_TIMEOUT_S,
    Reader,
)


class Seconds(click.ParamType[float, Any]):
    """A number of seconds above 0 and at most `maximum`; nan and inf are usage errors."""

    name = "seconds"

    def __init__(self, maximum: float) -> None:
        self.maximum = maximum

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not (math.isfinite(seconds) and 0 < seconds <= self.maximum):
            self.fail(f"{value!r}: give seconds above 0 and at most {self.maximum:g}", param, ctx)
        return seconds


@main.command("sql")
@click.argument("statement")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind :NAME to VALUE (numbers bind as numbers); repeatable.",
)
@click.option(
    "--max-rows",
    type=click.IntRange(1, MAX_ROWS_LIMIT),
    default=DEFAULT_MAX_ROWS,
    show_default=True,
    help=f"Show at most this many rows (1 to {MAX_ROWS_LIMIT:,}); no more are fetched.",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=Seconds(MAX_TIMEOUT_S),
    default=DEFAULT_TIMEOUT_S,
    show_default=True,
    help=f"Stop the statement after this many seconds (at most {MAX_TIMEOUT_S:g}).",
)
@click.option(
    "--allow-superuser",
    is_flag=True,
    help="PostgreSQL: read as the warehouse's own login, even a superuser, rather than as "
    "the reader role.",
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
    allow_superuser: bool,
    output: Path | None,
) -> None:
    """Run one read-only SQL statement; the database refuses writes. On PostgreSQL it reads
    as the reader role ($OGI_READONLY_DATABASE_URL's login, else SET ROLE ogi_reader).

    \b
    Example:
      ogi sql "SELECT agency, total_items FROM rpt_proactive WHERE year = :year" \\
        --param year=2017 --format csv
    """
    table = run_sql(
        resolve_database_url(app.db),
        statement,
        parse_params(list(params)),
        max_rows=max_rows,
        timeout_s=timeout_s,
        reader=Reader.from_environment(allow_superuser=allow_superuser),
    )
    output_rows(app, table, fmt, output)
