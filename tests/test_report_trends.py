"""Year over year and roll-up, on small synthetic multi-year, multi-body warehouses."""

from __future__ import annotations

from typing import Any

from factories import Warehouse
from sqlalchemy import Engine, text

from etl.values import plain_value


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(plain_value(v) for v in row) for row in connection.execute(text(sql))]


def _synthetic_family(engine: Engine) -> None:
    """合成市 with two townships, 2016 and 2017 (synthetic figures)."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        city = w.agency("合成市", "county")
        north = w.agency("合成北镇", "township", parent=city)
        south = w.agency("合成南镇", "township", parent=city)
        for year, (c, n, s) in {2016: (100, 40, 50), 2017: (130, 60, 70)}.items():
            rc = w.report(city, year, file_name=f"synthetic-city-{year}.xlsx")
            rn = w.report(north, year, file_name=f"synthetic-north-{year}.xlsx")
            rs = w.report(south, year, file_name=f"synthetic-south-{year}.xlsx")
            w.fact(rc, "proactive.total", c, unit="条")
            w.fact(rn, "proactive.total", n, unit="条")
            w.fact(rs, "proactive.total", s, unit="条")
            w.fact(rn, "proactive.by_channel", n - 10, unit="条", channel="website")
            w.fact(rs, "proactive.by_channel", s - 10, unit="条", channel="website")
            w.fact(rc, "proactive.channel_share_pct", 50, unit="%", channel="website")
            w.fact(rn, "proactive.channel_share_pct", 75, unit="%", channel="website")
        # Fees changed unit between years: no change is computed across units.
        w.fact(
            w.report(city, 2018, file_name="synthetic-city-2018.xlsx"),
            "fees.charged_amount",
            "1.5",
            unit="万元",
        )
        rc2017 = connection.execute(
            text("SELECT report_id FROM reports WHERE agency_id = :a AND year = 2017"),
            {"a": city},
        ).scalar_one()
        w.fact(int(rc2017), "fees.charged_amount", 200, unit="元")


def test_year_over_year(engine: Engine) -> None:
    _synthetic_family(engine)
    rows = _rows(
        engine,
        "SELECT agency, year, measure_code, dim1_code, value, unit_code, previous_year,"
        " previous_value, change, change_pct FROM rpt_year_over_year"
        " WHERE agency IN ('合成市', '合成北镇') ORDER BY agency_id, year, measure_code, dim1_code",
    )
    assert rows == [
        ("合成市", 2016, "proactive.channel_share_pct", "website", 50, "%", None, None, None, None),
        ("合成市", 2016, "proactive.total", None, 100, "条", None, None, None, None),
        ("合成市", 2017, "fees.charged_amount", None, 200, "元", None, None, None, None),
        ("合成市", 2017, "proactive.channel_share_pct", "website", 50, "%", 2016, 50, 0, 0),
        ("合成市", 2017, "proactive.total", None, 130, "条", 2016, 100, 30, 30),
        ("合成市", 2018, "fees.charged_amount", None, 1.5, "万元", 2017, 200, None, None),
        ("合成北镇", 2016, "proactive.by_channel", "website", 30, "条", None, None, None, None),
        (
            "合成北镇",
            2016,
            "proactive.channel_share_pct",
            "website",
            75,
            "%",
            None,
            None,
            None,
            None,
        ),
        ("合成北镇", 2016, "proactive.total", None, 40, "条", None, None, None, None),
        ("合成北镇", 2017, "proactive.by_channel", "website", 50, "条", 2016, 30, 20, 66.7),
        ("合成北镇", 2017, "proactive.channel_share_pct", "website", 75, "%", 2016, 75, 0, 0),
        ("合成北镇", 2017, "proactive.total", None, 60, "条", 2016, 40, 20, 50),
    ]


def test_rollup_sums_children_next_to_what_the_parent_reported(engine: Engine) -> None:
    _synthetic_family(engine)
    rows = _rows(
        engine,
        "SELECT agency, year, measure_code, dim1_code, unit_code, children_reporting,"
        " children_value, reported_value, difference FROM rpt_rollup"
        " ORDER BY year, measure_code, dim1_code",
    )
    # Percentages are not summed; the city reported no channel count, so no difference.
    assert rows == [
        ("合成市", 2016, "proactive.by_channel", "website", "条", 2, 70, None, None),
        ("合成市", 2016, "proactive.total", None, "条", 2, 90, 100, 10),
        ("合成市", 2017, "proactive.by_channel", "website", "条", 2, 110, None, None),
        ("合成市", 2017, "proactive.total", None, "条", 2, 130, 130, 0),
    ]
