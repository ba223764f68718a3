"""rpt_national: a level's current figures summed by year, the same as from rpt_figures_long."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from factories import Warehouse
from sqlalchemy import Engine, text

from bench.queries import NATIONAL_ROLLUP
from bench.warehouse import build_warehouse
from etl.cli import main
from etl.reports.named import run_report
from etl.values import plain_value

#: The roll-up as it was written before rpt_national: over every figure of rpt_figures_long.
_FROM_FIGURES_LONG = """SELECT year, measure_code, dim1_code, dim2_code, unit_code,
       COUNT(*) AS bodies_reporting, SUM(value) AS national_value
FROM rpt_figures_long
WHERE level_code = :level AND value_kind <> 'percent'
GROUP BY year, measure_code, dim1_code, dim2_code, unit_code
ORDER BY year, measure_code, dim1_code, dim2_code, unit_code"""

_FROM_NATIONAL = """SELECT year, measure_code, dim1_code, dim2_code, unit_code,
       bodies_reporting, national_value
FROM rpt_national
WHERE level_code = :level
ORDER BY year, measure_code, dim1_code, dim2_code, unit_code"""

LEVELS = ("province", "prefecture", "county", "township", "department")


def _rows(engine: Engine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(plain_value(v) for v in row) for row in connection.execute(text(sql), params)]


@pytest.fixture
def generated(engine: Engine) -> Engine:
    """80 synthetic bodies in a year of each regime, with one county's 2021 report reloaded
    as a second version that has a single figure (its first version is no longer current)."""
    build_warehouse(engine, bodies=80, years=[2017, 2019, 2021], seed=7)
    with engine.begin() as connection:
        county = connection.execute(
            text("SELECT MIN(agency_id) FROM agencies WHERE level_code = 'county'")
        ).scalar_one()
        w = Warehouse(connection)
        report = w.report(
            county, 2021, "std2021", file_name="synthetic-reload-2021.xlsx", version=2
        )
        w.fact(report, "requests.count", 7, row="std2019.new", applicant="total")
    return engine


def test_the_national_view_sums_what_figures_long_does(generated: Engine) -> None:
    for level in LEVELS:
        expected = _rows(generated, _FROM_FIGURES_LONG, level=level)
        assert _rows(generated, _FROM_NATIONAL, level=level) == expected, level
    tables = "SELECT COUNT(DISTINCT fact_table) FROM rpt_figures_long WHERE level_code = 'county'"
    assert _rows(generated, tables) == [(10,)]  # every fact table has a branch to sum
    county = _rows(generated, _FROM_FIGURES_LONG, level="county")
    assert _rows(generated, NATIONAL_ROLLUP) == county  # what the benchmark times


def test_the_national_view_counts_bodies_and_skips_percentages(engine: Engine) -> None:
    with engine.begin() as connection:
        w = Warehouse(connection)
        city = w.agency("合成市", "county")
        for name, share, channel in (("合成北镇", 75, 30), ("合成南镇", 60, 40)):
            town = w.agency(name, "township", parent=city)
            report = w.report(town, 2017, file_name=f"synthetic-{name}-2017.xlsx")
            w.fact(report, "proactive.total", channel + 10, unit="条")
            w.fact(report, "proactive.by_channel", channel, unit="条", channel="website")
            w.fact(report, "proactive.channel_share_pct", share, unit="%", channel="website")
        w.fact(w.report(city, 2017, file_name="synthetic-city-2017.xlsx"), "proactive.total", 9)
    rows = _rows(
        engine,
        "SELECT level_code, year, measure_code, dim1_name, dim1_code, dim1_label, unit_code,"
        " bodies_reporting, national_value FROM rpt_national"
        " ORDER BY level_code, measure_code",
    )
    assert rows == [
        ("county", 2017, "proactive.total", None, None, None, "条", 1, 9),
        ("township", 2017, "proactive.by_channel", "channel", "website", "政府网站", "条", 2, 70),
        ("township", 2017, "proactive.total", None, None, None, "条", 2, 90),
    ]


def test_ogi_report_national(engine: Engine, db_env: str) -> None:
    with engine.begin() as connection:
        w = Warehouse(connection)
        report = w.report(w.agency("合成县", "county"), 2017, file_name="synthetic-2017.xlsx")
        w.fact(report, "proactive.total", 12, unit="条")
    result = CliRunner().invoke(main, ["report", "national", "--year", "2017", "--format", "json"])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert (row["level_code"], row["measure_code"], row["national_value"]) == (
        "county",
        "proactive.total",
        12,
    )
    result = CliRunner().invoke(main, ["report", "national", "--agency", "合成县"])
    assert result.exit_code == 1
    assert "Error: report 'national' is not by body: drop --agency" in result.output
    assert run_report(engine, "national", years=(2018, 2018)).rows == []


_COUNTY = "SELECT * FROM rpt_national WHERE level_code = 'county'"


def test_the_national_query_starts_from_the_level(engine: Engine, backend: str) -> None:
    with engine.connect() as connection:
        if backend == "sqlite":
            plan = [r[3] for r in connection.execute(text(f"EXPLAIN QUERY PLAN {_COUNTY}"))]
            scans = [p for p in plan if p.startswith("SCAN") and p != "SCAN g"]
            assert scans == []
            level = "SEARCH a USING COVERING INDEX ix_agencies_level_code (level_code=?)"
            assert plan.count(level) == 10  # one per fact table
        else:
            connection.execute(text("SET enable_seqscan = off"))
            plan = [r[0] for r in connection.execute(text(f"EXPLAIN {_COUNTY}"))]
            assert [p for p in plan if "Seq Scan" in p] == []
            assert sum("ix_agencies_level_code" in p for p in plan) == 10
