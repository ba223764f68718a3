"""The std2019 / std2021 templates, and the tables as bodies really fill them in (variants)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from std_workbooks import (
    Sheets,
    as_typed,
    consistent_values,
    figures,
    filled,
    find_row,
    write_typed,
)

from etl.extract import read_file
from etl.layouts import STD2021, get_layout

REGIME_YEARS = [("std2019", 2020), ("std2021", 2021)]


def test_table_three_header_is_the_official_one(tmp_path: Path) -> None:
    path = filled(tmp_path / "t.xlsx", "std2021", 2021, {})
    sheet = load_workbook(path)["表三"]
    assert [[c.value for c in row] for row in sheet["B7:I9"]] == [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况",
         None, None, None, None, None, None],
        [None, "自然人", "法人或其他组织", None, None, None, None, "总计"],
        [None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", None],
    ]  # fmt: skip
    assert sorted(str(r) for r in sheet.merged_cells.ranges if r.min_row > 2) == [
        "B7:B9", "C7:I7", "C8:C9", "D8:H8", "I8:I9",
    ]  # fmt: skip
    assert [sheet.cell(r, 1).value for r in (10, 12, 15, 24, 38, 39)] == [
        "std2021.new",
        "std2021.results",
        "std2021.results.withheld",
        "std2021.results.unavailable",
        "std2021.results.total",
        "std2021.carried_forward",
    ]


def test_table_four_has_fifteen_numbers_under_merged_headers(tmp_path: Path) -> None:
    path = filled(tmp_path / "t.xlsx", "std2019", 2020, {})
    sheet = load_workbook(path)["表四"]
    assert sorted(str(r) for r in sheet.merged_cells.ranges if r.min_row > 2) == [
        "B7:B9", "C7:G7", "C8:C9", "D8:D9", "E8:E9", "F8:F9", "G8:G9", "H7:Q7", "H8:L8",
        "M8:Q8",
    ]  # fmt: skip
    assert [c.value for c in sheet[6]][2:] == [
        f"{block}_{result}"
        for block in ("review", "litigation_direct", "litigation_after_review")
        for result in ("upheld", "corrected", "other", "pending", "total")
    ]
    assert sheet["A10"].value == "std2019.table4.cases"


def test_input_cells_carry_data_validation_and_headings_do_not(tmp_path: Path) -> None:
    path = filled(tmp_path / "t.xlsx", "std2019", 2020, {})
    workbook = load_workbook(path)
    validated = {
        (sheet.title, str(rng)): dv.type
        for sheet in workbook.worksheets
        for dv in sheet.data_validations.dataValidation
        for rng in dv.sqref.ranges
    }
    kinds = {("表三", "C10"): "whole", ("表二", "D16"): "whole", ("表二", "E36"): "list"}
    for (sheet, cell), kind in kinds.items():
        assert any(
            s == sheet and _covers(r, cell) and t == kind for (s, r), t in validated.items()
        ), (sheet, cell)
    assert not any(s == "表三" and _covers(r, "C15") for s, r in validated)  # （三）不予公开
    signed = [dv for dv in workbook["表二"].data_validations.dataValidation if dv.formula1]
    assert ("-999999999", "999999999") in {(dv.formula1, dv.formula2) for dv in signed}


def _covers(ranges: str, cell: str) -> bool:
    from openpyxl.worksheet.cell_range import CellRange

    return any(cell in CellRange(r) for r in ranges.split())


@pytest.mark.parametrize(("regime", "year"), REGIME_YEARS)
def test_template_filled_by_codes_reads_back_every_figure(
    tmp_path: Path, regime: str, year: int
) -> None:
    layout = get_layout(regime)
    values: dict[str, object] = {
        item.code: Decimal(n % 97) / (4 if item.value_kind == "amount" else 1)
        for n, (_section, item) in enumerate(layout.cells())
    }
    if regime == "std2019":
        values["std2019.procurement:procurement_amount_unit"] = "元"
        values["std2019.licensing:change"] = -5
    read = figures(read_file(filled(tmp_path / "t.xlsx", regime, year, values)))
    expected = {
        (item.measure_code, item.dims): Decimal(str(values[item.code]))
        for _section, item in layout.cells()
    }
    assert {key: value for key, (value, _unit) in read.items()} == expected
    # The tables, and the 18 figures of the sheet of figures stated in prose (正文数字).
    assert len(read) == {"std2019": 222 + 18, "std2021": 231 + 18}[regime]


def _subtotal_rows(regime: str) -> Callable[[Sheets], None]:
    """A 小计 row after the last item of each group, the headings left blank."""

    def edit(sheets: Sheets) -> None:
        rows = sheets["表三"]
        for heading, last in (
            ("（三）不予公开", "8.属于行政查询事项"),
            ("（四）无法提供", "3.补正后申请内容仍不明确"),
            ("（五）不予处理", "5.要求行政机关确认或重新出具已获取信息"),
            *((("（六）其他处理", "3.其他"),) if regime == "std2021" else ()),
        ):
            h = find_row(rows, heading)
            figures_on_heading = rows[h][1:]
            rows[h] = [heading] + [None] * len(figures_on_heading)
            rows.insert(find_row(rows, last) + 1, ["小计", *figures_on_heading])

    return edit


def _without_headings(sheets: Sheets) -> None:
    rows = sheets["表三"]
    for heading in ("三、本年度办理结果", "（三）不予公开", "（四）无法提供", "（五）不予处理"):
        del rows[find_row(rows, heading)]


def _relabel(sheet: str, labels: dict[str, str]) -> Callable[[Sheets], None]:
    def edit(sheets: Sheets) -> None:
        for row in sheets[sheet]:
            for c, value in enumerate(row):
                if isinstance(value, str) and value in labels:
                    row[c] = labels[value]

    return edit


_LABEL_VARIANTS = {
    "现行有效件数": "现行有效件",  # a typo seen in published tables
    "本年制发件数": "本年制发\n件数",
    "一、本年新收政府信息公开申请数量": "一、 本年新收政府信息公开申请数量",
    "（一）予以公开": "(一)予以公开",
    "1.属于国家秘密": "1、属于国家秘密",
    "4.保护第三方合法权益": "４．保护第三方合法权益",
    "（七）总计": "(七)总计",
}
_HUBEI_NOTES = {
    "行政许可": "行政许可（含行政备案）",
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": "（二）部分公开",
    "3.补正后申请内容仍不明确": "3.补正后申请内容仍不明确（含逾期未补正）",
}


@pytest.mark.parametrize(
    ("variant", "edit"),
    [
        ("subtotal rows", _subtotal_rows("std2021")),
        ("subtotals on the headings", lambda sheets: None),
        ("missing group headings", _without_headings),
        ("label variants", lambda sheets: _relabel("表三", _LABEL_VARIANTS)(sheets)),
        ("table 二 label variants", _relabel("表二", _LABEL_VARIANTS)),
        ("Hubei's notes", _relabel("表二", _HUBEI_NOTES)),
        ("Hubei's notes in table 三", _relabel("表三", _HUBEI_NOTES)),
    ],
)
def test_variants_read_to_the_figures_of_the_clean_template(
    tmp_path: Path, variant: str, edit: Callable[[Sheets], None]
) -> None:
    subtotals = "subtotal" in variant
    values = consistent_values("std2021", subtotals=subtotals)
    values["std2021.other_documents:issued"] = 4  # Hubei's provincial row
    clean = filled(tmp_path / "clean.xlsx", "std2021", 2021, values)
    sheets = as_typed(clean)
    edit(sheets)
    typed = read_file(write_typed(tmp_path / "typed.xlsx", sheets))
    assert figures(typed) == figures(read_file(clean))
    assert figures(typed)[
        ("table2.value", (("table_row_code", "std2021.other_documents"),
                          ("table_column_code", "std2021.issued")))
    ] == (Decimal(4), "件")  # fmt: skip


def test_std2019_has_one_other_row_and_std2021_three(tmp_path: Path) -> None:
    for regime, year in REGIME_YEARS:
        path = filled(tmp_path / f"{regime}.xlsx", regime, year, consistent_values(regime))
        typed = read_file(write_typed(tmp_path / f"typed-{regime}.xlsx", as_typed(path)))
        other = sorted(
            (dict(key[1])["request_row_code"], value)
            for key, (value, _unit) in figures(typed).items()
            if key[0] == "requests.count"
            and dict(key[1])["request_row_code"].startswith(f"{regime}.results.other")
            and dict(key[1])["applicant_type_code"] == "total"
        )
        assert (
            other
            == {
                "std2019": [("std2019.results.other", 9)],
                "std2021": [
                    ("std2021.results.other.no_correction", 9),
                    ("std2021.results.other.other", 9),
                    ("std2021.results.other.unpaid_fee", 7),
                ],
            }[regime]
        )


def test_figures_on_a_heading_that_carries_none_are_an_error(tmp_path: Path) -> None:
    path = filled(tmp_path / "x.xlsx", "std2021", 2021, {"std2021.results:total": 40})
    assert [str(f) for f in read_file(path).findings] == [
        'x.xlsx 表三!I12: expected no figures on the heading 三、本年度办理结果, found "40": '
        "its figures belong on the rows below it"
    ]


@pytest.mark.parametrize(
    ("regime", "year", "expected"), [("std2021", 2020, "std2019"), ("std2019", 2021, "std2021")]
)
def test_the_regime_follows_the_year(tmp_path: Path, regime: str, year: int, expected: str) -> None:
    own_year = {"std2021": 2021, "std2019": 2020}[regime]
    path = filled(tmp_path / "x.xlsx", regime, own_year, {"header.year": year})
    findings = read_file(path).findings
    assert [(f.rule_code, str(f)) for f in findings] == [
        (
            "header.regime_mismatch",
            f"x.xlsx 基本信息!C9: expected {expected} (the format of {year} reports) in 报告格式, "
            f'found "{regime}"',
        )
    ]


def test_std2021_layout_has_every_provincial_row_flagged() -> None:
    rows = [row for grid in STD2021.section("表二").grids() for row in grid.rows]
    assert [(row.code, row.note is not None) for row in rows] == [
        ("std2021.rules", False),
        ("std2021.normative", False),
        ("std2021.other_documents", True),
        ("std2021.licensing", False),
        ("std2021.punishment", False),
        ("std2021.coercion", False),
        ("std2021.fees", False),
    ]
