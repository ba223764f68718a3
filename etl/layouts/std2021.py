"""The std2021 workbook: tables 二, 三 and 四 of 国办公开办函〔2021〕30号, labels verbatim.

Table 二's columns are new in 2021 (本年制发件数, 本年废止件数, 现行有效件数; fees in 万元, a
decimal), table 三 splits （六）其他处理 into three rows. Codes are the reference data's.
"""

from __future__ import annotations

from etl.layouts.model import Layout, Section
from etl.layouts.narrative import STD_NARRATIVE
from etl.layouts.standard import table3_section, table4_section
from etl.layouts.table2 import ColumnSpec, table2_grid

_DOCUMENT_COLUMNS: tuple[ColumnSpec, ...] = (
    ("issued", "本年制发件数", "件", "count", ()),
    ("repealed", "本年废止件数", "件", "count", ()),
    ("in_force", "现行有效件数", "件", "count", ("现行有效件",)),
)
_DECISIONS: tuple[ColumnSpec, ...] = (
    ("decisions", "本年处理决定数量", "件", "count", ("处理决定数量",)),
)

TABLE2 = Section(
    "表二",
    "二、主动公开政府信息情况",
    (
        table2_grid(
            "std2021",
            1,
            (
                ("rules", "规章", ()),
                ("normative", "行政规范性文件", ("规范性文件",)),
                ("other_documents", "其他主动公开文件", ()),
            ),
            _DOCUMENT_COLUMNS,
        ),
        table2_grid("std2021", 5, (("licensing", "行政许可", ()),), _DECISIONS),
        table2_grid(
            "std2021", 6, (("punishment", "行政处罚", ()), ("coercion", "行政强制", ())), _DECISIONS
        ),
        table2_grid(
            "std2021",
            8,
            (("fees", "行政事业性收费", ()),),
            (("fee_amount", "本年收费金额（单位：万元）", "万元", "amount", ("本年收费金额",)),),
        ),
    ),
)

STD2021 = Layout(
    "std2021",
    "政府信息公开工作年度报告统计表（国办公开办函〔2021〕30号，2021年度起）",
    (TABLE2, table3_section("std2021"), table4_section("std2021"), STD_NARRATIVE),
)
