"""The warehouse renders a body's std tables back, and compares 2020 with 2021 through the
crosswalk, saying where the formats do not compare. On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, text
from std_workbooks import BODY, consistent_values, filled

from etl.reports.annual import build_annual
from etl.reports.render_annual import render_annual
from etl.runs.commands import load_paths


@pytest.fixture
def two_years(engine: Engine, tmp_path: Path) -> Engine:
    """A body's 2020 (std2019) and 2021 (std2021) reports, consistent across the years."""
    files = [
        filled(tmp_path / "2020.xlsx", "std2019", 2020, consistent_values("std2019")),
        filled(
            tmp_path / "2021.xlsx",
            "std2021",
            2021,
            consistent_values("std2021", carried_over=4, subtotals=True),
        ),
    ]
    summary = load_paths(engine, files)
    assert [(f.outcome, f.findings) for f in summary.files] == [("loaded", ()), ("loaded", ())]
    return engine


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_outcomes_compare_through_the_crosswalk(two_years: Engine) -> None:
    assert _rows(
        two_years,
        "SELECT comparable_code, year, requests, rows_summed FROM rpt_request_outcomes_compared "
        "ORDER BY sort_order, year",
    ) == [
        ("received", 2020, 185, 1),
        ("received", 2021, 189, 1),
        ("carried_over", 2020, 12, 1),
        ("carried_over", 2021, 24, 1),
        ("disclosed", 2020, 9, 1),
        ("disclosed", 2021, 9, 1),
        ("partial", 2020, 11, 1),
        ("partial", 2021, 11, 1),
        ("withheld", 2020, 72, 8),
        ("withheld", 2021, 72, 8),  # the 8 leaves; the printed subtotal is not counted
        ("cannot_provide", 2020, 25, 3),
        ("cannot_provide", 2021, 25, 3),
        ("not_processed", 2020, 47, 5),
        ("not_processed", 2021, 47, 5),
        ("other", 2020, 9, 1),  # std2019's one （六） row
        ("other", 2021, 25, 3),  # std2021's three rows, summed
        ("total_processed", 2020, 173, 1),
        ("total_processed", 2021, 189, 1),
        ("carried_forward", 2020, 24, 1),
        ("carried_forward", 2021, 24, 1),
    ]


def test_the_view_says_table_two_does_not_compare(two_years: Engine) -> None:
    assert [
        (code, before, after, comparable, note[:3])
        for code, before, after, comparable, note in _rows(
            two_years,
            "SELECT table_code, from_regime, to_regime, is_comparable, note "
            "FROM rpt_regime_comparability ORDER BY sort_order",
        )
    ] == [
        ("table2", "std2019", "std2021", 0, "不可比"),
        ("table3", "std2019", "std2021", 1, "可比："),
        ("table4", "std2019", "std2021", 1, "可比："),
    ]


def test_annual_report_shows_the_official_tables_with_last_year(two_years: Engine) -> None:
    report = build_annual(two_years, BODY, 2021)
    markdown = render_annual(report, "md")
    assert isinstance(markdown, str)
    lines = markdown.splitlines()
    assert lines[lines.index("### 第二十条第（一）项（2021年）") :][:7] == [
        "### 第二十条第（一）项（2021年）",
        "",
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "|---|---|---|---|",
        "| 规章 | 1 | 0 | 6 |",
        "| 行政规范性文件 | 12 | 3 | 85 |",
        "| 其他主动公开文件 |  |  |  |",
    ]
    assert "| 行政事业性收费 | 12.35 |" in lines
    assert "| 政府集中采购 | 41 | 356.8万元 |" in lines  # last year's, std2019, in 万元
    assert any(line.startswith("> 不可比：2021年起表二的栏目改变") for line in lines)
    assert "| &emsp;（三）不予公开 | 12 | 12 | 12 | 12 | 12 | 12 | 72 |" in lines  # a subtotal
    assert "| &emsp;（三）不予公开 |  |  |  |  |  |  |  |" in lines  # 2020: none printed
    assert "| &emsp;（六）其他处理 | 3 | 4 | 5 | 6 | 3 | 4 | 25 |" in lines
    assert "| &emsp;（六）其他处理 | 2 | 1 | 0 | 3 | 2 | 1 | 9 |" in lines  # 2020: one row
    assert "| 其他处理 | 25 | 9 | 16 |" in lines  # the crosswalk
    assert "| 件数 | 1 | 0 | 0 | 2 | 3 | 2 | 1 | 0 | 1 | 4 | 3 | 0 | 0 | 0 | 3 |" in lines
    assert "其他数据" not in markdown  # every figure stands in its table


def test_html_and_xlsx_merge_the_header_cells_as_the_official_tables(two_years: Engine) -> None:
    report = build_annual(two_years, BODY, 2021)
    page = render_annual(report, "html")
    assert isinstance(page, str)
    assert (
        '<tr><th rowspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）'
        '</th><th rowspan="1" colspan="7">申请人情况</th></tr><tr><th rowspan="2" colspan="1">'
        '自然人</th><th rowspan="1" colspan="5">法人或其他组织</th><th rowspan="2" colspan="1">'
        "总计</th></tr>"
    ) in page
    data = render_annual(report, "xlsx")
    assert isinstance(data, bytes)
    sheet = load_workbook(io.BytesIO(data)).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    table4 = next(
        r for r in range(1, sheet.max_row) if sheet.cell(r, 2).value == "行政复议"
    )  # the first table 四 header row
    assert {f"B{table4}:F{table4}", f"G{table4}:P{table4}", f"G{table4 + 1}:K{table4 + 1}"} <= (
        merged
    )
    assert sheet.cell(table4 + 3, 1).value == "件数"
    assert [sheet.cell(table4 + 3, c).value for c in range(2, 7)] == [1, 0, 0, 2, 3]


SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"


def test_the_synthetic_sample_loads_and_renders_back_identical(engine: Engine) -> None:
    paths = sorted(SAMPLES.glob("synthetic-std*.xlsx"))
    assert [p.name for p in paths] == [
        "synthetic-std2020-shilixian.xlsx",
        "synthetic-std2021-shilixian.xlsx",
    ]
    summary = load_paths(engine, paths)
    assert [(f.outcome, f.findings) for f in summary.files] == [("loaded", ()), ("loaded", ())]
    workbook = load_workbook(paths[1])
    assert "synthetic" in workbook["说明"]["A1"].value
    typed = {
        (sheet.title, row[1]): list(row[2:])
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        if len(row) > 2 and row[0] and row[1] and "." in str(row[0])
    }
    report = build_annual(engine, "示例县（合成数据）", 2021)
    sheets = {"二、": "表二", "三、": "表三", "四、": "表四"}
    compared = 0
    for table in report.tables:
        if table.year != 2021 or table.corner == "办理结果":
            continue
        for row in table.rows:
            expected = typed[(sheets[table.part[:2]], row.label)][: table.width]
            shown = [None if c is None else c.value for c in row.cells]
            assert shown == [None if v is None else float(v) for v in expected], row.label
            compared += sum(v is not None for v in shown)
    assert compared == 228  # every figure of the workbook, subtotals included
