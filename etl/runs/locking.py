"""One ETL writer at a time, with a lock the operating system or the database holds.

SQLite: an exclusive `flock` on the warehouse file itself. PostgreSQL: a session-level advisory
lock on a connection kept open for the run. Either is released the moment its holder dies, even
by `kill -9`; there is no lock file or lock row that a crash could leave behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from etl.config import describe_url
from etl.errors import ConfigurationError, LockHeld, LockLost

#: Key of the PostgreSQL advisory lock: "ogi-warehouse ETL" folded into a signed 64-bit integer.
ADVISORY_LOCK_KEY = 0x6F67692D65746C  # b"ogi-etl"

#: How often a waiting writer tries the lock again, in seconds.
POLL_SECONDS = 0.2


class HeldLock:
    """The lock as held. `confirm()` makes sure it still is: a PostgreSQL restart ends the
    session that held the advisory lock, so a long run confirms it before each file.
    """

    def __init__(self, reacquire: Callable[[], bool] | None = None) -> None:
        self._reacquire = reacquire

    def confirm(self) -> None:
        """Raise `LockLost` if the lock is gone and cannot be taken again; database errors
        (the server still down) propagate for the caller to retry."""
        if self._reacquire is not None and not self._reacquire():
            raise LockLost(
                "the database ended the session holding the ETL lock (a restart?) and "
                "another run has taken it since; this run stops here"
            )


def _sqlite_path(engine: Engine) -> str:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ConfigurationError("an in-memory SQLite database cannot be locked between processes")
    return database


@contextmanager
def _sqlite_lock(engine: Engine, wait: bool, timeout: float | None) -> Iterator[HeldLock]:
    path = _sqlite_path(engine)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(lambda: _try_flock(fd), engine, wait, timeout)
        try:
            yield HeldLock()
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextmanager
def _postgres_lock(engine: Engine, wait: bool, timeout: float | None) -> Iterator[HeldLock]:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:

        def attempt() -> bool:
            query = text("SELECT pg_try_advisory_lock(:key)")
            return bool(connection.execute(query, {"key": ADVISORY_LOCK_KEY}).scalar())

        def reacquire() -> bool:
            try:
                connection.execute(text("SELECT 1"))  # session locks last as long as the session
                return True
            except DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
            connection.rollback()  # lets the connection reconnect on next use
            return attempt()

        _acquire(attempt, engine, wait, timeout)
        try:
            yield HeldLock(reacquire)
        finally:
            with suppress(DBAPIError):  # a lost session has released the lock already
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )


def _acquire(
    attempt: Callable[[], bool], engine: Engine, wait: bool, timeout: float | None
) -> None:
    deadline = None if timeout is None else time.monotonic() + timeout
    while not attempt():
        if not wait or (deadline is not None and time.monotonic() >= deadline):
            raise LockHeld(
                f"another ETL run is writing to {describe_url(engine.url)}; "
                "try again later, or pass --wait to queue behind it"
            )
        time.sleep(POLL_SECONDS)


@contextmanager
def etl_lock(
    engine: Engine, *, wait: bool = False, timeout: float | None = None
) -> Iterator[HeldLock]:
    """Hold the warehouse's ETL lock for the duration of the block.

    Raises `LockHeld` at once when another process holds it, or, with `wait`, after `timeout`
    seconds (never, when `timeout` is None).
    """
    if engine.dialect.name == "sqlite":
        with _sqlite_lock(engine, wait, timeout) as held:
            yield held
    else:
        with _postgres_lock(engine, wait, timeout) as held:
            yield held
