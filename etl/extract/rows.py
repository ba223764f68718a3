"""Finding rows by code and label: which column holds codes, labels, values and units.

Positions are never assumed. The code column is the one where most cells are known codes, the
label column the one where most cells are known labels; the value column is headed 数值 (or a
variant), else the first column after the labels. Blank rows and columns, extra titles and notes
and columns moved around are all tolerated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from etl.labels import LabelIndex, normalise_label
from etl.records import Location

T = TypeVar("T")

#: Headers of the column that holds figures (items) or contents (基本信息).
VALUE_HEADERS = frozenset(
    {"数值", "填报数值", "填报数", "数据", "本年数", "内容", "填写内容", "value"}
)
UNIT_HEADERS = frozenset({"单位", "计量单位", "unit"})
#: What a code looks like: `proactive.total`, `review.complaint:total`, `header.year`.
CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+(?::[a-z0-9_]+)?")

Rows = list[list[object]]


def text_of(value: object) -> str:
    """A cell as stripped text ('' for blank; 2017.0 as '2017')."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing (None, '' or only spaces)."""
    if value.__class__ is float:
        return False  # the common case, a figure: no need to write it out as text
    return text_of(value) == ""


@lru_cache(maxsize=65536)
def cell_name(r: int, c: int) -> str:
    """The A1 name of the zero-based cell (r, c): (4, 2) is C5."""
    letters = ""
    c += 1
    while c:
        c, rest = divmod(c - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{r + 1}"


@dataclass(slots=True)
class RowMap(Generic[T]):
    """Where things are in one sheet: columns by role, and each recognised row's target."""

    code_col: int | None
    label_col: int
    value_col: int
    unit_col: int | None
    header_row: int
    targets: dict[int, T] = field(default_factory=dict)
    unknown_codes: dict[int, str] = field(default_factory=dict)


@dataclass(slots=True)
class SheetData:
    """The values of one sheet (zero-based rows, from A1), with where they came from."""

    file: str
    sheet: str
    rows: Rows
    uncached: Mapping[str, str] = field(default_factory=dict)

    def cell(self, r: int, c: int | None) -> object:
        """The value at (r, c), '' outside the used area."""
        if c is None or r >= len(self.rows) or c >= len(self.rows[r]):
            return ""
        return self.rows[r][c]

    def where(self, r: int | None = None, c: int | None = None) -> Location:
        """The location of a cell, or of the sheet."""
        if r is None or c is None:
            return Location(self.file, self.sheet)
        return Location(self.file, self.sheet, cell_name(r, c))

    @property
    def width(self) -> int:
        """The number of columns of the used area."""
        return max(map(len, self.rows), default=0)


@dataclass(frozen=True, slots=True)
class _Text(Generic[T]):
    """What one text of a sheet is to a `RowIndex`: the target whose code it is (once
    stripped), whether it is shaped like a code yet none of the index's, the target whose
    label it is, and whether it heads a value column or a unit column."""

    code: T | None
    unknown_code: bool
    label: T | None
    value_header: bool
    unit_header: bool


#: Most texts a `RowIndex` remembers (a layout's sheets repeat a few hundred across files).
_MEMO_SIZE = 16384


class RowIndex(Generic[T]):
    """The rows of a section (or of 基本信息) by code and by label, for `map_rows`.

    Every file of a layout repeats the same few hundred texts, and `map_rows` asks about each
    text cell of a sheet: what a text is, found once, is remembered for the next files.
    """

    def __init__(self, by_code: Mapping[str, T], by_label: LabelIndex[T]) -> None:
        self.by_code = by_code
        self.by_label = by_label
        #: The texts met so far, each with what it is.
        self.known: dict[str, _Text[T]] = {}

    def text(self, value: str) -> _Text[T]:
        """What a text cell is: a code, an unknown code, a label (or nothing)."""
        known = self.known.get(value)
        if known is None:
            if len(self.known) >= _MEMO_SIZE:
                self.known.clear()
            code = value.strip()
            target = self.by_code.get(code)
            unknown = target is None and bool(code) and bool(CODE_PATTERN.fullmatch(code))
            name = normalise_label(value)
            label = self.by_label.find(value)
            known = _Text(target, unknown, label, name in VALUE_HEADERS, name in UNIT_HEADERS)
            self.known[value] = known
        return known


def map_rows(data: SheetData, index: RowIndex[T]) -> RowMap[T]:
    """Find the code, label, value and unit columns and the target of every known row."""
    code_counts, label_counts = _column_counts(data, index)
    code_col = _best_column(code_counts)
    if code_col is not None:
        label_counts[code_col] = 0  # the codes are not the labels
    label_col = _best_column(label_counts)
    if label_col is None:
        label_col = 0 if code_col is None else code_col + 1
    header_row, value_col, unit_col = _header(data, index, {code_col, label_col})
    if value_col is None:
        value_col = label_col + 1 + (code_col == label_col + 1)
    found: RowMap[T] = RowMap(code_col, label_col, value_col, unit_col, header_row)
    known = index.known.get  # every text of the sheet is known by now (`_column_counts`)
    for r, row in enumerate(data.rows):
        value = row[code_col] if code_col is not None and code_col < len(row) else ""
        if isinstance(value, str):
            text = known(value) or index.text(value)
            if text.code is not None:
                found.targets[r] = text.code
                continue
            if text.unknown_code:
                found.unknown_codes[r] = value.strip()
                continue
        else:  # a number or a date where codes are: never a code, but read as one would be
            code = text_of(value)
            if code in index.by_code:
                found.targets[r] = index.by_code[code]
                continue
            if code and CODE_PATTERN.fullmatch(code):
                found.unknown_codes[r] = code
                continue
        label = row[label_col] if label_col < len(row) else ""
        target = (known(label) or index.text(label)).label if isinstance(label, str) else None
        if target is not None:
            found.targets[r] = target
    return found


def _column_counts(data: SheetData, index: RowIndex[T]) -> tuple[list[int], list[int]]:
    """How many cells of each column are known codes, and how many are known labels."""
    width = data.width
    codes = [0] * width
    labels = [0] * width
    known = index.known.get
    for row in data.rows:  # the hot loop of reading: every cell of every sheet
        c = -1
        for value in row:
            c += 1  # (faster than enumerate here)
            if value.__class__ is not str or not value:
                continue  # numbers and blanks are neither codes nor labels
            text = known(value) or index.text(value)
            if text.code is not None:
                codes[c] += 1
            if text.label is not None:
                labels[c] += 1
    return codes, labels


def _best_column(counts: list[int]) -> int | None:
    """The column with the most matches (the leftmost of equals), None when none matched."""
    most = max(counts, default=0)
    return counts.index(most) if most > 0 else None


def _header(
    data: SheetData, index: RowIndex[T], skip: set[int | None]
) -> tuple[int, int | None, int | None]:
    """The first row naming a value column, that column, and the unit column beside it."""
    known = index.known.get
    for r, row in enumerate(data.rows):
        for c, value in enumerate(row):
            if c in skip or not isinstance(value, str):
                continue
            if (known(value) or index.text(value)).value_header:
                texts = [index.text(v) if isinstance(v, str) else None for v in row]
                unit = next((u for u, t in enumerate(texts) if t and t.unit_header), None)
                return r, c, unit
    return -1, None, None
