"""Reports built as `Fact`s for the tests of checks and loading, without a reader.

The Anlu 2017 figures are the real ones (domain README, `anlu-2017-report.txt`); the sheets and
cells they sit in are placed by this module, as a workbook laid out that way would hold them.
Everything else built here is synthetic and says so in its file name.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from etl.records import (
    ExtractedReport,
    Extraction,
    Fact,
    Location,
    ParsedValue,
    Qualifier,
    ReportHeader,
)

ANLU_FILE = "anlu-2017.xlsx"

#: The real 权责清单 counts and relief recipients of the Anlu 2017 report (domain README).
ANLU_TOWNSHIPS = (
    ("赵棚镇", 77),
    ("陈店乡", 74),
    ("李店镇", 77),
    ("巡店镇", 78),
    ("辛榨乡", 78),
    ("棠棣镇", 78),
    ("木榨乡", 77),
    ("雷公镇", 77),
    ("王义贞", 77),
    ("烟店镇", 78),
    ("孛畈镇", 78),
    ("洑水镇", 78),
    ("接官乡", 77),
    ("南城办事处", 78),
    ("府城办事处", 75),
)

ANLU_RECIPIENTS = (
    ("temporary_assistance", 1103),
    ("medical_assistance", 1017),
    ("urban_dibao", 39110),
    ("rural_dibao", 118001),
    ("rural_wubao", 35175),
    ("disaster_relief", 8882),
    ("special_care", 13996),
)


def fact(
    measure: str,
    value: str | int,
    cell: str,
    *,
    sheet: str | None = "主动公开",
    file: str = ANLU_FILE,
    qualifier: Qualifier = "exact",
    unit: str | None = None,
    **dims: str,
) -> Fact:
    """A fact as a reader would give it; `value` is written as in the file ("88.6")."""
    return Fact(
        measure_code=measure,
        dims=tuple(dims.items()),
        value=ParsedValue(Decimal(str(value)), qualifier, str(value)),
        location=Location(file, sheet, cell),
        unit_code=unit,
    )


def anlu_2017_facts() -> list[Fact]:
    """Every figure of the Anlu 2017 report, on three sheets."""
    facts = [
        fact("proactive.total", 8052, "C3"),
        fact("proactive.by_publisher", 1383, "C4", publisher_group_code="townships"),
        fact("proactive.by_publisher", 6669, "C5", publisher_group_code="departments"),
        fact("proactive.by_channel", 7136, "C6", channel_code="website"),
        fact("proactive.channel_share_pct", "88.6", "D6", channel_code="website"),
        fact("proactive.by_channel", 582, "C7", channel_code="new_media"),
        fact("proactive.channel_share_pct", "7.2", "D7", channel_code="new_media"),
        fact("proactive.by_category", 2980, "C8", category_code="common_work"),
        fact("proactive.by_category", 10, "C9", category_code="audit_reports"),
        fact("rights.items_total", 1157, "C10"),
        fact("rights.townships", 15, "C11"),
    ]
    facts += [
        fact("rights.items_by_township", items, f"C{row}", township=name)
        for row, (name, items) in enumerate(ANLU_TOWNSHIPS, start=12)
    ]
    facts += [
        fact("fiscal.budget_units", 74, "C27"),
        fact("fiscal.budget_disclosure_rate_pct", 100, "C28"),
        fact("fiscal.special_funds_required", 64, "C29"),
        fact("fiscal.special_funds_allocated", 48, "C30"),
        fact("fiscal.special_funds_allocated_amount", 89693, "C31"),
        fact("fiscal.special_funds_disclosed", 48, "C32"),
        fact("fiscal.special_funds_disclosed_pct", 100, "C33"),
        fact("fiscal.special_funds_disclosed_amount", 89693, "C34"),
        fact("fiscal.special_funds_disclosed_amount_pct", 100, "C35"),
        fact("relief.disclosures", 11, "C36"),
        fact("relief.recipients_total", 217284, "C37"),
    ]
    facts += [
        fact("relief.recipients", count, f"C{row}", programme_code=programme)
        for row, (programme, count) in enumerate(ANLU_RECIPIENTS, start=38)
    ]
    facts += [
        fact("relief.policies", 2, "C45", relief_category_code="social_assistance"),
        fact("relief.policies", 2, "C46", relief_category_code="living_security"),
        fact("relief.policies", 3, "C47", relief_category_code="special_care"),
        fact("relief.policies", 25, "C48", relief_category_code="emergency_platform"),
    ]
    requests = "依申请公开"
    facts += [
        fact("requests.count", 11, "C3", sheet=requests, request_row_code="legacy.received"),
        fact("requests.count", 11, "C4", sheet=requests, request_row_code="legacy.replies"),
        fact(
            "requests.count",
            2,
            "C5",
            sheet=requests,
            request_row_code="legacy.replies.already_public",
        ),
        fact("requests.count", 6, "C6", sheet=requests, request_row_code="legacy.replies.granted"),
        fact(
            "requests.count",
            3,
            "C7",
            sheet=requests,
            request_row_code="legacy.replies.not_this_agency",
        ),
        fact("requests.response_rate_pct", 100, "C8", sheet=requests),
        fact("fees.charged_amount", 0, "C9", sheet=requests),
    ]
    review = "复议诉讼"
    facts += [
        fact("review.count", 1, "C3", sheet=review, block_code="complaint", result_code="total"),
        fact("review.count", 0, "C4", sheet=review, block_code="review", result_code="total"),
        fact("review.count", 0, "C5", sheet=review, block_code="litigation", result_code="total"),
    ]
    return facts


def anlu_2017_header(file: str = ANLU_FILE) -> ReportHeader:
    """安陆市 (county-level city under 孝感市, division code 420982), 2017, published 2018-01-17."""
    return ReportHeader(
        agency_name="安陆市",
        year=2017,
        regime_code="pre2019",
        level_code="county",
        parent_agency_name="孝感市",
        division_code="420982",
        published_on=date(2018, 1, 17),
        location=Location(file, "基本信息"),
    )


def anlu_2017() -> ExtractedReport:
    """The Anlu 2017 report as a reader gives it."""
    return ExtractedReport(anlu_2017_header(), anlu_2017_facts())


def with_value(report: ExtractedReport, measure: str, value: str | int, **dims: str) -> None:
    """Change the value of one fact of `report` in place (the fact must exist)."""
    key = (measure, tuple(dims.items()))
    for i, f in enumerate(report.facts):
        if f.key == key:
            parsed = ParsedValue(Decimal(str(value)), "exact", str(value))
            report.facts[i] = replace(f, value=parsed)
            return
    raise KeyError(key)


def extraction(path: Path, *reports: ExtractedReport) -> Extraction:
    """What a reader returns for `path` holding `reports`, without findings."""
    return Extraction(path=path, file_format="xlsx", reports=list(reports))


SYNTHETIC_COUNTY = "合成县（测试用）"
SYNTHETIC_CITY = "合成市（测试用）"

#: Rows of the synthetic table 三 and the columns of its applicants.
_TABLE3_ROWS = {
    "new": 3,
    "carried_over": 4,
    "results.disclosed": 6,
    "results.partial": 7,
    "results.unavailable.not_held": 18,
    "results.total": 32,
    "carried_forward": 33,
}
_TABLE3_COLUMNS = {"natural_person": "B", "commercial": "C", "total": "H"}


def std2021_report(
    year: int,
    *,
    file: str | None = None,
    carried_over: int = 1,
    carried_forward: int = 1,
    in_force: int = 10,
    issued: int = 2,
    repealed: int = 1,
) -> ExtractedReport:
    """A synthetic county's std2021 report, consistent within itself.

    Natural persons carry `carried_over` requests over and `carried_forward` forward (new
    requests make the balance); companies carry none. Table 二 has one row (行政规范性文件),
    table 四 one block (行政复议).
    """
    file = file or f"synthetic-county-{year}.xlsx"
    by_column = {
        "natural_person": {
            "new": 5 + carried_forward - carried_over,
            "carried_over": carried_over,
            "results.disclosed": 3,
            "results.partial": 1,
            "results.unavailable.not_held": 1,
            "results.total": 5,
            "carried_forward": carried_forward,
        },
        "commercial": {
            "new": 2,
            "carried_over": 0,
            "results.disclosed": 2,
            "results.total": 2,
            "carried_forward": 0,
        },
    }
    by_column["total"] = {
        row: sum(values.get(row, 0) for values in by_column.values()) for row in _TABLE3_ROWS
    }
    facts = [
        fact(
            "requests.count",
            value,
            f"{_TABLE3_COLUMNS[column]}{_TABLE3_ROWS[row]}",
            sheet="表三",
            file=file,
            request_row_code=f"std2021.{row}",
            applicant_type_code=column,
        )
        for column, values in by_column.items()
        for row, value in values.items()
    ]
    facts += [
        fact(
            "table2.value",
            value,
            cell,
            sheet="表二",
            file=file,
            table_row_code="std2021.normative",
            table_column_code=column,
        )
        for column, value, cell in (
            ("std2021.issued", issued, "B5"),
            ("std2021.repealed", repealed, "C5"),
            ("std2021.in_force", in_force, "D5"),
        )
    ]
    facts += [
        fact(
            "review.count",
            value,
            f"{letter}4",
            sheet="表四",
            file=file,
            block_code="review",
            result_code=result,
        )
        for result, value, letter in (
            ("upheld", 1, "A"),
            ("corrected", 0, "B"),
            ("other", 0, "C"),
            ("pending", 1, "D"),
            ("total", 2, "E"),
        )
    ]
    header = ReportHeader(
        agency_name=SYNTHETIC_COUNTY,
        year=year,
        regime_code="std2021",
        level_code="county",
        parent_agency_name=SYNTHETIC_CITY,
        location=Location(file, "基本信息"),
    )
    return ExtractedReport(header, facts)
