"""Database access: engines for SQLite and PostgreSQL, and the schema's Alembic life cycle.

Alembic is imported only to migrate or compare the schema (`ogi db upgrade`, `ogi db check`):
it imports Mako, which loads Pygments' lexers when Pygments is installed (rich installs it),
some 0.25 s of every command's start-up. Every other command only asks which revision the
database is at (`require_head`), which needs neither: see `head_revision` and
`current_revision`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psycopg.adapt import Dumper, PyFormat
from psycopg.types.numeric import IntDumper
from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Select,
    Table,
    create_engine,
    event,
    func,
    inspect,
    select,
    table,
    text,
)
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.sql.compiler import SQLCompiler

from etl.config import describe_url, resolve_database_url
from etl.errors import DatabaseUnavailable, SchemaDrift, SchemaNotAtHead

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

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


class DriverStatement:
    """A Core statement the loader runs for every file, sent straight to the driver's cursor
    on SQLite (compiled once per set of parameter names), through SQLAlchemy elsewhere.

    SQLAlchemy's execution costs some 20-30 µs a statement; SQLite runs these in a few. The
    parameters must name every column the statement binds: no column default is applied
    (compiling fails on an insert that would need one). Values go through the columns' bind
    processors as SQLAlchemy would send them (a Numeric's Decimal as a float); rows come back
    as plain tuples, with the driver's values (SQLite gives a boolean as 0 or 1); driver
    errors are raised as SQLAlchemy raises them (an `IntegrityError` for a violated
    constraint).
    """

    def __init__(self, statement: Insert | Select[*tuple[Any, ...]]) -> None:
        self.statement = statement
        self._compiled: dict[tuple[Dialect, tuple[str, ...]], _Compiled] = {}

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run the statement with `params`; its rows (RETURNING included)."""
        if connection.dialect.name != "sqlite":
            return [tuple(row) for row in connection.execute(self.statement, params)]
        compiled = self._for(connection.dialect, tuple(params))
        args = compiled.processed([params[name] for name in compiled.names])
        return _on_driver(connection, compiled.sql, args, many=False)

    def executemany(
        self, connection: Connection, names: tuple[str, ...], rows: Sequence[Sequence[Any]]
    ) -> None:
        """Run the statement once per row, each row the values of `names` in that order."""
        if connection.dialect.name != "sqlite":
            connection.execute(self.statement, [dict(zip(names, row, strict=True)) for row in rows])
            return
        compiled = self._for(connection.dialect, names)
        assert compiled.names == names, (compiled.names, names)  # positional: the same order
        args = [compiled.processed(row) for row in rows] if compiled.processors else rows
        _on_driver(connection, compiled.sql, args, many=True)

    def _for(self, dialect: Dialect, names: tuple[str, ...]) -> _Compiled:
        found = self._compiled.get((dialect, names))
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=list(names))
            assert isinstance(compiled, SQLCompiler)
            assert not compiled.insert_prefetch, f"pass {compiled.insert_prefetch} explicitly"
            order = tuple(compiled.positiontup or ())
            processors = tuple(
                (index, process)
                for index, name in enumerate(order)
                if (process := compiled.binds[name].type._cached_bind_processor(dialect))
                is not None
            )
            found = self._compiled[(dialect, names)] = _Compiled(compiled.string, order, processors)
        return found


def _on_driver(connection: Connection, sql: str, args: Any, *, many: bool) -> list[tuple[Any, ...]]:
    """`sql` on a cursor of the connection's driver, in its current transaction (`args` a row
    of values, or with `many` a list of them); its rows, driver errors raised as SQLAlchemy's."""
    dbapi = connection.dialect.loaded_dbapi
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        if many:
            cursor.executemany(sql, args)
            return []
        cursor.execute(sql, args)
        found: list[tuple[Any, ...]] = cursor.fetchall()
        return found
    except dbapi.Error as exc:
        raise DBAPIError.instance(sql, args, exc, dbapi.Error) from exc
    finally:
        cursor.close()


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]

    def processed(self, values: Sequence[Any]) -> list[Any]:
        """The values with the bind processors applied, in the statement's order."""
        found = list(values)
        for index, process in self.processors:
            found[index] = process(found[index])
        return found


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
#: spends 50-90 ms planning a query of one of them and under 10 ms running it. So a statement
#: is prepared on the server from its second execution (psycopg's `prepare_threshold`) and
#: prepared statements reuse one generic plan (`plan_cache_mode`) instead of re-planning for
#: each parameter value. Plans change no result. Prepared statements live as long as the
#: connection, except that psycopg drops them all on a rollback: see `read`.
#: JIT compilation is off: a report view's plan is large enough for its estimated cost to
#: pass `jit_above_cost`, and compiling it took longer than running it (a national roll-up
#: over `rpt_figures_long` at 10,000 bodies × 10 years: 4 s of JIT for 1.5 s of work).
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
    except OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot open the warehouse at {describe_url(engine.url)}: {exc.orig}"
        ) from exc
    with connection:
        yield connection


