"""The migrations build the schema the models describe, on both backends, and undo it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

import etl.db.schema
from etl.db import (
    alembic_config,
    check_schema,
    create_warehouse_engine,
    current_revision,
    downgrade,
    head_revision,
    require_head,
    revision_of,
    upgrade,
)
from etl.errors import SchemaNotAtHead
from models import metadata


def test_exactly_one_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads == [head_revision()]


def _heads_of(directory: Path, files: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> str:
    (directory / "versions").mkdir(parents=True)
    for name, text_ in files.items():
        (directory / "versions" / name).write_text(text_, encoding="utf-8")
    monkeypatch.setattr(etl.db.schema, "MIGRATIONS_DIR", directory)
    head_revision.cache_clear()
    try:
        return head_revision()
    finally:
        head_revision.cache_clear()


def test_the_head_is_the_revision_no_migration_follows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`head_revision` reads the migrations' own lines, as Alembic writes them, a merge's
    tuple of revisions included; two heads are refused."""
    first = 'revision: str = "0001"\ndown_revision: str | None = None\n'
    second = 'revision: str = "0002"\ndown_revision: str | None = "0001"\n'
    branch = "revision = 'b3'\ndown_revision = '0001'\n"
    merge = 'revision = "m4"\ndown_revision = ("0002", "b3")\n'
    files = {"1.py": first, "2.py": second, "3.py": branch}
    with pytest.raises(SchemaNotAtHead, match="2 heads, expected exactly one"):
        _heads_of(tmp_path / "branched", files, monkeypatch)
    assert _heads_of(tmp_path / "merged", {**files, "4.py": merge}, monkeypatch) == "m4"


def test_the_revision_is_read_as_alembic_reads_it(warehouse_url: URL) -> None:
    engine = create_warehouse_engine(warehouse_url)
    with engine.connect() as connection:
        assert revision_of(connection) == head_revision()
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO alembic_version VALUES ('other')"))
    with pytest.raises(SchemaNotAtHead, match="records 2 revisions, expected one"):
        current_revision(engine)
    engine.dispose()


def test_revision_files_are_date_prefixed_with_a_message() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for revision in script.walk_revisions():
        name = revision.path.rsplit("/", 1)[-1]
        assert name[:11].replace("_", "").isdigit(), name
        assert revision.doc and revision.doc.strip(), name


def test_upgrade_check_downgrade_upgrade(empty_url: URL) -> None:
    engine = create_warehouse_engine(empty_url)
    assert current_revision(engine) is None

    done = upgrade(engine)
    assert (done.before, done.after) == (None, head_revision())
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


def test_the_database_package_does_not_import_alembic() -> None:
    """`etl.db` imports Alembic only to migrate or compare (see `etl.db.schema`)."""
    code = (
        "import sys, etl.db;"
        " print(*sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
