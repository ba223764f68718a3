"""`ogi template`: write a fillable workbook for a regime."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import main
from etl.cli.output import OutputFile, force_option
from etl.templates import write_template


@main.command("template")
@click.option(
    "--regime",
    required=True,
    help="Report format: pre2019, std2019 (2019–2020) or std2021 (2021 on).",
)
@click.option("--agency", metavar="NAME", help="Pre-fill the reporting body (填报单位).")
@click.option("--year", type=int, help="Pre-fill the year (年度); must be one of the regime's.")
@click.option(
    "-o",
    "--output",
    type=OutputFile(),
    required=True,
    help="The .xlsx file to write; never over a database.",
)
@force_option()
def template(regime: str, agency: str | None, year: int | None, output: Path) -> None:
    """Write a fillable template: 基本信息 and one sheet per report section (std2019 and
    std2021: tables 二, 三 and 四 as the official format lays them out), every input cell
    with its code.

    \b
    Examples:
      ogi template --regime pre2019 --agency 安陆市 --year 2017 -o anlu-2017.xlsx
      ogi template --regime std2021 --agency 示例县 --year 2021 -o shili-2021.xlsx
    """
    path = write_template(regime, output, agency=agency, year=year)
    click.echo(f"Wrote {path} ({regime} template).")
