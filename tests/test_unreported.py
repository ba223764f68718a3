"""未报告: a figure the report says it does not give, neither blank nor 0 (#18)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from std_workbooks import BODY, consistent_values, filled
from workbook_factory import filled_template

from etl.extract import read_file
from etl.reports.annual import build_annual
from etl.reports.render_annual import render_annual
from etl.runs.commands import load_paths


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_a_required_cell_may_say_it_is_not_reported(tmp_path: Path) -> None:
    path = filled_template(
        tmp_path / "anlu-2017.xlsx",
        {"proactive.total": "未报告", "requests.legacy.received": 11},
    )
    extraction = read_file(path)
    assert extraction.findings == []
    [fact] = [f for f in extraction.reports[0].facts if f.measure_code == "proactive.total"]
    assert (fact.value.qualifier, fact.value.text) == ("not_reported", "未报告")


def test_an_unreported_figure_is_stored_apart_and_printed_as_such(
    engine: Engine, tmp_path: Path
) -> None:
    path = filled_template(
        tmp_path / "anlu-2017.xlsx",
        {
            "proactive.total": "未报告",
            "requests.legacy.received": 11,
            "proactive.channel.website:count": "未公开",
        },
    )
    assert load_paths(engine, [path]).loaded == 1

    assert _rows(
        engine,
        "SELECT measure_code, dim1_name, dim1_code, source_sheet, source_cell, source_text"
        " FROM unreported_figures ORDER BY fact_id",
    ) == [
        ("proactive.total", None, None, "主动公开", "C4", "未报告"),
        ("proactive.by_channel", "channel_code", "website", "主动公开", "C16", "未公开"),
    ]
    # No view that sums or compares figures meets it: it is neither a figure nor a zero.
    assert _rows(
        engine,
        "SELECT count(*) FROM rpt_figures_long WHERE measure_code IN"
        " ('proactive.total', 'proactive.by_channel')",
    ) == [(0,)]
    markdown = render_annual(build_annual(engine, "安陆市", 2017), "md")
    assert isinstance(markdown, str)
    assert "| 主动公开政府信息数 | 未报告 |  |" in markdown
    assert "| &emsp;通过政府网站公开 | 未报告 |  |" in markdown


def test_an_unreported_cell_of_an_official_table_prints_as_such(
    engine: Engine, tmp_path: Path
) -> None:
    values = consistent_values("std2021")
    values["std2021.results.disclosed:natural_person"] = "未报告"
    path = filled(tmp_path / "2021.xlsx", "std2021", 2021, values)
    summary = load_paths(engine, [path])
    assert summary.loaded == 1, summary.files[0].findings

    markdown = render_annual(build_annual(engine, BODY, 2021), "md")
    assert isinstance(markdown, str)
    [row] = [line for line in markdown.splitlines() if line.startswith("| &emsp;（一）予以公开")]
    assert row.split(" | ")[1] == "未报告"


def test_a_cumulative_or_body_wide_figure_is_never_added_to_the_years(
    engine: Engine, tmp_path: Path
) -> None:
    """累计 and the whole body's cases are measures of their own, held apart: no view of the
    year's disclosure figures (long format, year over year, roll-up, national) meets them, and
    the annual report prints them in a part of their own (#18)."""
    path = filled_template(
        tmp_path / "anlu-2017.xlsx",
        {
            "proactive.total": 8052,
            "proactive.total_cumulative": 51000,
            "requests.legacy.received": 11,
            "review.body_wide_reviews": 37,
            "response.gazette_issues": 12,
            "services.consultations": 340,
        },
    )
    assert load_paths(engine, [path]).loaded == 1
    assert _rows(
        engine,
        "SELECT m.measure_code, m.period, m.scope, s.value FROM scoped_figures s"
        " JOIN measures m ON m.measure_code = s.measure_code ORDER BY m.sort_order",
    ) == [
        ("proactive.total_cumulative", "cumulative", "disclosure", 51000),
        ("review.body_wide_reviews", "annual", "body_wide", 37),
    ]
    for view in ("rpt_figures_long", "rpt_year_over_year", "rpt_rollup", "rpt_national"):
        assert _rows(
            engine,
            f"SELECT count(*) FROM {view} WHERE measure_code IN"
            " ('proactive.total_cumulative', 'review.body_wide_reviews')",
        ) == [(0,)], view
    assert _rows(
        engine,
        "SELECT national_value FROM rpt_national WHERE measure_code = 'proactive.total'",
    ) == [(8052,)]
    markdown = render_annual(build_annual(engine, "安陆市", 2017), "md")
    assert isinstance(markdown, str)
    assert (
        "| **其他口径的数字（累计数或本机关全部，不计入本年政府信息公开数字）** |  |  |" in markdown
    )
    assert "| 累计主动公开政府信息数 | 51000 | 条 |" in markdown
    assert "| 行政复议案件数（本机关全部，不限于政府信息公开） | 37 | 件 |" in markdown
    assert "| 发布政府公报期数 | 12 | 期 |" in markdown
