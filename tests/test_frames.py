"""`etl.frames.read_view`: the report views as DataFrames, on the three sample workbooks.

The samples hold two bodies and three years: 安陆市 2017 (the real Anlu report) and the
synthetic 示例县（合成数据） 2020 and 2021.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from etl.errors import (
    InvalidFilter,
    NotFound,
    SchemaNotAtHead,
    UnknownReport,
    WarehouseError,
)
from etl.frames import list_views, read_view
from etl.reports.views import VIEW_COLUMNS, VIEW_ORDER
from etl.runs.commands import load_paths

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
ANLU = "安陆市"
SHILI = "示例县（合成数据）"


@pytest.fixture
def samples(engine: Engine) -> Engine:
    """A warehouse holding the three sample reports."""
    files = [
        "anlu-2017.xlsx",
        "synthetic-std2020-shilixian.xlsx",
        "synthetic-std2021-shilixian.xlsx",
    ]
    assert load_paths(engine, [SAMPLES / f for f in files]).status == "succeeded"
    return engine


def _rows(frame: pd.DataFrame, *columns: str) -> list[tuple[Any, ...]]:
    """The frame's rows as plain values, NULL (NA, NaN, NaT) as None."""
    chosen = frame[list(columns)] if columns else frame
    plain = chosen.astype(object).where(chosen.notna(), None)
    return list(plain.itertuples(index=False, name=None))


def _select(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def test_columns_have_one_dtype_on_both_backends(samples: Engine) -> None:
    versions = read_view("report_versions", engine=samples)
    assert {c: str(t) for c, t in versions.dtypes.items()} == {
        "report_id": "Int64",
        "agency_id": "Int64",
        "agency": "string",
        "parent_agency_id": "Int64",
        "parent_agency": "string",
        "level_code": "string",
        "division_code": "string",
        "year": "Int64",
        "regime_code": "string",
        "published_on": "datetime64[us]",
        "version": "Int64",
        "is_current": "boolean",
        "loaded_at": "datetime64[us, UTC]",
        "superseded_at": "datetime64[us, UTC]",
        "source_file": "string",
        "source_sha256": "string",
    }
    assert _rows(versions, "agency", "year", "division_code", "published_on", "is_current") == [
        (ANLU, 2017, "420982", pd.Timestamp("2018-01-17"), True),
        (SHILI, 2020, None, pd.Timestamp("2021-01-28"), True),
        (SHILI, 2021, None, pd.Timestamp("2022-01-28"), True),
    ]
    assert versions["superseded_at"].isna().all()
    requests = read_view("requests", engine=samples)
    figures = ["received", "carried_over", "answered", "carried_forward", "response_rate_pct"]
    assert {str(requests[c].dtype) for c in figures} == {"float64"}
    assert _rows(requests, "agency", "year", *figures, "computed_response_rate_pct") == [
        (ANLU, 2017, 11.0, None, 11.0, None, 100.0, 100.0),
        (SHILI, 2020, 99.0, 3.0, 98.0, 4.0, None, 99.0),
        (SHILI, 2021, 134.0, 4.0, 133.0, 5.0, None, 99.3),
    ]


def test_flags_are_booleans_with_unknown_as_na(samples: Engine) -> None:
    checks = read_view("checks", agency=ANLU, engine=samples)
    assert str(checks["passed"].dtype) == "boolean"
    assert checks["passed"].value_counts(dropna=False).to_dict() == {True: 10, pd.NA: 1}
    compared = read_view("request_outcomes_compared", years=2020, engine=samples)
    assert (str(compared["requests"].dtype), str(compared["all_exact"].dtype)) == (
        "float64",
        "boolean",
    )
    assert _rows(compared, "comparable_code", "requests", "rows_summed", "all_exact")[:6] == [
        ("received", 99.0, 1, True),
        ("carried_over", 3.0, 1, True),
        ("disclosed", 47.0, 1, True),
        ("partial", 11.0, 1, True),
        ("withheld", 3.0, 8, True),
        ("cannot_provide", 23.0, 3, True),
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, [(ANLU, 2017, 11.0), (SHILI, 2020, 99.0), (SHILI, 2021, 134.0)]),
        ({"agency": SHILI}, [(SHILI, 2020, 99.0), (SHILI, 2021, 134.0)]),
        ({"agency": "孝感市/安陆市"}, [(ANLU, 2017, 11.0)]),
        (
            {"agency": [ANLU, SHILI], "years": "2017-2020"},
            [(ANLU, 2017, 11.0), (SHILI, 2020, 99.0)],
        ),
        ({"years": 2021}, [(SHILI, 2021, 134.0)]),
        ({"years": "2018-2021"}, [(SHILI, 2020, 99.0), (SHILI, 2021, 134.0)]),
        ({"years": (2016, 2017)}, [(ANLU, 2017, 11.0)]),
        ({"agency": SHILI, "years": "2017"}, []),
    ],
)
def test_filters_by_body_and_years_as_ogi_report(
    samples: Engine, filters: dict[str, Any], expected: list[tuple[Any, ...]]
) -> None:
    frame = read_view("requests", engine=samples, **filters)
    assert _rows(frame, "agency", "year", "received") == expected
    assert str(frame["received"].dtype) == "float64"  # an empty frame is typed too


