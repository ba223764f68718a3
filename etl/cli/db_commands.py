"""`ogi db ...`: build, inspect and check the warehouse schema."""

from __future__ import annotations

from pathlib import Path

import click

from etl.cli import AppContext, main, pass_app
from etl.cli.output import output_options, output_rows
from etl.config import describe_url
from etl.db import check_schema, current_revision, downgrade, head_revision, upgrade
from etl.listings import tables_table


@main.group()
def db() -> None:
    """Create, migrate and check the warehouse schema.

    \b
    Example:
      ogi db upgrade && ogi db check
    """


@db.command("upgrade")
@click.argument("revision", default="head")
@pass_app
def db_upgrade(app: AppContext, revision: str) -> None:
    """Migrate the warehouse up to REVISION (default: head), creating it if needed.

    \b
    Example:
      ogi db upgrade
    """
    before, after = upgrade(app.engine, revision)
    where = describe_url(app.engine.url)
    if before == after:
        click.echo(f"{where} is already at {after}.")
    else:
        click.echo(f"{where}: {before or 'empty'} -> {after}.")


@db.command("downgrade")
@click.argument("revision")
@pass_app
def db_downgrade(app: AppContext, revision: str) -> None:
    """Migrate the warehouse down to REVISION ("base" drops everything).

    \b
    Example:
      ogi db downgrade base
    """
    before, after = downgrade(app.engine, revision)
    click.echo(f"{describe_url(app.engine.url)}: {before or 'empty'} -> {after or 'empty'}.")


@db.command("current")
@pass_app
def db_current(app: AppContext) -> None:
    """Print the revision the warehouse is at, and the head the code expects.

    \b
    Example:
      ogi db current
    """
    current = current_revision(app.engine)
    head = head_revision()
    state = "at head" if current == head else f"head is {head}: run 'ogi db upgrade'"
    click.echo(f"{describe_url(app.engine.url)}: {current or 'empty'} ({state})")


@db.command("check")
@pass_app
def db_check(app: AppContext) -> None:
    """Check that the warehouse is at head and its schema matches the models (no drift).

    \b
    Example:
      ogi db check
    """
    check_schema(app.engine)
    click.echo(f"{describe_url(app.engine.url)}: at {head_revision()}, no drift.")


@db.command("tables")
@output_options()
@pass_app
def db_tables(app: AppContext, fmt: str, output: Path | None) -> None:
    """List the warehouse's tables and views with their row counts.

    \b
    Example:
      ogi db tables --format csv
    """
    output_rows(app, tables_table(app.warehouse()), fmt, output)
