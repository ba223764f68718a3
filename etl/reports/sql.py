"""Ad hoc SQL, read-only at the connection level, with a time limit and a row cap.

The database itself refuses writes; nothing here parses the statement:
- SQLite: the file is opened with `mode=ro` (the library cannot write it) and
  `PRAGMA query_only` on; no database may be attached (ATTACH, VACUUM INTO could create
  files); a progress handler aborts the statement at its deadline.
- PostgreSQL: the session starts with `default_transaction_read_only=on` and a
  `statement_timeout`; every statement goes through the extended protocol (psycopg's
  `prepare_threshold=0`), which carries one statement only, so `SET ...; COMMIT; DELETE ...`
  cannot switch the session back to writing. The transaction is rolled back, never committed.
Connect with a role without write grants for defence in depth: a superuser's read-only
transaction can still call server functions that act outside the database.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from etl.config import describe_url
from etl.db import head_revision, revision_of
from etl.errors import (
    DatabaseUnavailable,
    InvalidFilter,
    QueryFailed,
    QueryRefused,
    QueryTimeout,
    SchemaNotAtHead,
)
from etl.reports.result import ReportTable
from etl.values import plain_rows

DEFAULT_MAX_ROWS = 1000
DEFAULT_TIMEOUT_S = 30.0

#: How many SQLite virtual-machine steps run between two looks at the clock.
_PROGRESS_STEPS = 1000


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


class _Deadline:
    """A SQLite progress handler: non-zero (abort) once the deadline has passed."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False

    def __call__(self) -> int:
        self.expired = time.monotonic() > self.at
        return 1 if self.expired else 0


def _sqlite_engine(url: URL, deadline: _Deadline) -> Engine:
    database = url.database or ""
    if database in ("", ":memory:") or not Path(database).is_file():
        raise DatabaseUnavailable(f"no SQLite warehouse at {describe_url(url)}")
    uri = f"file:{quote(str(Path(database).resolve()))}?mode=ro"

    def creator() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        connection.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        connection.execute("PRAGMA query_only = ON")
        connection.set_progress_handler(deadline, _PROGRESS_STEPS)
        return connection

    return create_engine("sqlite://", creator=creator, poolclass=NullPool)


def _postgres_engine(url: URL, timeout_s: float) -> Engine:
    options = (
        f"-c default_transaction_read_only=on -c statement_timeout={max(int(timeout_s * 1000), 1)}"
    )
    return create_engine(
        url,
        poolclass=NullPool,
        connect_args={"options": options, "prepare_threshold": 0},
    )


def read_only_engine(url: URL, timeout_s: float = DEFAULT_TIMEOUT_S) -> Engine:
    """An engine whose connections cannot write, and stop statements after `timeout_s`."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, _Deadline(timeout_s))
    return _postgres_engine(url, timeout_s)


def _require_head(connection: Connection, url: URL) -> None:
    current = revision_of(connection)
    if current != head_revision():
        raise SchemaNotAtHead(
            f"the warehouse at {describe_url(url)} is at {current or 'no revision'}, "
            f"not at {head_revision()}: run 'ogi db upgrade'"
        )


def _classify(exc: DBAPIError, timeout_s: float) -> Exception:
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    lowered = message.lower()
    if "interrupted" in lowered or "statement timeout" in lowered:
        return QueryTimeout(f"the statement ran past {timeout_s:g} s and was stopped")
    if "multiple commands" in lowered or "one statement at a time" in lowered:
        return QueryRefused(f"one statement at a time; the database said: {message}")
    if "readonly" in lowered or "read-only" in lowered or "attached databases" in lowered:
        return QueryRefused(f"the warehouse is read-only here; the database said: {message}")
    return QueryFailed(f"the database could not run the statement: {message}")


def run_sql(
    url: URL,
    sql: str,
    params: Mapping[str, Any] | None = None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> ReportTable:
    """Run one statement read-only; at most `max_rows` rows, with a note when more were cut."""
    if max_rows < 1:
        raise InvalidFilter(f"--max-rows must be at least 1, not {max_rows}")
    engine = read_only_engine(url, timeout_s)
    try:
        connection = engine.connect()
    except OperationalError as exc:
        raise DatabaseUnavailable(f"cannot open {describe_url(url)}: {exc.orig}") from exc
    try:
        with connection.begin() as transaction:
            _require_head(connection, url)
            try:
                result = connection.execute(text(sql), dict(params or {}))
                if not result.returns_rows:
                    return ReportTable(title="sql", columns=[], note="no rows returned")
                columns = list(result.keys())
                rows = result.fetchmany(max_rows + 1)
            except DBAPIError as exc:
                raise _classify(exc, timeout_s) from exc
            finally:
                transaction.rollback()
    finally:
        connection.close()
        engine.dispose()
    note = None
    if len(rows) > max_rows:
        rows = rows[:max_rows]
        note = f"showing the first {max_rows} rows; more were cut (--max-rows)"
    return ReportTable(title="sql", columns=columns, rows=plain_rows(rows), note=note)
