"""What real files contain is read, not refused: label variants, text numbers, blank rows and
columns, merged headers, sheets in another order, no code column, legacy .xls."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from workbook_factory import Rows, write_xls, write_xlsx

from etl.extract import read_file
from etl.records import Extraction

#: A hand-made workbook: no 代码 column, a blank first column, blank rows, labels written the
#: way people write them, numbers as text with units, and sheets in another order.
HAND_MADE: dict[str, Rows] = {
    "复议诉讼": [
        [None, "项目", "结果"],
        [None, None, "维持", "被依法纠错", "其他情形", "尚未审结", "合计"],
        [None, "行政复议数", 0, 0, 0, 0, "0"],
        [],
        [None, "举报投诉数", None, None, None, None, "1起"],
    ],
    "主动公开": [
        [None, "主动公开情况表"],
        [],
        [None, "项目", "数\n值", "单位"],
        [None, "主动公开政府\n信息数", "８，０５２", "条"],
        [None, "其中:主动公开规范性文件数", "无"],
        [],
        [None, "乡镇人民政府(开发区)、办事处", "1383条"],
        [None, "市政府 有关部门", " 6669 "],
        [None, "按公开渠道"],
        [None, "公开渠道", "主动公开政府信息数", "占比"],
        [None, "政府网站", 7136, "88.6%"],
        [None, "“两微一端”", "582", "7.2"],
        [],
        [None, "1、共性工作信息", "约3000条"],
        [None, "审计公告", "10余期"],
    ],
    "依申请公开": [
        [None, "收到申请数（件）", 11],
        [None, "申请答复数", "11件"],
        [None, "申请答复率", "100%"],
    ],
    "权责清单": [
        [None, "权责清单事项数（按乡镇、办事处）"],
        [None, "乡镇（办事处）", "数值"],
        [None, "赵棚镇", 77],
        [None, "陈店乡", "78项"],
        [None, "合计", "155"],
    ],
    "基本信息": [
        [],
        [None, "单位名称", "安陆市"],
        [None, "年度", "2017年"],
        [None, "发布日期", "2018年1月17日"],
    ],
}
OTHER_SHEETS = ("回应解读", "财政资金", "社会救助", "收费", "机构建设")

EXPECTED = [
    ("proactive.total", (), Decimal(8052), "exact", "主动公开!C4"),
    ("proactive.normative_documents", (), Decimal(0), "exact", "主动公开!C5"),
    ("proactive.by_publisher", (("publisher_group_code", "townships"),), Decimal(1383), "exact", "主动公开!C7"),
    ("proactive.by_publisher", (("publisher_group_code", "departments"),), Decimal(6669), "exact", "主动公开!C8"),
    ("proactive.by_channel", (("channel_code", "website"),), Decimal(7136), "exact", "主动公开!C11"),
    ("proactive.channel_share_pct", (("channel_code", "website"),), Decimal("88.6"), "exact", "主动公开!D11"),
    ("proactive.by_channel", (("channel_code", "new_media"),), Decimal(582), "exact", "主动公开!C12"),
    ("proactive.channel_share_pct", (("channel_code", "new_media"),), Decimal("7.2"), "exact", "主动公开!D12"),
    ("proactive.by_category", (("category_code", "common_work"),), Decimal(3000), "estimate", "主动公开!C14"),
    ("proactive.by_category", (("category_code", "audit_reports"),), Decimal(10), "lower_bound", "主动公开!C15"),
    ("rights.items_by_township", (("township", "赵棚镇"),), Decimal(77), "exact", "权责清单!C3"),
    ("rights.items_by_township", (("township", "陈店乡"),), Decimal(78), "exact", "权责清单!C4"),
    ("rights.items_total", (), Decimal(155), "exact", "权责清单!C5"),
    ("requests.count", (("request_row_code", "legacy.received"), ("applicant_type_code", "total")), Decimal(11), "exact", "依申请公开!C1"),
    ("requests.count", (("request_row_code", "legacy.replies"), ("applicant_type_code", "total")), Decimal(11), "exact", "依申请公开!C2"),
    ("requests.response_rate_pct", (), Decimal(100), "exact", "依申请公开!C3"),
    *(
        ("review.count", (("block_code", "review"), ("result_code", result)), Decimal(0), "exact", f"复议诉讼!{cell}3")
        for result, cell in (("upheld", "C"), ("corrected", "D"), ("other", "E"), ("pending", "F"), ("total", "G"))
    ),
    ("review.count", (("block_code", "complaint"), ("result_code", "total")), Decimal(1), "exact", "复议诉讼!G5"),
]  # fmt: skip


def _facts(extraction: Extraction) -> list[tuple[object, ...]]:
    assert [str(f) for f in extraction.findings] == []
    [report] = extraction.reports
    return sorted(
        (
            (f.measure_code, f.dims, f.value.value, f.value.qualifier, f"{f.location.sheet}!{f.location.cell}")
            for f in report.facts
        ),
        key=lambda fact: (str(fact[4]).split("!")[0], int("".join(filter(str.isdigit, str(fact[4]))))),
    )  # fmt: skip


def _sheets() -> dict[str, Rows]:
    return {**HAND_MADE, **{name: [] for name in OTHER_SHEETS}}


def _sorted(expected: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    return sorted(
        expected,
        key=lambda fact: (
            str(fact[4]).split("!")[0],
            int("".join(filter(str.isdigit, str(fact[4])))),
        ),
    )


Writer = Callable[[Path, dict[str, Rows]], Path]


@pytest.mark.parametrize(
    ("name", "write"),
    [
        ("hand-made.xlsx", lambda p, s: write_xlsx(p, s, merged={"复议诉讼": ["C1:G1"], "主动公开": ["B1:D1"]})),
        ("hand-made.xls", write_xls),
    ],
)  # fmt: skip
def test_hand_made_workbook_reads_by_label(tmp_path: Path, name: str, write: Writer) -> None:
    extraction = read_file(write(tmp_path / name, _sheets()))
    assert extraction.file_format == name.rsplit(".", 1)[1]
    assert _facts(extraction) == _sorted(EXPECTED)
    header = extraction.reports[0].header
    assert (header.agency_name, header.year, header.regime_code, str(header.published_on)) == (
        "安陆市",
        2017,
        "pre2019",
        "2018-01-17",
    )


def test_texts_are_kept_for_traceability(tmp_path: Path) -> None:
    extraction = read_file(write_xlsx(tmp_path / "x.xlsx", _sheets()))
    texts = {
        f.location.cell: f.value.text
        for f in extraction.reports[0].facts
        if f.location.sheet == "主动公开"
    }
    assert (texts["C4"], texts["C5"], texts["C14"]) == ("８，０５２", "无", "约3000条")  # fmt: skip


def test_a_misspelt_grid_column_is_named(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["复议诉讼"] = [
        [None, "项目", "维持", "被依法纠错", "其他情形", "尚未审结", "合记"],
        [None, "行政复议数", 0, 0, 0, 0, 0],
    ]
    findings = [str(f) for f in read_file(write_xlsx(tmp_path / "x.xlsx", sheets)).findings]
    assert findings == [
        "x.xlsx 复议诉讼!G1: expected a column label of the table 行政复议、行政诉讼和举报投诉数, "
        'found "合记"'
    ]
