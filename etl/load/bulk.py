"""Insert many rows at once: one executemany, or PostgreSQL's COPY where many rows go in.

SQLAlchemy sends an executemany of an INSERT as multi-row VALUES batches ("insertmanyvalues"),
which is as fast as SQLite gets. On PostgreSQL, COPY skips planning and parameter binding per
batch and streams rows in the binary-free text protocol: several times faster from a few
thousand rows on, slower below (a round trip to start and end it), hence the threshold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg.adapt import PyFormat
from sqlalchemy import Connection, Table, insert

#: From how many rows PostgreSQL gets COPY instead of an executemany.
COPY_THRESHOLD = 2_000


def insert_rows(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert `rows` (dicts by column name, all with the same keys) into `table`; the count."""
    if not rows:
        return 0
    if connection.dialect.name == "postgresql" and len(rows) >= COPY_THRESHOLD:
        _copy(connection, table, rows)
    else:
        connection.execute(insert(table), list(rows))
    return len(rows)


def _copy(connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    columns = list(rows[0])
    names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor:
        # COPY prepares nothing: psycopg's own compiled int dumper, not the engine's steadier
        # one (`etl.db.engine._Int4Dumper`, which is pure Python and much slower per integer).
        cursor.adapters.register_dumper(int, psycopg.adapters.get_dumper(int, PyFormat.TEXT))
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
