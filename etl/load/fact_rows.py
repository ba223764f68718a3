"""Map a report's facts onto the fact tables: which table, which columns, which unit.

The `measures` catalogue says which fact table holds a measure; a fact's dimensions are that
table's columns by name (a township, given by name, becomes `township_agency_id`). Units come
from the fact (money in 元 or 万元), else the dimension (a category's 条 or 期, a relief
programme's 人次 or 户次, a table 二 column's 件 or 万元), else the measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from etl.db import DriverStatement
from etl.records import Dims, ExtractedReport, Fact, Finding
from etl.rules import finding
from models.base import Base
from models.facts import FACT_TABLES, ScopedFigure, UnreportedFigure
from models.reference import DisclosureCategory, Measure, ProactiveTableColumn, ReliefProgramme

#: Columns every fact table has; the others are its dimensions.
_COMMON_COLUMNS = frozenset(
    {
        "fact_id",
        "report_id",
        "measure_code",
        "value",
        "value_qualifier",
        "unit_code",
        "source_sheet",
        "source_cell",
        "source_text",
        "period_start",
    }
)

#: Dimensions a fact may leave out, and the value they take: the legacy request table has no
#: applicant columns, so its figures are the 总计 column.
DEFAULT_DIMS: dict[str, dict[str, str]] = {"request_counts": {"applicant_type_code": "total"}}

TOWNSHIP_DIM = "township"

FACT_MODELS: dict[str, type[Base]] = {
    model.__tablename__: model for model in FACT_TABLES if isinstance(model.__tablename__, str)
}

#: Where the cells a report marks 未报告 go: staged with the facts, never among them.
UNREPORTED = "unreported_figures"
#: Figures of another period or scope (`ScopedFigure`): staged as facts, never among them.
SCOPED = "scoped_figures"
STAGED_MODELS: dict[str, type[Base]] = {
    **FACT_MODELS,
    SCOPED: ScopedFigure,
    UNREPORTED: UnreportedFigure,
}


def fact_table(name: str) -> Table:
    """The table object of a fact table."""
    table = STAGED_MODELS[name].__table__
    assert isinstance(table, Table)
    return table


@cache
def dim_columns(table_name: str) -> tuple[str, ...]:
    """The dimension columns of a fact table, in table order."""
    return tuple(c.name for c in fact_table(table_name).columns if c.name not in _COMMON_COLUMNS)


@dataclass(frozen=True, slots=True)
class MeasureInfo:
    """What the loader needs of a measure: its label, fact table and unit."""

    label_zh: str
    fact_table: str
    unit_code: str | None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The reference data that maps facts to rows: measures and the units of dimensions."""

    measures: Mapping[str, MeasureInfo]
    dim_units: Mapping[tuple[str, str], str]
    #: `stage_rows`'s layout of each (measure, dimensions) pair met, made once.
    staging: dict[tuple[str, Dims], _Plan] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def load(cls, connection: Connection) -> Catalogue:
        """Read the catalogue from the warehouse."""
        measures = {
            row.measure_code: MeasureInfo(row.label_zh, row.fact_table, row.unit_code)
            for row in connection.execute(
                select(
                    Measure.measure_code, Measure.label_zh, Measure.fact_table, Measure.unit_code
                )
            )
        }
        dim_units: dict[tuple[str, str], str] = {}
        for column, unit in (
            (DisclosureCategory.category_code, DisclosureCategory.unit_code),
            (ReliefProgramme.programme_code, ReliefProgramme.unit_code),
            (ProactiveTableColumn.table_column_code, ProactiveTableColumn.unit_code),
        ):
            for code, unit_code in connection.execute(select(column, unit)):
                if unit_code is not None:
                    dim_units[(column.key, code)] = unit_code
        return cls(measures, dim_units)

    def unit_for(self, fact: Fact) -> str | None:
        """The unit of a fact: its own, else its dimension's, else its measure's."""
        if fact.unit_code:
            return fact.unit_code
        for dim in fact.dims:
            if dim in self.dim_units:
                return self.dim_units[dim]
        measure = self.measures.get(fact.measure_code)
        return None if measure is None else measure.unit_code


