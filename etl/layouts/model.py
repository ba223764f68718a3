"""What a workbook layout is made of: sheets of single-cell items, grids and repeating lists.

A layout is data. Every input cell has a stable code (what a program fills and what the reader
matches first), a Chinese label (what a person reads and what the reader matches otherwise), the
measure and dimensions its figure is stored under, a unit and a value kind. The template writer,
the template filler and the reader all walk the same layout, so a std2019 or std2021 layout is a
new module of data, not new code.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from etl.parse import ValueKind
from etl.records import Dims

#: Grid columns hold figures, or the unit of another column (amounts in 元 or 万元).
ColumnKind = ValueKind | Literal["unit"]
#: A grid row holds figures (`data`); is a group heading on which a publisher may print a
#: subtotal (`subtotal`, （三）不予公开); or is a heading that carries no figures (`heading`).
RowRole = Literal["data", "subtotal", "heading"]


@dataclass(frozen=True, slots=True)
class Item:
    """One input cell: a figure with its code, label, measure, dimensions, unit and kind.

    `unit_choices`, when given, makes the unit an input too (the cell beside the figure), one
    of these units; `unit` is then the default the template shows.
    """

    code: str
    label: str
    measure_code: str
    dims: Dims = ()
    unit: str | None = None
    value_kind: ValueKind = "count"
    required: bool = False
    aliases: tuple[str, ...] = ()
    unit_choices: tuple[str, ...] = ()
    indent: int = 0

    @property
    def labels(self) -> tuple[str, ...]:
        """The label and its known variants."""
        return (self.label, *self.aliases)


@dataclass(frozen=True, slots=True)
class Heading:
    """A sub-heading between items: shown in the template, carries no figure."""

    label: str


@dataclass(frozen=True, slots=True)
class GridRow:
    """A row of a grid: its code, label and the dimensions it adds to each of its cells.

    A `subtotal` row is a group heading of the official table: the template leaves it without
    input cells, and figures a publisher prints there are read as the group's subtotal (stored
    under the heading's own code, and checked against its items by the consistency rules).
    """

    code: str
    label: str
    dims: Dims = ()
    aliases: tuple[str, ...] = ()
    indent: int = 0
    role: RowRole = "data"
    #: A note the template writes beside the row (a provincial extension row says so).
    note: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """The label and its known variants."""
        return (self.label, *self.aliases)


@dataclass(frozen=True, slots=True)
class GridColumn:
    """A column of a grid: code, label, the dimensions it adds, and how its cells are read.

    `measure_code` overrides the grid's measure for this column (a channel's count and its
    share are two measures). A column of kind `unit` gives, per row, the unit of the column
    named by `unit_for`, one of `unit_choices`.
    """

    code: str
    label: str
    dims: Dims = ()
    measure_code: str | None = None
    unit: str | None = None
    value_kind: ColumnKind = "count"
    aliases: tuple[str, ...] = ()
    unit_for: str | None = None
    unit_choices: tuple[str, ...] = ()
    #: Header texts above the label, top down (行政诉讼, 未经复议直接起诉): merged header cells
    #: in the template; the reader matches their concatenation with the label.
    groups: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        """The label and its known variants."""
        return (self.label, *self.aliases)


@dataclass(frozen=True, slots=True)
class HeaderSpan:
    """A header cell of a grid: its text, header row, first column, and the rows and columns
    it spans (a merged cell)."""

    text: str
    row: int
    column: int
    rows: int = 1
    columns: int = 1


@dataclass(frozen=True, slots=True)
class Grid:
    """Rows × columns of figures (table 四: blocks × results; table 三: rows × applicants).

    The code of the cell at row R and column C is `R:C`, e.g. `review.complaint:total`.
    """

    code: str
    label: str
    measure_code: str
    rows: tuple[GridRow, ...]
    columns: tuple[GridColumn, ...]
    required: bool = False
    #: Header texts that are not columns (a merged group heading such as 法人或其他组织).
    headings: tuple[str, ...] = ()
    #: The header over the label column (信息内容); the template writes 项目 when None.
    corner: str | None = None
    #: Whether the template writes each column's unit after its label: 数量（条）.
    show_units: bool = True

    @property
    def value_columns(self) -> tuple[GridColumn, ...]:
        """The columns that hold figures (not units)."""
        return tuple(c for c in self.columns if c.value_kind != "unit")

    def unit_column_for(self, column: GridColumn) -> GridColumn | None:
        """The column giving `column`'s unit row by row, if any."""
        return next((c for c in self.columns if c.unit_for == column.code), None)

    def cell(self, row: GridRow, column: GridColumn) -> Item:
        """The input cell at `row` and `column`, as an item."""
        unit_column = self.unit_column_for(column)
        return Item(
            code=f"{row.code}:{column.code}",
            label=f"{row.label} / {column.label}",
            measure_code=column.measure_code or self.measure_code,
            dims=row.dims + column.dims,
            unit=column.unit,
            value_kind=column.value_kind,  # type: ignore[arg-type]  # value columns only
            required=self.required and row.role == "data",
            unit_choices=unit_column.unit_choices if unit_column else (),
        )

    def header_spans(self, *, units: bool = True) -> list[HeaderSpan]:
        """The header cells as the official tables print them: each column's groups, merged
        across the columns sharing them, above its label, merged down to the last header row.
        Column positions count from 0 at the first column."""
        depth = 1 + max(len(c.groups) for c in self.columns)
        paths = [
            (*c.groups, f"{c.label}（{c.unit}）" if c.unit and units else c.label)
            for c in self.columns
        ]
        spans = []
        for level in range(depth):
            c = 0
            while c < len(paths):
                path = paths[c]
                if level >= len(path):
                    c += 1
                    continue
                width = 1
                if level < len(path) - 1:  # a group: across the columns that share it
                    while (
                        c + width < len(paths)
                        and paths[c + width][: level + 1] == path[: level + 1]
                    ):
                        width += 1
                height = depth - level if level == len(path) - 1 else 1
                spans.append(HeaderSpan(path[level], level, c, height, width))
                c += width
        return spans

    def cells(self) -> Iterator[Item]:
        """Every cell that may hold a figure (subtotals included), row by row."""
        for row in self.rows:
            if row.role != "heading":
                for column in self.value_columns:
                    yield self.cell(row, column)


