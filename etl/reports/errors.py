"""The errors reports, comparisons and ad hoc queries report to their user."""

from __future__ import annotations

from etl.errors import WarehouseError


class UnknownReport(WarehouseError):
    """No report, measure or output format of that name."""


class AgencyNotFound(WarehouseError):
    """No reporting body of that name, or more than one."""


class ReportNotLoaded(WarehouseError):
    """The body has no current report for that year in the warehouse."""


class InvalidFilter(WarehouseError):
    """A `--where`, `--years` or `--param` option could not be understood."""


class QueryRefused(WarehouseError):
    """The database refused an ad hoc statement (a write on a read-only connection)."""


class QueryTimeout(WarehouseError):
    """An ad hoc statement ran past its time limit and was stopped."""


class QueryFailed(WarehouseError):
    """An ad hoc statement failed in the database (syntax, unknown table, ...)."""
