"""The annual statistical report of one body and year, in the shape of its regime's layout.

Every value comes from `rpt_year_over_year` (this year's figure, last year's, the change), so
the report shows what an analyst's query of the view shows; std2019 / std2021 reports show
their official tables 二, 三 and 四 (`etl.reports.annual_tables`). The consistency checks come
from `rpt_checks`: how many ran, and each that failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Row, text

from etl.db import read
from etl.reports.agencies import find_agency
from etl.reports.annual_tables import AnnualTable, standard_tables, unreported_figures
from etl.reports.layouts import LAYOUTS, Line, Part
from etl.reports.named import no_report
from etl.values import Value, plain_value


@dataclass(slots=True)
class AnnualLine:
    """One line: a heading (no value), or a figure with last year's value and the change."""

    label: str
    indent: int = 0
    value: Value = None
    unit: str | None = None
    qualifier: str = "exact"
    previous_value: Value = None
    change: Value = None
    change_pct: Value = None
    is_heading: bool = False


@dataclass(slots=True)
class AnnualPart:
    """A part of the report with its lines."""

    title: str
    lines: list[AnnualLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FailedCheck:
    """A consistency rule the report fails: reported against computed figure."""

    rule_code: str
    severity: str
    message: str
    reported: Value = None
    computed: Value = None
    difference: Value = None


@dataclass(frozen=True, slots=True)
class CheckResults:
    """The consistency checks of one report: how many were checked, how many could not be
    (a side not reported, an estimate), and those that failed.
    """

    checked: int
    skipped: int
    failed: tuple[FailedCheck, ...] = ()


@dataclass(slots=True)
class AnnualReport:
    """The statistical content of one body's report for one year."""

    agency: str
    parent_agency: str | None
    division_code: str | None
    year: int
    regime_code: str
    published_on: date | None
    source_file: str
    previous_year: int | None
    parts: list[AnnualPart]
    checks: CheckResults
    #: The official tables of a std2019 / std2021 report, last year's beside this year's.
    tables: list[AnnualTable] = field(default_factory=list)

    @property
    def failed_checks(self) -> tuple[FailedCheck, ...]:
        """The rules this report fails."""
        return self.checks.failed


_CHECKS = """SELECT rule_code, severity, description, group_by_dim, group_code, reported, computed,
       difference, passed, terms
FROM rpt_checks WHERE report_id = :report_id ORDER BY rule_sort_order, group_code"""


def report_checks(connection: Connection, report_id: int) -> CheckResults:
    """The consistency checks of report `report_id`, from the `rpt_checks` view."""
    rows = connection.execute(text(_CHECKS), {"report_id": report_id}).all()
    failed = tuple(
        FailedCheck(
            rule_code=row.rule_code,
            severity=row.severity,
            message=f"{row.description}{_group(row)}: {row.terms}",
            reported=plain_value(row.reported),
            computed=plain_value(row.computed),
            difference=plain_value(row.difference),
        )
        for row in rows
        if row.passed == 0
    )
    checked = sum(1 for row in rows if row.passed is not None)
    return CheckResults(checked=checked, skipped=len(rows) - checked, failed=failed)


def _group(row: Row[Any]) -> str:
    return "" if row.group_code is None else f" [{row.group_by_dim} {row.group_code}]"


_FIGURES = """SELECT measure_code, label_zh, section, fact_table, fact_id, dim1_code, dim1_label,
       dim1_sort_order, dim2_code, dim2_label, dim2_sort_order, value, value_qualifier,
       unit_code, previous_value, change, change_pct
FROM rpt_year_over_year WHERE agency_id = :agency_id AND year = :year"""


def build_annual(engine: Engine, agency: str, year: int) -> AnnualReport:
    """The annual report of body `agency` (name or `parent/name`) for `year`."""
    with read(engine) as connection:
        body = find_agency(connection, agency)
        reports = {
            r.year: r
            for r in connection.execute(
                text(
                    "SELECT year, regime_code, published_on, source_file, division_code,"
                    " parent_agency FROM rpt_reports WHERE agency_id = :id"
                    " AND year IN (:year, :year - 1)"
                ),
                {"id": body.agency_id, "year": year},
            )
        }
        if year not in reports:
            raise no_report(connection, body, (year, year))
        report_id = connection.execute(
            text("SELECT report_id FROM rpt_reports WHERE agency_id = :id AND year = :year"),
            {"id": body.agency_id, "year": year},
        ).scalar_one()
        figures: list[Any] = [
            *connection.execute(text(_FIGURES), {"agency_id": body.agency_id, "year": year}),
            *unreported_figures(connection, body.agency_id, year),
        ]
        checks = report_checks(connection, int(report_id))
        scoped = connection.execute(text(_SCOPED), {"report_id": report_id}).all()
        previous_regime = reports[year - 1].regime_code if year - 1 in reports else None
        std = standard_tables(
            connection, body.agency_id, year, reports[year].regime_code, previous_regime
        )
    this = reports[year]
    layout = LAYOUTS.get(this.regime_code, ())
    rest = [f for f in figures if (f.fact_table, int(f.fact_id)) not in std.shown]
    return AnnualReport(
        agency=body.name,
        parent_agency=this.parent_agency,
        division_code=this.division_code,
        year=year,
        regime_code=this.regime_code,
        published_on=_as_date(this.published_on),
        source_file=this.source_file,
        previous_year=year - 1 if year - 1 in reports else None,
        parts=[
            *arrange(layout, rest, other_title="其他数据" if std.tables else None),
            *_scoped_part(scoped),
        ],
        checks=checks,
        tables=std.tables,
    )


#: Figures of another period or scope (`scoped_figures`), with what makes them so.
_SCOPED = """SELECT m.label_zh, m.period, m.scope, s.value, s.value_qualifier, s.unit_code,
       s.period_start
FROM scoped_figures s JOIN measures m ON m.measure_code = s.measure_code
WHERE s.report_id = :report_id ORDER BY m.sort_order"""

SCOPED_TITLE = "其他口径的数字（累计数或本机关全部，不计入本年政府信息公开数字）"


def _scoped_part(rows: Sequence[Row[Any]]) -> list[AnnualPart]:
    """The part of the figures of another period or scope, each labelled as such."""
    lines = []
    for r in rows:
        if r.period == "cumulative":
            start = _as_date(r.period_start)
            note = f"累计，自{start.year}年{start.month}月{start.day}日起" if start else "累计"
        else:
            note = "本机关全部"
        lines.append(
            AnnualLine(
                label=f"{r.label_zh}（{note}）" if note not in r.label_zh else r.label_zh,
                value=plain_value(r.value),
                unit=r.unit_code,
                qualifier=r.value_qualifier,
            )
        )
    return [AnnualPart(SCOPED_TITLE, lines)] if lines else []


def _as_date(value: object) -> date | None:
    """A date column read through a view: SQLite gives the ISO text, PostgreSQL a date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _order(figure: Row[Any]) -> tuple[int, int, int]:
    big = 1 << 30
    first = figure.dim1_sort_order if figure.dim1_sort_order is not None else big
    second = figure.dim2_sort_order if figure.dim2_sort_order is not None else big
    return (first, second, int(figure.fact_id))


def _matches(line: Line, figure: Row[Any]) -> bool:
    if figure.measure_code != line.measure:
        return False
    codes = (figure.dim1_code, figure.dim2_code)
    wanted = line.dims + (None,) * (2 - len(line.dims))
    return all(w == c or (w == "*" and c is not None) for w, c in zip(wanted, codes, strict=True))


def _line(line: Line, figure: Row[Any]) -> AnnualLine:
    label = line.label.format(
        label=figure.label_zh, dim1=figure.dim1_label or "", dim2=figure.dim2_label or ""
    ).strip()
    depth = max(str(figure.dim1_code).count(".") - 1, 0) if line.nest else 0
    return AnnualLine(
        label=label,
        indent=line.indent + depth,
        value=plain_value(figure.value),
        unit=figure.unit_code,
        qualifier=figure.value_qualifier,
        previous_value=plain_value(figure.previous_value),
        change=plain_value(figure.change),
        change_pct=plain_value(figure.change_pct),
    )


def arrange(
    layout: tuple[Part, ...], figures: list[Row[Any]], *, other_title: str | None = None
) -> list[AnnualPart]:
    """Place each figure on its layout line; figures no line shows go to a last part."""
    ordered = sorted(figures, key=_order)
    used: set[tuple[str, int]] = set()
    parts = []
    for part in layout:
        lines: list[AnnualLine] = []
        for line in part.lines:
            if line.measure is None:
                lines.append(AnnualLine(label=line.label, indent=line.indent, is_heading=True))
                continue
            for figure in ordered:
                if _matches(line, figure) and (figure.fact_table, figure.fact_id) not in used:
                    used.add((figure.fact_table, figure.fact_id))
                    lines.append(_line(line, figure))
        parts.append(AnnualPart(part.title, _drop_empty_headings(lines)))
    rest = [f for f in ordered if (f.fact_table, f.fact_id) not in used]
    if rest:  # a regime without a layout shows every figure here
        title = other_title or ("其他数据" if layout else "数据")
        parts.append(AnnualPart(title, [_line(_ANY, f) for f in rest]))
    return [p for p in parts if p.lines]


_ANY = Line("{label} {dim1} {dim2}")


def _drop_empty_headings(lines: list[AnnualLine]) -> list[AnnualLine]:
    kept: list[AnnualLine] = []
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else None
        if line.is_heading and (following is None or following.is_heading):
            continue
        kept.append(line)
    return kept
