"""The loader's shortcut past SQLAlchemy's per-statement work: Core statements on plain tables
(`table_of`), sent straight to the SQLite driver's cursor (`DriverStatement`).

A load runs a handful of statements for every file, and SQLAlchemy's execution of one costs
more than SQLite takes to run it. On PostgreSQL the same statements go through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Insert, Select, Table
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler


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


def table_of(model: type[Any]) -> Table:
    """The Core table of an ORM model: a statement on it skips the ORM's per-call work."""
    found = model.__table__
    assert isinstance(found, Table)
    return found
