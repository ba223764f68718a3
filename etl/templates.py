"""Fillable workbooks: a template per layout, and filling one by codes from a program.

Every sheet has a 代码 column (A) beside the 项目 label column (B); figures go in column C and
units stand in column D. Grids add a 代码 row of column codes above their header row. Input
cells are yellow, with Excel data validation by kind (a warning, so that "约8000" can still be
typed after confirming). A program fills a template through `fill_template`, which finds cells by
their codes, not by position.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from etl.errors import TemplateError
from etl.layouts import (
    HEADER_FIELDS,
    HEADER_SHEET,
    Grid,
    GridColumn,
    Heading,
    Item,
    Layout,
    RepeatingList,
    Section,
    get_layout,
)
from etl.layouts.header import FIRST_YEAR, LEVELS, REGIMES, regime_of_year
from etl.output_files import write_output_file

CODE_HEADER = "代码"
LABEL_HEADER = "项目"
VALUE_HEADER = "数值"
UNIT_HEADER = "单位"
HEADER_VALUE_HEADER = "内容"
NOTE = (
    "黄色单元格为填报项。空白表示未知，没有则填 0（或“无”）；"
    "数字可带单位（8052条）、千分位（8,052），约数写作“约8000”或“8000余”。请勿修改“代码”列和“代码”行：程序按代码读取。"
)

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADING_FILL = PatternFill("solid", fgColor="EDEDED")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CODE_FONT = Font(color="808080", size=9)
_BOLD = Font(bold=True)


def write_template(
    regime_code: str, path: Path, *, agency: str | None = None, year: int | None = None
) -> Path:
    """Write the fillable workbook of `regime_code` to `path` (whole, or not at all), header
    pre-filled if given."""
    workbook = build_template(get_layout(regime_code), agency=agency, year=year)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_output_file(path, buffer.getvalue())
    return path


def build_template(layout: Layout, *, agency: str | None = None, year: int | None = None) -> Any:
    """The template of `layout` as an openpyxl `Workbook` (not saved)."""
    if year is not None and (year < FIRST_YEAR or regime_of_year(year) != layout.regime_code):
        first, last = REGIMES[layout.regime_code][1:]
        raise TemplateError(
            f"year {year} is not a {layout.regime_code} year: expected {first} to {last or 'now'}"
        )
    workbook = Workbook()
    _write_header_sheet(workbook.active, layout, agency, year)
    for section in layout.sections:
        _write_section(workbook.create_sheet(section.sheet), section)
    return workbook


def fill_template(
    target: Path | Any,
    values: Mapping[str, object],
    *,
    units: Mapping[str, str] | None = None,
) -> Any:
    """Fill a template's input cells by code; save it back when `target` is a path.

    `values` maps codes to figures (`"proactive.total": 8052`, `"review.complaint:total": 1`,
    `"header.year": 2017`); a repeating list's code maps to names and figures
    (`{"赵棚镇": 77, ...}` or pairs). `units` sets the unit of cells whose unit is an input.
    Returns the workbook; `TemplateError` names codes the template does not have.
    """
    workbook = load_workbook(target) if isinstance(target, Path) else target
    cells, lists = _index_codes(workbook)
    unknown = sorted(set(values) - set(cells) - set(lists))
    unknown += sorted(set(units or {}) - set(cells))
    if unknown:
        raise TemplateError(f"the template has no input cell with code {', '.join(unknown)}")
    for code, value in values.items():
        if code in lists:
            _fill_list(code, lists[code], value)
        else:
            cells[code][0].value = value
    for code, unit in (units or {}).items():
        cells[code][1].value = unit
    if isinstance(target, Path):
        workbook.save(target)
    return workbook


def _write_header_sheet(
    sheet: Worksheet, layout: Layout, agency: str | None, year: int | None
) -> None:
    sheet.title = HEADER_SHEET
    _title(sheet, f"基本信息 — {layout.title}", 4)
    _row(sheet, 3, (CODE_HEADER, LABEL_HEADER, HEADER_VALUE_HEADER, "说明"), font=_BOLD)
    prefilled: dict[str, object] = {"header.regime": layout.regime_code}
    if agency:
        prefilled["header.agency_name"] = agency
    if year:
        prefilled["header.year"] = year
    validations = {
        "header.year": _validation("whole", "between", str(FIRST_YEAR), "2100"),
        "header.level": DataValidation(type="list", formula1=f'"{",".join(LEVELS.values())}"'),
        "header.regime": DataValidation(type="list", formula1=f'"{",".join(REGIMES)}"'),
        "header.published_on": _validation("date", "greaterThan", "39448"),  # 2008-01-01
    }
    for offset, field in enumerate(HEADER_FIELDS):
        r = 4 + offset
        _row(sheet, r, (field.code, field.label, prefilled.get(field.code), field.hint))
        _mark_input(sheet.cell(r, 3))
        if field.required:
            sheet.cell(r, 2).font = _BOLD
        if field.code in validations:
            validation = validations[field.code]
            sheet.add_data_validation(validation)
            validation.add(sheet.cell(r, 3).coordinate)
        if field.code == "header.published_on":
            sheet.cell(r, 3).number_format = "yyyy-mm-dd"
    _widths(sheet, (24, 16, 30, 48))


def _write_section(sheet: Worksheet, section: Section) -> None:
    _title(sheet, section.title, 6)
    if any(isinstance(p, Item | RepeatingList) for p in section.parts):
        _row(sheet, 3, (CODE_HEADER, LABEL_HEADER, VALUE_HEADER, UNIT_HEADER), font=_BOLD)
    validations: dict[str, DataValidation] = {}
    r = 4
    for part in section.parts:
        if isinstance(part, Item):
            _row(sheet, r, (part.code, part.label, None, part.unit))
            sheet.cell(r, 2).alignment = Alignment(indent=2 * part.indent, wrap_text=True)
            _mark_input(sheet.cell(r, 3), _kind_validation(validations, sheet, part.value_kind))
            if part.required:
                sheet.cell(r, 2).font = _BOLD
            if part.unit_choices:
                _mark_input(sheet.cell(r, 4), _unit_validation(validations, sheet, part))
            r += 1
        elif isinstance(part, Heading):
            _row(sheet, r, (None, part.label), font=_BOLD)
            r += 1
        elif isinstance(part, Grid):
            r = _write_grid(sheet, part, r + 1, validations) + 1
        else:
            r = _write_list(sheet, part, r + 1, validations) + 1
    _widths(sheet, (34, 44, *(14,) * 15))
    sheet.freeze_panes = "C4"


def _write_grid(
    sheet: Worksheet, grid: Grid, r: int, validations: dict[str, DataValidation]
) -> int:
    """Title, code row, header rows, then one row per grid row; returns the next free row."""
    _row(sheet, r, (None, grid.label), font=_BOLD)
    _row(sheet, r + 1, (CODE_HEADER, None, *(c.code for c in grid.columns)))
    for cell in sheet[r + 1]:
        cell.font = _CODE_FONT
    r = _write_grid_header(sheet, grid, r + 2)
    for row in grid.rows:
        _row(sheet, r, (row.code, row.label))
        sheet.cell(r, 2).alignment = Alignment(indent=2 * row.indent, wrap_text=True)
        if row.role == "data":
            for c, column in enumerate(grid.columns, start=3):
                _mark_input(sheet.cell(r, c), _column_validation(validations, sheet, column))
        else:  # a group heading: the official table prints no figures here
            sheet.cell(r, 2).font = _BOLD
            for c in range(3, 3 + len(grid.columns)):
                sheet.cell(r, c).fill = _HEADING_FILL
                sheet.cell(r, c).border = _BORDER
        if row.note:
            sheet.cell(r, 3 + len(grid.columns), row.note).font = _CODE_FONT
        r += 1
    return r


def _write_grid_header(sheet: Worksheet, grid: Grid, r: int) -> int:
    """The header rows as the official tables print them (merged group headings)."""
    spans = grid.header_spans(units=grid.show_units)
    depth = max(span.row + span.rows for span in spans)
    corner = LABEL_HEADER if grid.corner is None else grid.corner
    sheet.cell(r, 2, corner or None).font = _BOLD
    if depth > 1:
        sheet.merge_cells(start_row=r, start_column=2, end_row=r + depth - 1, end_column=2)
    for span in spans:
        cell = sheet.cell(r + span.row, 3 + span.column, span.text)
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        if span.rows > 1 or span.columns > 1:
            sheet.merge_cells(
                start_row=r + span.row,
                start_column=3 + span.column,
                end_row=r + span.row + span.rows - 1,
                end_column=2 + span.column + span.columns,
            )
    return r + depth


def _column_validation(
    validations: dict[str, DataValidation], sheet: Worksheet, column: GridColumn
) -> DataValidation:
    if column.value_kind == "unit":
        choices = Item(column.code, column.label, "", unit_choices=column.unit_choices)
        return _unit_validation(validations, sheet, choices)
    return _kind_validation(validations, sheet, column.value_kind)


def _write_list(
    sheet: Worksheet, part: RepeatingList, r: int, validations: dict[str, DataValidation]
) -> int:
    """Heading, header row, then `template_rows` input rows carrying the list's code."""
    _row(sheet, r, (None, part.label), font=_BOLD)
    _row(sheet, r + 1, (None, part.name_label, VALUE_HEADER, UNIT_HEADER), font=_BOLD)
    r += 2
    for _ in range(part.template_rows):
        _row(sheet, r, (part.code, None, None, part.unit))
        _mark_input(sheet.cell(r, 2))
        _mark_input(sheet.cell(r, 3), _kind_validation(validations, sheet, part.value_kind))
        r += 1
    return r


