"""Ad hoc SQL (`ogi sql`): one statement, read-only, as the reader role, within a time limit
and a row cap that hold.

The database refuses writes and everything else the statement may not do:
- SQLite: the file is opened with `mode=ro` and `PRAGMA query_only`; no database may be
  attached (ATTACH, VACUUM INTO could create files); an authorizer denies the functions that
  have no place in a report query (`DENIED_SQLITE_FUNCTIONS`).
- PostgreSQL: the session reads as the reader role (`etl.db.reader`): logged in as it
  (`Reader.url`, `OGI_READONLY_DATABASE_URL`, the deployment default), else by `SET ROLE` on the
  warehouse's login; a session that would read as a superuser is refused unless
  `allow_superuser`. Transactions are read-only, every statement goes through the extended
  protocol (one statement only, so `SET ...; COMMIT; DELETE ...` cannot switch the session back
  to writing), and the transaction is rolled back, never committed. A superuser's `SET ROLE`
  can be undone from SQL, so on that path what could undo it is refused before it is sent
  (`etl.reports.statement.screen_role_changes`).

The limits hold whatever the statement:
- rows: at most `max_rows + 1` rows are fetched (PostgreSQL reads a query through a
  server-side cursor; SQLite's cursor reads as it goes), and the note says when more were cut;
- time: SQLite's progress handler looks at the clock every `PROGRESS_STEPS` steps of its
  virtual machine, PostgreSQL has a `statement_timeout`; and since one step can be long (a
  function over a long value), the statement runs on a worker thread that is interrupted
  (sqlite3's `interrupt`, PostgreSQL's cancel) `GRACE_S` after the deadline, and given up on
  `GRACE_S` later. SQLite's caps on the lengths of values, statements and LIKE patterns
  (`SQLITE_LIMITS`) keep single steps short.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from sqlalchemy import Connection, Engine, TextClause, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from etl.config import (
    DEFAULT_READER_ROLE,
    READONLY_ENV_VAR,
    describe_url,
    reader_role,
    resolve_readonly_url,
)
from etl.db import head_revision, revision_of
from etl.errors import (
    ConfigurationError,
    DatabaseUnavailable,
    InvalidFilter,
    QueryFailed,
    QueryRefused,
    QueryTimeout,
    SchemaNotAtHead,
    WarehouseError,
)
from etl.reports.result import ReportTable
from etl.reports.statement import copies_through_client, is_query, screen_role_changes
from etl.values import plain_rows

DEFAULT_MAX_ROWS = 1000
DEFAULT_TIMEOUT_S = 30.0
#: The bounds of `--max-rows` and `--timeout`.
MAX_ROWS_LIMIT = 1_000_000
MAX_TIMEOUT_S = 3600.0

#: How many SQLite virtual-machine steps run between two looks at the clock.
PROGRESS_STEPS = 1000
#: How long past its deadline a statement is interrupted, and then given up on.
GRACE_S = 0.1
#: How long a cancel request to PostgreSQL may take to send.
CANCEL_TIMEOUT_S = 1.0

#: Functions an `ogi sql` statement may not call on SQLite: they reach outside the database
#: (files, extensions, an editor) or into SQLite's memory (`fts3_tokenizer`).
DENIED_SQLITE_FUNCTIONS = frozenset(
    {"fts3_tokenizer", "load_extension", "readfile", "writefile", "edit"}
)

#: SQLite's limits on an `ogi sql` connection: no attached database; a value (text, blob) of at
#: most 1 MB, so no one function call runs long over it (`length(content)` of a larger stored
#: file still works); statements of at most 100 kB; LIKE and GLOB patterns of at most 1,000
#: bytes (matching costs the pattern's length times the text's).
SQLITE_LIMITS = {
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
    sqlite3.SQLITE_LIMIT_LENGTH: 1_000_000,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Reader:
    """Whom a statement reads as on PostgreSQL: the login of `url` (`OGI_READONLY_DATABASE_URL`),
    else the warehouse's login after `SET ROLE role`; with `allow_superuser`, a superuser login
    is accepted, and without `url` the warehouse's login reads as itself (no role)."""

    url: URL | None = None
    role: str = DEFAULT_READER_ROLE
    allow_superuser: bool = False

    @classmethod
    def from_environment(cls, *, allow_superuser: bool = False) -> Reader:
        """`OGI_READONLY_DATABASE_URL` and `OGI_READER_ROLE`, as `etl.config` reads them."""
        return cls(resolve_readonly_url(), reader_role(), allow_superuser)


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`name=value` pairs as bound parameters; whole and decimal numbers are bound as numbers."""
    params: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InvalidFilter(f"parameter {pair!r}: expected name=value, e.g. year=2017")
        if re.fullmatch(r"-?\d+", raw):
            params[name] = int(raw)
        elif re.fullmatch(r"-?\d+\.\d+", raw):
            params[name] = float(raw)
        else:
            params[name] = raw
    return params


def check_limits(max_rows: int, timeout_s: float) -> None:
    """Refuse a row cap outside 1..`MAX_ROWS_LIMIT` and a time limit that is not a number of
    seconds above 0 and at most `MAX_TIMEOUT_S` (nan and inf included)."""
    if not 1 <= max_rows <= MAX_ROWS_LIMIT:
        raise InvalidFilter(f"--max-rows must be from 1 to {MAX_ROWS_LIMIT:,}, not {max_rows}")
    if not (math.isfinite(timeout_s) and 0 < timeout_s <= MAX_TIMEOUT_S):
        raise InvalidFilter(
            f"--timeout must be a number of seconds above 0 and at most {MAX_TIMEOUT_S:g}, "
            f"not {timeout_s}"
        )


def run_sql(
    url: URL,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    reader: Reader | None = None,
) -> ReportTable:
    """Run one statement read-only; at most `max_rows` rows, with a note when more were cut.
    `reader` says whom to read as on PostgreSQL (default: the reader role by `SET ROLE`)."""
    check_limits(max_rows, timeout_s)
    bound = dict(params or {})
    statement = _bound(sql, bound)
    work: Callable[[_Stopper], ReportTable]
    if url.get_backend_name() == "sqlite":
        work = partial(_run_sqlite, url, statement, bound, max_rows, timeout_s)
    else:
        session = _postgres_session(url, reader or Reader())
        if session.role is not None:
            screen_role_changes(sql)
        if copies_through_client(sql):
            raise QueryRefused(
                "COPY ... TO STDOUT is not how ogi sql exports: SELECT the rows and pass "
                "--format csv -o FILE"
            )
        work = partial(_run_postgres, session, statement, bound, max_rows, timeout_s)
    return _within_deadline(work, timeout_s)


def _bound(sql: str, params: Mapping[str, Any]) -> TextClause:
    """The statement, once every `:name` in it has a value."""
    statement = text(sql)
    missing = sorted(set(statement.compile().params) - set(params))
    if missing:
        names = ", ".join(f":{name}" for name in missing)
        raise InvalidFilter(
            f"the statement uses {names}: give a value with --param NAME=VALUE "
            "(write \\: for a colon that is not a parameter)"
        )
    return statement


# The worker and its deadline


@dataclass
class _Stopper:
    """How the watchdog stops the statement: the connection's interrupt, once it is open."""

    stop: Callable[[], object] | None = None

    def __call__(self) -> None:
        if self.stop is not None:
            with suppress(Exception):  # the worker may have closed the connection meanwhile
                self.stop()


