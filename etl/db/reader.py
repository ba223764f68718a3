"""The reader role on PostgreSQL: a role that can read the warehouse and nothing else.

`ogi sql` (and any page that shows ad hoc queries) reads as this role, so that even an
administrator's login cannot write, read server files or run programs through it. `ogi db
upgrade` creates the role if it is missing and re-grants at every upgrade, so that a table a
migration added is readable too: USAGE on the schema, SELECT on every table and view in it, and
nothing else (any other privilege on them is revoked). The role may log in (no password is set:
it cannot log in until an administrator gives it one, except where the server trusts every
login) and its sessions start read-only. A role of that name that can do more (a superuser, one
that creates roles or databases, or a member of other roles whose privileges it could take) is
refused, not changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from etl.errors import ConfigurationError

#: Role attributes the reader must not have, as `pg_roles` names them.
_POWERS = {
    "rolsuper": "SUPERUSER",
    "rolcreaterole": "CREATEROLE",
    "rolcreatedb": "CREATEDB",
    "rolreplication": "REPLICATION",
    "rolbypassrls": "BYPASSRLS",
}


@dataclass(frozen=True, slots=True)
class ReaderRole:
    """What `ensure_reader_role` did: the role, whether it made it, and how many tables and
    views of the schema it may read."""

    name: str
    created: bool
    readable: int


def ensure_reader_role(connection: Connection, role: str) -> ReaderRole:
    """Create `role` if missing, check it can do no more than read, and grant it SELECT on
    every table and view of the current schema (revoking anything else), in the connection's
    transaction. `role` is a plain lower-case name (`etl.config.reader_role` checks it)."""
    quoted = connection.dialect.identifier_preparer.quote(role)
    created = False
    if not _exists(connection, role):
        created = _create(connection, role, quoted)
    _check(connection, role)
    schema = connection.dialect.identifier_preparer.quote(
        connection.execute(text("SELECT current_schema()")).scalar_one()
    )
    database = connection.dialect.identifier_preparer.quote(
        connection.execute(text("SELECT current_database()")).scalar_one()
    )
    for statement in (
        f"GRANT CONNECT ON DATABASE {database} TO {quoted}",
        f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {quoted}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {quoted}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
    ):
        connection.exec_driver_sql(statement)
    readable = connection.execute(
        text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
            "AND has_table_privilege(:role, c.oid, 'SELECT')"
        ),
        {"role": role},
    ).scalar_one()
    return ReaderRole(role, created, int(readable))


def _exists(connection: Connection, role: str) -> bool:
    found = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role})
    return found.first() is not None


def _create(connection: Connection, role: str, quoted: str) -> bool:
    """Create the role; False when another session created it first (a concurrent upgrade)."""
    try:
        with connection.begin_nested():
            connection.exec_driver_sql(
                f"CREATE ROLE {quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                "NOREPLICATION NOBYPASSRLS"
            )
            connection.exec_driver_sql(
                f"ALTER ROLE {quoted} SET default_transaction_read_only = on"
            )
    except DBAPIError as exc:
        if _exists(connection, role):
            return False
        raise ConfigurationError(
            f"cannot create the reader role {role}: {_first_line(exc)}; ask an administrator "
            f"to run: CREATE ROLE {quoted} LOGIN; then run 'ogi db upgrade' again "
            "(the migrations are done)"
        ) from exc
    return True


def _check(connection: Connection, role: str) -> None:
    """Refuse a reader role that can do more than read."""
    row = (
        connection.execute(
            text(f"SELECT {', '.join(_POWERS)} FROM pg_roles WHERE rolname = :role"),
            {"role": role},
        )
        .mappings()
        .one()
    )
    powers = [name for column, name in _POWERS.items() if row[column]]
    member_of = connection.execute(
        text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = :role ORDER BY g.rolname"
        ),
        {"role": role},
    ).scalars()
    powers += [f"member of {name}" for name in member_of]
    if powers:
        raise ConfigurationError(
            f"the reader role {role} can do more than read ({', '.join(powers)}): take that "
            f"away (ALTER ROLE / REVOKE), or name another role in OGI_READER_ROLE; "
            "nothing was granted"
        )


def _first_line(exc: DBAPIError) -> str:
    return str(exc.orig or exc).strip().splitlines()[0]
