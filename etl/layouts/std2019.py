"""The std2019 workbook: tables 二, 三 and 四 of 国办公开办函〔2019〕60号 (试行), 2019–2020.

Table 二 has its own columns (上一年项目数量, 本年增/减 — signed —, 处理决定数量; 政府集中采购
with an amount in 元 or 万元, chosen in the 单位 column); table 三 has one （六）其他处理 row.
"""

from __future__ import annotations

from etl.layouts.model import Layout, Section
from etl.layouts.narrative import STD_NARRATIVE
from etl.layouts.standard import table3_section, table4_section
from etl.layouts.table2 import ColumnSpec, table2_grid

_ITEMS: tuple[ColumnSpec, ...] = (
    ("previous_items", "上一年项目数量", "项", "count", ()),
    ("change", "本年增/减", "项", "signed", ("本年增减", "本年增（减）")),
)
_DECISIONS: ColumnSpec = ("decisions", "处理决定数量", "件", "count", ("本年处理决定数量",))

TABLE2 = Section(
    "表二",
    "二、主动公开政府信息情况",
    (
        table2_grid(
            "std2019",
            1,
            (
                ("rules", "规章", ()),
                ("normative", "规范性文件", ("行政规范性文件",)),
                ("other_documents", "其他主动公开文件", ()),
            ),
            (
                ("made", "本年新制作数量", "件", "count", ()),
                ("published", "本年新公开数量", "件", "count", ()),
                ("total_public", "对外公开总数量", "件", "count", ()),
            ),
        ),
        table2_grid(
            "std2019",
            5,
            (("licensing", "行政许可", ()), ("other_services", "其他对外管理服务事项", ())),
            (*_ITEMS, _DECISIONS),
        ),
        table2_grid(
            "std2019",
            6,
            (("punishment", "行政处罚", ()), ("coercion", "行政强制", ())),
            (*_ITEMS, _DECISIONS),
        ),
        table2_grid("std2019", 8, (("fees", "行政事业性收费", ()),), _ITEMS),
        table2_grid(
            "std2019",
            9,
            (("procurement", "政府集中采购", ()),),
            (
                ("procurement_items", "采购项目数量", "项", "count", ()),
                ("procurement_amount", "采购总金额", None, "amount", ()),
                ("procurement_amount_unit", "单位", None, "unit", ("金额单位",)),
            ),
        ),
    ),
)

STD2019 = Layout(
    "std2019",
    "政府信息公开工作年度报告统计表（国办公开办函〔2019〕60号，2019–2020年度）",
    (TABLE2, table3_section("std2019"), table4_section("std2019"), STD_NARRATIVE),
)
