"""`ogi report` and `ogi compare`: the report views, rendered."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import AppContext, main, pass_app
from etl.errors import InvalidFilter
from etl.reports import (
    ANNUAL_FORMATS,
    TABLE_FORMATS,
    ReportTable,
    build_annual,
    compare,
    parse_years,
    render_annual,
    render_table,
    report_names,
    run_report,
    write_output,
)
from etl.reports.render import to_rich
from etl.reports.render_annual import to_rich as annual_to_rich


def emit(app: AppContext, table: ReportTable, fmt: str, output: Path | None) -> None:
    """Print the table (rich on a terminal) or write it to OUTPUT; a note goes to stderr."""
    if output is not None:
        write_output(render_table(table, fmt), output)
        app.err.print(f"wrote {len(table.rows)} rows to {output}", markup=False)
    elif fmt == "table":
        app.out.print(to_rich(table))
    elif fmt == "xlsx":
        raise InvalidFilter("xlsx is a binary format: give -o FILE.xlsx")
    else:
        click.echo(render_table(table, fmt), nl=False)
    if table.note:
        app.err.print(table.note, markup=False)


_FORMATS = click.Choice([*TABLE_FORMATS, "html"])


@main.command("report")
@click.argument("name", metavar="NAME")
@click.option("--agency", "agencies", multiple=True, help="A body (name or parent/name).")
@click.option("--year", "years", help="A year (2017) or a range (2016-2018).")
@click.option("--measure", "measures", multiple=True, help="Only these measure codes.")
@click.option("--format", "fmt", type=_FORMATS, default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def report(
    app: AppContext,
    name: str,
    agencies: tuple[str, ...],
    years: str | None,
    measures: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """Show report NAME (a view without its rpt_ prefix), or the annual report.

    NAME is one of: annual, {names}.

    \b
    Example:
      ogi report proactive --year 2017
      ogi report annual --agency 安陆市 --year 2017 --format html -o anlu-2017.html
    """
    engine = app.warehouse()
    if name != "annual":
        emit(
            app,
            run_report(
                engine,
                name,
                agencies=agencies,
                years=parse_years(years) if years else None,
                measures=measures,
            ),
            fmt,
            output,
        )
        return
    if len(agencies) != 1 or years is None or not years.isdigit():
        raise InvalidFilter("the annual report needs one --agency NAME and one --year N")
    annual = build_annual(engine, agencies[0], int(years))
    if fmt not in ANNUAL_FORMATS:
        raise InvalidFilter(f"the annual report comes as {', '.join(ANNUAL_FORMATS)}, not {fmt}")
    if output is not None:
        write_output(render_annual(annual, fmt), output)
        app.err.print(f"wrote {output}", markup=False)
    elif fmt == "table":
        app.out.print(annual_to_rich(annual))
    elif fmt == "xlsx":
        raise InvalidFilter("xlsx is a binary format: give -o FILE.xlsx")
    else:
        click.echo(render_annual(annual, fmt), nl=False)


assert report.help is not None
report.help = report.help.replace("{names}", ", ".join(report_names()))


@main.command("compare")
@click.option(
    "--measure",
    "measures",
    multiple=True,
    required=True,
    help="A measure code, or code:dim1[:dim2]; repeat for more columns.",
)
@click.option("--agency", "agencies", multiple=True, help="A body to compare; repeatable.")
@click.option("--children-of", help="Compare every child body of this one.")
@click.option("--years", help="A year (2017) or a range (2016-2018).")
@click.option("--where", "where", multiple=True, help="Keep rows where e.g. 'value>100'.")
@click.option(
    "--format", "fmt", type=click.Choice(TABLE_FORMATS), default="table", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def compare_command(
    app: AppContext,
    measures: tuple[str, ...],
    agencies: tuple[str, ...],
    children_of: str | None,
    years: str | None,
    where: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """Compare measures across bodies and years: one row per body and year.

    \b
    Example:
      ogi compare --measure proactive.total --measure proactive.by_channel:website \\
        --children-of 孝感市 --years 2016-2018 --where 'proactive.total>=5000' --format csv
    """
    table = compare(
        app.warehouse(),
        measures,
        agencies=agencies,
        children_of=children_of,
        years=parse_years(years) if years else None,
        where=where,
    )
    emit(app, table, fmt, output)
