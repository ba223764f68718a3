"""Engines for the warehouse, SQLite or PostgreSQL, and the connections opened on them.

A URL is resolved by `etl.config.resolve_database_url` (a bare path is a SQLite file). SQLite
runs in WAL mode with real transactions, DDL included; PostgreSQL prepares the report queries on
the server and plans them once. An unreachable database is a `DatabaseUnavailable`; a file that
is no database, or cannot be written, what `etl.db.failures.storage_error` makes of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg.adapt import Dumper, PyFormat
from psycopg.types.numeric import IntDumper
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError

from etl.config import describe_url, resolve_database_url
from etl.db.failures import storage_error
from etl.errors import ConnectionLost, DatabaseUnavailable

#: How long a SQLite writer waits for another writer's lock before giving up, in milliseconds.
SQLITE_BUSY_TIMEOUT_MS = 30_000
#: WAL pages between automatic checkpoints (4 KiB pages: about 64 MB), and the size the WAL
#: file is cut back to after one; see `_configure_sqlite`.
SQLITE_CHECKPOINT_PAGES = 16_000
SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024


def _configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, WAL, and real transactions (DDL included) on every SQLite connection.

    pysqlite's own transaction handling begins transactions lazily and commits before DDL
    (see SQLAlchemy's "Serializable isolation / Savepoints / Transactional DDL" recipe), which
    would let a failed migration or load leave half its work behind. We switch it off and emit
    BEGIN ourselves. WAL lets readers work while a load writes; synchronous=NORMAL is safe in
    WAL mode (a power cut may lose the last commit, never corrupt the file) and much faster:
    commits then only append to the WAL, and the disk is synced at checkpoints, when the WAL is
    copied back into the database. A load commits a file at a time, about 60 pages each, so
    SQLite's default checkpoint every 1,000 pages would sync every 15 files or so; every
    `SQLITE_CHECKPOINT_PAGES` it is every few hundred, and the WAL is cut back to
    `SQLITE_WAL_LIMIT_BYTES` after each checkpoint.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute(f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}")
            cursor.execute(f"PRAGMA journal_size_limit = {SQLITE_WAL_LIMIT_BYTES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


def create_warehouse_engine(url: URL | str | None = None) -> Engine:
    """An engine for the warehouse at `url` (resolved as `resolve_database_url` does)."""
    resolved = url if isinstance(url, URL) else resolve_database_url(url)
    if resolved.get_backend_name() == "sqlite":
        engine = create_engine(resolved)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(resolved, pool_pre_ping=True, connect_args=POSTGRESQL_CONNECT_ARGS)
    event.listen(engine, "connect", _integers_as_int4)
    return engine


#: The report views are large (`rpt_checks` alone is hundreds of plan nodes): PostgreSQL
#: spends longer planning a query of one of them than running it. So a statement
#: is prepared on the server from its second execution (psycopg's `prepare_threshold`) and
#: prepared statements reuse one generic plan (`plan_cache_mode`) instead of re-planning for
#: each parameter value. Plans change no result. Prepared statements live as long as the
#: connection, except that psycopg drops them all on a rollback: see `read`.
#: JIT compilation is off: a report view's plan is large enough for its estimated cost to
#: pass `jit_above_cost`, and compiling it took longer than running it.
POSTGRESQL_CONNECT_ARGS: dict[str, Any] = {
    "prepare_threshold": 1,
    "options": "-c plan_cache_mode=force_generic_plan -c jit=off",
}


class _Int4Dumper(IntDumper):
    """Python ints sent as `integer` wherever they fit (psycopg sends the smallest type).

    psycopg prepares a statement once per set of parameter types, and by default an id
    below 32,768 goes as `smallint`, one above as `integer`: past about 3,300 bodies × 10
    years, every report query was prepared, and planned, twice. `integer` is accepted
    wherever `smallint` was (PostgreSQL casts up, never down).
    """

    def upgrade(self, obj: int, format: PyFormat) -> Dumper:
        if -(2**31) <= obj < 2**31:
            return self._int4_dumper
        return super().upgrade(obj, format)


def _integers_as_int4(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.adapters.register_dumper(int, _Int4Dumper)


@contextmanager
def connect(engine: Engine) -> Iterator[Connection]:
    """A connection, with an unreachable database reported as `DatabaseUnavailable`."""
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        found = storage_error(exc, f"the warehouse at {describe_url(engine.url)}")
        # a file that is no database, or that cannot be written (a server that refuses or
        # drops a new connection is unavailable: retried, `etl.runs.retry`)
        if found is not None and not isinstance(found, ConnectionLost):
            raise found from exc
        if not isinstance(exc, OperationalError):
            raise
        raise DatabaseUnavailable(
            f"cannot open the warehouse at {describe_url(engine.url)}: {exc.orig}"
        ) from exc
    with connection:
        yield connection


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A connection for reading only, as `connect`, ended by a commit when the block succeeds.

    Committing a transaction that wrote nothing changes nothing; unlike the rollback that
    closing a connection would issue, it keeps the connection's prepared statements (psycopg
    drops them on a rollback), so the next report's queries on it are not planned again.
    """
    with connect(engine) as connection:
        yield connection
        connection.commit()
