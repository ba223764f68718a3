"""The machinery serves layouts of later regimes unchanged: signed figures, amounts with a unit
column, applicant columns; and a workbook in one layout's sheets under another regime is named."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from etl.extract import read_file
from etl.layouts import (
    STD2019 as REAL_STD2019,
)
from etl.layouts import (
    Grid,
    GridColumn,
    GridRow,
    Layout,
    Section,
    register_layout,
    unregister_layout,
)
from etl.templates import build_template, fill_template

TABLE2 = Grid(
    "table2",
    "政府集中采购",
    "table2.value",
    tuple(
        GridRow(f"t2.{code}", label, (("table_row_code", f"std2019.{code}"),))
        for code, label in (("licensing", "行政许可"), ("procurement", "政府集中采购"))
    ),
    (
        GridColumn("change", "本年增/减", (("table_column_code", "std2019.change"),), unit="项",
                   value_kind="signed"),
        GridColumn("amount", "采购总金额", (("table_column_code", "std2019.procurement_amount"),),
                   value_kind="amount"),
        GridColumn("unit", "单位", value_kind="unit", unit_for="amount", unit_choices=("元", "万元")),
    ),
)  # fmt: skip
TABLE3 = Grid(
    "table3",
    "收到和处理政府信息公开申请情况",
    "requests.count",
    (GridRow("t3.new", "一、本年新收政府信息公开申请数量", (("request_row_code", "std2019.new"),)),),
    tuple(
        GridColumn(code, label, (("applicant_type_code", code),), unit="件")
        for code, label in (
            ("natural_person", "自然人"), ("commercial", "商业企业"), ("research", "科研机构"),
            ("public_interest", "社会公益组织"), ("legal_service", "法律服务机构"),
            ("other_org", "其他"), ("total", "总计"),
        )
    ),
    headings=("法人或其他组织",),
)  # fmt: skip
STD2019 = Layout("std2019", "test layout", (Section("表二", "主动公开", (TABLE2, TABLE3)),))


@pytest.fixture
def std2019() -> Iterator[Layout]:
    register_layout(STD2019)
    yield STD2019
    unregister_layout("std2019")
    register_layout(REAL_STD2019)


def test_signed_amounts_with_units_and_applicant_columns(tmp_path: Path, std2019: Layout) -> None:
    path = tmp_path / "std2019.xlsx"
    build_template(std2019, agency="某县", year=2019).save(path)
    fill_template(
        path,
        {
            "t2.licensing:change": -3,
            "t2.procurement:amount": "1,234.5",
            "t2.procurement:unit": "万元",
            **{f"t3.new:{col.code}": n for n, col in enumerate(TABLE3.columns, start=1)},
        },
    )
    extraction = read_file(path)
    assert extraction.findings == []
    assert [(f.dims, f.value.value, f.unit_code) for f in extraction.reports[0].facts] == [
        ((("table_row_code", "std2019.licensing"), ("table_column_code", "std2019.change")), Decimal(-3), "项"),
        ((("table_row_code", "std2019.procurement"), ("table_column_code", "std2019.procurement_amount")), Decimal("1234.5"), "万元"),
        *(
            ((("request_row_code", "std2019.new"), ("applicant_type_code", col.code)), Decimal(n), "件")
            for n, col in enumerate(TABLE3.columns, start=1)
        ),
    ]  # fmt: skip


def test_amount_without_its_unit_or_with_a_wrong_one(tmp_path: Path, std2019: Layout) -> None:
    path = tmp_path / "std2019.xlsx"
    build_template(std2019, agency="某县", year=2019).save(path)
    fill_template(path, {"t2.procurement:amount": 5, "t2.procurement:unit": "美元"})
    assert [str(f) for f in read_file(path).findings] == [
        'std2019.xlsx 表二!E9: expected a unit, 元 or 万元, found "美元"'
    ]


def test_sheets_of_another_layout_are_named(tmp_path: Path, std2019: Layout) -> None:
    path = tmp_path / "x.xlsx"
    build_template(std2019, agency="某县", year=2019).save(path)
    fill_template(path, {"header.year": 2017, "header.regime": "pre2019"})
    assert str(read_file(path).findings[0]) == (
        "x.xlsx 基本信息!C9: expected the sheets of the pre2019 layout, found the sheets of the "
        "std2019 layout: use the pre2019 template"
    )