def _kind_validation(
    validations: dict[str, DataValidation], sheet: Worksheet, kind: str
) -> DataValidation:
    if kind not in validations:
        validations[kind] = {
            "count": _validation("whole", "greaterThanOrEqual", "0"),
            "signed": _validation("whole", "between", "-999999999", "999999999"),
            "amount": _validation("decimal", "greaterThanOrEqual", "0"),
            "percent": _validation("decimal", "greaterThanOrEqual", "0"),
        }[kind]
        sheet.add_data_validation(validations[kind])
    return validations[kind]


def _unit_validation(
    validations: dict[str, DataValidation], sheet: Worksheet, item: Item
) -> DataValidation:
    key = "unit:" + ",".join(item.unit_choices)
    if key not in validations:
        validations[key] = DataValidation(type="list", formula1=f'"{",".join(item.unit_choices)}"')
        sheet.add_data_validation(validations[key])
    return validations[key]


def _validation(kind: str, operator: str, low: str, high: str | None = None) -> DataValidation:
    what = {"whole": "整数", "decimal": "数字", "date": "日期"}[kind]
    return DataValidation(
        type=kind,
        operator=operator,
        formula1=low,
        formula2=high,
        allow_blank=True,
        errorStyle="warning",
        errorTitle="请核对",
        error=f"此处应填{what}（不小于 {low}）。约数、带单位的数字可以确认后保留。",
    )