def test_filters_by_measure(samples: Engine) -> None:
    frame = read_view("figures_long", measures="proactive.channel_share_pct", engine=samples)
    assert _rows(frame, "agency", "dim1_code", "value", "source_cell") == [
        (ANLU, "website", 88.6, "D16"),
        (ANLU, "new_media", 7.2, "D17"),
    ]


@pytest.mark.parametrize(
    ("view", "filters", "error"),
    [
        ("requests", {"agency": "安陆"}, NotFound),
        ("requests", {"agency": "安陆市' OR '1'='1"}, NotFound),
        ("requests", {"years": "2018-2016"}, InvalidFilter),
        ("requests", {"years": (2021, 2020)}, InvalidFilter),
        ("requests", {"years": "2017;"}, InvalidFilter),
        ("requests", {"measures": "proactive.total"}, InvalidFilter),
        ("national", {"agency": ANLU}, InvalidFilter),
        ("regime_comparability", {"years": 2021}, InvalidFilter),
    ],
)
def test_a_filter_that_cannot_apply_is_an_error(
    samples: Engine, view: str, filters: dict[str, Any], error: type[WarehouseError]
) -> None:
    with pytest.raises(error):
        read_view(view, engine=samples, **filters)


def test_decimal_mode_gives_the_stored_values_exactly(samples: Engine) -> None:
    exact = read_view("figures_long", decimal=True, engine=samples)
    assert exact["value"].dtype == object
    assert {type(v) for v in exact["value"]} == {Decimal}
    fractions = exact[[v != v.to_integral_value() for v in exact["value"]]]
    assert _rows(fractions, "agency", "year", "dim1_code", "value") == [
        (ANLU, 2017, "website", Decimal("88.6")),
        (ANLU, 2017, "new_media", Decimal("7.2")),
        (SHILI, 2020, "std2019.procurement", Decimal("4127.3")),
        (SHILI, 2021, "std2021.fees", Decimal("286.47")),
    ]
    order = ", ".join(VIEW_ORDER["rpt_figures_long"])
    stored = [
        v for (v,) in _select(samples, f"SELECT value FROM rpt_figures_long ORDER BY {order}")
    ]
    if samples.dialect.name == "postgresql":  # numeric: the Decimal itself, scale included
        assert [str(v) for v in exact["value"]] == [str(v) for v in stored]
    else:  # REAL or INTEGER: the Decimal reads back as the very same number
        assert [float(v) for v in exact["value"]] == [float(v) for v in stored]
        assert [v for v in exact["value"] if v == 4127.3] == []  # not the binary expansion
    floats = read_view("figures_long", engine=samples)["value"]
    assert floats.tolist() == [float(v) for v in stored]


