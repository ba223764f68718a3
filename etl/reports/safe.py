"""Exports that open safely in Excel: no cell from user data runs as a formula.

A text cell beginning with = + - @ (or a tab or carriage return, which Excel strips before
looking) is a formula to Excel and LibreOffice when it arrives in a CSV file (OWASP "CSV
injection"). In CSV such text gets a leading apostrophe; in XLSX it is written as a string
cell, never a formula. Numbers are numbers and are left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from etl.values import format_value, printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(text: str) -> str:
    """Text that a spreadsheet will show, never evaluate: `'=1+1` for `=1+1`."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def set_xlsx_cell(cell: Any, value: Any) -> None:
    """Write `value` into an openpyxl cell; text is always a string cell, never a formula.

    What XLSX has no type for is written as its text: named codes (a figure's dimensions) and
    moments with a time zone (`etl_runs.started_at`: Excel's dates have none).
    """
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # loaded by the cell's workbook

    if isinstance(value, Mapping) or (isinstance(value, datetime) and value.tzinfo is not None):
        value = format_value(value)
    if isinstance(value, str):
        # control characters XLSX cannot hold: shown escaped (`printable`), the rest dropped
        value = ILLEGAL_CHARACTERS_RE.sub("", printable(value))
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl makes any text starting with "=" a formula otherwise
