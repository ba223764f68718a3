"""The long format: one row per body, year, measure, dimensions and value, as xlsx or CSV.

For analysts who compile many bodies at once; one file may hold many reports. Columns are named
in Chinese or English (see `LONG_COLUMNS`), in any order. Dimensions are written
`channel_code=website` (several joined by `;`); a row's measure and dimensions must be those of
an input cell of its regime's layout, or of a repeating list (`township=赵棚镇`).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from etl import rules
from etl.errors import UnknownLayout
from etl.extract.header import HeaderResult, Sourced, parse_header
from etl.extract.rows import cell_name, is_blank, text_of
from etl.labels import normalise_label
from etl.layouts import Item, Layout, RepeatingList, get_layout
from etl.parse import COUNT_UNITS, ValueParseError, parse_value
from etl.records import Dims, ExtractedReport, Fact, Finding, Location


@dataclass(frozen=True, slots=True)
class LongColumn:
    """A column of the long format: its role, Chinese and English names, whether required."""

    code: str
    name_zh: str
    name_en: str
    required: bool
    description: str


LONG_COLUMNS: tuple[LongColumn, ...] = (
    LongColumn("header.agency_name", "填报单位", "agency", True, "reporting body"),
    LongColumn("header.parent_agency", "上级单位", "parent_agency", False, "its parent body"),
    LongColumn("header.level", "层级", "level", False, "县级 or county, ... (default county)"),
    LongColumn("header.division_code", "行政区划代码", "division_code", False, "six digits"),
    LongColumn("header.year", "年度", "year", True, "year reported on"),
    LongColumn("header.regime", "报告格式", "regime", False, "pre2019 ... (default: by year)"),
    LongColumn("header.published_on", "发布日期", "published_on", False, "2018-01-17"),
    LongColumn("measure_code", "指标代码", "measure_code", True, "a code of `measures`"),
    LongColumn("dims", "维度", "dims", False, "channel_code=website; ... (blank: none)"),
    LongColumn("value", "数值", "value", True, "the figure, in any accepted notation"),
    LongColumn("unit", "单位", "unit", False, "its unit (default: the layout's)"),
    LongColumn("label", "项目", "label", False, "a label for people; not read"),
    LongColumn("note", "备注", "note", False, "a note; not read"),
)
_BY_NAME = {normalise_label(n): c for c in LONG_COLUMNS for n in (c.name_zh, c.name_en, c.code)}
_HEADER_SEARCH_ROWS = 10


def find_long_header(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    """The header row of a long-format table and its columns by role, if this is one."""
    for r, row in enumerate(rows[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for c, value in enumerate(row):
            column = _BY_NAME.get(normalise_label(value))
            if column is not None:
                columns.setdefault(column.code, c)
        if sum(1 for col in LONG_COLUMNS if col.required and col.code in columns) >= 3:
            return r, columns
    return None


@dataclass(slots=True)
class _Report:
    header: HeaderResult
    layout: Layout | None
    #: The header columns' text on the report's first row, and where that row is.
    header_text: dict[str, str]
    first_row: str
    facts: list[Fact] = field(default_factory=list)


@dataclass(slots=True)
class LongReader:
    """Reads long-format rows (from a sheet or a CSV file) into reports and findings."""

    file: str
    sheet: str | None
    rows: list[list[object]]
    findings: list[Finding] = field(default_factory=list)
    _reports: dict[tuple[str, str], _Report] = field(default_factory=dict)
    _seen: dict[tuple[str, str, str, Dims], str] = field(default_factory=dict)

    def read(self, header_row: int, columns: dict[str, int]) -> list[ExtractedReport]:
        """Check the header, read every row; return the reports whose header is sound."""
        for c, value in enumerate(self.rows[header_row]):
            if not is_blank(value) and normalise_label(value) not in _BY_NAME:
                self._finding(
                    "label.unknown",
                    header_row,
                    c,
                    f'"{text_of(value)}"',
                    "a column of the long format",
                )
        for col in LONG_COLUMNS:
            if col.required and col.code not in columns:
                self._finding(
                    "cell.missing",
                    found="no such column",
                    expected=f"a column {col.name_zh} ({col.name_en})",
                )
        if any(f.rule_code == "cell.missing" for f in self.findings):
            return []
        header_columns = [
            c for c in LONG_COLUMNS if c.code.startswith("header.") and c.code in columns
        ]
        for r in range(header_row + 1, len(self.rows)):
            if any(not is_blank(v) for v in self.rows[r]):
                self._row(r, columns, header_columns)
        return [
            ExtractedReport(report.header.header, report.facts)
            for report in self._reports.values()
            if report.header.header is not None
        ]

    def _row(self, r: int, columns: dict[str, int], header_columns: list[LongColumn]) -> None:
        def sourced(code: str) -> Sourced:
            c = columns.get(code)
            return (self._cell(r, c), self._where(r, c))

        key = (
            text_of(self._cell(r, columns.get("header.agency_name"))),
            text_of(self._cell(r, columns.get("header.year"))),
        )
        header_text = {c.code: text_of(self._cell(r, columns[c.code])) for c in header_columns}
        if key not in self._reports:
            values = {col.code: sourced(col.code) for col in LONG_COLUMNS if col.code in columns}
            result = parse_header(values, self._where(r, None))
            self.findings += result.findings
            layout = self._layout(result, r, columns)
            self._reports[key] = _Report(result, layout, header_text, str(r + 1))
        report = self._reports[key]
        for col in header_columns:
            if header_text[col.code] != report.header_text[col.code]:
                self._finding(
                    "header.inconsistent",
                    r,
                    columns[col.code],
                    f'"{header_text[col.code]}"',
                    f'"{report.header_text[col.code]}" as on row {report.first_row}'
                    f" for the same body and year",
                )
        if report.layout is None:
            return
        measure = text_of(self._cell(r, columns["measure_code"]))
        dims_text = text_of(self._cell(r, columns.get("dims")))
        item = _lookup(report.layout, measure, _parse_dims(dims_text))
        if item is None:
            shown = f'"{measure}"' + (f' with dimensions "{dims_text}"' if dims_text else "")
            self._finding(
                "measure.unknown",
                r,
                columns["measure_code"],
                shown,
                f"a measure and dimensions of the {report.layout.regime_code} layout",
            )
            return
        fact_key = (*key, item.measure_code, item.dims)
        if fact_key in self._seen:
            self._finding(
                "label.duplicate",
                r,
                columns["measure_code"],
                f'"{measure}" again',
                f"one row per figure (first at {self._seen[fact_key]})",
            )
            return
        self._seen[fact_key] = cell_name(r, columns["measure_code"])
        unit = self._unit(item, r, columns.get("unit"))
        if unit is not None:
            self._value(report, item, r, columns["value"], unit)

    def _layout(self, result: HeaderResult, r: int, columns: dict[str, int]) -> Layout | None:
        if result.regime_code is None:
            return None
        try:
            return get_layout(result.regime_code)
        except UnknownLayout as exc:
            self._finding(
                "header.regime_mismatch",
                r,
                columns.get("header.regime"),
                f'"{result.regime_code}"',
                str(exc),
            )
            return None

    def _unit(self, item: Item, r: int, c: int | None) -> str | None:
        given = normalise_label(self._cell(r, c)).replace("（", "(").replace("）", ")")
        if not given:
            return item.unit
        allowed = item.unit_choices or ((item.unit,) if item.unit else ())
        if item.value_kind in ("count", "signed") and given in COUNT_UNITS:
            return item.unit  # counts are counts: 件 where the layout says 条 is no error
        if given in allowed:
            return given
        self._finding(
            "cell.not_a_number",
            r,
            c,
            f'"{text_of(self._cell(r, c))}"',
            "a unit, " + " or ".join(allowed),
        )
        return None

    def _value(self, report: _Report, item: Item, r: int, c: int, unit: str | None) -> None:
        try:
            parsed = parse_value(self._cell(r, c), value_kind=item.value_kind, unit=unit)
        except ValueParseError as error:
            self._finding(error.rule_code, r, c, f'"{error.found}"', error.expected)
            return
        if parsed is not None:
            report.facts.append(Fact(item.measure_code, item.dims, parsed, self._where(r, c), unit))

    def _cell(self, r: int, c: int | None) -> object:
        row = self.rows[r]
        return row[c] if c is not None and c < len(row) else ""

    def _where(self, r: int | None, c: int | None) -> Location:
        if r is None or c is None:
            return Location(self.file, self.sheet, f"row {r + 1}" if r is not None else None)
        return Location(self.file, self.sheet, cell_name(r, c))

    def _finding(
        self,
        code: str,
        r: int | None = None,
        c: int | None = None,
        found: str = "",
        expected: str = "",
    ) -> None:
        message = f"expected {expected}, found {found}"
        where = self._where(r, c) if r is not None else Location(self.file, self.sheet)
        self.findings.append(rules.finding(code, where, message, found=found, expected=expected))


# A file repeats the same few hundred dimension texts, row after row.
@lru_cache(maxsize=4096)
def _parse_dims(text: str) -> Dims | None:
    """`a=1; b=2` as sorted pairs; None when malformed."""
    text = unicodedata.normalize("NFKC", text)
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not name or not value:
            return None
        pairs.append((name, value))
    return tuple(sorted(pairs))


_Index = tuple[Layout, dict[tuple[str, Dims], Item], dict[tuple[str, str], RepeatingList]]
_INDEXES: dict[int, _Index] = {}


def _lookup(layout: Layout, measure: str, dims: Dims | None) -> Item | None:
    """The layout's input cell for this measure and these dimensions (lists by name)."""
    if dims is None:
        return None
    cached = _INDEXES.get(id(layout))
    if cached is None or cached[0] is not layout:
        cells = {(i.measure_code, tuple(sorted(i.dims))): i for _s, i in layout.cells()}
        lists = {
            (part.measure_code, part.name_dim): part
            for section in layout.sections
            for part in section.lists()
        }
        _INDEXES[id(layout)] = (layout, cells, lists)
    _layout, cells, lists = _INDEXES[id(layout)]
    if (measure, dims) in cells:
        return cells[(measure, dims)]
    if len(dims) == 1 and (measure, dims[0][0]) in lists:
        return lists[(measure, dims[0][0])].item(dims[0][1])
    return None
