"""`ogi report` and `ogi compare`: the report views, rendered."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import AppContext, main, pass_app
from etl.cli.options import agency_option, year_option
from etl.cli.output import Output, output_options, output_rows
from etl.errors import InvalidFilter
from etl.reports import TABLE_FORMATS, build_annual, compare, report_names, run_report
from etl.reports.named import YearRange


@main.command("report")
@click.argument("name", metavar="NAME")
@agency_option(multiple=True)
@year_option()
@click.option("--measure", "measures", multiple=True, help="Only these measure codes.")
@output_options(formats=(*TABLE_FORMATS, "html"))
@pass_app
def report(
    app: AppContext,
    name: str,
    agencies: tuple[str, ...],
    years: YearRange | None,
    measures: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """Show report NAME (a view without its rpt_ prefix), or the annual report.

    NAME is one of: annual, {names}. The annual report comes as table, md, html or xlsx;
    the others as table, csv, json, md or xlsx.

    \b
    Example:
      ogi report proactive --year 2017
      ogi report annual --agency 安陆市 --year 2017 --format html -o anlu-2017.html
    """
    result: Output
    if name == "annual":
        if len(agencies) != 1 or years is None or years[0] != years[1]:
            raise InvalidFilter("the annual report needs one --agency NAME and one --year N")
        result = build_annual(app.warehouse(), agencies[0], years[0])
    else:
        result = run_report(
            app.warehouse(), name, agencies=agencies, years=years, measures=measures
        )
    output_rows(app, result, fmt, output)


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
@agency_option(multiple=True)
@click.option(
    "--children-of",
    metavar="NAME",
    help="Compare every child body of this one (named as --agency).",
)
@year_option()
@click.option("--where", "where", multiple=True, help="Keep rows where e.g. 'value>100'.")
@output_options()
@pass_app
def compare_command(
    app: AppContext,
    measures: tuple[str, ...],
    agencies: tuple[str, ...],
    children_of: str | None,
    years: YearRange | None,
    where: tuple[str, ...],
    fmt: str,
    output: Path | None,
) -> None:
    """Compare measures across bodies and years: one row per body and year.

    \b
    Example:
      ogi compare --measure proactive.total --measure proactive.by_channel:website \\
        --children-of 孝感市 --year 2016-2018 --where 'proactive.total>=5000' --format csv
    """
    table = compare(
        app.warehouse(),
        measures,
        agencies=agencies,
        children_of=children_of,
        years=years,
        where=where,
    )
    output_rows(app, table, fmt, output)
