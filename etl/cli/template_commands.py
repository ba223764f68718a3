"""`ogi template`: write a fillable workbook for a regime."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import main
from etl.templates import write_template


@main.command("template")
@click.option("--regime", required=True, help="Report format: pre2019 (std2019/std2021 later).")
@click.option("--agency", metavar="NAME", help="Pre-fill the reporting body (填报单位).")
@click.option("--year", type=int, help="Pre-fill the year (年度); must be one of the regime's.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The .xlsx file to write.",
)
def template(regime: str, agency: str | None, year: int | None, output: Path) -> None:
    """Write a fillable template: 基本信息 and one sheet per report section, every input
    cell with its code.

    \b
    Example:
      ogi template --regime pre2019 --agency 安陆市 --year 2017 -o anlu-2017.xlsx
    """
    path = write_template(regime, output, agency=agency, year=year)
    click.echo(f"Wrote {path} ({regime} template).")
