"""Named reports: each `rpt_` view, filtered by body, year and measure, in a stable order."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, TextClause, bindparam, text

from etl.db import read
from etl.errors import InvalidFilter, NotFound, UnknownReport
from etl.reports.agencies import Body, find_agency
from etl.reports.result import ReportTable
from etl.reports.views import VIEW_COLUMNS, VIEW_ORDER, report_names
from etl.values import plain_rows

YearRange = tuple[int, int]


def parse_years(spec: str) -> YearRange:
    """`2017` or `2016-2018` as an inclusive range of years."""
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", spec)
    if not match:
        raise InvalidFilter(f"years {spec!r}: expected a year (2017) or a range (2016-2018)")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if last < first:
        raise InvalidFilter(f"years {spec!r}: the range ends before it starts")
    return first, last


def years_text(years: YearRange) -> str:
    """`2017`, or `2016-2018`: what `parse_years` reads."""
    first, last = years
    return str(first) if first == last else f"{first}-{last}"


def no_report(connection: Connection, body: Body, years: YearRange) -> NotFound:
    """The error for a body without a current report in `years`, naming the years it has."""
    held = connection.execute(
        text("SELECT year FROM rpt_reports WHERE agency_id = :id ORDER BY year"),
        {"id": body.agency_id},
    ).scalars()
    return NotFound(
        f"{body.path} has no report for {years_text(years)} in the warehouse (years: "
        f"{', '.join(str(y) for y in held) or 'none'}): load it with 'ogi load'"
    )


def view_for(name: str) -> str:
    """The view behind report `name` (`proactive`, `request-outcomes`, `rpt_fees` ...)."""
    view = "rpt_" + name.removeprefix("rpt_").replace("-", "_")
    if view not in VIEW_COLUMNS:
        raise UnknownReport(f"no report called {name!r}; choose one of {', '.join(report_names())}")
    return view


def run_report(
    engine: Engine,
    name: str,
    *,
    agencies: Sequence[str] = (),
    years: YearRange | None = None,
    measures: Sequence[str] = (),
) -> ReportTable:
    """The rows of report `name`, for the named bodies, years and measures (all if none given)."""
    view = view_for(name)
    columns = VIEW_COLUMNS[view]
    if (agencies or years) and "year" not in columns:
        raise InvalidFilter(f"report {name!r} is not by body and year: drop --agency and --year")
    if agencies and "agency_id" not in columns:
        raise InvalidFilter(f"report {name!r} is not by body: drop --agency")
    if measures and "measure_code" not in columns:
        raise InvalidFilter(f"report {name!r} has no measures to filter on")
    with read(engine) as connection:
        statement, params = view_statement(connection, view, agencies, years, measures)
        rows = connection.execute(statement, params).all()
    return ReportTable(title=view, columns=list(columns), rows=plain_rows(rows))


def view_statement(
    connection: Connection,
    view: str,
    agencies: Sequence[str] = (),
    years: YearRange | None = None,
    measures: Sequence[str] = (),
) -> tuple[TextClause, dict[str, object]]:
    """The SELECT of `view` (a name from `VIEW_COLUMNS`), filtered by bodies (as `find_agency`
    names them), an inclusive range of years and measure codes, in the view's order. Only
    names from `VIEW_COLUMNS` and `VIEW_ORDER` are written into the SQL; every value is a bound
    parameter."""
    where: list[str] = []
    params: dict[str, object] = {}
    if agencies:
        params["agency_ids"] = [find_agency(connection, a).agency_id for a in agencies]
        where.append("agency_id IN :agency_ids")
    if years is not None:
        params["first"], params["last"] = years
        where.append("year BETWEEN :first AND :last")
    if measures:
        params["measures"] = list(measures)
        where.append("measure_code IN :measures")
    sql = f"SELECT {', '.join(VIEW_COLUMNS[view])} FROM {view}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY " + ", ".join(VIEW_ORDER[view])
    statement = text(sql).bindparams(
        *(bindparam(p, expanding=True) for p in ("agency_ids", "measures") if p in params)
    )
    return statement, params
