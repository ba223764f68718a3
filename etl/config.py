"""Where the warehouse lives: `--db`, else `OGI_DATABASE_URL`, else `data/warehouse.db`; and
how `ogi sql` reads it on PostgreSQL: as the login in `OGI_READONLY_DATABASE_URL`, else as the
reader role `OGI_READER_ROLE` (default `ogi_reader`), which `ogi db upgrade` creates."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from etl.errors import ConfigurationError

ENV_VAR = "OGI_DATABASE_URL"
DEFAULT_SQLITE_PATH = Path("data") / "warehouse.db"
READONLY_ENV_VAR = "OGI_READONLY_DATABASE_URL"
READER_ROLE_ENV_VAR = "OGI_READER_ROLE"
DEFAULT_READER_ROLE = "ogi_reader"

#: A role name `ogi` will put in SQL: PostgreSQL's unquoted identifiers, lower case.
_ROLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def resolve_database_url(explicit: str | None = None) -> URL:
    """The database URL to use, normalised so PostgreSQL goes through psycopg 3.

    A bare file path is taken as a SQLite file, so `--db /tmp/w.db` works.
    """
    raw = explicit or os.environ.get(ENV_VAR) or ""
    if not raw:
        return make_url(f"sqlite:///{DEFAULT_SQLITE_PATH}")
    if "://" not in raw:
        return make_url(f"sqlite:///{raw}")
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise ConfigurationError(f"cannot parse database URL {raw!r}: {exc}") from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"unsupported database {url.get_backend_name()!r} in {url.render_as_string()!r}: "
            "use a SQLite file or a postgresql:// URL"
        )
    return url


def resolve_readonly_url() -> URL | None:
    """The login `ogi sql` uses on PostgreSQL, from `OGI_READONLY_DATABASE_URL`, if set."""
    raw = os.environ.get(READONLY_ENV_VAR) or ""
    if not raw:
        return None
    url = resolve_database_url(raw)
    if url.get_backend_name() != "postgresql":
        raise ConfigurationError(
            f"{READONLY_ENV_VAR} is for PostgreSQL (a postgresql:// URL), not {describe_url(url)}"
        )
    return url


def reader_role() -> str:
    """The role without write grants that `ogi sql` reads as: `OGI_READER_ROLE`, else
    `ogi_reader`."""
    role = os.environ.get(READER_ROLE_ENV_VAR) or DEFAULT_READER_ROLE
    if not _ROLE_NAME.fullmatch(role):
        raise ConfigurationError(
            f"{READER_ROLE_ENV_VAR}={role!r}: expected a role name of lower-case letters, "
            "digits and _, e.g. ogi_reader"
        )
    return role


def describe_url(url: URL) -> str:
    """The URL for display, password hidden."""
    return url.render_as_string(hide_password=True)
