"""Templates: written, filled by a program through codes, read back; the Anlu 2017 sample."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from etl.cli import main
from etl.errors import TemplateError
from etl.extract import read_file
from etl.layouts import PRE2019
from etl.templates import fill_template, write_template

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "anlu-2017.xlsx"
REQUEST = "applicant_type_code", "total"


def test_template_has_a_header_sheet_and_one_sheet_per_section(tmp_path: Path) -> None:
    path = write_template("pre2019", tmp_path / "t.xlsx", agency="安陆市", year=2017)
    workbook = load_workbook(path)
    assert workbook.sheetnames == [
        "基本信息", "主动公开", "回应解读", "权责清单", "财政资金", "社会救助", "依申请公开", "收费",
        "复议诉讼", "机构建设",
    ]  # fmt: skip
    header = workbook["基本信息"]
    assert [
        [c.value for c in row] for row in header.iter_rows(min_row=3, max_row=5, max_col=3)
    ] == [
        ["代码", "项目", "内容"],
        ["header.agency_name", "填报单位", "安陆市"],
        ["header.parent_agency", "上级单位", None],
    ]
    sheet = workbook["主动公开"]
    assert [c.value for c in sheet[4]][:4] == ["proactive.total", "主动公开政府信息数", None, "条"]
    assert sheet["C4"].fill.fgColor.rgb == "00FFF2CC"
    rules = {(v.type, v.operator, v.formula1) for v in sheet.data_validations.dataValidation}
    assert ("whole", "greaterThanOrEqual", "0") in rules
    assert ("decimal", "greaterThanOrEqual", "0") in rules  # the channel shares


def test_a_template_filled_by_codes_reads_back_the_same_values(tmp_path: Path) -> None:
    """Every fixed input cell gets a distinct figure through its code; the reader returns
    exactly those figures, under the cell's measure and dimensions."""
    values: dict[str, object] = {}
    expected = set()
    for n, (_section, item) in enumerate(PRE2019.cells(), start=1):
        values[item.code] = n
        expected.add((item.measure_code, item.dims, Decimal(n)))
    values["rights.items_by_township"] = {"赵棚镇": 77, "陈店乡": 74}
    expected |= {
        ("rights.items_by_township", (("township", "赵棚镇"),), Decimal(77)),
        ("rights.items_by_township", (("township", "陈店乡"),), Decimal(74)),
    }
    path = write_template("pre2019", tmp_path / "t.xlsx", agency="某县", year=2016)
    fill_template(path, values)
    extraction = read_file(path)
    assert extraction.findings == []
    [report] = extraction.reports
    assert {(f.measure_code, f.dims, f.value.value) for f in report.facts} == expected
    assert len(report.facts) == len(expected)
    assert (report.header.agency_name, report.header.year) == ("某县", 2016)


def test_filling_an_unknown_code_is_an_error(tmp_path: Path) -> None:
    path = write_template("pre2019", tmp_path / "t.xlsx")
    with pytest.raises(TemplateError) as caught:
        fill_template(path, {"proactive.totl": 1, "proactive.total": 2})
    assert str(caught.value) == "the template has no input cell with code proactive.totl"


def test_year_outside_the_regime_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        write_template("pre2019", tmp_path / "t.xlsx", year=2021)
    assert str(caught.value) == "year 2021 is not a pre2019 year: expected 2008 to 2018"


def test_cli_writes_a_template(tmp_path: Path) -> None:
    out = tmp_path / "anlu.xlsx"
    result = CliRunner().invoke(
        main,
        ["template", "--regime", "pre2019", "--agency", "安陆市", "--year", "2017", "-o", str(out)],
    )
    assert (result.exit_code, result.output) == (0, f"Wrote {out} (pre2019 template).\n")
    assert load_workbook(out)["基本信息"]["C4"].value == "安陆市"
    failed = CliRunner().invoke(main, ["template", "--regime", "std2031", "-o", str(out)])
    assert (failed.exit_code, failed.output) == (
        1,
        "Error: no spreadsheet layout for regime 'std2031' yet; layouts exist for: pre2019, "
        "std2019, std2021\n",
    )


