"""The errors a user can act on, and the exit statuses of `ogi`: the one list of both.

The CLI (`etl.cli.WarehouseGroup`) prints a `WarehouseError` as `Error: ...` and exits with the
error's `exit_code`; anything else is a bug and shows its traceback. Every command exits with
one of these statuses (`ExitCode`):

====  ========  ===========================================================================
code  name      meaning
====  ========  ===========================================================================
0     OK        done: every file valid, loaded or unchanged
1     FAILED    an error the message names (`Error: ...`), a full disk, a warehouse that
                cannot be written or is no database and a lost connection included; a run
                that broke off is recorded failed, and the files it finished before stay
                loaded
2     REJECTED  some files have errors: `ogi validate` lists them, `ogi load` and `ogi run`
                rejected them and loaded the others (click too exits 2 on a bad option)
3     LOCKED    another run holds the ETL lock (`LockHeld`); nothing was done
====  ========  ===========================================================================

Internal errors that never reach a user stay beside their code: `etl.parse.ValueParseError`
becomes a finding on the cell it was raised for.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit status of an `ogi` command (the table above)."""

    OK = 0
    FAILED = 1
    REJECTED = 2
    LOCKED = 3


class WarehouseError(Exception):
    """Base of every error the warehouse reports to its user rather than as a bug."""

    #: Process exit status the CLI uses for this error.
    exit_code: int = ExitCode.FAILED


# Configuration and database


class ConfigurationError(WarehouseError):
    """The database URL or another setting is missing, malformed or unusable."""

    exit_code = ExitCode.FAILED


class DatabaseUnavailable(WarehouseError):
    """The database could not be reached or opened."""

    exit_code = ExitCode.FAILED


class StorageFull(WarehouseError):
    """The disk (the warehouse's, or the database server's) has no room left to write."""

    exit_code = ExitCode.FAILED


class WarehouseReadOnly(WarehouseError):
    """The warehouse cannot be written: a read-only file or directory, or a standby server."""

    exit_code = ExitCode.FAILED


class NotAWarehouse(WarehouseError):
    """The warehouse's file is no SQLite database, or a damaged one."""

    exit_code = ExitCode.FAILED


class ConnectionLost(WarehouseError):
    """The database server ended the connection mid-command (stopped, restarted, terminated)."""

    exit_code = ExitCode.FAILED


class SchemaNotAtHead(WarehouseError):
    """The database is not migrated to the schema this code expects."""

    exit_code = ExitCode.FAILED


class SchemaDrift(WarehouseError):
    """The database schema differs from the models (found by `ogi db check`)."""

    exit_code = ExitCode.FAILED


# Input files


class InputNotFound(WarehouseError):
    """A file or directory given to validate or load (or the inbox) does not exist."""

    exit_code = ExitCode.FAILED


class InputRefused(WarehouseError):
    """A path given to validate or load is no regular file or directory (a link, a pipe)."""

    exit_code = ExitCode.FAILED


# Runs and locking


class LockHeld(WarehouseError):
    """Another ETL run holds the warehouse's lock."""

    exit_code = ExitCode.LOCKED


class LockLost(WarehouseError):
    """The database ended the session holding the lock, and another run has taken it since."""

    exit_code = ExitCode.FAILED


class TransientErrorsExhausted(WarehouseError):
    """The database kept failing at the connection level after every retry."""

    exit_code = ExitCode.FAILED


class RunFailed(WarehouseError):
    """The run broke off (the database stayed away, or the lock was lost); it is recorded failed."""

    exit_code = ExitCode.FAILED


# Bodies and reports


class NotFound(WarehouseError):
    """What was asked for (a body, its report for a year, a run) is not in the warehouse."""

    exit_code = ExitCode.FAILED


class AmbiguousName(WarehouseError):
    """A name matches several bodies; naming the parent tells them apart."""

    exit_code = ExitCode.FAILED


class RegistryConflict(WarehouseError):
    """A change to the bodies is invalid or contradicts the warehouse; nothing was changed."""

    exit_code = ExitCode.FAILED

    def __init__(self, problems: list[str], heading: str | None = None) -> None:
        self.problems = problems
        lines = problems if heading is None else [heading, *(f"  {p}" for p in problems)]
        super().__init__("\n".join(lines))


class UnknownReport(WarehouseError):
    """No report, measure or output format of that name."""

    exit_code = ExitCode.FAILED


# Queries


class InvalidFilter(WarehouseError):
    """A report or query option (`--where`, `--years`, `--param`, a format) makes no sense."""

    exit_code = ExitCode.FAILED


class QueryRefused(WarehouseError):
    """An ad hoc statement was refused: a write, a privilege the reader lacks, a denied call."""

    exit_code = ExitCode.FAILED


class QueryTimeout(WarehouseError):
    """An ad hoc statement ran past its time limit and was stopped."""

    exit_code = ExitCode.FAILED


class QueryFailed(WarehouseError):
    """An ad hoc statement failed in the database (syntax, unknown table, ...)."""

    exit_code = ExitCode.FAILED


# Output files


class OutputRefused(WarehouseError):
    """`-o FILE` names the warehouse or another database, or FILE cannot be written."""

    exit_code = ExitCode.FAILED


# Templates and generation


class UnknownLayout(WarehouseError):
    """No workbook layout is registered for the regime asked for."""

    exit_code = ExitCode.FAILED


class TemplateError(WarehouseError):
    """A template cannot be written or filled as asked (unknown code, regime or year)."""

    exit_code = ExitCode.FAILED


class GenerateError(WarehouseError):
    """A synthetic set cannot be generated as asked (bad count, rate or years, no figures)."""

    exit_code = ExitCode.FAILED
