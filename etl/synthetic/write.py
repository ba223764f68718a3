"""Write one synthetic report: a filled template (xlsx) or a long-format CSV.

The workbook is the regime's template (`etl.templates.build_template`) filled through its
codes (`fill_template`), as a department would receive and return it. The CSV has the long
format's Chinese column names, one row per figure. Some clean figures are written the way
people write them (8,052, 8052条, 无 for zero) so that reading them is part of the load.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

from etl.layouts import HEADER_FIELDS, Item, Layout, RepeatingList
from etl.layouts.header import LEVELS
from etl.parse import COUNT_UNITS
from etl.synthetic.bodies import Body
from etl.synthetic.defect_model import Defect
from etl.synthetic.figures import Figures
from etl.templates import build_template, fill_template

#: The long format's columns as the CSV writes them (Chinese names; see LONG_COLUMNS).
CSV_COLUMNS = (
    "填报单位",
    "上级单位",
    "层级",
    "行政区划代码",
    "年度",
    "报告格式",
    "发布日期",
    "指标代码",
    "维度",
    "数值",
    "单位",
    "项目",
)
_HEADER_CODES = tuple(f.code for f in HEADER_FIELDS)

#: How often a clean count is written as people write it rather than as a bare number.
NOTATION_RATE = 0.03


def header_values(body: Body, year: int, regime_code: str, rng: random.Random) -> Figures:
    """The 基本信息 fields of the report, by code."""
    return {
        "header.agency_name": body.name,
        "header.parent_agency": body.parent_name,
        "header.level": LEVELS[body.level_code],
        "header.division_code": body.division_code,
        "header.year": year,
        "header.regime": regime_code,
        "header.published_on": date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
    }


def dress(values: Figures, layout: Layout, rng: random.Random) -> None:
    """Write a few counts as people do: 无 for 0, 8,052, 8052条 (all read as numbers)."""
    items = _items(layout)
    for code, value in values.items():
        item = items.get(code)
        if item is None or item.value_kind != "count" or type(value) is not int:
            continue
        if value < 0 or rng.random() >= NOTATION_RATE:
            continue
        if value == 0:
            values[code] = "无"
        elif value >= 1000:
            values[code] = f"{value:,}"
        elif item.unit in COUNT_UNITS:
            values[code] = f"{value}{item.unit}"


def write_xlsx(path: Path, layout: Layout, values: Figures, defect: Defect | None) -> None:
    """The regime's template filled with `values` by code, with the defect's damage if any."""
    workbook = build_template(layout)
    fill_template(workbook, {k: v for k, v in values.items() if v is not None})
    if defect is not None and defect.alter_workbook is not None:
        defect.alter_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    if defect is not None and defect.alter_bytes is not None:
        content = defect.alter_bytes(content)
    path.write_bytes(content)


def write_csv(path: Path, layout: Layout, values: Figures, defect: Defect | None) -> None:
    """One long-format row per figure (UTF-8 with BOM, as Excel saves CSV)."""
    rows = [list(CSV_COLUMNS), *_long_rows(layout, values)]
    if defect is not None and defect.alter_rows is not None:
        defect.alter_rows(rows)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode("utf-8-sig"))


def _long_rows(layout: Layout, values: Figures) -> Iterator[list[str]]:
    header = [_text(values.get(code)) for code in _HEADER_CODES]
    for item, value in cell_values(layout, values):
        if isinstance(item, RepeatingList):
            assert isinstance(value, Mapping)
            for name, figure in value.items():
                yield [*header, *_row(item.item(name), figure, item.unit)]
        else:
            yield [*header, *_row(item, value, unit_of(layout, values, item))]


def cell_values(layout: Layout, values: Figures) -> Iterator[tuple[Item | RepeatingList, object]]:
    """The figures by input cell (or list), header fields and unit cells left out."""
    items, lists = layout_index(layout)
    for code, value in values.items():
        if value is None:
            continue
        if code in lists:
            yield lists[code], value
        elif code in items:
            yield items[code], value


def unit_of(layout: Layout, values: Figures, item: Item) -> str | None:
    """An amount's unit: the one chosen in its row's unit cell (元 or 万元), else the layout's."""
    if item.unit_choices and ":" in item.code:
        row = item.code.split(":")[0]
        items = layout_index(layout)[0]
        for code, value in values.items():
            if code.startswith(f"{row}:") and code not in items and isinstance(value, str):
                return value
    return item.unit


def _row(item: Item, value: object, unit: str | None) -> list[str]:
    dims = "; ".join(f"{name}={v}" for name, v in item.dims)
    return [item.measure_code, dims, _text(value), unit or "", item.label]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _items(layout: Layout) -> dict[str, Item]:
    return layout_index(layout)[0]


_INDEXES: dict[str, tuple[dict[str, Item], dict[str, RepeatingList]]] = {}


def layout_index(layout: Layout) -> tuple[dict[str, Item], dict[str, RepeatingList]]:
    """A layout's input cells and lists by code, made once per regime."""
    if layout.regime_code not in _INDEXES:
        items = {item.code: item for _section, item in layout.cells()}
        lists = {part.code: part for section in layout.sections for part in section.lists()}
        _INDEXES[layout.regime_code] = (items, lists)
    return _INDEXES[layout.regime_code]
