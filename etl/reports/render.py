"""Renderers of what listing commands return (a `ReportTable`, or a `ReportBook` of several):
terminal table (rich), CSV, JSON, Markdown and XLSX, every value through `format_value` (so
that a control character in a name is shown escaped, never obeyed; JSON escapes its own).

A person reads the terminal table and Markdown, so there a book's record is shown as
`field value` lines and an empty listing is left out; CSV and XLSX keep every table whole (a
CSV section or a sheet each), and JSON is the book's nested document.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Column, Table
from rich.text import Text

from etl.errors import UnknownReport
from etl.output_files import write_output_file
from etl.reports.result import ReportBook, ReportTable
from etl.reports.safe import inert_text, set_xlsx_cell
from etl.values import Value, format_value, printable

TABLE_FORMATS = ("table", "csv", "json", "md", "xlsx")

#: What a listing command returns: one table, or a book of them.
Listing = ReportTable | ReportBook


def to_rich(table: ReportTable) -> RenderableType:
    """A rich table; cells are plain Text, so a body named `[bold]` is not markup. A table
    without rows whose note says why (`ogi validate` of good files) is only its note, which
    the command prints."""
    if not table.rows and table.note:
        return Group()
    columns = (Column(Text(printable(c))) for c in table.columns)
    rich = Table(*columns, title=Text(printable(table.title)))
    for row in table.rows:
        rich.add_row(*(Text(format_value(v)) for v in row))
    return rich


def book_rich(book: ReportBook) -> RenderableType:
    """The record as `field value` lines, then each listing that has rows."""
    title = Text(printable(book.title))
    record = Table(box=None, show_header=False, title=title, title_justify="left")
    for name, value in zip(book.record.columns, book.record.rows[0], strict=True):
        record.add_row(Text(name, style="bold"), Text(format_value(value)))
    return Group(record, *(to_rich(table) for table in book.tables if table.rows))


def render_rich_text(renderable: object, width: int = 160) -> str:
    """What rich would print, as plain text (for `--format table -o FILE`)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, soft_wrap=True)
    console.print(renderable)
    return buffer.getvalue()


def _csv_rows(writer: Any, table: ReportTable) -> None:
    writer.writerow([inert_text(printable(c)) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value: Value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_value(value)
    return inert_text(format_value(value))


def to_csv(table: ReportTable) -> str:
    """CSV in UTF-8 with a byte-order mark (so Excel reads Chinese); text made inert."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    _csv_rows(csv.writer(buffer, lineterminator="\r\n"), table)
    return buffer.getvalue()


def book_csv(book: ReportBook) -> str:
    """Each table as a CSV section (its header, its rows), a blank line between sections."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for i, table in enumerate([book.record, *book.tables]):
        if i:
            buffer.write("\r\n")
        _csv_rows(writer, table)
    return buffer.getvalue()


def _json_default(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _json(document: object) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def to_json(table: ReportTable) -> str:
    """A JSON array of objects, one per row, keyed by column."""
    return _json(table.records())


def book_json(book: ReportBook) -> str:
    """The book's document: one JSON object."""
    return _json(book.document)


def md_cell(value: Value) -> str:
    """A Markdown table cell: pipes escaped, line breaks as <br>."""
    text = format_value(value)
    return (
        text.replace("\\", "\\\\").replace("|", "\\|").replace("\r\n", "<br>").replace("\n", "<br>")
    )


def _md_table(columns: Sequence[str], rows: Iterable[Sequence[Value]]) -> list[str]:
    return [
        "| " + " | ".join(md_cell(c) for c in columns) + " |",
        "|" + "|".join("---" for _ in columns) + "|",
        *("| " + " | ".join(md_cell(v) for v in row) + " |" for row in rows),
    ]


def to_markdown(table: ReportTable) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = _md_table(table.columns, table.rows)
    if table.note:
        lines += ["", f"_{md_cell(table.note)}_"]
    return "\n".join(lines) + "\n"


def book_markdown(book: ReportBook) -> str:
    """A heading, the record as a field/value table, and a section per listing with rows."""
    record = list(zip(book.record.columns, book.record.rows[0], strict=True))
    lines = [f"# {md_cell(book.title)}", "", *_md_table(["field", "value"], record)]
    for table in book.tables:
        if table.rows:
            lines += ["", f"## {md_cell(table.title)}", "", *_md_table(table.columns, table.rows)]
    return "\n".join(lines) + "\n"


#: Characters a sheet's title cannot hold.
_NOT_IN_SHEET_TITLES = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _write_sheet(sheet: Any, table: ReportTable) -> None:
    sheet.title = table.title.translate(_NOT_IN_SHEET_TITLES)[:31]
    for col, name in enumerate(table.columns, start=1):
        set_xlsx_cell(sheet.cell(row=1, column=col), name)
    for r, row in enumerate(table.rows, start=2):
        for col, value in enumerate(row, start=1):
            set_xlsx_cell(sheet.cell(row=r, column=col), value)


def _workbook_bytes(tables: list[ReportTable]) -> bytes:
    from openpyxl import Workbook  # here: only an XLSX export needs openpyxl (and numpy)

    workbook = Workbook()
    _write_sheet(workbook.active, tables[0])
    for table in tables[1:]:
        _write_sheet(workbook.create_sheet(), table)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_xlsx(table: ReportTable) -> bytes:
    """An XLSX workbook with one sheet; numbers stay numbers, text is never a formula."""
    return _workbook_bytes([table])


def book_xlsx(book: ReportBook) -> bytes:
    """An XLSX workbook with a sheet per table, the record's first."""
    return _workbook_bytes([book.record, *book.tables])


_TABLE_RENDERERS: dict[str, Callable[[ReportTable], str | bytes]] = {
    "table": lambda table: render_rich_text(to_rich(table)),
    "csv": to_csv,
    "json": to_json,
    "md": to_markdown,
    "xlsx": to_xlsx,
}

_BOOK_RENDERERS: dict[str, Callable[[ReportBook], str | bytes]] = {
    "table": lambda book: render_rich_text(book_rich(book)),
    "csv": book_csv,
    "json": book_json,
    "md": book_markdown,
    "xlsx": book_xlsx,
}


def rich_listing(listing: Listing) -> RenderableType:
    """What a terminal shows of a table or a book."""
    return book_rich(listing) if isinstance(listing, ReportBook) else to_rich(listing)


def render_table(listing: Listing, fmt: str) -> str | bytes:
    """A table or a book in `fmt` (one of TABLE_FORMATS): text, or bytes for xlsx."""
    if fmt not in TABLE_FORMATS:
        raise UnknownReport(f"no output format {fmt!r}; choose one of {', '.join(TABLE_FORMATS)}")
    if isinstance(listing, ReportBook):
        return _BOOK_RENDERERS[fmt](listing)
    return _TABLE_RENDERERS[fmt](listing)


def write_output(content: str | bytes, path: Path) -> None:
    """Write rendered output to `path` (text as UTF-8), whole or not at all
    (`etl.output_files.write_output_file`)."""
    write_output_file(path, content)