def _mark_input(cell: Any, validation: DataValidation | None = None) -> None:
    cell.fill = _INPUT_FILL
    cell.border = _BORDER
    if validation is not None:
        validation.add(cell.coordinate)


def _title(sheet: Worksheet, title: str, width: int) -> None:
    sheet.cell(1, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(2, 1, NOTE).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.row_dimensions[2].height = 45


def _row(sheet: Worksheet, r: int, values: Sequence[object], font: Font | None = None) -> None:
    for c, value in enumerate(values, start=1):
        cell = sheet.cell(r, c, value)
        if c == 1 and value is not None:
            cell.font = _CODE_FONT
        elif font is not None and value is not None:
            cell.font = font


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for c, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width


def _index_codes(workbook: Any) -> tuple[dict[str, tuple[Any, Any]], dict[str, list[Any]]]:
    """Input cells by code ((value cell, unit cell)), and each list's rows: a list is the code
    that stands in column A of many rows."""
    rows_by_code: dict[str, list[Any]] = {}
    cells: dict[str, tuple[Any, Any]] = {}
    for sheet in workbook.worksheets:
        columns: dict[int, str] = {}
        for row in sheet.iter_rows(min_row=1, min_col=1, max_col=max(sheet.max_column, 4)):
            code = row[0].value
            if code is None and all(cell.value is None for cell in row[1:]):
                columns = {}  # a blank row ends a grid
            elif code == CODE_HEADER and row[1].value is None:
                columns = {c.column: str(c.value) for c in row[2:] if c.value is not None}
            elif isinstance(code, str) and code != CODE_HEADER:
                if columns:
                    for c, column_code in columns.items():
                        cells[f"{code}:{column_code}"] = (row[c - 1], row[c - 1])
                else:
                    rows_by_code.setdefault(code, []).append(row)
    lists = {code: rows for code, rows in rows_by_code.items() if len(rows) > 1}
    cells.update(
        (code, (rows[0][2], rows[0][3])) for code, rows in rows_by_code.items() if len(rows) == 1
    )
    return cells, lists


def _fill_list(code: str, rows: list[Any], value: object) -> None:
    pairs = list(value.items()) if isinstance(value, Mapping) else list(value)  # type: ignore[call-overload]
    if len(pairs) > len(rows):
        raise TemplateError(f"list {code} has {len(rows)} rows in the template, not {len(pairs)}")
    for row, (name, figure) in zip(rows, pairs, strict=False):
        row[1].value = name
        row[2].value = figure