def fact_findings(catalogue: Catalogue, report: ExtractedReport) -> list[Finding]:
    """Facts the warehouse cannot hold: unknown measures, wrong dimensions, no unit, fractions."""
    found = []
    for fact in report.facts:
        measure = catalogue.measures.get(fact.measure_code)
        if measure is None:
            found.append(
                finding(
                    "measure.unknown",
                    fact.location,
                    f"unknown measure {fact.measure_code!r}",
                    found=fact.measure_code,
                    expected="a code of the measures catalogue",
                )
            )
            continue
        is_count, has_unit = _checked_columns(measure.fact_table)
        if not _dims_fit(measure.fact_table, fact.dims):
            expected = dim_columns(measure.fact_table)
            found.append(
                finding(
                    "load.dims_invalid",
                    fact.location,
                    f"{fact.measure_code} takes the dimensions {_listed(expected)}, "
                    f"found {_listed(n for n, _ in fact.dims)}",
                    found=_listed(n for n, _ in fact.dims),
                    expected=_listed(expected),
                )
            )
        if fact.value.qualifier == "not_reported":
            continue  # no value: neither unit nor wholeness to check
        if has_unit and catalogue.unit_for(fact) is None:
            found.append(
                finding(
                    "load.unit_missing",
                    fact.location,
                    f"{fact.measure_code} {fact.value.value} has no unit: name it (元 or 万元)",
                    found=fact.value.text,
                    expected="a unit",
                )
            )
        if is_count and fact.value.value % 1:
            found.append(
                finding(
                    "cell.not_whole",
                    fact.location,
                    f"{fact.measure_code} is a count, found {fact.value.value}",
                    found=fact.value.text or str(fact.value.value),
                    expected="a whole number",
                )
            )
    return found


@cache
def _checked_columns(table_name: str) -> tuple[bool, bool]:
    """Whether a fact table's values are counts (whole numbers), and whether it has units."""
    return _counts(table_name), "unit_code" in fact_table(table_name).columns


# A report's facts repeat a few hundred (table, dimensions) pairs, file after file.
@lru_cache(maxsize=4096)
def _dims_fit(table_name: str, dims: Dims) -> bool:
    """Whether the dimensions are exactly the table's, each once (defaults may be left out)."""
    expected = set(dim_columns(table_name))
    given = {("township_agency_id" if n == TOWNSHIP_DIM else n) for n, _ in dims}
    given |= DEFAULT_DIMS.get(table_name, {}).keys() & expected
    return given == expected and len(dims) == len(dict(dims))


