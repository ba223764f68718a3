"""Reading one sheet of a layout: items, grids and repeating lists, into facts and findings.

Rows are matched by code first, then by label (see `etl.labels`); a grid's columns by the codes
of its 代码 row, else by the labels of its header rows (merged group headings included). Every
problem becomes a finding naming the cell; reading goes on to the end of the sheet.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from etl import rules
from etl.extract.grid_headers import find_grid_columns
from etl.extract.memo import once
from etl.extract.rows import (
    VALUE_HEADERS,
    RowIndex,
    RowMap,
    SheetData,
    cell_name,
    is_blank,
    map_rows,
    text_of,
)
from etl.labels import LabelIndex, label_keys, normalise_label
from etl.layouts import Grid, GridColumn, GridRow, Heading, Item, RepeatingList, Section
from etl.parse import (
    COUNT_UNITS,
    ValueParseError,
    is_zero_text,
    parse_value,
    parse_whole_float,
    same_count_unit,
    stated_count_unit,
)
from etl.records import Fact, Finding, Location, ParsedValue, make_fact, make_location

#: Names of a list's total row, read as the list's `total_code` item.
TOTAL_NAMES = frozenset({"合计", "总计", "小计", "合计数"})
#: Labels of a row a publisher adds under a group's items to print its subtotal.
SUBTOTAL_NAMES = frozenset({"小计", "小计数"})
#: Value kinds whose figures are whole numbers (`parse_whole_float`).
_WHOLE_KINDS = frozenset({"count", "signed"})


@dataclass(frozen=True, slots=True)
class _GridRowTarget:
    grid: Grid
    row: GridRow


@dataclass(frozen=True, slots=True)
class _GridTitle:
    grid: Grid


Target = Item | Heading | RepeatingList | _GridRowTarget | _GridTitle


_Plan = tuple[RowIndex[Target], dict[str, Item]]


def _plan(section: Section) -> _Plan:
    """The section's targets by code and by label, and its items by code (built once)."""
    return once(section, "plan", lambda: _build_plan(section))


def _build_plan(section: Section) -> _Plan:
    by_code: dict[str, Target] = {}
    labels: list[tuple[str, Target]] = []
    for part in section.parts:
        if isinstance(part, Item | RepeatingList):
            by_code[part.code] = part
            labels += [(label, part) for label in part.labels]
        elif isinstance(part, Heading):
            labels.append((part.label, part))
        else:
            labels.append((part.label, _GridTitle(part)))
            for row in part.rows:
                by_code[row.code] = _GridRowTarget(part, row)
                labels += [(label, _GridRowTarget(part, row)) for label in row.labels]
    items = {code: t for code, t in by_code.items() if isinstance(t, Item)}
    return RowIndex(by_code, LabelIndex(labels)), items


