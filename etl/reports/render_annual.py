"""Renderers of the annual report: terminal table, Markdown, HTML and XLSX.

Each renders the same rows (`annual_rows`): label, this year's value with its unit, and when
last year is loaded, last year's value, the change and the change in percent; then the
official tables of a std2019 / std2021 report (`etl.reports.render_tables`).
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable

from rich.console import Group
from rich.table import Table
from rich.text import Text

from etl.errors import UnknownReport
from etl.reports.annual import AnnualLine, AnnualReport
from etl.reports.render import md_cell, render_rich_text
from etl.reports.render_tables import (
    tables_html,
    tables_markdown,
    tables_rich,
    write_tables_xlsx,
)
from etl.reports.safe import set_xlsx_cell
from etl.values import Value, format_value

ANNUAL_FORMATS = ("table", "md", "html", "xlsx")


def title(report: AnnualReport) -> str:
    """`安陆市2017年政府信息公开工作年度报告（统计数据）`."""
    return f"{report.agency}{report.year}年政府信息公开工作年度报告（统计数据）"


def facts(report: AnnualReport) -> list[tuple[str, str]]:
    """The report's particulars: parent body, division code, regime, date, source file."""
    pairs = [
        ("上级机关", report.parent_agency or ""),
        ("行政区划代码", report.division_code or ""),
        ("报告格式", report.regime_code),
        ("发布日期", report.published_on.isoformat() if report.published_on else ""),
        ("来源文件", report.source_file),
    ]
    return [(k, v) for k, v in pairs if v]


def headers(report: AnnualReport) -> list[str]:
    """Column headings: the previous year's three columns only when it is loaded."""
    base = ["项目", f"{report.year}年", "单位"]
    if report.previous_year is None:
        return base
    return [*base, f"{report.previous_year}年", "增减", "增减%"]


def shown_value(line: AnnualLine) -> str:
    """The value as the reports write it: `8000余` a lower bound, `约8000` an estimate."""
    text = format_value(line.value)
    if line.qualifier == "lower_bound":
        return f"{text}余"
    if line.qualifier == "estimate":
        return f"约{text}"
    return text


def annual_rows(report: AnnualReport) -> list[tuple[AnnualLine, list[Value]]]:
    """Each line with its cells after the label (headings have none)."""
    rows: list[tuple[AnnualLine, list[Value]]] = []
    for part in report.parts:
        rows.append((AnnualLine(label=part.title, is_heading=True), []))
        for line in part.lines:
            cells: list[Value] = [] if line.is_heading else [shown_value(line), line.unit or ""]
            if cells and report.previous_year is not None:
                cells += [line.previous_value, line.change, line.change_pct]
            rows.append((line, cells))
    return rows


def check_lines(report: AnnualReport) -> list[str]:
    """The outcome of the consistency checks (`rpt_checks`), then each failed check."""
    checks = report.checks
    if checks.failed:
        summary = f"{len(checks.failed)} of {checks.checked} checks failed"
    elif checks.checked:
        summary = f"all {checks.checked} checks passed"
    else:
        summary = "no consistency check applies to these figures"
    if checks.skipped:
        summary += (
            f"; {checks.skipped} could not be checked (a side not reported, or an estimate:"
            " see 'ogi report checks')"
        )
    return [f"一致性检查：{summary}"] + [
        f"[{c.severity}] {c.rule_code}: {c.message} (报告 {format_value(c.reported)}, "
        f"计算 {format_value(c.computed)}, 差 {format_value(c.difference)})"
        for c in checks.failed
    ]


def to_rich(report: AnnualReport) -> Group:
    """Title, particulars, the table, and the checks."""
    table = Table(*headers(report), title=title(report))
    for line, cells in annual_rows(report):
        label = Text("　" * line.indent + line.label, style="bold" if line.is_heading else "")
        table.add_row(label, *(Text(format_value(c)) for c in cells))
    particulars = Text("；".join(f"{k}：{v}" for k, v in facts(report)))
    shown = [table] if report.parts else []
    return Group(
        particulars,
        *tables_rich(report.tables),
        *shown,
        *(Text(c) for c in check_lines(report)),
    )


