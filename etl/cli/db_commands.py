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
    """Migrate the warehouse up to REVISION (default: head), creating it if needed; on
    PostgreSQL, also create or check the reader role that `ogi sql` reads as
    ($OGI_READER_ROLE, default ogi_reader) and grant it SELECT on every table and view.

    \b
    Example:
      ogi db upgrade
    """
    done = upgrade(app.engine, revision)
    where = describe_url(app.engine.url)
    if done.before == done.after:
        click.echo(f"{where} is already at {done.after}.")
    else:
        click.echo(f"{where}: {done.before or 'empty'} -> {done.after}.")
    if done.reader is not None:
        created = " (created)" if done.reader.created else ""
        click.echo(
            f"Reader role {done.reader.name}{created}: SELECT on {done.reader.readable} "
            "tables and views, nothing else."
        )


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
