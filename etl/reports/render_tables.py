"""Rendering the official tables of an annual report: Markdown, HTML, XLSX and terminal.

HTML and XLSX print the header as the official format does, with merged cells (rowspan /
colspan, merged ranges); Markdown has one header row, so each column is headed by its groups
and label joined with ·, e.g. `行政诉讼·未经复议直接起诉·结果维持`. Values are as reported:
`8000余` a lower bound, `约60` an estimate, a blank cell not reported.
"""

from __future__ import annotations

import html
from typing import Any

from rich.table import Table
from rich.text import Text

from etl.reports.annual_tables import AnnualTable, TableCell
from etl.reports.render import md_cell
from etl.reports.safe import set_xlsx_cell
from etl.values import format_value


def cell_text(cell: TableCell | None) -> str:
    """A figure as the reports write it, with its unit where the column has none."""
    if cell is None:
        return ""
    text = format_value(cell.value)
    if cell.qualifier == "lower_bound":
        text += "余"
    elif cell.qualifier == "estimate":
        text = "约" + text
    return text + (cell.unit or "")


def column_titles(table: AnnualTable) -> list[str]:
    """One title per column: its header texts top down, joined with · (groups that head every
    column, such as 申请人情况, left out)."""
    paths: list[list[str]] = [[] for _ in range(table.width)]
    for span in sorted(table.header, key=lambda s: (s.row, s.column)):
        if span.columns == table.width and table.width > 1:
            continue
        for c in range(span.column, span.column + span.columns):
            paths[c].append(span.text)
    return ["·".join(path) for path in paths]


def _parts(tables: list[AnnualTable]) -> list[tuple[str | None, AnnualTable]]:
    """Each table with its part's title before the first table of the part."""
    out: list[tuple[str | None, AnnualTable]] = []
    last = None
    for table in tables:
        out.append((table.part if table.part != last else None, table))
        last = table.part
    return out


def tables_markdown(tables: list[AnnualTable]) -> list[str]:
    """Markdown lines: a heading per part, a sub-heading and a table per table."""
    out: list[str] = []
    for part, table in _parts(tables):
        if part:
            out += [f"## {md_cell(part)}", ""]
        titles = [table.corner, *column_titles(table)]
        out += [f"### {md_cell(table.title)}", ""]
        out += ["| " + " | ".join(md_cell(t) for t in titles) + " |"]
        out += ["|" + "|".join("---" for _ in titles) + "|"]
        for row in table.rows:
            label = "&emsp;" * row.indent + md_cell(row.label)
            cells = [md_cell(cell_text(c)) for c in row.cells]
            out.append("| " + " | ".join([label, *cells]) + " |")
        if table.note:
            out += ["", f"> {md_cell(table.note)}"]
        out.append("")
    return out


def tables_html(tables: list[AnnualTable]) -> str:
    """HTML: the header rows with rowspan and colspan as the official tables merge them."""
    e = html.escape
    out: list[str] = []
    for part, table in _parts(tables):
        if part:
            out.append(f"<h2>{e(part)}</h2>")
        out.append(f"<h3>{e(table.title)}</h3><table><thead>")
        for level in range(table.depth):
            cells = [
                f'<th rowspan="{table.depth}">{e(table.corner)}</th>' if level == 0 else "",
                *(
                    f'<th rowspan="{s.rows}" colspan="{s.columns}">{e(s.text)}</th>'
                    for s in sorted(table.header, key=lambda s: s.column)
                    if s.row == level
                ),
            ]
            out.append("<tr>" + "".join(cells) + "</tr>")
        out.append("</thead><tbody>")
        for row in table.rows:
            pad = f' style="padding-left:{row.indent * 1.5 + 0.3:.1f}em"'
            tag = "th" if row.is_heading else "td"
            figures = "".join(f'<td class="n">{e(cell_text(c))}</td>' for c in row.cells)
            out.append(f"<tr><{tag}{pad}>{e(row.label)}</{tag}>{figures}</tr>")
        out.append("</tbody></table>")
        if table.note:
            out.append(f'<p class="note">{e(table.note)}</p>')
    return "".join(out)


def write_tables_xlsx(sheet: Any, tables: list[AnnualTable], row: int) -> int:
    """Write the tables from `row` on, headers merged as in the official format; numbers stay
    numbers (a lower bound or estimate is written as text: 8000余). Returns the next row."""
    from openpyxl.styles import Alignment, Font  # here: only an XLSX export needs openpyxl

    box = _box()
    for part, table in _parts(tables):
        if part:
            row += 1
            set_xlsx_cell(sheet.cell(row=row, column=1), part)
            sheet.cell(row=row, column=1).font = Font(bold=True, size=12)
            row += 1
        set_xlsx_cell(sheet.cell(row=row, column=1), table.title)
        sheet.cell(row=row, column=1).font = Font(bold=True)
        row += 1
        _xlsx_header(sheet, table, row)
        row += table.depth
        for line in table.rows:
            label = sheet.cell(row=row, column=1)
            set_xlsx_cell(label, line.label)
            label.alignment = Alignment(indent=line.indent, wrap_text=True)
            label.border = box
            if line.is_heading:
                label.font = Font(bold=True)
            for c, cell in enumerate(line.cells, start=2):
                target = sheet.cell(row=row, column=c)
                target.border = box
                if cell is None:
                    continue
                if cell.qualifier == "exact":
                    set_xlsx_cell(target, cell.value)
                    if cell.unit:
                        target.number_format = f'General"{cell.unit}"'
                else:
                    set_xlsx_cell(target, cell_text(cell))
            row += 1
        if table.note:
            set_xlsx_cell(sheet.cell(row=row, column=1), table.note)
            row += 1
        row += 1
    return row


def _box() -> Any:
    """A thin grey border on every side of a cell."""
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="999999")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def _xlsx_header(sheet: Any, table: AnnualTable, row: int) -> None:
    from openpyxl.styles import Alignment, Font

    box = _box()
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    corner = sheet.cell(row=row, column=1)
    set_xlsx_cell(corner, table.corner)
    corner.font, corner.alignment = bold, center
    if table.depth > 1:
        sheet.merge_cells(
            start_row=row, start_column=1, end_row=row + table.depth - 1, end_column=1
        )
    for span in table.header:
        cell = sheet.cell(row=row + span.row, column=2 + span.column)
        set_xlsx_cell(cell, span.text)
        cell.font, cell.alignment = bold, center
        if span.rows > 1 or span.columns > 1:
            sheet.merge_cells(
                start_row=row + span.row,
                start_column=2 + span.column,
                end_row=row + span.row + span.rows - 1,
                end_column=1 + span.column + span.columns,
            )
    for r in range(row, row + table.depth):
        for c in range(1, 2 + table.width):
            sheet.cell(row=r, column=c).border = box


def tables_rich(tables: list[AnnualTable]) -> list[Any]:
    """Terminal tables, headed like the Markdown ones."""
    out: list[Any] = []
    for part, table in _parts(tables):
        if part:
            out.append(Text(part, style="bold"))
        rich = Table(table.corner, *column_titles(table), title=table.title)
        for row in table.rows:
            label = Text("　" * row.indent + row.label, style="bold" if row.is_heading else "")
            rich.add_row(label, *(Text(cell_text(c)) for c in row.cells))
        out.append(rich)
        if table.note:
            out.append(Text(table.note))
    return out
