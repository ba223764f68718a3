"""`ogi rules`: the catalogue of validation rules every finding names."""

from __future__ import annotations

from pathlib import Path

from etl.cli import AppContext, main, pass_app
from etl.cli.output import output_options, output_rows
from etl.listings import rules_table


@main.command("rules")
@output_options()
@pass_app
def rules(app: AppContext, fmt: str, output: Path | None) -> None:
    """List every validation rule: its code, severity and what it checks.

    Errors stop a file from loading; warnings are stored with it (see rpt_checks).

    \b
    Example:
      ogi rules --format json
    """
    output_rows(app, rules_table(), fmt, output)
