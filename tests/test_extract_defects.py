"""Every input defect gives a finding with its exact message; nothing escapes `read_file`."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workbook_factory import edit, filled_template, write_xls, write_xlsx

from etl.extract import files, read_file
from etl.records import Extraction

#: The smallest valid report: the two required figures.
REQUIRED = {"proactive.total": 8052, "requests.legacy.received": 11}


def _findings(extraction: Extraction) -> list[tuple[str, str]]:
    return [(f.rule_code, str(f)) for f in extraction.findings]


def test_a_clean_file_has_no_findings(tmp_path: Path) -> None:
    extraction = read_file(filled_template(tmp_path / "ok.xlsx", REQUIRED))
    assert _findings(extraction) == []
    assert [(f.measure_code, f.value.value) for f in extraction.reports[0].facts] == [
        ("proactive.total", 8052),
        ("requests.count", 11),
    ]


@pytest.mark.parametrize(
    ("value", "rule", "message"),
    [
        ("八千余", "cell.not_a_number", 'expected a whole number of 条, found "八千余"'),
        (-3, "cell.negative", 'expected a whole number of 条, not negative, found "-3"'),
        ("8052.5条", "cell.not_whole", 'expected a whole number of 条, found "8052.5条"'),
        (2.5, "cell.not_whole", 'expected a whole number of 条, found "2.5"'),
    ],
)
def test_bad_values(tmp_path: Path, value: object, rule: str, message: str) -> None:
    path = filled_template(tmp_path / "anlu-2017.xlsx", {**REQUIRED, "proactive.total": value})
    extraction = read_file(path)
    assert _findings(extraction) == [(rule, f"anlu-2017.xlsx 主动公开!C4: {message}")]
    finding = extraction.findings[0]
    assert (finding.location.sheet, finding.location.cell) == ("主动公开", "C4")


def test_missing_required_cell(tmp_path: Path) -> None:
    path = filled_template(tmp_path / "x.xlsx", {"proactive.total": 1})
    assert _findings(read_file(path)) == [
        (
            "cell.missing",
            "x.xlsx 依申请公开!C4: expected a figure for 收到申请数 (requests.legacy.received), "
            "found a blank cell",
        )
    ]


def test_unknown_and_duplicated_labels_and_uncached_formula(tmp_path: Path) -> None:
    path = filled_template(tmp_path / "x.xlsx", REQUIRED)
    edit(
        path,
        "主动公开",
        {
            "C5": "=1+1",
            "B40": "主动公开信息数量合计",
            "C40": 5,
            "B41": "主动公开政府信息数",
            "C41": 3,
        },
    )
    assert _findings(read_file(path)) == [
        (
            "cell.formula_uncached",
            "x.xlsx 主动公开!C5: expected a saved value, found the formula =1+1 with none: "
            "open the file in Excel or WPS and save it again",
        ),
        (
            "label.unknown",
            'x.xlsx 主动公开!B40: expected a label of the 主动公开 sheet, found "主动公开信息数量合计"',
        ),
        (
            "label.duplicate",
            "x.xlsx 主动公开!B41: expected 主动公开政府信息数 once, found it again (first at 主动公开!B4)",
        ),
    ]


def test_unknown_code_and_duplicated_township(tmp_path: Path) -> None:
    path = filled_template(
        tmp_path / "x.xlsx",
        {**REQUIRED, "rights.items_by_township": [("赵棚镇", 77), ("赵棚镇", 78)]},
    )
    edit(path, "回应解读", {"A4": "response.hot_topicz", "C4": 2})
    assert _findings(read_file(path)) == [
        (
            "label.unknown",
            'x.xlsx 回应解读!A4: expected a code of the 回应解读 sheet, found "response.hot_topicz"',
        ),
        (
            "label.duplicate",
            "x.xlsx 权责清单!B10: expected 赵棚镇 once, found it again (first at 权责清单!B9)",
        ),
    ]


def test_header_defects_are_all_reported(tmp_path: Path) -> None:
    path = filled_template(
        tmp_path / "x.xlsx",
        REQUIRED,
        agency_name=None,
        year="17",
        level="市级",
        division_code="42098",
        published_on="2018-13-45",
    )
    this_year = date.today().year
    assert _findings(read_file(path)) == [
        ("header.agency_missing", "x.xlsx 基本信息!C4: expected the name of the reporting body in 填报单位, found a blank cell"),
        ("header.year_invalid", f'x.xlsx 基本信息!C8: expected a year from 2008 to {this_year} in 年度, found "17"'),
        ("header.level_invalid", 'x.xlsx 基本信息!C6: expected one of 省级, 地市级, 县级, 乡镇（街道、办事处）, 部门 in 层级, found "市级"'),
        ("header.division_code_invalid", 'x.xlsx 基本信息!C7: expected six digits such as 420982 in 行政区划代码, found "42098"'),
        ("header.date_invalid", 'x.xlsx 基本信息!C10: expected a date such as 2018-01-17 in 发布日期, found "2018-13-45"'),
    ]  # fmt: skip
    assert read_file(path).reports == []


@pytest.mark.parametrize("year", [2007, date.today().year + 1])
def test_year_outside_the_range(tmp_path: Path, year: int) -> None:
    path = filled_template(tmp_path / "x.xlsx", REQUIRED, year=year)
    assert _findings(read_file(path))[0] == (
        "header.year_invalid",
        f"x.xlsx 基本信息!C8: expected a year from 2008 to {date.today().year} in 年度, "
        f'found "{year}"',
    )


def test_regime_not_matching_the_year(tmp_path: Path) -> None:
    path = filled_template(tmp_path / "x.xlsx", REQUIRED, year=2021)
    assert _findings(read_file(path)) == [
        (
            "header.regime_mismatch",
            "x.xlsx 基本信息!C9: expected std2021 (the format of 2021 reports) in 报告格式, "
            'found "pre2019"',
        )
    ]


def test_sheets_of_another_layout_than_the_regime_named(tmp_path: Path) -> None:
    path = filled_template(tmp_path / "x.xlsx", REQUIRED, year=2021, regime="std2021")
    assert _findings(read_file(path)) == [
        (
            "header.regime_mismatch",
            "x.xlsx 基本信息!C9: expected the sheets of the std2021 layout, found the sheets of "
            "the pre2019 layout: use the std2021 template",
        ),
        *(
            (
                "sheet.missing",
                f"x.xlsx {sheet}: expected a sheet named {sheet} ({title}), found sheets 基本信息, "
                "主动公开, 回应解读, 权责清单, 财政资金, 社会救助, 依申请公开, 收费, 复议诉讼, 机构建设",
            )
            for sheet, title in (
                ("表二", "二、主动公开政府信息情况"),
                ("表三", "三、收到和处理政府信息公开申请情况"),
                ("表四", "四、政府信息公开行政复议、行政诉讼情况"),
            )
        ),
    ]


def test_missing_sheet(tmp_path: Path) -> None:
    path = filled_template(tmp_path / "x.xlsx", REQUIRED)
    workbook = load_workbook(path)
    del workbook["复议诉讼"]
    workbook.save(path)
    assert _findings(read_file(path)) == [
        (
            "sheet.missing",
            "x.xlsx 复议诉讼: expected a sheet named 复议诉讼 "
            "(因政府信息公开申请行政复议、提起行政诉讼和举报投诉的情况), found sheets 基本信息, 主动公开, "
            "回应解读, 权责清单, 财政资金, 社会救助, 依申请公开, 收费, 机构建设",
        )
    ]


def test_no_header_sheet(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", {"Sheet1": [["主动公开政府信息数", 8052]]})
    assert _findings(read_file(path)) == [
        (
            "sheet.missing",
            "x.xlsx 基本信息: expected a sheet named 基本信息 (基本信息), found sheets Sheet1",
        )
    ]


def test_all_problems_of_a_file_are_collected(tmp_path: Path) -> None:
    path = filled_template(
        tmp_path / "x.xlsx",
        {"proactive.total": "很多", "review.complaint:total": -1, "fees.charged_amount": "5条"},
        agency_name=None,
    )
    assert [f.rule_code for f in read_file(path).findings] == [
        "header.agency_missing",
        "cell.not_a_number",
        "cell.missing",
        "cell.not_a_number",
        "cell.negative",
    ]


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    pdf = tmp_path / "report.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n...")
    text = tmp_path / "notes.xlsx"
    text.write_text("hello", encoding="utf-8")
    docx = tmp_path / "report.docx"
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    missing = tmp_path / "gone.xlsx"
    assert [_findings(read_file(p)) for p in (pdf, text, docx, missing)] == [
        [("file.not_spreadsheet", "report.xlsx: expected an xlsx, xls or csv spreadsheet, found a PDF document")],
        [("file.not_spreadsheet", "notes.xlsx: expected an xlsx, xls or csv spreadsheet, found plain text")],
        [("file.not_spreadsheet", "report.docx: expected an xlsx, xls or csv spreadsheet, found a Word document")],
        [("file.not_spreadsheet", "gone.xlsx: expected a spreadsheet file, found no such file")],
    ]  # fmt: skip


def test_truncated_and_corrupt(tmp_path: Path) -> None:
    whole = filled_template(tmp_path / "whole.xlsx", REQUIRED)
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(whole.read_bytes()[:4000])
    xls = write_xls(tmp_path / "whole.xls", {"基本信息": [["x"] * 50] * 200})
    cut_xls = tmp_path / "cut.xls"
    cut_xls.write_bytes(xls.read_bytes()[:1500])
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert _findings(read_file(truncated)) == [
        ("file.corrupt", "cut.xlsx: expected a complete xlsx workbook, found a damaged zip (File is not a zip file)")
    ]  # fmt: skip
    assert _findings(read_file(empty)) == [
        ("file.corrupt", "empty.xlsx: expected a spreadsheet, found an empty file")
    ]
    [(rule, message)] = _findings(read_file(cut_xls))
    assert rule == "file.corrupt"
    assert message.startswith("cut.xls: expected a readable xls workbook, found a damaged file (")


def test_absurdly_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled_template(tmp_path / "big.xlsx", REQUIRED)
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1024 * 1024 // 100)
    [(rule, message)] = _findings(read_file(path))
    size = path.stat().st_size / 1024 / 1024
    assert (rule, message) == (
        "file.too_large",
        f"big.xlsx: expected at most 0.0 MB, found a file of {size:.1f} MB",
    )


def test_zip_bomb_is_refused_before_opening(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    ratio = info.file_size / info.compress_size
    assert _findings(read_file(bomb)) == [
        (
            "file.too_large",
            "bomb.xlsx: expected parts compressed at most 200:1, found xl/worksheets/sheet1.xml "
            f"unpacking to 5.0 MB ({ratio:.0f}:1, a zip bomb?)",
        )
    ]


def test_declared_total_size_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = filled_template(tmp_path / "x.xlsx", REQUIRED)
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 1000)
    [(rule, message)] = _findings(read_file(path))
    assert rule == "file.too_large"
    assert message.startswith("x.xlsx: expected parts unpacking to at most 0.0 MB, found parts")


@pytest.mark.parametrize("zero", ["0元", "0", "无", 0])
def test_a_zero_amount_needs_no_unit_of_its_own(tmp_path: Path, zero: object) -> None:
    """A zero is zero in any unit: 0元 in a 万元 cell is read as 0 万元, not refused (#18)."""
    values = {**REQUIRED, "fiscal.special_funds_allocated_amount": zero}
    extraction = read_file(filled_template(tmp_path / "anlu-2017.xlsx", values))
    assert _findings(extraction) == []
    [fact] = [
        f
        for f in extraction.reports[0].facts
        if f.measure_code == "fiscal.special_funds_allocated_amount"
    ]
    assert (fact.value.value, fact.unit_code) == (0, "万元")


def test_another_money_unit_on_a_figure_that_is_not_zero_is_refused(tmp_path: Path) -> None:
    values = {**REQUIRED, "fiscal.special_funds_allocated_amount": "89693元"}
    extraction = read_file(filled_template(tmp_path / "anlu-2017.xlsx", values))
    assert [rule for rule, _ in _findings(extraction)] == ["cell.not_a_number"]


def test_a_count_typed_in_another_count_unit_is_a_warning(tmp_path: Path) -> None:
    """8052条 where 件 is asked: stored as 8052 件, with a warning to check the row (#18)."""
    values = {**REQUIRED, "proactive.normative_documents": "12条"}
    extraction = read_file(filled_template(tmp_path / "anlu-2017.xlsx", values))
    assert _findings(extraction) == [
        (
            "cell.unit_mismatch",
            "anlu-2017.xlsx 主动公开!C5: expected a count in 件 for 其中：主动公开规范性文件数, "
            'found "12条" in 条: stored as 12 件; check that it is the figure of this row',
        )
    ]
    assert extraction.findings[0].severity == "warning"
    assert not extraction.errors
