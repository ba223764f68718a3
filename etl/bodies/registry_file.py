"""Reading a registry of bodies (`ogi agencies import`): a CSV or a workbook with a header row
and a body a row: its name, parent, level, division code, aliases and credit code.

A county's own list of its townships and departments, or the official table of 行政区划代码,
as it comes: columns are found by their header, in English or Chinese (`name` or 名称 /
单位名称, `parent` or 上级单位, `level` or 层级, `division_code` or 行政区划代码, `aliases` or
别名 / 曾用名, `credit_code` or 统一社会信用代码), in any order; other columns are ignored.
What a row says on its own is checked here (a name that cannot be a body's, a code that is not
6 digits or contradicts the level, a row twice, a body its own parent); what it says against
the warehouse is checked by `etl.bodies.registry.import_registry`. Every problem is collected,
each naming the file, the row and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from etl.bodies.names import Level, code_level, code_problem, name_key, name_problem
from etl.errors import RegistryConflict
from etl.extract.csvtext import Decoded, decode_csv, split_rows
from etl.extract.files import MAX_SHEET_CELLS, sniff_file
from etl.records import Location

#: Each field of a registry row and the headers that name its column (compared as `name_key`,
#: English case-insensitively).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "名称", "单位名称", "机构名称", "单位"),
    "parent": ("parent", "上级单位", "上级", "上级机关", "上级单位名称"),
    "level": ("level", "层级", "级别"),
    "division_code": ("division_code", "行政区划代码", "区划代码", "代码"),
    "aliases": ("aliases", "别名", "曾用名"),
    "credit_code": ("credit_code", "统一社会信用代码", "信用代码"),
}

#: What a level cell may say, and the level it means (`市` alone is not one: it may be a
#: prefecture-level or a county-level city).
LEVEL_WORDS: dict[str, Level] = {
    **{level: level for level in ("province", "prefecture", "county", "township", "department")},
    "省": "province",
    "省级": "province",
    "地市级": "prefecture",
    "地级": "prefecture",
    "地市": "prefecture",
    "市级": "prefecture",
    "县级": "county",
    "县": "county",
    "县区": "county",
    "乡镇": "township",
    "乡镇级": "township",
    "乡": "township",
    "镇": "township",
    "街道": "township",
    "乡镇(街道、办事处)": "township",
    "部门": "department",
}

#: Rows of the official division-code table that group counties without being a body.
GROUPINGS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")

#: Separators of the names in an aliases cell.
_ALIAS_SEPARATORS = re.compile(r"[;；|、]")

#: A 统一社会信用代码 (GB 32100-2015): 18 digits and capital letters (no I, O, S, V, Z).
_CREDIT_CODE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One body a registry names, as its row says (blank cells as None)."""

    number: int  # the row's number in the file, the header's being 1 when it is the first
    name: str
    parent: str | None = None
    level: Level | None = None
    division_code: str | None = None
    aliases: tuple[str, ...] = ()
    credit_code: str | None = None


@dataclass(slots=True)
class Registry:
    """A registry as read: its rows without problems of their own, the headers of its columns
    (for messages), and every problem found."""

    file: str
    rows: list[RegistryRow] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row, message)

    def where(self, number: int, column: str | None = None) -> str:
        """`bodies.csv row 3, column 行政区划代码`: where a problem is."""
        if column is None:
            return f"{self.file} row {number}"
        return f"{self.file} row {number}, column {self.headers.get(column, column)}"

    def note(self, number: int, column: str | None, message: str) -> None:
        """Note a problem of row `number` (in `column`)."""
        self.problems.append((number, f"{self.where(number, column)}: {message}"))

    def messages(self) -> list[str]:
        """Every problem, row by row."""
        return [message for _, message in sorted(self.problems, key=lambda p: p[0])]


def read_registry(path: Path) -> Registry:
    """The rows of the registry at `path`, each checked on its own; raises `RegistryConflict`
    when the file cannot be read as a registry at all."""
    sniffed = sniff_file(path)
    errors = [f for f in sniffed.findings if f.severity == "error"]
    if sniffed.file_format is None or errors:
        raise RegistryConflict([f"{f.location}: {f.message}" for f in errors] or [path.name])
    if sniffed.file_format == "csv":
        decoded = decode_csv(path.read_bytes(), Location(path.name))
        if not isinstance(decoded, Decoded):
            raise RegistryConflict([f"{decoded.location}: {decoded.message}"])
        cells = split_rows(decoded.text)
    else:
        cells = _first_sheet(path)
    return _registry(path.name, cells)