@dataclass(frozen=True, slots=True)
class RepeatingList:
    """As many rows as the body has, each a name and a figure (权责清单: one row per township).

    Each row's figure is stored under `measure_code` with dimension `(name_dim, name)`. A row
    named 合计/总计 is read as the item `total_code`, when the layout has one.
    """

    code: str
    label: str
    measure_code: str
    name_dim: str
    name_label: str
    unit: str | None = None
    value_kind: ValueKind = "count"
    template_rows: int = 40
    total_code: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """The list's heading label."""
        return (self.label,)

    def item(self, name: str) -> Item:
        """The input cell of the row named `name`, as an item."""
        return Item(
            code=self.code,
            label=name,
            measure_code=self.measure_code,
            dims=((self.name_dim, name),),
            unit=self.unit,
            value_kind=self.value_kind,
        )


Part = Item | Heading | Grid | RepeatingList


@dataclass(frozen=True, slots=True)
class Section:
    """One sheet of the workbook: its name, a title row, and its parts in order."""

    sheet: str
    title: str
    parts: tuple[Part, ...]
    required: bool = True

    def items(self) -> Iterator[Item]:
        """The single-cell items of the sheet (grid cells and lists not included)."""
        return (p for p in self.parts if isinstance(p, Item))

    def grids(self) -> Iterator[Grid]:
        """The grids of the sheet."""
        return (p for p in self.parts if isinstance(p, Grid))

    def lists(self) -> Iterator[RepeatingList]:
        """The repeating lists of the sheet."""
        return (p for p in self.parts if isinstance(p, RepeatingList))

    def cells(self) -> Iterator[Item]:
        """Every fixed input cell: items, then grid cells (lists have no fixed cells)."""
        yield from self.items()
        for grid in self.grids():
            yield from grid.cells()


@dataclass(frozen=True, slots=True)
class Layout:
    """The sheets of one regime's workbook, after the 基本信息 sheet every layout shares."""

    regime_code: str
    title: str
    sections: tuple[Section, ...]

    def __post_init__(self) -> None:
        codes: set[str] = set()
        for code in self.codes():
            if code in codes:
                raise ValueError(f"layout {self.regime_code}: code {code!r} is used twice")
            codes.add(code)

    def codes(self) -> Iterator[str]:
        """Every code the layout gives a row, a column, a cell or a list."""
        for section in self.sections:
            for part in section.parts:
                if isinstance(part, Item | RepeatingList):
                    yield part.code
                elif isinstance(part, Grid):
                    yield from (row.code for row in part.rows)
                    yield from (cell.code for cell in part.cells())

    def cells(self) -> Iterator[tuple[Section, Item]]:
        """Every fixed input cell with its sheet."""
        for section in self.sections:
            for item in section.cells():
                yield section, item

    def section(self, sheet: str) -> Section:
        """The section whose sheet is named `sheet`."""
        return next(s for s in self.sections if s.sheet == sheet)
