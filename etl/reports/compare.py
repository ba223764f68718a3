"""Comparisons in the way of FOIA.gov's "create a report": measures x bodies x years.

Pick measures (a code, or `code:dim1` / `code:dim1:dim2` for one dimension value), bodies (or
every child of one body) and years; get one row per body and year with one column per measure,
its dimensions and its unit, from `rpt_figures_long`. A measure given without dimensions gets a
column for every dimension value the warehouse holds for it.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, bindparam, text

from etl.db import connect
from etl.errors import InvalidFilter, UnknownReport
from etl.reports.agencies import Body, find_agency, find_children
from etl.reports.named import YearRange
from etl.reports.result import ReportTable
from etl.values import Value, plain_value

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "=": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}
_WHERE = re.compile(
    r"^\s*(?P<column>[^<>=!]+?)\s*(?P<op>>=|<=|!=|=|>|<)\s*(?P<number>-?\d+(?:\.\d+)?)\s*$"
)


@dataclass(frozen=True, slots=True)
class Condition:
    """A `--where` filter: a column (or `value`), a comparison and a number."""

    column: str
    op: str
    number: float

    def holds(self, value: Value) -> bool:
        """Whether a cell passes; a blank cell (unknown) never does."""
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        return _OPERATORS[self.op](float(value), self.number)


def parse_condition(spec: str) -> Condition:
    """`value>100`, `proactive.total >= 5000`, `proactive.by_channel:website<10`."""
    match = _WHERE.match(spec)
    if not match:
        raise InvalidFilter(
            f"filter {spec!r}: expected COLUMN OP NUMBER, e.g. 'value>100' or "
            "'proactive.total>=5000' (OP is one of > >= < <= = !=)"
        )
    return Condition(match["column"], match["op"], float(match["number"]))


def _bodies(connection: Connection, agencies: Sequence[str], children_of: str | None) -> list[Body]:
    bodies = [find_agency(connection, name) for name in agencies]
    if children_of is not None:
        bodies += find_children(connection, children_of)
    if not bodies:
        raise InvalidFilter("name the bodies to compare: --agency NAME ... or --children-of NAME")
    return list({b.agency_id: b for b in bodies}.values())


def _measure_filter(spec: str) -> tuple[str, tuple[str, ...]]:
    code, *dims = spec.split(":")
    return code, tuple(dims)


def compare(
    engine: Engine,
    measures: Sequence[str],
    *,
    agencies: Sequence[str] = (),
    children_of: str | None = None,
    years: YearRange | None = None,
    where: Sequence[str] = (),
) -> ReportTable:
    """One row per body and year (with a current report), one column per measure and unit."""
    if not measures:
        raise InvalidFilter("name at least one measure: --measure CODE")
    wanted = [_measure_filter(m) for m in measures]
    conditions = [parse_condition(w) for w in where]
    with connect(engine) as connection:
        bodies = _bodies(connection, agencies, children_of)
        known = {c for (c,) in connection.execute(text("SELECT measure_code FROM measures"))}
        unknown = sorted({code for code, _ in wanted} - known)
        if unknown:
            raise UnknownReport(f"no measure {', '.join(map(repr, unknown))} in the catalogue")
        span = "" if years is None else " AND year BETWEEN :first AND :last"
        params = {
            "ids": [b.agency_id for b in bodies],
            "codes": sorted({code for code, _ in wanted}),
            "first": years[0] if years else None,
            "last": years[1] if years else None,
        }
        reports = connection.execute(
            text(
                "SELECT agency_id, agency, parent_agency, year FROM rpt_reports"
                f" WHERE agency_id IN :ids{span} ORDER BY agency, year"
            ).bindparams(bindparam("ids", expanding=True)),
            params,
        ).all()
        figures = connection.execute(
            text(
                "SELECT agency_id, year, measure_code, dim1_code, dim2_code, unit_code, value,"
                " dim1_sort_order, dim2_sort_order FROM rpt_figures_long"
                f" WHERE agency_id IN :ids AND measure_code IN :codes{span}"
                " ORDER BY measure_code, dim1_sort_order, dim1_code, dim2_sort_order, dim2_code"
            ).bindparams(bindparam("ids", expanding=True), bindparam("codes", expanding=True)),
            params,
        ).all()
    cells: dict[tuple[int, int, str], Value] = {}
    headers: list[str] = []
    for code, dims in wanted:
        for f in figures:
            figure_dims = tuple(d for d in (f.dim1_code, f.dim2_code) if d is not None)
            if f.measure_code != code or figure_dims[: len(dims)] != dims:
                continue
            key = ":".join((code, *figure_dims))
            header = f"{key} ({f.unit_code})" if f.unit_code else key
            if header not in headers:
                headers.append(header)
            cells[(f.agency_id, f.year, header)] = plain_value(f.value)
    rows = [
        (r.agency, r.parent_agency, r.year, *(cells.get((r.agency_id, r.year, h)) for h in headers))
        for r in reports
    ]
    columns = ["agency", "parent_agency", "year", *headers]
    for condition in conditions:
        rows = [row for row in rows if _passes(condition, columns, row)]
    return ReportTable(title="comparison", columns=columns, rows=rows)


def _passes(condition: Condition, columns: list[str], row: tuple[Value, ...]) -> bool:
    measured = columns[3:]
    if condition.column == "value":
        if len(measured) != 1:
            raise InvalidFilter(
                f"'value' is ambiguous with {len(measured)} measure columns; name one of "
                + ", ".join(measured)
            )
        index = 3
    else:
        matches = [
            i
            for i, c in enumerate(columns)
            if c == condition.column or c.split(" (")[0] == condition.column
        ]
        if len(matches) != 1:
            raise InvalidFilter(
                f"filter column {condition.column!r}: expected one of value, " + ", ".join(measured)
            )
        index = matches[0]
    return condition.holds(row[index])