def _first_sheet(path: Path) -> list[list[object]]:
    from python_calamine import CalamineError, CalamineWorkbook  # only a workbook needs it

    try:
        book = CalamineWorkbook.from_path(str(path))
        sheet = book.get_sheet_by_index(0)
        if sheet.total_height * sheet.total_width > MAX_SHEET_CELLS:
            raise RegistryConflict(
                [f"{path.name}: expected at most {MAX_SHEET_CELLS:,} cells in its first sheet"]
            )
        return cast(list[list[object]], sheet.to_python(skip_empty_area=False))
    except CalamineError as exc:
        raise RegistryConflict([f"{path.name}: a damaged workbook ({exc})"]) from exc


def _registry(file: str, cells: list[list[object]]) -> Registry:
    registry = Registry(file)
    lines = [(n, [_text(c) for c in row]) for n, row in enumerate(cells, start=1)]
    lines = [(n, row) for n, row in lines if any(row)]
    if len(lines) < 2:
        raise RegistryConflict([f"{file}: no rows: expected a header row and a body a row"])
    header_number, header = lines[0]
    columns: dict[str, int] = {}
    for index, written in enumerate(header):
        for column, names in COLUMNS.items():
            if written and name_key(written).lower() in names and column not in columns:
                columns[column] = index
                registry.headers[column] = written
    if "name" not in columns:
        raise RegistryConflict(
            [
                f"{file} row {header_number}: no column of names: expected a header "
                f"{' or '.join(COLUMNS['name'])}, found {', '.join(h for h in header if h)}"
            ]
        )
    codes: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, row in lines[1:]:
        values = {c: (row[i] if i < len(row) else "") for c, i in columns.items()}
        parsed = _row(registry, number, values)
        if parsed is None or parsed.name in GROUPINGS:
            continue
        problems = len(registry.problems)
        if parsed.division_code is not None:
            first = codes.setdefault(parsed.division_code, number)
            if first != number:
                registry.note(
                    number, "division_code", f"{parsed.division_code} is on row {first} too"
                )
        named = (name_key(parsed.name), name_key(parsed.parent or ""))
        first = seen.setdefault(named, number)
        if first != number:
            registry.note(
                number, "name", f"row {first} names {parsed.name} under the same parent too"
            )
        if len(registry.problems) == problems:
            registry.rows.append(parsed)
    return registry


def _row(registry: Registry, number: int, values: dict[str, str]) -> RegistryRow | None:
    """The row, or None after noting its problems."""
    problems = len(registry.problems)

    def problem(column: str, message: str) -> None:
        registry.note(number, column, message)

    name = values["name"]
    if (why := name_problem(name)) is not None:
        problem("name", f"{_quoted(name)} cannot name a body: it is {why}")
    parent = values.get("parent") or None
    if parent is not None:
        for part in parent.split("/"):
            if (why := name_problem(part)) is not None:
                problem("parent", f"{_quoted(parent)} cannot name a body: it is {why}")
                break
        if name_key(parent) == name_key(name):
            problem("parent", f"{name} cannot be its own parent")
    level: Level | None = None
    if written := values.get("level"):
        level = LEVEL_WORDS.get(name_key(written).lower())
        if level is None:
            problem(
                "level",
                f"{_quoted(written)} is not a level: expected province, prefecture, county, "
                "township or department (省级, 地市级, 县级, 乡镇, 部门)",
            )
    code = values.get("division_code") or None
    if code is not None:
        if (why := code_problem(code)) is not None:
            problem("division_code", f"{_quoted(code)} is not a division code: {why}")
        elif level is not None and code_level(code) != level:
            problem(
                "division_code",
                f"{code} is the code of a {code_level(code)}, and the row's level is {level}",
            )
    aliases = tuple(a.strip() for a in _ALIAS_SEPARATORS.split(values.get("aliases", "")))
    aliases = tuple(a for a in aliases if a)
    for alias in aliases:
        if (why := name_problem(alias)) is not None:
            problem("aliases", f"{_quoted(alias)} cannot name a body: it is {why}")
    credit = values.get("credit_code") or None
    if credit is not None and not _CREDIT_CODE.fullmatch(credit):
        problem(
            "credit_code",
            f"{_quoted(credit)} is not a 统一社会信用代码: expected 18 digits and capital letters",
        )
    if len(registry.problems) > problems:
        return None
    return RegistryRow(number, name, parent, level, code, aliases, credit)


def _text(value: object) -> str:
    """A cell as text: a whole number without `.0` (a division code read as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _quoted(value: str) -> str:
    return f'"{value}"'
