"""The errors a user can act on. The CLI prints them as `Error: ...`; anything else is a bug."""

from __future__ import annotations


class WarehouseError(Exception):
    """Base of every error the warehouse reports to its user rather than as a bug."""

    #: Process exit status the CLI uses for this error.
    exit_code = 1


class ConfigurationError(WarehouseError):
    """The database URL or another setting is missing or malformed."""


class DatabaseUnavailable(WarehouseError):
    """The database could not be reached or opened."""


class SchemaNotAtHead(WarehouseError):
    """The database is not migrated to the schema this code expects."""


class SchemaDrift(WarehouseError):
    """The database schema differs from the models (found by `ogi db check`)."""


class InputNotFound(WarehouseError):
    """A file or directory given to validate or load does not exist."""


class NotFound(WarehouseError):
    """What was asked for (a body, a report) is not in the warehouse."""


class AmbiguousName(WarehouseError):
    """A name matches several bodies; naming the parent tells them apart."""