@dataclass(frozen=True, slots=True)
class StagedTable:
    """A report's rows for one fact table, made before the report has an id: `columns` in the
    table's order (`fact_id` left out), and one tuple per fact with None for `report_id` and
    the township's name for `township_agency_id` (see `fill`)."""

    table_name: str
    rows: tuple[tuple[Any, ...], ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The table's columns, in the order of each row's values."""
        return _layout(self.table_name)[0]

    def fill(self, report_id: int, township_ids: Mapping[str, int]) -> list[tuple[Any, ...]]:
        """The rows with the report's id and the townships' ids in place."""
        positions = _layout(self.table_name)[1]
        report = positions["report_id"]
        township = positions.get("township_agency_id")
        filled = []
        for row in self.rows:
            values = list(row)
            values[report] = report_id
            if township is not None:
                values[township] = township_ids[values[township]]
            filled.append(tuple(values))
        return filled


def stage_rows(catalogue: Catalogue, report: ExtractedReport) -> tuple[StagedTable, ...]:
    """A report's facts as rows, by fact table (facts that passed `fact_findings`): work that
    needs no database, done where the file is read (in a worker with `ogi load --jobs`)."""
    rows: dict[str, list[tuple[Any, ...]]] = {}
    plans = catalogue.staging
    for fact in report.facts:
        if fact.value.qualifier == "not_reported":
            rows.setdefault(UNREPORTED, []).append(_unreported_row(catalogue, fact))
            continue
        plan = plans.get((fact.measure_code, fact.dims))
        if plan is None:
            plan = plans[(fact.measure_code, fact.dims)] = _staging_plan(catalogue, fact)
        table_name, template, value, qualifier, sheet, cell, text, unit, default_unit, whole = plan
        row = list(template)
        parsed = fact.value
        number = parsed.value
        row[value] = int(number) if whole else _decimal(number)
        row[qualifier] = parsed.qualifier
        where = fact.location
        row[sheet] = where.sheet
        row[cell] = where.cell or ""
        row[text] = None if parsed.text is None else parsed.text[:200]
        if unit is not None:
            row[unit] = fact.unit_code or default_unit  # `Catalogue.unit_for`
        found = rows.get(table_name)
        if found is None:
            found = rows[table_name] = []
        found.append(tuple(row))
    return tuple(  # in the tables' order, as the writer always inserted them
        StagedTable(name, tuple(rows[name])) for name in STAGED_MODELS if name in rows
    )


def _unreported_row(catalogue: Catalogue, fact: Fact) -> tuple[Any, ...]:
    """The `unreported_figures` row of a cell marked 未报告: its dimensions named in the
    order of its measure's fact table, as `rpt_figures_long` names them."""
    order = dim_columns(catalogue.measures[fact.measure_code].fact_table)
    given = dict(fact.dims)
    named: list[tuple[str | None, str | None]] = [
        (column, given.get(TOWNSHIP_DIM) if column == "township_agency_id" else given.get(column))
        for column in order
    ]
    named += [(None, None)] * (2 - len(named))
    (name1, code1), (name2, code2) = named[:2]
    where = fact.location
    text = fact.value.text
    values = {
        "report_id": None,
        "measure_code": fact.measure_code,
        "dim1_name": name1,
        "dim1_code": code1,
        "dim2_name": name2,
        "dim2_code": code2,
        "source_sheet": where.sheet,
        "source_cell": where.cell or "",
        "source_text": None if text is None else text[:200],
    }
    return tuple(values[column] for column in _layout(UNREPORTED)[0])


def _decimal(number: Any) -> Decimal:
    return number if number.__class__ is Decimal else Decimal(number)


#: How `stage_rows` lays out the row of a (measure, dimensions) pair: the table, the row with
#: what the pair gives filled in, the positions of the value, qualifier, sheet, cell, source
#: text and unit (None: no unit column), the unit when the fact names none, and whether the
#: table's values are whole numbers.
_Plan = tuple[str, tuple[Any, ...], int, int, int, int, int, int | None, str | None, bool]


def _staging_plan(catalogue: Catalogue, fact: Fact) -> _Plan:
    """The `_Plan` of the fact's (measure, dimensions) pair: its row with default dimensions,
    then the fact's own, then the measure filled in."""
    table_name = catalogue.measures[fact.measure_code].fact_table
    columns, positions = _layout(table_name)
    row: list[Any] = [None] * len(columns)
    for name, value in DEFAULT_DIMS.get(table_name, {}).items():
        row[positions[name]] = value
    for name, value in fact.dims:
        row[positions["township_agency_id" if name == TOWNSHIP_DIM else name]] = value
    row[positions["measure_code"]] = fact.measure_code
    return (
        table_name,
        tuple(row),
        positions["value"],
        positions["value_qualifier"],
        positions["source_sheet"],
        positions["source_cell"],
        positions["source_text"],
        positions.get("unit_code"),
        catalogue.unit_for(replace(fact, unit_code=None)),
        _counts(table_name),
    )


def fact_rows(
    catalogue: Catalogue,
    report: ExtractedReport,
    report_id: int,
    township_ids: Mapping[str, int],
) -> dict[str, list[dict[str, Any]]]:
    """The rows to insert for a report's facts, by fact table, as dicts by column name."""
    return {
        staged.table_name: [
            dict(zip(staged.columns, row, strict=True))
            for row in staged.fill(report_id, township_ids)
        ]
        for staged in stage_rows(catalogue, report)
    }


@cache
def _layout(table_name: str) -> tuple[tuple[str, ...], dict[str, int]]:
    """A staged table's columns in table order (without `fact_id`), and their positions."""
    table = STAGED_MODELS[table_name].__table__
    assert isinstance(table, Table)
    columns = tuple(c.name for c in table.columns if c.name != "fact_id")
    return columns, {name: i for i, name in enumerate(columns)}


@cache
def _counts(table_name: str) -> bool:
    """Whether a fact table's values are counts (whole numbers)."""
    return fact_table(table_name).columns["value"].type.python_type is int


def insert_staged(connection: Connection, staged: StagedTable, rows: list[tuple[Any, ...]]) -> None:
    """Insert a fact table's filled rows (`StagedTable.fill`) in one executemany (on SQLite
    straight to the driver: SQLAlchemy's per-statement and per-row work costs more than
    SQLite's insert; see `DriverStatement`)."""
    _insert(staged.table_name).executemany(connection, staged.columns, rows)


@cache
def _insert(table_name: str) -> DriverStatement:
    table = STAGED_MODELS[table_name].__table__
    assert isinstance(table, Table)
    return DriverStatement(insert(table))


def staged_townships(tables: Iterable[StagedTable]) -> set[str]:
    """The townships staged rows name (those the report they were staged from names; a
    worker sends the writer the rows, not all the facts)."""
    names: set[str] = set()
    for table in tables:
        township = _layout(table.table_name)[1].get("township_agency_id")
        if township is not None:
            names.update(row[township] for row in table.rows)
    return names


def _listed(names: Any) -> str:
    return ", ".join(sorted(names)) or "none"