def _same(cell: Any, stored: Any) -> bool:
    """Whether a frame's cell holds the value the driver returned."""
    if stored is None:
        return cell is None
    if isinstance(cell, pd.Timestamp):  # SQLite returns dates and UTC timestamps as text
        when = pd.Timestamp(stored)
        return bool(cell == (when.tz_localize("UTC") if cell.tz and not when.tz else when))
    if isinstance(cell, float):
        return cell == float(stored)
    if isinstance(cell, Decimal) and isinstance(stored, Decimal):
        return str(cell) == str(stored)
    if isinstance(cell, Decimal):
        return float(cell) == stored
    if isinstance(cell, bool):
        return stored in (0, 1) and cell == bool(stored)
    return type(cell) is type(stored) and bool(cell == stored)


@pytest.mark.parametrize("decimal", [False, True], ids=["float", "decimal"])
@pytest.mark.parametrize(
    ("view", "filters", "where", "params"),
    [
        ("rpt_reports", {}, "", {}),
        ("rpt_report_versions", {"agency": SHILI}, "agency = :a", {"a": SHILI}),
        ("rpt_requests", {"years": "2020-2021"}, "year BETWEEN 2020 AND 2021", {}),
        ("rpt_checks", {"agency": ANLU, "years": 2017}, "agency = :a AND year = 2017", {"a": ANLU}),
        ("rpt_year_over_year", {"agency": SHILI}, "agency = :a", {"a": SHILI}),
        ("rpt_request_outcomes_compared", {}, "", {}),
        ("rpt_fiscal", {}, "", {}),
        ("rpt_rollup", {}, "", {}),
        ("rpt_national", {"years": 2021}, "year = 2021", {}),
        ("rpt_regime_comparability", {}, "", {}),
    ],
)
def test_the_frame_holds_what_select_star_returns(
    samples: Engine,
    view: str,
    filters: dict[str, Any],
    where: str,
    params: dict[str, Any],
    decimal: bool,
) -> None:
    frame = read_view(view, decimal=decimal, engine=samples, **filters)
    sql = f"SELECT * FROM {view}" + (f" WHERE {where}" if where else "")
    with samples.connect() as connection:
        result = connection.execute(text(f"{sql} ORDER BY {', '.join(VIEW_ORDER[view])}"), params)
        columns, stored = list(result.keys()), [tuple(row) for row in result]
    assert list(frame.columns) == columns
    cells = _rows(frame)
    assert stored and len(cells) == len(stored)
    wrong = [
        (columns[i], cell, value)
        for row, raw in zip(cells, stored, strict=True)
        for i, (cell, value) in enumerate(zip(row, raw, strict=True))
        if not _same(cell, value)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    "name",
    [
        "rpt_nonexistent",
        "agencies",  # a table, not a report view
        "rpt_fees; DROP TABLE agencies",
        "fees WHERE 1=1 --",
        "rpt_fees UNION SELECT * FROM agencies",
        'rpt_fees" OR "1"="1',
        "RPT_FEES",
        "",
    ],
)
def test_only_a_declared_report_view_is_read(samples: Engine, name: str) -> None:
    bodies = _select(samples, "SELECT COUNT(*) FROM agencies")
    with pytest.raises(UnknownReport, match="no report called") as raised:
        read_view(name, engine=samples)
    assert isinstance(raised.value, WarehouseError)
    assert _select(samples, "SELECT COUNT(*) FROM agencies") == bodies


def test_a_view_is_named_as_ogi_report_names_it(samples: Engine) -> None:
    for name in ("rpt_proactive_channels", "proactive_channels", "proactive-channels"):
        assert _rows(read_view(name, engine=samples), "channel_code", "channel_items") == [
            ("website", 7136.0),
            ("new_media", 582.0),
        ]


