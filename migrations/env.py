"""Alembic environment, close to the stock template.

The URL comes from `OGI_DATABASE_URL` (as for `ogi`), unless a connection is passed in
`config.attributes["connection"]` (how `ogi db upgrade` and the tests run migrations).
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection

from models import metadata

config = context.config
target_metadata = metadata


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Keep views (tables flagged `info={"is_view": True}`) and their names out of autogenerate."""
    if type_ == "table" and getattr(obj, "info", {}).get("is_view"):
        return False
    return not (type_ == "table" and reflected and name is not None and name.startswith("rpt_"))


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (`alembic upgrade --sql`)."""
    from etl.config import resolve_database_url

    context.configure(
        url=resolve_database_url().render_as_string(hide_password=False),
        target_metadata=target_metadata,
        include_object=include_object,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run on the connection handed in, or on a new one to the configured warehouse."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    from etl.db import create_warehouse_engine

    engine = create_warehouse_engine()
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