def table_of(model: type[Any]) -> Table:
    """The Core table of an ORM model: a statement on it skips the ORM's per-call work."""
    found = model.__table__
    assert isinstance(found, Table)
    return found


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


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration; a connection given here is the one migrations run on."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


#: A migration's own revision and the one(s) it follows, as Alembic writes them at the top
#: of the file (`revision: str = "0008"`, `down_revision: str | None = "0007"`).
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


@cache
def head_revision() -> str:
    """The revision the code expects the database to be at: the one no migration follows.

    Read from the lines Alembic writes at the top of each migration, without importing
    Alembic or the migrations (a test holds it to Alembic's own answer)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            found = _QUOTED.findall(value)
            (revisions if name == "revision" else followed).update(found)
    heads = sorted(revisions - followed)
    if len(heads) != 1:
        raise SchemaNotAtHead(f"the migrations have {len(heads)} heads, expected exactly one")
    return heads[0]


def _sqlite_file_missing(engine: Engine) -> bool:
    """True for a SQLite URL whose file does not exist (connecting would create it)."""
    database = engine.url.database
    return (
        engine.dialect.name == "sqlite"
        and bool(database)
        and database != ":memory:"
        and not str(database).startswith("file:")
        and not Path(str(database)).exists()
    )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty (or missing) database.

    A missing SQLite file is not created: asking a question must not leave a file behind.
    """
    if _sqlite_file_missing(engine):
        return None
    with connect(engine) as connection:
        return revision_of(connection)


def revision_of(connection: Connection) -> str | None:
    """The revision recorded in `alembic_version` (None when there is none), as Alembic's
    `MigrationContext.get_current_revision` reads it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) > 1:
        raise SchemaNotAtHead(f"the warehouse records {len(found)} revisions, expected one")
    return found[0] if found else None


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate the database up to `revision`; returns the revisions before and after.

    A SQLite file (and its folder) is created here, and only here.
    """
    if _sqlite_file_missing(engine):
        Path(str(engine.url.database)).parent.mkdir(parents=True, exist_ok=True)
    from alembic import command

    before = current_revision(engine)
    with connect(engine) as connection, connection.begin():
        command.upgrade(alembic_config(connection), revision)
    return before, current_revision(engine)


def downgrade(engine: Engine, revision: str) -> tuple[str | None, str | None]:
    """Migrate the database down to `revision` ("base" empties it)."""
    from alembic import command

    before = current_revision(engine)
    with connect(engine) as connection, connection.begin():
        command.downgrade(alembic_config(connection), revision)
    return before, current_revision(engine)


def check_schema(engine: Engine) -> None:
    """Raise unless the database is at head and matches the models (`alembic check`)."""
    from alembic import command
    from alembic.util.exc import AutogenerateDiffsDetected

    require_head(engine)
    with connect(engine) as connection:
        try:
            command.check(alembic_config(connection))
        except AutogenerateDiffsDetected as exc:
            raise SchemaDrift(f"the database differs from the models: {exc}") from exc


def require_head(engine: Engine, *, alternative: str | None = None) -> None:
    """Refuse to work on a database that is not migrated to head.

    `alternative` is another way out the message offers, e.g. "pass --offline".
    """
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        if current is None and _sqlite_file_missing(engine):
            state = "missing"
        else:
            state = "empty" if current is None else f"at revision {current}"
        advice = "run 'ogi db upgrade'" + (f", or {alternative}" if alternative else "")
        raise SchemaNotAtHead(
            f"the warehouse at {describe_url(engine.url)} is {state}, not at {head}: {advice}"
        )


def list_tables(engine: Engine) -> list[tuple[str, str, int]]:
    """Every table and view of the warehouse (Alembic's own excepted) with its row count."""
    inspector = inspect(engine)
    names = [(n, "table") for n in inspector.get_table_names() if n != "alembic_version"]
    names += [(n, "view") for n in inspector.get_view_names()]
    with connect(engine) as connection:
        return [
            (
                name,
                kind,
                connection.execute(select(func.count()).select_from(table(name))).scalar_one(),
            )
            for name, kind in sorted(names)
        ]