def test_every_view_reads_and_its_text_columns_hold_text(samples: Engine) -> None:
    """A column not declared in `etl.frames` is read as text: it must hold only text."""
    for view in VIEW_COLUMNS:
        frame = read_view(view, engine=samples)
        text_columns = [c for c, t in frame.dtypes.items() if str(t) == "string"]
        for column in text_columns:
            found = _select(samples, f"SELECT DISTINCT {column} FROM {view}")
            assert {type(v) for (v,) in found} <= {str, type(None)}, (view, column)


#: The dtype of each PostgreSQL type; these integer columns are 0/1 flags.
PG_DTYPES = {
    "bigint": "Int64",
    "integer": "Int64",
    "numeric": "float64",
    "boolean": "boolean",
    "date": "datetime64[us]",
    "timestamp with time zone": "datetime64[us, UTC]",
    "character varying": "string",
    "text": "string",
}
FLAGS = {"is_comparable", "all_exact", "passed"}


def test_every_column_has_the_dtype_of_its_postgresql_type(samples: Engine) -> None:
    if samples.dialect.name != "postgresql":
        pytest.skip("SQLite declares no types for a view's columns")
    declared = _select(
        samples,
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_name LIKE 'rpt\\_%' ORDER BY table_name, ordinal_position",
    )
    expected = {
        (view, column): "boolean" if column in FLAGS else PG_DTYPES[kind]
        for view, column, kind in declared
    }
    found = {
        (view, str(column)): str(dtype)
        for view in VIEW_COLUMNS
        for column, dtype in read_view(view, engine=samples).dtypes.items()
    }
    assert found == expected


def test_list_views_names_each_view_its_report_and_filters(engine: Engine) -> None:
    views = list_views()
    assert set(views["view"]) == {
        v for v in inspect(engine).get_view_names() if v.startswith("rpt_")
    }
    by_view = {row[0]: row[1:3] for row in _rows(views)}
    assert by_view["rpt_proactive"] == ("proactive", "agency, years")
    assert by_view["rpt_figures_long"] == ("figures_long", "agency, years, measures")
    assert by_view["rpt_national"] == ("national", "years, measures")
    assert by_view["rpt_regime_comparability"] == ("regime_comparability", "")
    proactive = views.set_index("view").loc["rpt_proactive", "columns"]
    assert proactive.endswith(
        "regime_code, total_items, township_items, department_items, "
        "other_publisher_items, publisher_items_sum"
    )


def test_the_warehouse_by_url_or_from_the_environment(samples: Engine, db_env: str) -> None:
    by_url = read_view("reports", url=db_env)
    from_environment = read_view("reports")  # OGI_DATABASE_URL, as the ogi commands read it
    expected = [(ANLU, 2017), (SHILI, 2020), (SHILI, 2021)]
    assert _rows(by_url, "agency", "year") == _rows(from_environment, "agency", "year") == expected


def test_a_warehouse_not_at_head_is_refused_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    with pytest.raises(SchemaNotAtHead, match="is missing"):
        read_view("reports", url=str(missing))
    assert not missing.exists()


def test_an_engine_or_a_url_not_both(engine: Engine) -> None:
    with pytest.raises(TypeError, match="not both"):
        read_view("reports", engine=engine, url=URL.create("sqlite", database=":memory:"))


def test_only_etl_frames_imports_pandas() -> None:
    """Every other module of etl imports without pandas: ogi's start-up never pays for it."""
    code = (
        "import importlib, pkgutil, sys, etl\n"
        "for m in pkgutil.walk_packages(etl.__path__, 'etl.'):\n"
        "    if m.name not in ('etl.frames', 'etl.__main__'): importlib.import_module(m.name)\n"
        "print('pandas' in sys.modules, 'etl.synthetic' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]