def _within_deadline(work: Callable[[_Stopper], T], timeout_s: float) -> T:
    """`work` on a worker thread; past the deadline (and `GRACE_S`), it is stopped and the
    caller gets `QueryTimeout`, even while the worker is still inside a single long step."""
    stopper = _Stopper()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work(stopper))
        except BaseException as exc:  # handed to the caller
            failure.append(exc)

    worker = threading.Thread(target=run, name="ogi-sql", daemon=True)
    worker.start()
    worker.join(timeout_s + GRACE_S)
    if worker.is_alive():
        stopper()
        worker.join(GRACE_S)
    if worker.is_alive():  # left to stop at its next step, on its own connection
        raise _timeout(timeout_s)
    if failure:
        raise failure[0]
    return outcome[0]


def _timeout(timeout_s: float) -> QueryTimeout:
    return QueryTimeout(f"the statement ran past {timeout_s:g} s and was stopped")


def _fetch(
    connection: Connection, statement: TextClause, params: dict[str, Any], max_rows: int
) -> ReportTable:
    result = connection.execute(statement, params)
    if not result.returns_rows:
        return ReportTable(title="sql", columns=[], note="no rows returned")
    columns = list(result.keys())
    rows = result.fetchmany(max_rows + 1)
    result.close()
    note = None
    if len(rows) > max_rows:
        rows = rows[:max_rows]
        note = f"showing the first {max_rows} rows; more were cut (--max-rows)"
    return ReportTable(title="sql", columns=columns, rows=plain_rows(rows), note=note)


