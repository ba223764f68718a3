"""The one output layer of `ogi`: a command returns rows, `--format` renders them.

As sqlite-utils' `output_options` and `output_rows`: `output_options` declares `--format` and
`-o/--output FILE` on a command; `output_rows` prints what the command's library call
returned (a `ReportTable`, a `ReportBook` of several, or the annual report) in that format, or
writes it to FILE. A table's note (rows cut, a summary) goes to stderr in every format, so
stdout holds only the rows. FILE is checked when the options are read, before the command
runs (`OutputFile`): never the warehouse or another database unless `--force`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import RenderableType

from etl.cli import AppContext
from etl.config import resolve_database_url
from etl.errors import ConfigurationError, InvalidFilter, UnknownReport
from etl.output_files import check_output_file
from etl.reports import ANNUAL_FORMATS, TABLE_FORMATS, AnnualReport, render_annual, render_table
from etl.reports.render import Listing, rich_listing, write_output
from etl.reports.render_annual import to_rich as annual_rich
from etl.reports.result import ReportBook, ReportTable

F = TypeVar("F", bound=Callable[..., Any])

#: What a command may print: rows, a book of tables, or the annual report.
Output = ReportTable | ReportBook | AnnualReport


class OutputFile(click.ParamType[Path, Any]):
    """`-o FILE`: a file to write, refused when it is the warehouse (the one `--db` names), one
    of its side files, or another SQLite database, unless `--force` (see `check_output_file`).
    `--force` is read first, wherever it stands (`force_option` is eager)."""

    name = "file"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = Path(value)
        force = bool(ctx.meta.get(FORCE_KEY)) if ctx is not None else False
        check_output_file(path, warehouse=_warehouse_file(ctx), force=force)
        return path


def _warehouse_file(ctx: click.Context | None) -> Path | None:
    """The warehouse's file, when it is SQLite (None for PostgreSQL or a URL that is wrong:
    the command will say so)."""
    app = ctx.find_object(AppContext) if ctx is not None else None
    try:
        url = resolve_database_url(app.db if app is not None else None)
    except ConfigurationError:
        return None
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


#: Where `--force` leaves its value for `OutputFile` (in `click.Context.meta`).
FORCE_KEY = "ogi.output.force"


def _remember_force(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[FORCE_KEY] = value


def force_option() -> Callable[[F], F]:
    """`--force`: write `-o FILE` even over a database; read by `OutputFile`, not passed to
    the command."""
    return click.option(
        "--force",
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=_remember_force,
        help="Write -o FILE even if it is the warehouse or another SQLite database.",
    )


def output_options(*, formats: tuple[str, ...] = TABLE_FORMATS) -> Callable[[F], F]:
    """`--format` (passed as `fmt`), `-o/--output FILE` (passed as `output`) and `--force`
    (see `force_option`)."""

    def decorate(command: F) -> F:
        command = force_option()(command)
        command = click.option(
            "-o",
            "--output",
            metavar="FILE",
            type=OutputFile(),
            help="Write to FILE instead of printing (xlsx needs it); never over a database.",
        )(command)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="table",
            show_default=True,
            help="A table for a person; csv, json, md, or xlsx with -o FILE.",
        )(command)

    return decorate


def output_rows(app: AppContext, result: Output, fmt: str, output: Path | None) -> None:
    """Print `result` in `fmt` (rich on a terminal), or write it to `output`; a line on stderr
    says what was written, and a table's note follows."""
    render, rich = _renderers(result, fmt)
    if output is not None:
        write_output(render(), output)
        rows = f"{len(result.rows)} rows to " if isinstance(result, ReportTable) else ""
        app.err.print(f"wrote {rows}{output}", markup=False)
    elif fmt == "table":
        app.out.print(rich())
    elif fmt == "xlsx":
        raise InvalidFilter("xlsx is a binary format: give -o FILE.xlsx")
    else:
        click.echo(render(), nl=False)
    if isinstance(result, ReportTable) and result.note:
        app.err.print(result.note, markup=False)


def _renderers(
    result: Output, fmt: str
) -> tuple[Callable[[], str | bytes], Callable[[], RenderableType]]:
    """The renderer of `result` in `fmt`, and of its terminal view; the format is checked
    before anything is written."""
    if isinstance(result, AnnualReport):
        if fmt not in ANNUAL_FORMATS:
            raise InvalidFilter(
                f"the annual report comes as {', '.join(ANNUAL_FORMATS)}, not {fmt}"
            )
        return (lambda: render_annual(result, fmt)), (lambda: annual_rich(result))
    if fmt not in TABLE_FORMATS:
        raise UnknownReport(f"no output format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    listing: Listing = result
    return (lambda: render_table(listing, fmt)), (lambda: rich_listing(listing))
