"""Tables 三 and 四 of the standard formats (std2019 and std2021), shared by both layouts.

Table 三 is the official grid: its rows (一 to 四, with the outcomes 三（一）–（七）) × the seven
applicant columns under 申请人情况 / 法人或其他组织. Row codes are the `request_rows` codes of
the reference data (`std2021.results.withheld.state_secret`), so a cell's code is
`std2021.results.withheld.state_secret:natural_person`. The group headings （三）–（六） carry no
figures in the official layout; a publisher's subtotal printed on them (or on a 小计 row under
their items) is read and stored under the heading's code. Table 四 is one row of fifteen
numbers under merged headers, as the official format prints it. Labels are verbatim; a test
holds them equal to the reference data of a migrated database.
"""

from __future__ import annotations

from etl.layouts.model import Grid, GridColumn, GridRow, RowRole, Section

#: The seven applicant columns of table 三 (applicant_types): code, label, header groups.
APPLICANT_COLUMNS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("natural_person", "自然人", ("申请人情况",)),
    ("commercial", "商业企业", ("申请人情况", "法人或其他组织")),
    ("research", "科研机构", ("申请人情况", "法人或其他组织")),
    ("public_interest", "社会公益组织", ("申请人情况", "法人或其他组织")),
    ("legal_service", "法律服务机构", ("申请人情况", "法人或其他组织")),
    ("other_org", "其他", ("申请人情况", "法人或其他组织")),
    ("total", "总计", ("申请人情况",)),
)

TABLE3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

#: Label variants seen in published tables, by the row's code without its regime prefix.
_ROW_ALIASES: dict[str, tuple[str, ...]] = {
    "new": ("本年新收政府信息公开申请数",),
    "carried_over": ("上年结转政府信息公开申请数",),
    "carried_forward": ("结转下年度继续办理数", "结转下年度继续办理的申请数量"),
}


def _table3_rows(regime: str) -> tuple[tuple[str, str, int, RowRole], ...]:
    """(code without regime, label, indent, role) of every row, in the official order."""
    rows: list[tuple[str, str, int, RowRole]] = [
        ("new", "一、本年新收政府信息公开申请数量", 0, "data"),
        ("carried_over", "二、上年结转政府信息公开申请数量", 0, "data"),
        ("results", "三、本年度办理结果", 0, "heading"),
        ("results.disclosed", "（一）予以公开", 1, "data"),
        (
            "results.partial",
            "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            1,
            "data",
        ),
        ("results.withheld", "（三）不予公开", 1, "subtotal"),
        *(
            (f"results.withheld.{code}", label, 2, "data")
            for code, label in (
                ("state_secret", "1.属于国家秘密"),
                ("prohibited_by_law", "2.其他法律行政法规禁止公开"),
                ("three_securities", "3.危及“三安全一稳定”"),
                ("third_party", "4.保护第三方合法权益"),
                ("internal_affairs", "5.属于三类内部事务信息"),
                ("process_information", "6.属于四类过程性信息"),
                ("enforcement_files", "7.属于行政执法案卷"),
                ("inquiry", "8.属于行政查询事项"),
            )
        ),
        ("results.unavailable", "（四）无法提供", 1, "subtotal"),
        *(
            (f"results.unavailable.{code}", label, 2, "data")
            for code, label in (
                ("not_held", "1.本机关不掌握相关政府信息"),
                ("needs_creation", "2.没有现成信息需要另行制作"),
                ("still_unclear", "3.补正后申请内容仍不明确"),
            )
        ),
        ("results.not_processed", "（五）不予处理", 1, "subtotal"),
        *(
            (f"results.not_processed.{code}", label, 2, "data")
            for code, label in (
                ("petition", "1.信访举报投诉类申请"),
                ("repeated", "2.重复申请"),
                ("publications", "3.要求提供公开出版物"),
                ("excessive", "4.无正当理由大量反复申请"),
                ("confirmation", "5.要求行政机关确认或重新出具已获取信息"),
            )
        ),
    ]
    if regime == "std2019":
        rows.append(("results.other", "（六）其他处理", 1, "data"))
    else:
        rows += [
            ("results.other", "（六）其他处理", 1, "subtotal"),
            (
                "results.other.no_correction",
                "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                2,
                "data",
            ),
            (
                "results.other.unpaid_fee",
                "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
                2,
                "data",
            ),
            ("results.other.other", "3.其他", 2, "data"),
        ]
    rows += [
        ("results.total", "（七）总计", 1, "data"),
        ("carried_forward", "四、结转下年度继续办理", 0, "data"),
    ]
    return tuple(rows)


def table3_section(regime: str) -> Section:
    """The sheet 表三 of `regime`: the request table with its seven applicant columns."""
    rows = tuple(
        GridRow(
            f"{regime}.{code}",
            label,
            (("request_row_code", f"{regime}.{code}"),),
            _ROW_ALIASES.get(code, ()),
            indent,
            role,
        )
        for code, label, indent, role in _table3_rows(regime)
    )
    columns = tuple(
        GridColumn(code, label, (("applicant_type_code", code),), unit="件", groups=groups)
        for code, label, groups in APPLICANT_COLUMNS
    )
    grid = Grid(
        f"{regime}.table3",
        "三、收到和处理政府信息公开申请情况",
        "requests.count",
        rows,
        columns,
        headings=("申请人情况", "法人或其他组织"),
        corner=TABLE3_CORNER,
        show_units=False,
    )
    return Section("表三", "三、收到和处理政府信息公开申请情况", (grid,))


#: Table 四's blocks (review_blocks) with their header groups, and the five results.
REVIEW_BLOCKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("review", ("行政复议",)),
    ("litigation_direct", ("行政诉讼", "未经复议直接起诉")),
    ("litigation_after_review", ("行政诉讼", "复议后起诉")),
)
REVIEW_RESULTS: tuple[tuple[str, str], ...] = (
    ("upheld", "结果维持"),
    ("corrected", "结果纠正"),
    ("other", "其他结果"),
    ("pending", "尚未审结"),
    ("total", "总计"),
)


def table4_section(regime: str) -> Section:
    """The sheet 表四 of `regime`: fifteen numbers, 行政复议 and 行政诉讼 by kind × result."""
    columns = tuple(
        GridColumn(
            f"{block}_{result}",
            label,
            (("block_code", block), ("result_code", result)),
            unit="件",
            groups=groups,
        )
        for block, groups in REVIEW_BLOCKS
        for result, label in REVIEW_RESULTS
    )
    grid = Grid(
        f"{regime}.table4",
        "四、政府信息公开行政复议、行政诉讼情况",
        "review.count",
        (GridRow(f"{regime}.table4.cases", "件数", aliases=("案件数", "数量")),),
        columns,
        headings=("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"),
        corner="",
        show_units=False,
    )
    return Section("表四", "四、政府信息公开行政复议、行政诉讼情况", (grid,))
