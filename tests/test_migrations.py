"""The migrations build the schema the models describe, on both backends, and undo it."""

from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from etl.db import (
    alembic_config,
    check_schema,
    create_warehouse_engine,
    current_revision,
    downgrade,
    head_revision,
    require_head,
    upgrade,
)
from etl.errors import SchemaNotAtHead
from models import metadata


def test_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [head_revision()]


def test_revision_files_are_date_prefixed_with_a_message() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:11].replace("_", "").isdigit(), name
        assert revision.doc and revision.doc.strip(), name


def test_upgrade_check_downgrade_upgrade(empty_url: URL) -> None:
    engine = create_warehouse_engine(empty_url)
    assert current_revision(engine) is None

    assert upgrade(engine) == (None, head_revision())
    check_schema(engine)  # raises on drift
    tables = set(inspect(engine).get_table_names())
    assert set(metadata.tables) <= tables

    assert downgrade(engine, "base") == (head_revision(), None)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    upgrade(engine)
    check_schema(engine)
    engine.dispose()


def test_commands_refuse_a_database_not_at_head(empty_url: URL) -> None:
    engine = create_warehouse_engine(empty_url)
    refused = r"is (empty|missing), not at .*: run 'ogi db upgrade'"
    with pytest.raises(SchemaNotAtHead, match=refused):
        require_head(engine)
    upgrade(engine, "0001")
    with pytest.raises(SchemaNotAtHead, match=r"is at revision 0001, not at"):
        require_head(engine)
    engine.dispose()


def test_every_constraint_is_named(engine: object) -> None:
    for table in metadata.sorted_tables:
        for constraint in table.constraints:
            assert constraint.name, f"{table.name}: unnamed {constraint!r}"
        for index in table.indexes:
            assert index.name, f"{table.name}: unnamed index"
