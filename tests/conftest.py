"""Fixtures: real warehouses on SQLite and PostgreSQL, migrated the real way.

Every test that takes `warehouse_url` (or `engine`) runs once per backend. PostgreSQL tests use
a fresh database per test, cloned from a migrated template database made once per session, so
that tests (and concurrent test runs) never see each other's rows. Without a reachable server
they are skipped, except under CI (`CI=true`), where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from standin import StandInReader

from etl.db import create_warehouse_engine, upgrade

PG_ADMIN_URL = os.environ.get(
    "OGI_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
BACKENDS = ("sqlite", "postgresql")


def _pg_admin_engine() -> Engine:
    return create_engine(make_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")


def _pg_reachable() -> str | None:
    """None if the test server answers, else why not."""
    try:
        with _pg_admin_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to connect means "not reachable"
        return f"{type(exc).__name__}: {exc}"
    return None


class PostgresDatabases:
    """Creates and drops uniquely named databases on the test server."""

    def __init__(self) -> None:
        self.admin = _pg_admin_engine()
        self.prefix = f"ogi_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self.created: list[str] = []
        self.template: str | None = None

    def url(self, name: str) -> URL:
        return make_url(PG_ADMIN_URL).set(database=name)

    def create(self, template: str | None = None) -> URL:
        name = f"{self.prefix}_{len(self.created)}"
        clause = f" TEMPLATE {template}" if template else ""
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
        self.created.append(name)
        return self.url(name)

    def migrated(self) -> URL:
        """A fresh database at head, cloned from a template migrated once."""
        if self.template is None:
            template_url = self.create()
            engine = create_warehouse_engine(template_url)
            upgrade(engine)
            engine.dispose()
            self.template = template_url.database
        return self.create(template=self.template)

    def drop_all(self) -> None:
        with self.admin.connect() as connection:
            for name in reversed(self.created):
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases | None]:
    """The PostgreSQL database factory, or None (tests skip) when no server is reachable."""
    why = _pg_reachable()
    if why is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI but unreachable at {PG_ADMIN_URL}: {why}")
        yield None
        return
    databases = PostgresDatabases()
    yield databases
    databases.drop_all()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite warehouse migrated to head once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "warehouse.db"
    engine = create_warehouse_engine(URL.create("sqlite", database=str(path)))
    upgrade(engine)
    with engine.connect() as connection:  # fold the WAL into the file before copying it
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


def _backend_url(
    backend: str,
    tmp_path: Path,
    postgres: PostgresDatabases | None,
    migrated: bool,
    sqlite_template: Path | None = None,
) -> URL:
    if backend == "sqlite":
        path = tmp_path / "warehouse.db"
        if migrated and sqlite_template is not None:
            shutil.copyfile(sqlite_template, path)
        return URL.create("sqlite", database=str(path))
    if postgres is None:
        pytest.skip(f"PostgreSQL unreachable at {PG_ADMIN_URL}")
    return postgres.migrated() if migrated else postgres.create()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend a test runs on: each such test runs once per backend."""
    return str(request.param)


@pytest.fixture
def empty_url(backend: str, tmp_path: Path, postgres: PostgresDatabases | None) -> URL:
    """URL of an empty database (no tables) on the test's backend."""
    return _backend_url(backend, tmp_path, postgres, migrated=False)


@pytest.fixture
def warehouse_url(
    backend: str, tmp_path: Path, postgres: PostgresDatabases | None, sqlite_template: Path
) -> URL:
    """URL of a fresh warehouse migrated to head on the test's backend."""
    return _backend_url(backend, tmp_path, postgres, migrated=True, sqlite_template=sqlite_template)


@pytest.fixture
def engine(warehouse_url: URL) -> Iterator[Engine]:
    """An engine on a fresh warehouse at head."""
    engine = create_warehouse_engine(warehouse_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_env(warehouse_url: URL, monkeypatch: pytest.MonkeyPatch) -> str:
    """Points `OGI_DATABASE_URL` at the test's warehouse, for CLI tests; returns the URL."""
    rendered = warehouse_url.render_as_string(hide_password=False)
    monkeypatch.setenv("OGI_DATABASE_URL", rendered)
    return rendered


@pytest.fixture
def reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> StandInReader:
    """A stand-in for `etl.extract.read_file` (see tests/standin.py); files go to tmp/inbox."""
    stand_in = StandInReader(tmp_path / "inbox")
    monkeypatch.setattr("etl.load.prepare.read_file", stand_in.read_file)
    monkeypatch.setattr("etl.load.prepare.screen_file", stand_in.screen_file)
    return stand_in
