"""Table 二 (主动公开政府信息情况) of the standard formats: one small grid per 第二十条 item.

The official table prints each item of article 20 as its own block: a title (第二十条第（一）项),
a header row (信息内容 and the block's columns), then its rows. std2019 and std2021 differ in
rows and columns (see the domain README); both are data here, with the `proactive_table_rows`
and `proactive_table_columns` codes of the reference data. A provincial row such as Hubei's
其他主动公开文件 is accepted and stored under its `*.other_documents` code, which the
reference data flags as a provincial extension.
"""

from __future__ import annotations

from etl.layouts.model import ColumnKind, Grid, GridColumn, GridRow

PROVINCIAL_NOTE = "省级扩展行（如湖北）：本省表格没有此行的留空"
CORNER = "信息内容"

#: (code without regime, label, aliases) of table 二's rows.
RowSpec = tuple[str, str, tuple[str, ...]]
#: (code without regime, label, unit, kind, aliases) of table 二's columns.
ColumnSpec = tuple[str, str, str | None, ColumnKind, tuple[str, ...]]


_NUMERALS = {1: "一", 5: "五", 6: "六", 8: "八", 9: "九"}


def table2_grid(
    regime: str, item: int, rows: tuple[RowSpec, ...], columns: tuple[ColumnSpec, ...]
) -> Grid:
    """The block of article 20 item `item` (1, 5, 6, 8, 9) of `regime`'s table 二."""
    grid_rows = tuple(
        GridRow(
            f"{regime}.{code}",
            label,
            (("table_row_code", f"{regime}.{code}"),),
            aliases,
            note=PROVINCIAL_NOTE if code == "other_documents" else None,
        )
        for code, label, aliases in rows
    )
    grid_columns = tuple(
        GridColumn(
            code,
            label,
            () if kind == "unit" else (("table_column_code", f"{regime}.{code}"),),
            unit=unit if kind != "unit" else None,
            value_kind=kind,
            aliases=aliases,
            unit_for="procurement_amount" if kind == "unit" else None,
            unit_choices=("元", "万元") if kind == "unit" else (),
        )
        for code, label, unit, kind, aliases in columns
    )
    return Grid(
        f"{regime}.table2.item{item}",
        f"第二十条第（{_NUMERALS[item]}）项",
        "table2.value",
        grid_rows,
        grid_columns,
        corner=CORNER,
        show_units=False,
    )
