"""The one output layer of `ogi`: a command returns rows, `--format` renders them.

As sqlite-utils' `output_options` and `output_rows`: `output_options` declares `--format` and
`-o/--output FILE` on a command; `output_rows` prints what the command's library call
returned (a `ReportTable`, a `ReportBook` of several, or the annual report) in that format, or
writes it to FILE. A table's note (rows cut, a summary) goes to stderr in every format, so
stdout holds only the rows.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import RenderableType

from etl.cli import AppContext
from etl.errors import InvalidFilter, UnknownReport
from etl.reports import ANNUAL_FORMATS, TABLE_FORMATS, AnnualReport, render_annual, render_table
from etl.reports.render import Listing, rich_listing, write_output
from etl.reports.render_annual import to_rich as annual_rich
from etl.reports.result import ReportBook, ReportTable

F = TypeVar("F", bound=Callable[..., Any])

#: What a command may print: rows, a book of tables, or the annual report.
Output = ReportTable | ReportBook | AnnualReport


def output_options(*, formats: tuple[str, ...] = TABLE_FORMATS) -> Callable[[F], F]:
    """`--format` (passed as `fmt`) and `-o/--output FILE` (passed as `output`)."""

    def decorate(command: F) -> F:
        command = click.option(
            "-o",
            "--output",
            metavar="FILE",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to FILE instead of printing (xlsx needs it).",
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
