"""What a listing command returns: a title, column names, rows of plain values, and a note;
or a book of such tables shown together (`ogi runs show`: a run, its files, their findings).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from etl.values import Value


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


@dataclass(slots=True)
class ReportBook:
    """Tables shown as one, under `title`: `record` (one row: what the book is about) and the
    listings after it. JSON is `document`, the nested object scripts read (a listing's rows
    inside the rows they belong to), which flat tables cannot say.
    """

    title: str
    record: ReportTable
    tables: list[ReportTable]
    document: dict[str, Any]
