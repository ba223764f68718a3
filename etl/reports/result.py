"""What every report returns: a title, column names, rows of plain values, and a note."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

#: A cell of a report: what the database returned, made plain (see `plain_value`).
Value = int | float | str | bool | date | datetime | None


@dataclass(slots=True)
class ReportTable:
    """Rows of one report or query, with column names; `note` says e.g. that rows were cut."""

    title: str
    columns: list[str]
    rows: list[tuple[Value, ...]] = field(default_factory=list)
    note: str | None = None

    def records(self) -> list[dict[str, Value]]:
        """The rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def plain_value(value: Any) -> Value:
    """A database value as a plain Python value, equal on SQLite and PostgreSQL.

    PostgreSQL returns `Decimal('8052.0000')` where SQLite returns `8052` and `88.6` where it
    returns `Decimal('88.6')`: whole numbers become int, other decimals float.
    """
    kind = type(value)
    if kind is str or kind is int or value is None:  # most cells: asked first, by exact type
        plain: Value = value
        return plain
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, int | str | bool | date | datetime):
        return value
    return str(value)


def plain_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Value, ...]]:
    """Rows of database values made plain."""
    return [tuple(map(plain_value, row)) for row in rows]


def format_number(value: Value) -> str:
    """A cell for display: whole numbers without decimals, others to at most four places."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)