def to_markdown(report: AnnualReport) -> str:
    """A Markdown document: heading, particulars, one table, the checks."""
    cols = headers(report)
    out = [f"# {md_cell(title(report))}", ""]
    out += [f"- {k}：{md_cell(v)}" for k, v in facts(report)]
    out += ["", *tables_markdown(report.tables)]
    if report.parts:
        out += ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for line, cells in annual_rows(report):
        label = "&emsp;" * line.indent + md_cell(line.label)
        if line.is_heading:
            label = f"**{label}**"
        padded = [md_cell(c) for c in cells] + [""] * (len(cols) - 1 - len(cells))
        out.append("| " + " | ".join([label, *padded]) + " |")
    out += ["", "## 一致性检查", ""] + [f"- {md_cell(c)}" for c in check_lines(report)]
    return "\n".join(out) + "\n"


def to_html(report: AnnualReport) -> str:
    """A standalone HTML page; every text escaped."""
    e = html.escape
    cols = "".join(f"<th>{e(c)}</th>" for c in headers(report))
    body = []
    for line, cells in annual_rows(report):
        pad = f' style="padding-left:{line.indent * 1.5 + 0.3:.1f}em"'
        if line.is_heading:
            body.append(
                f'<tr class="heading"><th colspan="{len(headers(report))}"{pad}>'
                f"{e(line.label)}</th></tr>"
            )
            continue
        tds = "".join(f'<td class="n">{e(format_value(c))}</td>' for c in cells)
        body.append(f"<tr><td{pad}>{e(line.label)}</td>{tds}</tr>")
    particulars = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts(report))
    checks = "".join(f"<li>{e(c)}</li>" for c in check_lines(report))
    main = ""
    if report.parts:
        main = f"<table><thead><tr>{cols}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{e(title(report))}</title>"
        "<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:.2em .4em}"
        "td.n{text-align:right}tr.heading th{text-align:left;background:#eee}"
        "thead th{background:#f4f4f4}p.note{color:#555}</style>"
        f"</head><body><h1>{e(title(report))}</h1><dl>{particulars}</dl>"
        f"{tables_html(report.tables)}{main}"
        f"<h2>一致性检查</h2><ul>{checks}</ul></body></html>\n"
    )


def to_xlsx(report: AnnualReport) -> bytes:
    """A workbook: title, particulars, the table (numbers as numbers), the checks."""
    from openpyxl import Workbook  # here: only an XLSX export needs openpyxl (and numpy)
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{report.year}年报"
    set_xlsx_cell(sheet.cell(row=1, column=1), title(report))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = 2
    for key, value in facts(report):
        set_xlsx_cell(sheet.cell(row=row, column=1), key)
        set_xlsx_cell(sheet.cell(row=row, column=2), value)
        row += 1
    row = write_tables_xlsx(sheet, report.tables, row)
    if report.parts:
        row += 1
        for col, name in enumerate(headers(report), start=1):
            set_xlsx_cell(sheet.cell(row=row, column=col), name)
            sheet.cell(row=row, column=col).font = Font(bold=True)
    for line, cells in annual_rows(report):
        row += 1
        label = sheet.cell(row=row, column=1)
        set_xlsx_cell(label, line.label)
        label.alignment = Alignment(indent=line.indent)
        if line.is_heading:
            label.font = Font(bold=True)
        values: list[Value] = [line.value, *cells[1:]] if cells else []
        for col, cell in enumerate(values, start=2):
            set_xlsx_cell(sheet.cell(row=row, column=col), cell)
    row += 2
    for text in check_lines(report):
        set_xlsx_cell(sheet.cell(row=row, column=1), text)
        row += 1
    sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_annual(report: AnnualReport, fmt: str) -> str | bytes:
    """The annual report in `fmt` (one of ANNUAL_FORMATS): text, or bytes for xlsx."""
    if fmt == "table":
        return render_rich_text(to_rich(report))
    renderers: dict[str, Callable[[AnnualReport], str | bytes]] = {
        "md": to_markdown,
        "html": to_html,
        "xlsx": to_xlsx,
    }
    if fmt not in renderers:
        raise UnknownReport(
            f"no format {fmt!r} for the annual report; choose one of {', '.join(ANNUAL_FORMATS)}"
        )
    return renderers[fmt](report)
