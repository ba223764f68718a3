"""`DriverStatement`: the loader's per-file statements, on the driver's cursor on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from etl.db import DriverStatement, create_warehouse_engine, table_of, upgrade
from models.lineage import SourceFile

INSERT = DriverStatement(insert(table_of(SourceFile)).returning(SourceFile.source_file_id))
BY_SHA256 = DriverStatement(
    select(SourceFile.source_file_id, SourceFile.status, SourceFile.last_seen_at).where(
        SourceFile.sha256 == bindparam("sha256")
    )
)
SEEN = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)


def _file(sha256: str) -> dict[str, object]:
    return {
        "sha256": sha256,
        "file_name": "a.xlsx",
        "original_path": "/inbox/a.xlsx",
        "file_format": "xlsx",
        "size_bytes": 3,
        "content": b"abc",
        "status": "loaded",
        "first_seen_at": SEEN,
        "last_seen_at": SEEN,
    }


def test_rows_come_back_and_values_go_in_as_sqlalchemy_would_send_them(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin():
        [(first,)] = INSERT.rows(connection, _file("a" * 64))
        [(second,)] = INSERT.rows(connection, _file("b" * 64))
        found = BY_SHA256.rows(connection, {"sha256": "b" * 64})
        missing = BY_SHA256.rows(connection, {"sha256": "c" * 64})
        # What SQLAlchemy reads back: the timestamp went in through the column's own type.
        stored = connection.execute(
            select(SourceFile.content, SourceFile.last_seen_at).where(
                SourceFile.source_file_id == second
            )
        ).one()

    assert second == first + 1
    assert [row[:2] for row in found] == [(second, "loaded")]
    assert missing == []
    assert bytes(stored.content) == b"abc"
    assert stored.last_seen_at.replace(tzinfo=UTC) == SEEN


def test_a_violated_constraint_is_sqlalchemys_integrity_error(engine: Engine) -> None:
    with engine.connect() as connection, connection.begin():
        INSERT.rows(connection, _file("a" * 64))
        with pytest.raises(IntegrityError):
            INSERT.rows(connection, _file("a" * 64))  # sha256 is unique


def test_an_insert_leaving_a_column_to_its_default_is_refused(tmp_path: Path) -> None:
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")  # compiled for
    upgrade(engine)  # the driver on SQLite only
    params = _file("a" * 64)
    del params["first_seen_at"]  # has a Python default, which only SQLAlchemy would apply
    with engine.connect() as connection, pytest.raises(AssertionError, match="first_seen_at"):
        INSERT.rows(connection, params)
    engine.dispose()
