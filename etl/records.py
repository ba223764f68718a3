"""What extraction hands to validation and loading: report headers, facts, and findings.

These plain records are the contract between the readers (`etl.extract`), the validation rules
(`etl.rules`) and the loader (`etl.load`): a reader turns a file into an `Extraction`, rules add
`Finding`s, and the loader writes the facts of a file without errors in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]
#: `not_reported`: the cell says 未报告 / 未公开 (no value; stored in `unreported_figures`).
Qualifier = Literal["exact", "lower_bound", "estimate", "not_reported"]
FileFormat = Literal["xlsx", "xls", "csv"]


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is in a file: `anlu-2017.xlsx 主动公开!C5`. Sheet is None for CSV."""

    file: str
    sheet: str | None = None
    cell: str | None = None

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return f"{self.file} {self.sheet}!{self.cell}"
        if self.sheet:
            return f"{self.file} {self.sheet}"
        if self.cell:
            return f"{self.file} {self.cell}"
        return self.file


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found in a file, by a rule of the catalogue, with what was found and expected."""

    severity: Severity
    rule_code: str
    location: Location
    message: str
    found: str | None = None
    expected: str | None = None

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class ParsedValue:
    """A figure as read from a cell: its value, how exactly it is known, and the text it was."""

    value: Decimal
    qualifier: Qualifier = "exact"
    text: str | None = None


#: Dimension values of a fact, by the fact table's column name, e.g.
#: `(("channel_code", "website"),)`; townships are named: `(("township", "赵棚镇"),)`.
Dims = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure of one report: measure, dimensions, value, unit, and the cell it came from.

    `measure_code` is a code of the `measures` catalogue, whose `fact_table` says where the
    loader writes it; `unit_code` overrides the measure's unit where the file gives one (money in
    元 or 万元).
    """

    measure_code: str
    dims: Dims
    value: ParsedValue
    location: Location
    unit_code: str | None = None

    @property
    def key(self) -> tuple[str, Dims]:
        """Identity of the figure within its report: measure and dimensions."""
        return (self.measure_code, self.dims)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Pickled as one flat tuple (`ogi load --jobs` sends every fact from a worker to the
        # writer): a third of the bytes and of the time of the dataclasses' own pickling.
        value, where = self.value, self.location
        return _fact, (
            self.measure_code,
            self.dims,
            value.value,
            value.qualifier,
            value.text,
            where.file,
            where.sheet,
            where.cell,
            self.unit_code,
        )


def _fact(
    measure_code: str,
    dims: Dims,
    value: Decimal,
    qualifier: Qualifier,
    text: str | None,
    file: str,
    sheet: str | None,
    cell: str | None,
    unit_code: str | None,
) -> Fact:
    """A fact from its pickled tuple (see `Fact.__reduce__`): the writer of `ogi load --jobs`
    receives every fact of every file."""
    parsed = _new(ParsedValue)
    _set_value(parsed, value)
    _set_qualifier(parsed, qualifier)
    _set_text(parsed, text)
    return make_fact(measure_code, dims, parsed, make_location(file, sheet, cell), unit_code)


def make_location(file: str, sheet: str | None, cell: str | None) -> Location:
    """`Location(file, sheet, cell)`, built slot by slot: a frozen dataclass's `__init__` goes
    through `object.__setattr__` for every field, twice as slow, and readers make one for
    every fact."""
    where = _new(Location)
    _set_file(where, file)
    _set_sheet(where, sheet)
    _set_cell(where, cell)
    return where


def make_fact(
    measure_code: str,
    dims: Dims,
    value: ParsedValue,
    location: Location,
    unit_code: str | None,
) -> Fact:
    """`Fact(measure_code, dims, value, location, unit_code)`, built slot by slot (see
    `make_location`)."""
    fact = _new(Fact)
    _set_measure_code(fact, measure_code)
    _set_dims(fact, dims)
    _set_parsed(fact, value)
    _set_location(fact, location)
    _set_unit_code(fact, unit_code)
    return fact


_new = object.__new__
_set_value, _set_qualifier, _set_text = (
    getattr(ParsedValue, name).__set__ for name in ("value", "qualifier", "text")
)
_set_file, _set_sheet, _set_cell = (
    getattr(Location, name).__set__ for name in ("file", "sheet", "cell")
)
_set_measure_code, _set_dims, _set_parsed, _set_location, _set_unit_code = (
    getattr(Fact, name).__set__
    for name in ("measure_code", "dims", "value", "location", "unit_code")
)


@dataclass(frozen=True, slots=True)
class ReportHeader:
    """Who reported, for which year, under which regime (the 基本信息 sheet or CSV columns)."""

    agency_name: str
    year: int
    regime_code: str
    level_code: str | None = None  # None: the file does not say (`etl.bodies` infers it)
    parent_agency_name: str | None = None
    division_code: str | None = None
    published_on: date | None = None
    location: Location | None = None


@dataclass(slots=True)
class ExtractedReport:
    """A report read from a file: its header and its facts (blank cells give no fact)."""

    header: ReportHeader
    facts: list[Fact] = field(default_factory=list)


@dataclass(slots=True)
class Extraction:
    """Everything read from one file: the reports in it (a long-format file may hold many) and
    the findings of reading it. A file whose findings include an error is loaded not at all.
    """

    path: Path
    file_format: FileFormat | None
    reports: list[ExtractedReport] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that stop the file from loading."""
        return [f for f in self.findings if f.severity == "error"]
