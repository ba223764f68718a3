"""Renderers of a `ReportTable`: terminal table (rich), CSV, JSON, Markdown and XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from etl.errors import UnknownReport
from etl.reports.result import ReportTable, Value, format_number
from etl.reports.safe import inert_text, set_xlsx_cell

TABLE_FORMATS = ("table", "csv", "json", "md", "xlsx")


def to_rich(table: ReportTable) -> Table:
    """A rich table; cells are plain Text, so a body named `[bold]` is not markup."""
    rich = Table(*table.columns, title=table.title)
    for row in table.rows:
        rich.add_row(*(Text(format_number(v)) for v in row))
    return rich


def render_rich_text(renderable: object, width: int = 160) -> str:
    """What rich would print, as plain text (for `--format table -o FILE`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, soft_wrap=True)
    console.print(renderable)
    return buffer.getvalue()


def to_csv(table: ReportTable) -> str:
    """CSV in UTF-8 with a byte-order mark (so Excel reads Chinese); text made inert."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([inert_text(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue()


def _csv_cell(value: Value) -> str:
    if isinstance(value, str):
        return inert_text(value)
    return format_number(value)


def _json_default(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(table: ReportTable) -> str:
    """A JSON array of objects, one per row, keyed by column."""
    return json.dumps(table.records(), ensure_ascii=False, indent=2, default=_json_default) + "\n"


def md_cell(value: Value) -> str:
    """A Markdown table cell: pipes escaped, line breaks as <br>."""
    text = format_number(value)
    return (
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")
    )


def to_markdown(table: ReportTable) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = [
        "| " + " | ".join(md_cell(c) for c in table.columns) + " |",
        "|" + "|".join("---" for _ in table.columns) + "|",
    ]
    lines += ["| " + " | ".join(md_cell(v) for v in row) + " |" for row in table.rows]
    if table.note:
        lines += ["", f"_{table.note}_"]
    return "\n".join(lines) + "\n"


def to_xlsx(table: ReportTable) -> bytes:
    """An XLSX workbook with one sheet; numbers stay numbers, text is never a formula."""
    from openpyxl import Workbook  # here: only an XLSX export needs openpyxl (and numpy)

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = table.title[:31]
    for col, name in enumerate(table.columns, start=1):
        set_xlsx_cell(sheet.cell(row=1, column=col), name)
    for r, row in enumerate(table.rows, start=2):
        for col, value in enumerate(row, start=1):
            set_xlsx_cell(sheet.cell(row=r, column=col), value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_table(table: ReportTable, fmt: str) -> str | bytes:
    """The table in `fmt` (one of TABLE_FORMATS): text, or bytes for xlsx."""
    if fmt == "table":
        return render_rich_text(to_rich(table))
    renderers: dict[str, Callable[[ReportTable], str | bytes]] = {
        "csv": to_csv,
        "json": to_json,
        "md": to_markdown,
        "xlsx": to_xlsx,
    }
    if fmt not in renderers:
        raise UnknownReport(f"no output format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    return renderers[fmt](table)


def write_output(content: str | bytes, path: Path) -> None:
    """Write rendered output to `path` (text as UTF-8)."""
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
