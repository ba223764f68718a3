"""The official tables 二, 三 and 四 of a std2019 / std2021 annual report, with last year's.

The tables are drawn from the workbook layouts' grids (`etl.layouts`): the same rows, label
hierarchy, columns and merged headers the official format prints, so the report shows a body's
figures back in the shape it filled them in. Last year's tables follow this year's, in last
year's own format; where the formats differ (2020 → 2021) the note of
`rpt_regime_comparability` says whether and how they compare, and the request outcomes are
compared through the crosswalk (`rpt_request_outcomes_compared`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, text

from etl.layouts import HeaderSpan, get_layout
from etl.values import Value, plain_value
from models.facts import FACT_TABLES

#: The sheets of the standard layouts that are official tables, in report order.
STANDARD_TABLE_SHEETS = {"表二": "table2", "表三": "table3", "表四": "table4"}
STANDARD_REGIMES = ("std2019", "std2021")


@dataclass(frozen=True, slots=True)
class TableCell:
    """A figure in a table: its value, how exactly it is known, and its unit when the column
    has none of its own (std2019's 采购总金额, in 元 or 万元)."""

    value: Value
    qualifier: str = "exact"
    unit: str | None = None


@dataclass(slots=True)
class TableRow:
    """A row of a table: its label, depth, and one cell per column (None: not reported)."""

    label: str
    indent: int = 0
    cells: list[TableCell | None] = field(default_factory=list)
    is_heading: bool = False


@dataclass(slots=True)
class AnnualTable:
    """One official table (or block of table 二) as printed: header cells, rows, a note."""

    part: str
    title: str
    year: int
    corner: str
    header: list[HeaderSpan]
    width: int
    rows: list[TableRow]
    note: str | None = None

    @property
    def depth(self) -> int:
        """How many header rows the table has."""
        return max(span.row + span.rows for span in self.header)


@dataclass(slots=True)
class StandardTables:
    """The tables of a report and the figures they show (fact table, fact id)."""

    tables: list[AnnualTable]
    shown: set[tuple[str, int]]


_FIGURES = """SELECT measure_code, dim1_code, dim2_code, value, value_qualifier, unit_code,
       fact_table, fact_id
FROM rpt_figures_long WHERE agency_id = :agency_id AND year = :year"""

#: How the annual report writes a figure the report marks 未报告 (`unreported_figures`).
NOT_REPORTED = "未报告"

_UNREPORTED = """SELECT u.measure_code, m.label_zh, m.section, u.fact_id, u.dim1_name, u.dim1_code,
       u.dim2_name, u.dim2_code
FROM unreported_figures u
JOIN measures m ON m.measure_code = u.measure_code
JOIN reports r ON r.report_id = u.report_id
WHERE r.agency_id = :agency_id AND r.year = :year AND r.is_current"""

#: The reference table that names each dimension's codes (its key is the dimension's name),
#: read off the fact tables' foreign keys.
_DIM_TABLES = {
    column.name: next(iter(column.foreign_keys)).column.table.name
    for model in FACT_TABLES
    for column in model.__table__.columns
    if column.name.endswith("_code")
    and column.name != "measure_code"
    and column.foreign_keys
    and column.name != "unit_code"
}


@dataclass(frozen=True, slots=True)
class Unreported:
    """A figure marked 未报告, with the columns of `rpt_year_over_year` the reports read."""

    measure_code: str
    label_zh: str
    section: str
    fact_id: int
    dim1_code: str | None
    dim1_label: str | None
    dim1_sort_order: int | None
    dim2_code: str | None
    dim2_label: str | None
    dim2_sort_order: int | None
    fact_table: str = "unreported_figures"
    value: str = NOT_REPORTED
    value_qualifier: str = "not_reported"
    unit_code: str | None = None
    previous_value: None = None
    change: None = None
    change_pct: None = None


def unreported_figures(connection: Connection, agency_id: int, year: int) -> list[Unreported]:
    """The figures the body's current report of `year` marks 未报告, named as the views name
    their dimensions."""
    rows = connection.execute(text(_UNREPORTED), {"agency_id": agency_id, "year": year}).all()
    wanted: dict[str, set[str]] = {}
    for r in rows:
        for name, code in ((r.dim1_name, r.dim1_code), (r.dim2_name, r.dim2_code)):
            if name in _DIM_TABLES and code is not None:
                wanted.setdefault(name, set()).add(code)
    labels: dict[tuple[str, str], tuple[str, int]] = {}
    for name, codes in wanted.items():
        query = text(
            f"SELECT {name}, label_zh, sort_order FROM {_DIM_TABLES[name]} WHERE {name} IN :codes"
        ).bindparams(bindparam("codes", expanding=True))
        for code, label, order in connection.execute(query, {"codes": sorted(codes)}):
            labels[(name, code)] = (label, order)

    def named(name: str | None, code: str | None) -> tuple[str | None, int | None]:
        if code is None:
            return None, None
        return labels.get((name or "", code), (code, None))

    found = []
    for r in rows:
        (label1, order1), (label2, order2) = (
            named(r.dim1_name, r.dim1_code),
            named(r.dim2_name, r.dim2_code),
        )
        found.append(
            Unreported(
                r.measure_code, r.label_zh, r.section, int(r.fact_id), r.dim1_code, label1,
                order1, r.dim2_code, label2, order2,
            )
        )  # fmt: skip
    return found


_OUTCOMES = """SELECT year, comparable_code, comparable_label, sort_order, requests, all_exact
FROM rpt_request_outcomes_compared WHERE agency_id = :agency_id AND year IN (:year, :year - 1)
ORDER BY sort_order"""

_CROSSWALK_NOTE = "按可比口径：2019–2020年的（六）其他处理与2021年起（六）三项之和相比。"

_NOTES = """SELECT table_code, is_comparable, note FROM rpt_regime_comparability
WHERE from_regime = :before AND to_regime = :after"""


def standard_tables(
    connection: Connection,
    agency_id: int,
    year: int,
    regime: str,
    previous_regime: str | None,
) -> StandardTables:
    """This year's official tables, each followed by last year's when it is loaded."""
    if regime not in STANDARD_REGIMES:
        return StandardTables([], set())
    params = {"agency_id": agency_id, "year": year}
    figures: list[Any] = [
        *connection.execute(text(_FIGURES), params).all(),
        *unreported_figures(connection, agency_id, year),
    ]
    shown: set[tuple[str, int]] = set()
    previous = None
    notes: dict[str, tuple[bool, str]] = {}
    if previous_regime in STANDARD_REGIMES:
        previous = connection.execute(text(_FIGURES), {**params, "year": year - 1}).all()
        if previous_regime != regime:
            notes = {
                code: (bool(comparable), note)
                for code, comparable, note in connection.execute(
                    text(_NOTES), {"before": previous_regime, "after": regime}
                )
            }
    this_year = _by_key(figures)
    last_year = _by_key(previous) if previous is not None else {}
    tables: list[AnnualTable] = []
    for sheet, table_code in STANDARD_TABLE_SHEETS.items():
        tables += _sheet_tables(regime, sheet, year, this_year, shown)
        if previous is not None and previous_regime is not None:
            earlier = _sheet_tables(previous_regime, sheet, year - 1, last_year, set())
            if table_code in notes and earlier:
                earlier[-1].note = notes[table_code][1]
            tables += earlier
        if table_code == "table3" and previous is not None:
            tables.append(
                _outcomes_compared(connection, agency_id, year, previous_regime != regime)
            )
    return StandardTables(tables, shown)


_Key = tuple[str, str | None, str | None]


def _by_key(figures: Sequence[Any]) -> dict[_Key, Any]:
    return {(f.measure_code, f.dim1_code, f.dim2_code): f for f in figures}


@dataclass(frozen=True, slots=True)
class _RowPlan:
    """A grid row as a table prints it: each value column's figure key, and whether the
    column has a unit of its own (else the figure's unit is shown in its cell)."""

    label: str
    indent: int
    is_data: bool
    cells: tuple[tuple[_Key, bool], ...]


@dataclass(frozen=True, slots=True)
class _GridPlan:
    """What a grid's table looks like whatever the figures: title, corner, header, rows."""

    title: str
    corner: str
    header: tuple[HeaderSpan, ...]
    width: int
    rows: tuple[_RowPlan, ...]


@cache
def _sheet_plans(regime: str, sheet: str) -> tuple[str, tuple[_GridPlan, ...]]:
    """The section title of `sheet` in `regime`'s layout and its grids' table plans: the
    layouts are data, so each is worked out once per process, not once per report."""
    section = get_layout(regime).section(sheet)
    plans = []
    for grid in section.grids():
        shown_grid = replace(grid, columns=grid.value_columns)
        rows = []
        for row in grid.rows:
            cells = []
            for column in grid.value_columns:
                item = grid.cell(row, column)
                codes = (*(value for _name, value in item.dims), None, None)
                cells.append(((item.measure_code, codes[0], codes[1]), column.unit is not None))
            rows.append(_RowPlan(row.label, row.indent, row.role == "data", tuple(cells)))
        plans.append(
            _GridPlan(
                title=grid.label if grid.label != section.title else "",
                corner=grid.corner or "项目",
                header=tuple(shown_grid.header_spans(units=False)),
                width=len(shown_grid.columns),
                rows=tuple(rows),
            )
        )
    return section.title, tuple(plans)


def _sheet_tables(
    regime: str,
    sheet: str,
    year: int,
    figures: Mapping[_Key, Any],
    shown: set[tuple[str, int]],
) -> list[AnnualTable]:
    part, plans = _sheet_plans(regime, sheet)
    return [
        AnnualTable(
            part=part,
            title=f"{plan.title}（{year}年）" if plan.title else f"{year}年",
            year=year,
            corner=plan.corner,
            header=list(plan.header),
            width=plan.width,
            rows=[_row(row, figures, shown) for row in plan.rows],
        )
        for plan in plans
    ]


def _row(row: _RowPlan, figures: Mapping[_Key, Any], shown: set[tuple[str, int]]) -> TableRow:
    cells: list[TableCell | None] = []
    for key, own_unit in row.cells:
        figure = figures.get(key)
        if figure is None:
            cells.append(None)
            continue
        shown.add((figure.fact_table, int(figure.fact_id)))
        unit = None if own_unit else figure.unit_code
        cells.append(TableCell(plain_value(figure.value), figure.value_qualifier, unit))
    heading = not row.is_data and all(cell is None for cell in cells)
    return TableRow(row.label, row.indent, cells, heading)


def _outcomes_compared(
    connection: Connection, agency_id: int, year: int, across_regimes: bool
) -> AnnualTable:
    """Request outcomes of both years through the crosswalk: （六） meets its three rows."""
    by_code: dict[str, dict[int, TableCell]] = {}
    labels: dict[str, str] = {}
    for r in connection.execute(text(_OUTCOMES), {"agency_id": agency_id, "year": year}):
        labels[r.comparable_code] = r.comparable_label
        qualifier = "exact" if r.all_exact else "lower_bound"
        by_code.setdefault(r.comparable_code, {})[int(r.year)] = TableCell(
            plain_value(r.requests), qualifier
        )
    rows = []
    for code, label in labels.items():
        now, before = by_code[code].get(year), by_code[code].get(year - 1)
        change = None
        if now is not None and before is not None and isinstance(now.value, int | float):
            change = TableCell(now.value - before.value)  # type: ignore[operator]
        rows.append(TableRow(label, 0, [now, before, change]))
    header = [
        HeaderSpan(f"{year}年", 0, 0),
        HeaderSpan(f"{year - 1}年", 0, 1),
        HeaderSpan("增减", 0, 2),
    ]
    return AnnualTable(
        part="三、收到和处理政府信息公开申请情况",
        title="申请和办理结果与上年比较（可比口径，总计栏）",
        year=year,
        corner="办理结果",
        header=header,
        width=3,
        rows=rows,
        note=_CROSSWALK_NOTE if across_regimes else None,
    )
