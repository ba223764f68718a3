"""Small real workbooks for the reader's tests: written with openpyxl (xlsx) or xlwt (xls)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlwt
from openpyxl import Workbook, load_workbook

from etl.templates import fill_template, write_template

Rows = Sequence[Sequence[object]]

ANLU_HEADER: dict[str, object] = {
    "header.agency_name": "安陆市",
    "header.parent_agency": "孝感市",
    "header.level": "县级",
    "header.division_code": "420982",
    "header.year": 2017,
}


def write_xlsx(
    path: Path, sheets: Mapping[str, Rows], merged: Mapping[str, Sequence[str]] | None = None
) -> Path:
    """A workbook whose sheets hold `rows` from A1 (None is a blank cell)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(r, c, value)
        for cells in (merged or {}).get(name, ()):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_xls(path: Path, sheets: Mapping[str, Rows]) -> Path:
    """The same as `write_xlsx`, as a legacy .xls file."""
    book = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def filled_template(path: Path, values: Mapping[str, object], **header: object) -> Path:
    """The pre2019 template filled through its codes; header fields default to Anlu's."""
    write_template("pre2019", path)
    fields = {**ANLU_HEADER, **{f"header.{k}": v for k, v in header.items()}}
    fill_template(path, {**fields, **values})
    return path


def edit(path: Path, sheet: str, cells: Mapping[str, Any]) -> Path:
    """Set cells of one sheet (e.g. {"C4": "八千余"}) and save."""
    workbook = load_workbook(path)
    for cell, value in cells.items():
        workbook[sheet][cell] = value
    workbook.save(path)
    return path