def test_anlu_sample_extracts_to_exactly_the_reports_figures() -> None:
    extraction = read_file(SAMPLE)
    assert extraction.findings == []
    [report] = extraction.reports
    header = report.header
    assert (
        header.agency_name, header.year, header.regime_code, header.level_code,
        header.parent_agency_name, header.division_code, header.published_on,
    ) == ("安陆市", 2017, "pre2019", "county", "孝感市", "420982", date(2018, 1, 17))  # fmt: skip
    figures = {(f.measure_code, f.dims): (f.value.value, f.unit_code) for f in report.facts}
    townships = {
        "赵棚镇": 77, "陈店乡": 74, "李店镇": 77, "巡店镇": 78, "辛榨乡": 78, "棠棣镇": 78,
        "木榨乡": 77, "雷公镇": 77, "王义贞": 77, "烟店镇": 78, "孛畈镇": 78, "洑水镇": 78,
        "接官乡": 77, "南城办事处": 78, "府城办事处": 75,
    }  # fmt: skip
    assert figures == {
        ("proactive.total", ()): (8052, "条"),
        ("proactive.by_publisher", (("publisher_group_code", "townships"),)): (1383, "条"),
        ("proactive.by_publisher", (("publisher_group_code", "departments"),)): (6669, "条"),
        ("proactive.by_channel", (("channel_code", "website"),)): (7136, "条"),
        ("proactive.channel_share_pct", (("channel_code", "website"),)): (Decimal("88.6"), "%"),
        ("proactive.by_channel", (("channel_code", "new_media"),)): (582, "条"),
        ("proactive.channel_share_pct", (("channel_code", "new_media"),)): (Decimal("7.2"), "%"),
        ("proactive.by_category", (("category_code", "common_work"),)): (2980, "条"),
        ("proactive.by_category", (("category_code", "audit_reports"),)): (10, "期"),
        ("rights.items_total", ()): (1157, "项"),
        ("rights.townships", ()): (15, "个"),
        **{
            ("rights.items_by_township", (("township", k),)): (v, "项")
            for k, v in townships.items()
        },
        ("fiscal.budget_units", ()): (74, "家"),
        ("fiscal.budget_disclosure_rate_pct", ()): (100, "%"),
        ("fiscal.special_funds_required", ()): (64, "项"),
        ("fiscal.special_funds_allocated", ()): (48, "项"),
        ("fiscal.special_funds_allocated_amount", ()): (89693, "万元"),
        ("fiscal.special_funds_disclosed", ()): (48, "项"),
        ("fiscal.special_funds_disclosed_pct", ()): (100, "%"),
        ("fiscal.special_funds_disclosed_amount", ()): (89693, "万元"),
        ("fiscal.special_funds_disclosed_amount_pct", ()): (100, "%"),
        ("relief.disclosures", ()): (11, "条"),
        ("relief.recipients_total", ()): (217284, "人(户)次"),
        ("relief.recipients", (("programme_code", "temporary_assistance"),)): (1103, "人次"),
        ("relief.recipients", (("programme_code", "medical_assistance"),)): (1017, "人次"),
        ("relief.recipients", (("programme_code", "urban_dibao"),)): (39110, "户次"),
        ("relief.recipients", (("programme_code", "rural_dibao"),)): (118001, "户次"),
        ("relief.recipients", (("programme_code", "rural_wubao"),)): (35175, "人次"),
        ("relief.recipients", (("programme_code", "disaster_relief"),)): (8882, "户次"),
        ("relief.recipients", (("programme_code", "special_care"),)): (13996, "人次"),
        ("relief.policies", (("relief_category_code", "social_assistance"),)): (2, "条"),
        ("relief.policies", (("relief_category_code", "living_security"),)): (2, "条"),
        ("relief.policies", (("relief_category_code", "special_care"),)): (3, "条"),
        ("relief.policies", (("relief_category_code", "emergency_platform"),)): (25, "条"),
        ("requests.count", (("request_row_code", "legacy.received"), REQUEST)): (11, "件"),
        ("requests.count", (("request_row_code", "legacy.replies"), REQUEST)): (11, "件"),
        ("requests.count", (("request_row_code", "legacy.replies.already_public"), REQUEST)): (
            2,
            "件",
        ),
        ("requests.count", (("request_row_code", "legacy.replies.granted"), REQUEST)): (6, "件"),
        ("requests.count", (("request_row_code", "legacy.replies.not_this_agency"), REQUEST)): (
            3,
            "件",
        ),
        ("requests.response_rate_pct", ()): (100, "%"),
        ("fees.charged_amount", ()): (0, "元"),
        ("review.count", (("block_code", "review"), ("result_code", "total"))): (0, "件"),
        ("review.count", (("block_code", "litigation"), ("result_code", "total"))): (0, "件"),
        ("review.count", (("block_code", "complaint"), ("result_code", "total"))): (1, "件"),
    }
    assert {f.value.qualifier for f in report.facts} == {"exact"}
    fee = next(f for f in report.facts if f.measure_code == "fees.charged_amount")
    assert (fee.value.text, str(fee.location)) == ("未发生", "anlu-2017.xlsx 收费!C4")
