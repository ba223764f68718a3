"""Options several commands share."""

from __future__ import annotations

import click

#: `--format table|json`, passed to the command as `output_format`.
table_or_json = click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Print a table, or JSON for scripts.",
)
