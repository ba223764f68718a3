"""Finding a grid's columns: by the codes of its 代码 row, else by the labels of the header
rows above its first row, merged two- and three-level headers included.

A column whose label repeats under several groups (结果维持 under 行政复议 and under each kind of
行政诉讼 in table 四) is told apart by its header texts read top down, a merged group heading
spanning the columns to its right.
"""

from __future__ import annotations

from typing import Any

from etl import rules
from etl.extract.memo import once
from etl.extract.rows import RowMap, SheetData, is_blank, text_of
from etl.labels import LabelIndex, label_keys
from etl.layouts import Grid, GridColumn
from etl.records import Finding, Location

#: How many rows above a grid's first row its header may start (three-level headers, codes).
HEADER_DEPTH = 6


def find_grid_columns(
    data: SheetData, grid: Grid, first: int, rows: RowMap[Any], findings: list[Finding]
) -> tuple[dict[str, int], list[int]]:
    """The grid's columns by code → index, and the header rows (the band above row `first`,
    up to the previous recognised row) they were found in; unknown header labels are findings."""
    by_label = once(
        grid,
        "columns by label",
        lambda: LabelIndex((lb, c) for c in grid.columns for lb in c.labels),
    )
    by_code = once(grid, "columns by code", lambda: {col.code: col for col in grid.columns})
    codes: dict[str, int] = {}
    labels: dict[str, int] = {}
    band: list[int] = []
    for r in range(first - 1, max(first - 1 - HEADER_DEPTH, -1), -1):
        if rows.targets.get(r) is not None or r == rows.header_row:
            break
        band.append(r)
        _header_row(data, r, rows.label_col, by_code, by_label, codes, labels, grid, findings)
    if any(col.groups for col in grid.columns):
        _composite_headers(data, grid, band[::-1], rows.label_col, codes, labels)
    if not codes and not labels:
        return {}, []
    return {**labels, **codes}, band


def _composite_headers(
    data: SheetData,
    grid: Grid,
    band: list[int],
    label_col: int,
    codes: dict[str, int],
    labels: dict[str, int],
) -> None:
    """Columns whose label repeats under several groups (结果维持 under 行政复议 and under
    each 行政诉讼 block), matched by their merged header texts read top down."""
    wanted = [c for c in grid.value_columns if c.code not in codes and c.code not in labels]
    if not wanted:
        return
    index = once(grid, "columns by header path", lambda: _path_index(grid))
    header = [r for r in band if not any(text_of(v) in codes for v in data.rows[r])]
    paths: dict[int, list[str]] = {}
    for depth, r in enumerate(header):
        last = ""
        for c in range(label_col + 1, data.width):
            text = text_of(data.cell(r, c))
            if text:
                last = text
            elif depth < len(header) - 1:  # a merged group heading spans to the right
                text = last
            path = paths.setdefault(c, [])
            if text and (not path or path[-1] != text):
                path.append(text)
    taken = set(labels.values()) | set(codes.values())
    for c, path in sorted(paths.items()):
        if c in taken:
            continue
        for k in range(len(path) - 1, -1, -1):
            column = index.find("".join(path[k:]))
            if column is not None:
                if column in wanted and column.code not in labels:
                    labels[column.code] = c
                break


def _path_index(grid: Grid) -> LabelIndex[GridColumn]:
    return LabelIndex(
        ("".join(path[k:]), col)
        for col in grid.columns
        for path in [(*col.groups, label) for label in col.labels]
        for k in range(len(path))
    )


def _header_row(
    data: SheetData,
    r: int,
    label_col: int,
    by_code: dict[str, GridColumn],
    by_label: LabelIndex[GridColumn],
    codes: dict[str, int],
    labels: dict[str, int],
    grid: Grid,
    findings: list[Finding],
) -> bool:
    row = data.rows[r]
    cells = [(c, v) for c, v in enumerate(row) if c > label_col and not is_blank(v)]
    in_codes = [(c, by_code[text_of(v)]) for c, v in cells if text_of(v) in by_code]
    in_labels = [(c, by_label.find(v)) for c, v in cells if isinstance(v, str)]
    hits = [(c, col) for c, col in in_labels if col is not None]
    for c, col in in_codes:
        codes.setdefault(col.code, c)
    for c, col in hits:
        labels.setdefault(col.code, c)
    if not in_codes and not hits:
        return False
    if not in_codes:
        known = {c for c, _ in hits} | {
            c for c, v in cells if set(label_keys(v)) & _heading_keys(grid)
        }
        for c, v in cells:
            if c not in known:
                _finding(
                    findings,
                    "label.unknown",
                    data.where(r, c),
                    f'expected a column label of the table {grid.label}, found "{text_of(v)}"',
                    text_of(v),
                    "one of " + ", ".join(col.label for col in grid.columns),
                )
    return True


def _heading_keys(grid: Grid) -> set[str]:
    """Header texts that are not an unknown column: group headings, and column labels that
    several columns share (told apart by their groups)."""
    return once(grid, "heading keys", lambda: _build_heading_keys(grid))


def _build_heading_keys(grid: Grid) -> set[str]:
    keys = {"项目", "代码", "单位"}
    texts = [*grid.headings, *(grid.corner or "",)]
    for column in grid.columns:
        texts += [*column.groups, *column.labels]
    for text in texts:
        keys.update(label_keys(text))
    return keys


def _finding(
    findings: list[Finding], code: str, where: Location, message: str, found: str, expected: str
) -> None:
    findings.append(rules.finding(code, where, message, found=found, expected=expected))