def _require_head(connection: Connection, url: URL) -> None:
    current = revision_of(connection)
    if current != head_revision():
        raise SchemaNotAtHead(
            f"the warehouse at {describe_url(url)} is at {current or 'no revision'}, "
            f"not at {head_revision()}: run 'ogi db upgrade'"
        )


def _open(engine: Engine, url: URL) -> Connection:
    try:
        return engine.connect()
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot open {describe_url(url)}: {exc.orig}") from exc


# SQLite


class _Deadline:
    """A SQLite progress handler: non-zero (abort) once the deadline has passed."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def __call__(self) -> int:
        return 1 if time.monotonic() > self.at else 0


class _Authorizer:
    """A SQLite authorizer denying `DENIED_SQLITE_FUNCTIONS`; it remembers what it denied."""

    def __init__(self) -> None:
        self.denied: str | None = None

    def __call__(self, action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_SQLITE_FUNCTIONS:
            self.denied = arg2
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK


def _run_sqlite(
    url: URL,
    statement: TextClause,
    params: dict[str, Any],
    max_rows: int,
    timeout_s: float,
    stopper: _Stopper,
) -> ReportTable:
    database = url.database or ""
    if database in ("", ":memory:") or not Path(database).is_file():
        raise DatabaseUnavailable(f"no SQLite warehouse at {describe_url(url)}")
    uri = f"file:{quote(str(Path(database).resolve()))}?mode=ro"
    deadline, authorizer = _Deadline(timeout_s), _Authorizer()

    def creator() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        for limit, value in SQLITE_LIMITS.items():
            connection.setlimit(limit, value)
        connection.execute("PRAGMA query_only = ON")
        connection.set_progress_handler(deadline, PROGRESS_STEPS)
        connection.set_authorizer(authorizer)
        stopper.stop = connection.interrupt
        return connection

    engine = create_engine("sqlite://", creator=creator, poolclass=NullPool)
    connection = _open(engine, url)
    try:
        connection.begin()
        _require_head(connection, url)
        return _fetch(connection, statement, params, max_rows)
    except DBAPIError as exc:
        raise _sqlite_error(exc, timeout_s, authorizer.denied) from exc
    finally:
        with suppress(DBAPIError):
            connection.rollback()
        connection.close()
        engine.dispose()


def _sqlite_error(exc: DBAPIError, timeout_s: float, denied: str | None) -> WarehouseError:
    message = _said(exc)
    lowered = message.lower()
    if denied is not None and "not authorized" in lowered:
        return QueryRefused(f"ogi sql does not call {denied}(): it reaches outside the database")
    if "interrupted" in lowered:
        return _timeout(timeout_s)
    if "too big" in lowered:
        return QueryFailed(
            f"a value is longer than {SQLITE_LIMITS[sqlite3.SQLITE_LIMIT_LENGTH]:,} bytes, the "
            f"most ogi sql reads or makes (use length() or substr()); the database said: {message}"
        )
    if "readonly" in lowered or "read-only" in lowered or "attached databases" in lowered:
        return QueryRefused(f"the warehouse is read-only here; the database said: {message}")
    if "one statement at a time" in lowered:
        return QueryRefused(f"one statement at a time; the database said: {message}")
    return QueryFailed(f"the database could not run the statement: {message}")


# PostgreSQL


@dataclass(frozen=True, slots=True)
class _PostgresSession:
    """Where to connect, and the role to take there (None: read as the login)."""

    url: URL
    warehouse: URL
    role: str | None
    allow_superuser: bool


def _postgres_session(url: URL, reader: Reader) -> _PostgresSession:
    """The login and role a statement on the warehouse at `url` reads as (see `Reader`)."""
    if reader.url is not None:
        if _place(reader.url) != _place(url):
            raise ConfigurationError(
                f"{READONLY_ENV_VAR} ({describe_url(reader.url)}) is not the warehouse's "
                f"database ({describe_url(url)}): point it at the same database"
            )
        return _PostgresSession(reader.url, url, None, reader.allow_superuser)
    role = None if reader.allow_superuser else reader.role
    return _PostgresSession(url, url, role, reader.allow_superuser)


def _place(url: URL) -> tuple[str, int, str]:
    return (url.host or "", url.port or 5432, url.database or "")


def _run_postgres(
    session: _PostgresSession,
    statement: TextClause,
    params: dict[str, Any],
    max_rows: int,
    timeout_s: float,
    stopper: _Stopper,
) -> ReportTable:
    options = (
        "-c default_transaction_read_only=on -c standard_conforming_strings=on "
        f"-c statement_timeout={max(math.ceil(timeout_s * 1000), 1)}"
    )
    engine = create_engine(
        session.url,
        poolclass=NullPool,
        connect_args={
            "options": options,
            "prepare_threshold": 0,
            "connect_timeout": max(math.ceil(timeout_s), 2),
        },
    )
    connection = _open(engine, session.url)
    driver = connection.connection.driver_connection
    stopper.stop = partial(driver.cancel_safe, timeout=CANCEL_TIMEOUT_S)  # type: ignore[union-attr]
    try:
        connection.begin()
        if session.role is not None:
            _set_role(connection, session.role)
        _refuse_superuser(connection, session)
        _require_head(connection, session.warehouse)
        if is_query(statement.text):  # a cursor on the server: max_rows + 1 rows cross, no more
            connection = connection.execution_options(yield_per=max_rows + 1)
        return _fetch(connection, statement, params, max_rows)
    except DBAPIError as exc:
        raise _postgres_error(exc, timeout_s) from exc
    finally:
        with suppress(DBAPIError):
            connection.rollback()
        connection.close()
        engine.dispose()


def _set_role(connection: Connection, role: str) -> None:
    quoted = connection.dialect.identifier_preparer.quote(role)
    try:
        connection.exec_driver_sql(f"SET ROLE {quoted}")
    except DBAPIError as exc:
        raise ConfigurationError(
            f"ogi sql reads as the role {role}, which this login cannot take: {_said(exc)}; "
            f"run 'ogi db upgrade' (it creates the role), or set {READONLY_ENV_VAR} to a login "
            "of the role (see the operator guide)"
        ) from exc


def _refuse_superuser(connection: Connection, session: _PostgresSession) -> None:
    if session.allow_superuser:
        return
    who, superuser = connection.execute(
        text("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    ).one()
    if superuser:
        raise ConfigurationError(
            f"ogi sql would read as {who}, a superuser, who can act outside the database: set "
            f"{READONLY_ENV_VAR} to a login of the reader role (see the operator guide), or "
            "pass --allow-superuser"
        )


#: PostgreSQL's error codes (SQLSTATE) that say why a statement was refused.
_READ_ONLY, _NO_PRIVILEGE, _CANCELED = "25006", "42501", "57014"


def _postgres_error(exc: DBAPIError, timeout_s: float) -> WarehouseError:
    message = _said(exc)
    state = getattr(exc.orig, "sqlstate", None)
    if state == _CANCELED:
        return _timeout(timeout_s)
    if state == _READ_ONLY:
        return QueryRefused(f"the warehouse is read-only here; the database said: {message}")
    if state == _NO_PRIVILEGE:
        return QueryRefused(f"the reader may not do that; the database said: {message}")
    if "multiple commands" in message:
        return QueryRefused(f"one statement at a time; the database said: {message}")
    return QueryFailed(f"the database could not run the statement: {message}")


def _said(exc: DBAPIError) -> str:
    """The first line of what the database said."""
    return str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
