"""The schema's state and its Alembic life cycle: which revision a database is at, which one
the code expects, and migrating, comparing and listing.

Alembic is imported only to migrate or compare the schema (`ogi db upgrade`, `ogi db check`):
it imports Mako, which loads Pygments' lexers when Pygments is installed (rich installs it),
a large part of a command's start-up. Every other command only asks which revision the
database is at (`require_head`), which needs neither: see `head_revision` and
`current_revision`. On PostgreSQL an upgrade also keeps the reader role (`etl.db.reader`) able
to read every table and view, and nothing more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, func, inspect, select, table, text

from etl.config import describe_url, reader_role
from etl.db.engine import connect
from etl.db.reader import ReaderRole, ensure_reader_role
from etl.errors import SchemaDrift, SchemaNotAtHead

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration; a connection given here is the one migrations run on."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


#: A migration's own revision and the one(s) it follows, as Alembic writes them at the top
#: of the file (`revision: str = "0008"`, `down_revision: str | None = "0007"`).
_REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


@cache
def head_revision() -> str:
    """The revision the code expects the database to be at: the one no migration follows.

    Read from the lines Alembic writes at the top of each migration, without importing
    Alembic or the migrations (a test holds it to Alembic's own answer)."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        for name, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            found = _QUOTED.findall(value)
            (revisions if name == "revision" else followed).update(found)
    heads = sorted(revisions - followed)
    if len(heads) != 1:
        raise SchemaNotAtHead(f"the migrations have {len(heads)} heads, expected exactly one")
    return heads[0]


def _sqlite_file_missing(engine: Engine) -> bool:
    """True for a SQLite URL whose file does not exist (connecting would create it)."""
    database = engine.url.database
    return (
        engine.dialect.name == "sqlite"
        and bool(database)
        and database != ":memory:"
        and not str(database).startswith("file:")
        and not Path(str(database)).exists()
    )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty (or missing) database.

    A missing SQLite file is not created: asking a question must not leave a file behind.
    """
    if _sqlite_file_missing(engine):
        return None
    with connect(engine) as connection:
        return revision_of(connection)


def revision_of(connection: Connection) -> str | None:
    """The revision recorded in `alembic_version` (None when there is none), as Alembic's
    `MigrationContext.get_current_revision` reads it."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(found) > 1:
        raise SchemaNotAtHead(f"the warehouse records {len(found)} revisions, expected one")
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Upgraded:
    """What `upgrade` did: the revisions before and after, and on PostgreSQL the reader role."""

    before: str | None
    after: str | None
    reader: ReaderRole | None = None


def upgrade(engine: Engine, revision: str = "head") -> Upgraded:
    """Migrate the database up to `revision`, then (on PostgreSQL, in a transaction of its
    own) create or check the reader role and grant it SELECT on every table and view.

    A SQLite file (and its folder) is created here, and only here.
    """
    if _sqlite_file_missing(engine):
        Path(str(engine.url.database)).parent.mkdir(parents=True, exist_ok=True)
    from alembic import command

    before = current_revision(engine)
    with connect(engine) as connection, connection.begin():
        command.upgrade(alembic_config(connection), revision)
    reader = None
    if engine.dialect.name == "postgresql":
        with connect(engine) as connection, connection.begin():
            reader = ensure_reader_role(connection, reader_role())
    return Upgraded(before, current_revision(engine), reader)


def downgrade(engine: Engine, revision: str) -> tuple[str | None, str | None]:
    """Migrate the database down to `revision` ("base" empties it)."""
    from alembic import command

    before = current_revision(engine)
    with connect(engine) as connection, connection.begin():
        command.downgrade(alembic_config(connection), revision)
    return before, current_revision(engine)


def check_schema(engine: Engine) -> None:
    """Raise unless the database is at head and matches the models (`alembic check`)."""
    from alembic import command
    from alembic.util.exc import AutogenerateDiffsDetected

    require_head(engine)
    with connect(engine) as connection:
        try:
            command.check(alembic_config(connection))
        except AutogenerateDiffsDetected as exc:
            raise SchemaDrift(f"the database differs from the models: {exc}") from exc


def require_head(engine: Engine, *, alternative: str | None = None) -> None:
    """Refuse to work on a database that is not migrated to head.

    `alternative` is another way out the message offers, e.g. "pass --offline".
    """
    current = current_revision(engine)
    head = head_revision()
    if current != head:
        if current is None and _sqlite_file_missing(engine):
            state = "missing"
        else:
            state = "empty" if current is None else f"at revision {current}"
        advice = "run 'ogi db upgrade'" + (f", or {alternative}" if alternative else "")
        raise SchemaNotAtHead(
            f"the warehouse at {describe_url(engine.url)} is {state}, not at {head}: {advice}"
        )


def list_tables(engine: Engine) -> list[tuple[str, str, int]]:
    """Every table and view of the warehouse (Alembic's own excepted) with its row count."""
    inspector = inspect(engine)
    names = [(n, "table") for n in inspector.get_table_names() if n != "alembic_version"]
    names += [(n, "view") for n in inspector.get_view_names()]
    with connect(engine) as connection:
        return [
            (
                name,
                kind,
                connection.execute(select(func.count()).select_from(table(name))).scalar_one(),
            )
            for name, kind in sorted(names)
        ]
