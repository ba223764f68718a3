"""Database access, imported from here: `from etl.db import connect`.

- `etl.db.engine`: engines for SQLite and PostgreSQL, and connections (`connect`, `read`).
- `etl.db.driver`: the loader's statements sent straight to the SQLite driver.
- `etl.db.schema`: the revision a database is at and the one the code expects, and Alembic's
  migrations and comparison, imported only when they run (start-up never loads Alembic).
- `etl.db.reader`: the PostgreSQL role without write grants that `ogi sql` reads as.
"""

from __future__ import annotations

from etl.db.driver import DriverStatement, table_of
from etl.db.engine import (
    POSTGRESQL_CONNECT_ARGS,
    SQLITE_BUSY_TIMEOUT_MS,
    SQLITE_CHECKPOINT_PAGES,
    SQLITE_WAL_LIMIT_BYTES,
    connect,
    create_warehouse_engine,
    read,
)
from etl.db.reader import ReaderRole, ensure_reader_role
from etl.db.schema import (
    MIGRATIONS_DIR,
    Upgraded,
    alembic_config,
    check_schema,
    current_revision,
    downgrade,
    head_revision,
    list_tables,
    require_head,
    revision_of,
    upgrade,
)

__all__ = [
    "MIGRATIONS_DIR",
    "POSTGRESQL_CONNECT_ARGS",
    "SQLITE_BUSY_TIMEOUT_MS",
    "SQLITE_CHECKPOINT_PAGES",
    "SQLITE_WAL_LIMIT_BYTES",
    "DriverStatement",
    "ReaderRole",
    "Upgraded",
    "alembic_config",
    "check_schema",
    "connect",
    "create_warehouse_engine",
    "current_revision",
    "downgrade",
    "ensure_reader_role",
    "head_revision",
    "list_tables",
    "read",
    "require_head",
    "revision_of",
    "table_of",
    "upgrade",
]
