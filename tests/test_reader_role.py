"""The reader role (`etl.db.reader`): `ogi db upgrade` on PostgreSQL leaves a role that can
read every table and view of the warehouse and do nothing else, and refuses one that can."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, Engine, text

from etl.cli import main
from etl.db import ensure_reader_role
from etl.errors import ConfigurationError

WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


@pytest.fixture
def pg(engine: Engine, backend: str) -> Engine:
    if backend != "postgresql":
        pytest.skip("roles are PostgreSQL's")
    return engine


def _relations(connection: Connection) -> list[str]:
    return list(
        connection.execute(
            text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v') ORDER BY 1"
            )
        ).scalars()
    )


def _can(connection: Connection, role: str, relation: str, privilege: str) -> bool:
    return bool(
        connection.execute(
            text("SELECT has_table_privilege(:role, :relation, :privilege)"),
            {"role": role, "relation": relation, "privilege": privilege},
        ).scalar_one()
    )


def test_the_reader_reads_every_table_and_view_and_writes_none(pg: Engine) -> None:
    with pg.connect() as connection:
        relations = _relations(connection)
        assert {"figures", "agencies", "rpt_proactive", "rpt_checks"} <= set(relations)
        assert [r for r in relations if not _can(connection, "ogi_reader", r, "SELECT")] == []
        assert [
            (r, p) for r in relations for p in WRITES if _can(connection, "ogi_reader", r, p)
        ] == []
        role = connection.execute(
            text(
                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolcanlogin, rolconfig "
                "FROM pg_roles WHERE rolname = 'ogi_reader'"
            )
        ).one()
        assert tuple(role) == (False, False, False, True, ["default_transaction_read_only=on"])
        schema_rights = connection.execute(
            text(
                "SELECT has_schema_privilege('ogi_reader', current_schema(), 'USAGE'), "
                "has_database_privilege('ogi_reader', current_database(), 'CONNECT')"
            )
        ).one()
        assert tuple(schema_rights) == (True, True)


def test_each_upgrade_grants_again_and_takes_writes_away(pg: Engine) -> None:
    with pg.begin() as connection:
        connection.exec_driver_sql("GRANT INSERT ON figures TO ogi_reader")
        connection.exec_driver_sql("REVOKE SELECT ON agencies FROM ogi_reader")
        connection.exec_driver_sql("CREATE TABLE later_table (x integer)")  # a later migration
        again = ensure_reader_role(connection, "ogi_reader")
        assert (again.name, again.created) == ("ogi_reader", False)
        assert again.readable == len(_relations(connection))
        assert _can(connection, "ogi_reader", "later_table", "SELECT")
        assert _can(connection, "ogi_reader", "agencies", "SELECT")
        assert not _can(connection, "ogi_reader", "figures", "INSERT")
        connection.exec_driver_sql("DROP TABLE later_table")


@pytest.fixture
def stray_role(pg: Engine) -> Iterator[str]:
    """A role of a test's own, dropped afterwards (roles belong to the whole server)."""
    role = f"ogi_test_reader_{uuid.uuid4().hex[:8]}"
    yield role
    with pg.begin() as connection:
        if connection.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}
        ).first():
            connection.exec_driver_sql(f"DROP OWNED BY {role}")
            connection.exec_driver_sql(f"DROP ROLE {role}")


def test_a_missing_role_is_created(pg: Engine, stray_role: str) -> None:
    with pg.begin() as connection:
        made = ensure_reader_role(connection, stray_role)
        assert made.created
        assert _can(connection, stray_role, "rpt_reports", "SELECT")
        assert not _can(connection, stray_role, "figures", "DELETE")


@pytest.mark.parametrize(
    ("power", "said"),
    [
        ("SUPERUSER", "SUPERUSER"),
        ("CREATEROLE", "CREATEROLE"),
        ("CREATEDB", "CREATEDB"),
        ("IN ROLE pg_write_server_files", "member of pg_write_server_files"),
    ],
)
def test_a_role_that_can_do_more_is_refused(
    pg: Engine, stray_role: str, power: str, said: str
) -> None:
    with pg.begin() as connection:
        connection.exec_driver_sql(f"CREATE ROLE {stray_role} {power}")
    with pg.begin() as connection, pytest.raises(ConfigurationError) as refused:
        ensure_reader_role(connection, stray_role)
    assert str(refused.value) == (
        f"the reader role {stray_role} can do more than read ({said}): take that away "
        "(ALTER ROLE / REVOKE), or name another role in OGI_READER_ROLE; nothing was granted"
    )
    with pg.connect() as connection:  # no privilege granted to it on any table
        granted = connection.execute(
            text(
                "SELECT count(*) FROM pg_class c, aclexplode(c.relacl) a "
                "WHERE a.grantee = CAST(:role AS regrole)"
            ),
            {"role": stray_role},
        ).scalar_one()
        assert granted == 0


def test_cli_upgrade_names_the_reader_role(
    pg: Engine, db_env: str, stray_role: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OGI_READER_ROLE", stray_role)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with pg.connect() as connection:
        readable = len(_relations(connection))
    assert result.output.splitlines()[-1] == (
        f"Reader role {stray_role} (created): SELECT on {readable} tables and views, nothing else."
    )
    monkeypatch.setenv("OGI_READER_ROLE", "Robert'); DROP TABLE figures;--")
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: OGI_READER_ROLE=")
