"""Exports open safely in Excel: CSV with a BOM, no cell from user data runs as a formula."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import Warehouse
from openpyxl import load_workbook
from sqlalchemy import Engine

from etl.cli import main
from etl.reports.render import render_table, to_csv, to_xlsx
from etl.reports.result import ReportTable

EVIL = '=HYPERLINK("http://x","y")'


def _table() -> ReportTable:
    rows = [(EVIL, 2017, 8052), ("+1", 2017, -5), ("@SUM(A1)", 2017, 88.6), ("安陆市", 2017, None)]
    return ReportTable("synthetic", ["agency", "year", "value"], rows)


def test_csv_has_a_bom_and_inert_text_and_plain_numbers() -> None:
    text = to_csv(_table())
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows == [
        ["agency", "year", "value"],
        ["'" + EVIL, "2017", "8052"],
        ["'+1", "2017", "-5"],
        ["'@SUM(A1)", "2017", "88.6"],
        ["安陆市", "2017", ""],
    ]


def test_xlsx_text_is_never_a_formula_and_numbers_stay_numbers(tmp_path: Path) -> None:
    path = tmp_path / "synthetic.xlsx"
    path.write_bytes(to_xlsx(_table()))
    sheet = load_workbook(path).active
    assert sheet is not None
    cells = [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows(min_row=2)]
    assert cells[0] == [(EVIL, "s"), (2017, "n"), (8052, "n")]
    assert cells[1] == [("+1", "s"), (2017, "n"), (-5, "n")]
    assert all(data_type != "f" for row in cells for _, data_type in row)


@pytest.mark.parametrize("fmt", ["md", "json", "table"])
def test_text_formats_render_user_text_as_text(fmt: str) -> None:
    table = ReportTable("synthetic", ["agency"], [("[bold]x|y",)])
    rendered = render_table(table, fmt)
    assert isinstance(rendered, str)
    expected = {"md": "[bold]x\\|y", "json": '"agency": "[bold]x|y"', "table": "[bold]x|y"}[fmt]
    assert expected in rendered


def test_a_body_named_like_a_formula_is_inert_end_to_end(
    engine: Engine, db_env: str, tmp_path: Path
) -> None:
    with engine.begin() as connection:
        w = Warehouse(connection)
        body = w.agency(EVIL, "county")
        w.fact(
            w.report(body, 2017, file_name="synthetic-evil.xlsx"), "proactive.total", 5, unit="条"
        )
    runner = CliRunner()
    out_csv, out_xlsx = tmp_path / "p.csv", tmp_path / "p.xlsx"
    for out, fmt in [(out_csv, "csv"), (out_xlsx, "xlsx")]:
        result = runner.invoke(main, ["report", "proactive", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert (rows[0]["agency"], rows[0]["total_items"]) == ("'" + EVIL, "5")
    sheet = load_workbook(out_xlsx).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    agency = sheet.cell(row=2, column=header.index("agency") + 1)
    total = sheet.cell(row=2, column=header.index("total_items") + 1)
    assert (agency.value, agency.data_type) == (EVIL, "s")
    assert (total.value, total.data_type) == (5, "n")


#: Text that a spreadsheet would take as a formula, one of each way it can start.
FORMULA_NAMES = ["=1+1", "+1", "-1", "@SUM(A1)", "\tTAB", "\rCR"]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: Every command that shows bodies' or files' names, with arguments that show them.
NAMING_COMMANDS = {
    "report": ["report", "proactive"],
    "compare": ["compare", "--measure", "proactive.total"]
    + [arg for name in FORMULA_NAMES for arg in ("--agency", name)],
    "show": ["show", "--agency", "=1+1", "--year", "2017"],
    "sql": ["sql", "SELECT agency, total_items FROM rpt_proactive"],
    "db tables": ["db", "tables"],
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("command", NAMING_COMMANDS)
def test_no_command_exports_a_formula(
    engine: Engine, db_env: str, tmp_path: Path, command: str, fmt: str
) -> None:
    """Bodies and their files named as formulas: every command's CSV and XLSX keep them text
    (a CSV cell starting with a formula character only if it is a number)."""
    with engine.begin() as connection:
        w = Warehouse(connection)
        for name in FORMULA_NAMES:
            report = w.report(w.agency(name, "county"), 2017, file_name=f"{name}.xlsx")
            w.fact(report, "proactive.total", 5, unit="条")
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(main, [*NAMING_COMMANDS[command], "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(out.read_text("utf-8-sig"))) for c in row]
        shown = [c for c in cells if c.startswith("'") and c[1:].startswith(FORMULA_STARTS)]
        unsafe = [c for c in cells if c.startswith(FORMULA_STARTS) and not _is_number(c)]
        assert unsafe == []
    else:
        workbook = load_workbook(out)
        cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
        shown = [
            c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS)
        ]
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
    if command != "db tables":
        assert shown, "the names were shown"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
