"""The report views as pandas DataFrames: `read_view("proactive", agency="安陆市", years="2017")`.

One entry point for analysts, with the filters of `ogi report` (bodies by name, a range of
years, measure codes), read through SQLAlchemy with every filter value bound as a parameter.
The view's name is checked against the views the schema declares (`etl.reports.views`) before
any SQL is written, so no name reaches the database that is not one of them.

Each column has one dtype on both backends, from the type PostgreSQL declares for it (SQLite
returns a date as text, a flag as 0 or 1 and a numeric as an int or a float):

- integer (ids, years, sort orders, counts the schema keeps as integers): `Int64`;
- numeric (figures, amounts, shares, sums, differences): `float64`, NULL as NaN; with
  `decimal=True`, `object` columns of `Decimal` exactly as stored, NULL as None;
- flags (`is_current`, `is_comparable`, `all_exact`, `passed`): `boolean`;
- date (`published_on`): `datetime64[us]`; timestamp (`loaded_at`): `datetime64[us, UTC]`;
- text: `string`.

Integer, flag and text columns hold `pd.NA` for NULL (blank is unknown, not zero). Only this
module of `etl` imports pandas: `import etl` and the `ogi` commands never load it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Literal

import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from etl.db import create_warehouse_engine, read, require_head
from etl.errors import InvalidFilter
from etl.reports.named import YearRange, parse_years, view_for, view_statement
from etl.reports.views import VIEW_COLUMNS

Kind = Literal["integer", "figure", "flag", "date", "timestamp", "text"]


def _named(kind: Kind, names: str) -> dict[str, Kind]:
    return dict.fromkeys(names.split(), kind)


#: Every view column that is not text, by name, as PostgreSQL declares it (a test holds this
#: to `information_schema.columns`); 0/1 integer flags are booleans.
_KINDS: dict[str, Kind] = {
    **_named(
        "integer",
        "report_id agency_id parent_agency_id township_agency_id fact_id year previous_year "
        "version sort_order dim1_sort_order dim2_sort_order block_sort_order result_sort_order "
        "rule_sort_order items_rank rows_summed children_reporting bodies_reporting "
        "township_items department_items other_publisher_items requests items recipients "
        "policies cases",
    ),
    **_named(
        "figure",
        "value previous_value change change_pct total_items publisher_items_sum channel_items "
        "reported_share_pct computed_share_pct received carried_over answered carried_forward "
        "response_rate_pct computed_response_rate_pct total_items_reported items_sum share_pct "
        "recipients_sum recipients_total_reported disclosures_reported budget_units "
        "budget_disclosure_rate_pct special_funds_required special_funds_allocated "
        "special_funds_allocated_amount special_funds_disclosed special_funds_disclosed_pct "
        "special_funds_disclosed_amount special_funds_disclosed_amount_pct "
        "special_funds_disclosed_computed_pct charged_amount waived_amount children_value "
        "reported_value difference reported computed tolerance national_value",
    ),
    **_named("flag", "is_current is_comparable all_exact passed"),
    **_named("date", "published_on"),
    **_named("timestamp", "loaded_at superseded_at"),
}

#: Columns typed unlike their namesakes in other views: a SUM of integers is numeric.
_VIEW_KINDS: dict[tuple[str, str], Kind] = {
    ("rpt_request_outcomes_compared", "requests"): "figure",
}


def read_view(
    view: str,
    *,
    agency: str | Sequence[str] | None = None,
    years: int | str | YearRange | None = None,
    measures: str | Sequence[str] | None = None,
    decimal: bool = False,
    engine: Engine | None = None,
    url: str | URL | None = None,
) -> pd.DataFrame:
    """The rows of report view `view`, filtered as `ogi report` filters them, in its order.

    `view` is a view's name (`rpt_proactive`) or its report's (`proactive`); anything else
    raises `UnknownReport`. `agency` is a body's name, or `parent/name` where a name is not
    unique, or several of them; `years` a year, `"2016-2018"` or `(2016, 2018)`, inclusive;
    `measures` one measure code or several (for views with `measure_code`). A filter the view
    has no column for raises `InvalidFilter`. Figures are `float64`, or with `decimal=True`
    `Decimal` as stored (the module docstring lists every dtype). The warehouse is `engine`,
    or the one at `url` resolved as `ogi --db` resolves it (`OGI_DATABASE_URL`, else
    `data/warehouse.db`); it must be migrated to head (`SchemaNotAtHead` otherwise).
    """
    name = view_for(view)
    agencies = _names(agency)
    year_range = _years(years)
    measure_codes = _names(measures)
    wanted = {"agency": agencies, "years": year_range, "measures": measure_codes}
    offered = _filters(name)
    for option, value in wanted.items():
        if value and option not in offered:
            raise InvalidFilter(
                f"view {name} cannot be filtered by {option}: it takes "
                f"{', '.join(offered) or 'no filter'}"
            )
    with _warehouse(engine, url) as warehouse, read(warehouse) as connection:
        statement, params = view_statement(connection, name, agencies, year_range, measure_codes)
        rows = connection.execute(statement, params).all()
    columns = VIEW_COLUMNS[name]
    cells: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame(
        {
            column: _column(_kind(name, column), values, decimal)
            for column, values in zip(columns, cells, strict=True)
        }
    )


def list_views() -> pd.DataFrame:
    """Every report view: its name, its name for `ogi report`, the filters `read_view` takes
    for it and its columns, in the order the migrations create them."""
    return pd.DataFrame(
        {
            "view": list(VIEW_COLUMNS),
            "report": [view.removeprefix("rpt_") for view in VIEW_COLUMNS],
            "filters": [", ".join(_filters(view)) for view in VIEW_COLUMNS],
            "columns": [", ".join(columns) for columns in VIEW_COLUMNS.values()],
        },
        dtype="string",
    )


def _filters(view: str) -> tuple[str, ...]:
    """The filters a view can take: by body, by year, by measure, as its columns allow."""
    columns = VIEW_COLUMNS[view]
    offered = {"agency": "agency_id", "years": "year", "measures": "measure_code"}
    return tuple(option for option, column in offered.items() if column in columns)


def _kind(view: str, column: str) -> Kind:
    return _VIEW_KINDS.get((view, column), _KINDS.get(column, "text"))


def _names(given: str | Sequence[str] | None) -> list[str]:
    if given is None:
        return []
    return [given] if isinstance(given, str) else list(given)


def _years(given: int | str | YearRange | None) -> YearRange | None:
    if given is None or isinstance(given, str):
        return parse_years(given) if given else None
    first, last = (given, given) if isinstance(given, int) else given
    if last < first:
        raise InvalidFilter(f"years {given!r}: the range ends before it starts")
    return first, last


@contextmanager
def _warehouse(engine: Engine | None, url: str | URL | None) -> Iterator[Engine]:
    """`engine`, or an engine of our own on `url` (disposed after), checked to be at head."""
    if engine is not None and url is not None:
        raise TypeError("read_view takes an engine or a url, not both")
    if engine is not None:
        require_head(engine)
        yield engine
        return
    own = create_warehouse_engine(url)
    try:
        require_head(own)
        yield own
    finally:
        own.dispose()


def _column(kind: Kind, values: Sequence[Any], decimal: bool) -> pd.Series[Any]:
    """One column's values from the driver as a Series of the kind's dtype."""
    if kind == "integer":
        return pd.Series(values, dtype="Int64")
    if kind == "flag":
        return pd.Series(values, dtype="boolean")
    if kind == "figure" and decimal:
        return pd.Series([None if v is None else _decimal(v) for v in values], dtype=object)
    if kind == "figure":
        return pd.Series([math.nan if v is None else float(v) for v in values], dtype="float64")
    if kind in ("date", "timestamp"):
        # SQLite returns ISO text; timestamps are stored in UTC (models.base.utc_now).
        found = pd.to_datetime(pd.Series(values, dtype=object), utc=kind == "timestamp")
        return found.dt.as_unit("us")
    return pd.Series(values, dtype="string")


def _decimal(value: Decimal | int | float) -> Decimal:
    """A stored numeric as a Decimal: PostgreSQL's as it is; SQLite's REAL as the shortest
    decimal that reads back as it (88.6, not 88.5999999999999943...)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