@dataclass(slots=True)
class SectionReader:
    """Reads one sheet against one section of a layout; facts and findings accumulate."""

    data: SheetData
    section: Section
    facts: list[Fact] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Where each row and each value cell was first met, as (row, column): a Location is made
    # only for a finding, as most rows are met once.
    _seen: dict[str, tuple[int, int]] = field(default_factory=dict)
    _cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    _filled: set[str] = field(default_factory=set)
    _flagged: set[str] = field(default_factory=set)
    _items: dict[str, Item] = field(default_factory=dict)

    def read(self) -> None:
        """Read every row of the sheet, then check that required cells were filled."""
        index, self._items = _plan(self.section)
        rows = map_rows(self.data, index)
        columns, consumed = self._grid_columns(rows)
        self._walk(rows, columns, consumed)
        self._check_required()

    def _walk(
        self, rows: RowMap[Target], columns: dict[str, dict[str, int]], consumed: set[int]
    ) -> None:
        current: RepeatingList | None = None
        group: _GridRowTarget | None = None  # the group heading whose items are being read
        targets = rows.targets.get
        for r in range(len(self.data.rows)):
            target = targets(r)
            if r in consumed:
                continue
            if isinstance(target, Item):  # the common case first: the same as further down
                current = None
                self._item(target, r, rows)
                continue
            if isinstance(target, _GridRowTarget):
                if target.row.role == "subtotal":
                    group = target
                elif group is not None and target.row.indent <= group.row.indent:
                    group = None
            elif target is None and group is not None and self._is_subtotal_row(r, rows):
                # A publisher's 小计 row under a group's items: the group's subtotal.
                self._grid_row(group, r, rows, columns.get(group.grid.code, {}), subtotal=True)
                continue
            if isinstance(target, RepeatingList):
                if text_of(self.data.cell(r, rows.code_col)) == target.code:
                    self._list_row(target, r, rows)
                current = target
            elif isinstance(target, Item):
                current = None
                self._item(target, r, rows)
            elif isinstance(target, _GridRowTarget):
                current = None
                self._grid_row(target, r, rows, columns.get(target.grid.code, {}))
            elif isinstance(target, Heading | _GridTitle):
                current = None
            elif r in rows.unknown_codes and r > rows.header_row:
                code = rows.unknown_codes[r]
                self._finding(
                    "label.unknown",
                    self.data.where(r, rows.code_col),
                    f'expected a code of the {self.section.sheet} sheet, found "{code}"',
                    code,
                    f"a code of the {self.section.sheet} sheet",
                )
            elif current is not None:
                self._list_row(current, r, rows)
            elif r > rows.header_row and self._has_figures(r, rows):
                label = text_of(self.data.cell(r, rows.label_col))
                self._finding(
                    "label.unknown",
                    self.data.where(r, rows.label_col),
                    f"expected a label of the {self.section.sheet} sheet, found "
                    + (f'"{label}"' if label else "a blank label beside figures"),
                    label,
                    f"a label of the {self.section.sheet} sheet",
                )

    def _is_subtotal_row(self, r: int, rows: RowMap[Target]) -> bool:
        label = normalise_label(self.data.cell(r, rows.label_col))
        return label in SUBTOTAL_NAMES

    def _has_figures(self, r: int, rows: RowMap[Target]) -> bool:
        row = self.data.rows[r]
        return any(
            not is_blank(v) for c, v in enumerate(row) if c > rows.label_col and c != rows.unit_col
        )

    def _item(self, item: Item, r: int, rows: RowMap[Target]) -> None:
        if item.code in self._seen:
            self._first(item.code, item.label, r, rows.label_col)  # a duplicate's finding
            return
        self._seen[item.code] = (r, rows.label_col)  # (`_first`, written out for the common case)
        unit = item.unit
        if item.unit_choices and rows.unit_col is not None:
            value = self.data.cell(r, rows.value_col)
            if is_zero_text(value) and is_blank(self.data.cell(r, rows.unit_col)):
                unit = item.unit or item.unit_choices[0]  # a zero needs no unit
            else:
                unit = self._unit(item, r, rows.unit_col, item.unit_choices)
        self._value(item, r, rows.value_col, unit)

    def _grid_row(
        self,
        target: _GridRowTarget,
        r: int,
        rows: RowMap[Target],
        columns: dict[str, int],
        *,
        subtotal: bool = False,
    ) -> None:
        grid, row = target.grid, target.row
        if row.role != "data" and not subtotal:
            figures = [c for c in columns.values() if not is_blank(self.data.cell(r, c))]
            if not figures:
                return  # a group heading as the official table prints it
            if row.role == "heading":
                where = self.data.where(r, figures[0])
                found = text_of(self.data.cell(r, figures[0]))
                self._finding(
                    "cell.unexpected",
                    where,
                    f'expected no figures on the heading {row.label}, found "{found}": '
                    "its figures belong on the rows below it",
                    found,
                    "a blank cell",
                )
                return
        label = row.label if not subtotal else f"{row.label} (小计)"
        if not self._first(row.code, label, r, rows.label_col):
            return
        for column, item, unit_column in _row_cells(grid, row):
            if column.code not in columns:
                continue
            unit = item.unit
            c = columns[column.code]
            if unit_column is not None and unit_column.code in columns:
                value = self.data.cell(r, c)
                if is_blank(value):
                    continue
                unit_cell = columns[unit_column.code]
                if is_zero_text(value) and is_blank(self.data.cell(r, unit_cell)):
                    unit = item.unit or unit_column.unit_choices[0]  # a zero needs no unit
                else:
                    unit = self._unit(item, r, unit_cell, unit_column.unit_choices)
                if unit is None:
                    continue
            self._value(item, r, c, unit)

    def _list_row(self, part: RepeatingList, r: int, rows: RowMap[Target]) -> None:
        name = "".join(text_of(self.data.cell(r, rows.label_col)).split())
        raw = self.data.cell(r, rows.value_col)
        if not name and is_blank(raw):
            return
        if set(label_keys(name)) & set(label_keys(part.name_label)) or (
            normalise_label(raw) in VALUE_HEADERS
        ):
            return  # the list's own header row
        if name in TOTAL_NAMES and part.total_code in self._items:
            self._item(self._items[part.total_code], r, rows)
            return
        if not name:
            self._finding(
                "cell.missing",
                self.data.where(r, rows.label_col),
                f'expected the {part.name_label} of this row, found a blank cell beside "{raw}"',
                "",
                part.name_label,
            )
            return
        item = part.item(name)
        if self._first(f"{part.code}/{name}", name, r, rows.label_col):
            self._value(item, r, rows.value_col, item.unit)

    def _first(self, key: str, label: str, r: int, c: int) -> bool:
        """True the first time a row is met (its label at (r, c)); a second time is a
        duplicate."""
        first = self._seen.get(key)
        if first is not None:
            self._finding(
                "label.duplicate",
                self.data.where(r, c),
                f"expected {label} once, found it again "
                f"(first at {self.data.sheet}!{cell_name(*first)})",
                label,
                f"{label} once",
            )
            return False
        self._seen[key] = (r, c)
        return True

    def _unit(self, item: Item, r: int, c: int, choices: tuple[str, ...]) -> str | None:
        raw = text_of(self.data.cell(r, c))
        listed = " or ".join(choices)
        if not raw and item.unit is None:
            self._finding(
                "cell.missing",
                self.data.where(r, c),
                f"expected the unit of {item.label}, {listed}, found a blank cell",
                "a blank cell",
                f"a unit, {listed}",
            )
            self._flagged.add(item.code)
            return None
        if not raw:
            return item.unit
        unit = normalise_label(raw)
        if unit in choices:
            return unit
        self._finding(
            "cell.not_a_number",
            self.data.where(r, c),
            f'expected a unit, {listed}, found "{raw}"',
            raw,
            f"a unit, {listed}",
        )
        self._flagged.add(item.code)
        return None

    def _value(self, item: Item, r: int, c: int, unit: str | None) -> None:
        row = self.data.rows[r]  # the cell, as `SheetData.cell` gives it: asked of every figure
        raw = row[c] if c < len(row) else ""
        if item.code not in self._cells:
            self._cells[item.code] = (r, c)
        if raw.__class__ is float:  # the common case, a figure: parse it straight away
            if item.value_kind in _WHOLE_KINDS:
                # A whole count, as `parse_value` reads it, without its other rules.
                parsed = parse_whole_float(raw, item.value_kind)
                if parsed is not None:  # (`_add`, written out: once per figure of every file)
                    data = self.data
                    where = make_location(data.file, data.sheet, cell_name(r, c))
                    self.facts.append(make_fact(item.measure_code, item.dims, parsed, where, unit))
                    self._filled.add(item.code)
                    return
            self._fact(item, raw, r, c, unit)
            return
        if is_blank(raw):  # unknown, unless it is a formula saved without its value
            formula = self.data.uncached.get(cell_name(r, c))
            if formula is None:
                return
            where = self.data.where(r, c)
            self._finding(
                "cell.formula_uncached",
                where,
                f"expected a saved value, found the formula {formula} with none: "
                "open the file in Excel or WPS and save it again",
                formula,
                "a saved value",
            )
            self._flagged.add(item.code)
            return
        self._fact(item, raw, r, c, unit)

    def _fact(self, item: Item, raw: object, r: int, c: int, unit: str | None) -> None:
        """The fact of a cell that is not blank, or the finding of why it is no figure."""
        try:
            parsed = parse_value(raw, value_kind=item.value_kind, unit=unit)
        except ValueParseError as error:
            where = self.data.where(r, c)
            self._finding(error.rule_code, where, str(error), error.found, error.expected)
            self._flagged.add(item.code)
            return
        if parsed is None:
            return
        stated = stated_count_unit(raw)
        if stated is not None and unit in COUNT_UNITS and not same_count_unit(stated, unit):
            where = self.data.where(r, c)
            self._finding(
                "cell.unit_mismatch",
                where,
                f'expected a count in {unit} for {item.label}, found "{raw}" in {stated}: '
                f"stored as {parsed.value} {unit}; check that it is the figure of this row",
                str(raw),
                f"a whole number of {unit}",
            )
        self._add(item, parsed, r, c, unit)

    def _add(self, item: Item, parsed: ParsedValue, r: int, c: int, unit: str | None) -> None:
        data = self.data
        where = make_location(data.file, data.sheet, cell_name(r, c))
        self.facts.append(make_fact(item.measure_code, item.dims, parsed, where, unit))
        self._filled.add(item.code)

    def _grid_columns(self, rows: RowMap[Target]) -> tuple[dict[str, dict[str, int]], set[int]]:
        """Each grid's columns by code → index, and the header rows they were found in."""
        found: dict[str, dict[str, int]] = {}
        consumed: set[int] = set()
        for grid in self.section.grids():
            starts = [
                r
                for r, t in rows.targets.items()
                if isinstance(t, _GridRowTarget) and t.grid is grid
            ]
            if starts:
                columns, band = find_grid_columns(self.data, grid, min(starts), rows, self.findings)
                found[grid.code] = columns
                consumed.update(band)
        return found, consumed

    def _check_required(self) -> None:
        section = self.section
        required = once(section, "required cells", lambda: tuple(_required_cells(section)))
        for item in required:
            if item.code in self._filled or item.code in self._flagged:
                continue
            cell = self._cells.get(item.code)
            found = "a blank cell" if cell else "no such row"
            self._finding(
                "cell.missing",
                self.data.where(*cell) if cell else self.data.where(),
                f"expected a figure for {item.label} ({item.code}), found {found}",
                found,
                f"a figure for {item.label}",
            )

    def _finding(self, code: str, where: Location, message: str, found: str, expected: str) -> None:
        self.findings.append(rules.finding(code, where, message, found=found, expected=expected))


def _row_cells(grid: Grid, row: GridRow) -> tuple[tuple[GridColumn, Item, GridColumn | None], ...]:
    """A grid row's value columns, each with its cell as an item and its unit column."""
    return once(
        row,
        f"cells of {grid.code}",
        lambda: tuple(
            (column, grid.cell(row, column), grid.unit_column_for(column))
            for column in grid.value_columns
        ),
    )


def _required_cells(section: Section) -> Iterator[Item]:
    return (item for item in section.cells() if item.required)


def missing_sheet(file: str, section: Section, present: list[str]) -> Finding:
    """The finding for a layout sheet the workbook lacks."""
    found = "sheets " + ", ".join(present) if present else "no sheets"
    return rules.finding(
        "sheet.missing",
        Location(file, section.sheet),
        f"expected a sheet named {section.sheet} ({section.title}), found {found}",
        found=found,
        expected=f"a sheet named {section.sheet}",
    )


__all__ = ["SectionReader", "cell_name", "missing_sheet"]
