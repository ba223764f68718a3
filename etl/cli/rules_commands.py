"""`ogi rules`: the catalogue of validation rules every finding names."""

from __future__ import annotations

import json

import click
from rich.table import Table

from etl.cli import AppContext, main, pass_app
from etl.cli.options import table_or_json
from etl.rules import all_rules


@main.command("rules")
@table_or_json
@pass_app
def rules(app: AppContext, output_format: str) -> None:
    """List every validation rule: its code, severity and what it checks.

    Errors stop a file from loading; warnings are stored with it (see rpt_checks).

    \b
    Example:
      ogi rules --format json
    """
    catalogue = all_rules()
    if output_format == "json":
        rows = [{"code": r.code, "severity": r.severity, "description": r.description}
                for r in catalogue]  # fmt: skip
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table("code", "severity", "checks that")
    for rule in catalogue:
        table.add_row(rule.code, rule.severity, rule.description)
    app.out.print(table)
