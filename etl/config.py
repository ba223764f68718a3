"""Where the warehouse lives: `--db`, else `OGI_DATABASE_URL`, else `data/warehouse.db`."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from etl.errors import ConfigurationError

ENV_VAR = "OGI_DATABASE_URL"
DEFAULT_SQLITE_PATH = Path("data") / "warehouse.db"


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


def describe_url(url: URL) -> str:
    """The URL for display, password hidden."""
    return url.render_as_string(hide_password=True)
