"""What the database or the disk refused, as an error a person can act on: `storage_error`.

A full disk, a warehouse that cannot be written, a file that is no database and a server that
ended the connection are not bugs: each becomes a `WarehouseError` saying what happened and
what to do (an `Error:` line), wherever it surfaces (opening a connection, a run, a migration).
They are told apart by the driver's own codes (SQLite's result codes, PostgreSQL's SQLSTATE)
and by the errno of a write, anywhere in the exception's chain of causes.
"""

from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import DBAPIError

from etl.errors import ConnectionLost, NotAWarehouse, StorageFull, WarehouseError, WarehouseReadOnly

#: SQLite's primary result codes (https://sqlite.org/rescode.html) that are not bugs.
_SQLITE_FULL = {13}  # SQLITE_FULL
_SQLITE_IOERR = {10}  # SQLITE_IOERR: a write or sync the system refused
_SQLITE_READONLY = {8, 14}  # SQLITE_READONLY, SQLITE_CANTOPEN (a directory it cannot write)
_SQLITE_NOTADB = {26, 11}  # SQLITE_NOTADB, SQLITE_CORRUPT
#: PostgreSQL's SQLSTATEs: disk full, out of memory or files; the server ended the session.
_PG_FULL = {"53100", "53200", "53000"}
_PG_READONLY = {"25006"}  # read_only_sql_transaction: a standby, or a read-only session
_PG_GONE = {"57P01", "57P02", "57P03", "08000", "08003", "08006"}
#: A write the system refused for want of room.
_ERRNO_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_ERRNO_READONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def storage_error(exc: BaseException, where: str = "the warehouse") -> WarehouseError | None:
    """The `WarehouseError` that `exc` (or an error it was raised from) means, if it is a full
    disk, a warehouse that cannot be written, a file that is no database, or a connection the
    server ended; None for anything else. `where` names the warehouse in the message."""
    for cause in _chain(exc):
        found = _classify(cause, where)
        if found is not None:
            return found
    return None


def _classify(exc: BaseException, where: str) -> WarehouseError | None:
    detail = _first_line(exc)
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated and _sqlstate(exc.orig) not in _PG_FULL:
            return _gone(where, detail)
        return None  # its driver's error (`orig`) is next in the chain
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", -1) & 0xFF
        if code in _SQLITE_FULL:
            return _full(where, detail)
        if code in _SQLITE_IOERR:
            return _full(where, detail, maybe=True)
        if code in _SQLITE_READONLY:
            return WarehouseReadOnly(
                f"{where} cannot be written ({detail}): check that its file and the directory "
                "holding it are writable by this user (SQLite writes its -wal and -shm files "
                "beside it), or give --db a warehouse you may write"
            )
        if code in _SQLITE_NOTADB:
            return NotAWarehouse(
                f"{where} is not a SQLite database, or is damaged ({detail}): give --db the "
                "warehouse's file, restore it from a backup, or create a new one with "
                "`ogi db upgrade` at another path"
            )
        return None
    state = _sqlstate(exc)
    if state in _PG_FULL:
        return _full(where, detail)
    if state in _PG_READONLY:
        return WarehouseReadOnly(
            f"{where} cannot be written ({detail}): the server is a read-only standby or the "
            "session is read-only; give --db the primary server"
        )
    if state in _PG_GONE:
        return _gone(where, detail)
    if isinstance(exc, OSError) and not isinstance(exc, ConnectionError):
        if exc.errno in _ERRNO_FULL:
            return _full(f"the disk holding {exc.filename or where}", detail)
        if exc.errno in _ERRNO_READONLY and exc.filename is not None:
            return WarehouseReadOnly(
                f"{exc.filename} cannot be written ({exc.strerror}): check its permissions"
            )
    return None


def _full(where: str, detail: str, *, maybe: bool = False) -> StorageFull:
    what = "could not be written" if maybe else "has no room left"
    hint = ", the disk may be full or failing" if maybe else ""
    return StorageFull(
        f"{where} {what} ({detail}){hint}: free some space and run the command again; "
        "what the failed step was writing was rolled back, and what was committed before stays"
    )


def _gone(where: str, detail: str) -> ConnectionLost:
    return ConnectionLost(
        f"the database server ended the connection to {where} ({detail}): it was stopped or "
        "restarted, or an administrator ended the session; the file being loaded was rolled "
        "back and the files before it stay loaded: run the command again once the server is "
        "up (ogi run tries again by itself: --retries)"
    )


def _chain(exc: BaseException) -> list[BaseException]:
    """`exc`, then what it was raised from (or during), then the driver's error of a DBAPI
    error, and so on; each once."""
    found: list[BaseException] = []
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop(0)
        if current is None or any(current is seen for seen in found):
            continue
        found.append(current)
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None]
        pending += [current.__cause__, current.__context__]
    return found


def _sqlstate(exc: object) -> str | None:
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return state if isinstance(state, str) else None


def _first_line(exc: BaseException) -> str:
    """The driver's message, its first line only: no SQL, no parameters."""
    source = getattr(exc, "orig", None) or exc
    text = str(source).strip() or type(source).__name__
    return " ".join(text.splitlines()[0].split())[:300]
