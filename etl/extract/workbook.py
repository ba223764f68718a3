"""Reading a workbook (xlsx or xls) with python-calamine: a layout workbook or a long table.

A layout workbook has a 基本信息 sheet; its regime picks the layout the other sheets are read
with. Sheets are found by name (or title), in any order; unknown sheets are ignored. A workbook
without 基本信息 whose first rows name the long-format columns is read as a long table.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import cast

from python_calamine import CalamineError, CalamineWorkbook

from etl import rules
from etl.errors import UnknownLayout
from etl.extract.files import DAMAGED, MAX_SHEET_CELLS, FormulaScan
from etl.extract.header import parse_header, read_header_sheet
from etl.extract.longformat import LongReader, find_long_header
from etl.extract.rows import Rows, SheetData
from etl.extract.sections import SectionReader, missing_sheet
from etl.labels import LabelIndex
from etl.layouts import HEADER_SHEET, Layout, Section, get_layout, registered_layouts
from etl.records import ExtractedReport, Extraction, Fact, Location


class _SheetTooLarge(Exception):
    """A sheet whose used area is past `MAX_SHEET_CELLS` (reported as a finding)."""


def read_workbook(
    path: Path,
    extraction: Extraction,
    archive: zipfile.ZipFile | None = None,
    content: bytes | None = None,
) -> None:
    """Read a workbook into `extraction`: its report(s) and every finding. `archive` is the
    xlsx's zip when the caller has it open (it stays open); `content` the file's bytes when
    the caller has read them (they are read instead of the file)."""
    file = path.name
    try:
        if content is None:
            book = CalamineWorkbook.from_path(str(path))
        else:
            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        source = path if content is None else io.BytesIO(content)
        with FormulaScan(source, archive) as scan:
            _read_book(book, file, scan if extraction.file_format == "xlsx" else None, extraction)
    except (CalamineError, *DAMAGED) as exc:
        # (a sheet's XML is parsed here only for its formulas: entities that expand past
        # expat's limit, a part that does not inflate, are a damaged file as calamine's are)
        what = extraction.file_format or "spreadsheet"
        found = f"a damaged file ({type(exc).__name__}: {exc})"
        extraction.findings.append(
            rules.finding(
                "file.corrupt",
                Location(file),
                f"expected a readable {what} workbook, found {found}",
                found=found,
                expected=f"a readable {what} workbook",
            )
        )
    except _SheetTooLarge as exc:
        sheet, cells = exc.args
        found = f"a sheet of {cells:,} cells"
        extraction.findings.append(
            rules.finding(
                "file.too_large",
                Location(file, sheet),
                f"expected at most {MAX_SHEET_CELLS:,} cells in a sheet, found {found}",
                found=found,
                expected=f"at most {MAX_SHEET_CELLS:,} cells in a sheet",
            )
        )


def _read_book(
    book: CalamineWorkbook,
    file: str,
    formulas: FormulaScan | None,
    extraction: Extraction,
) -> None:
    names = list(book.sheet_names)
    sheets = _SheetNames(names)

    def load(name: str) -> SheetData:
        sheet = book.get_sheet_by_name(name)
        cells = sheet.total_height * sheet.total_width
        if cells > MAX_SHEET_CELLS:
            raise _SheetTooLarge(name, cells)
        uncached = formulas.lazy(name) if formulas is not None else {}
        return SheetData(file, name, cast(Rows, sheet.to_python(skip_empty_area=False)), uncached)

    header_name = sheets.match(HEADER_SHEET)
    if header_name is None:
        for name in names:
            data = load(name)
            found = find_long_header(data.rows)
            if found is not None:
                long_reader = LongReader(file, name, data.rows)
                extraction.reports += long_reader.read(*found)
                extraction.findings += long_reader.findings
                return
        section = Section(HEADER_SHEET, "基本信息", ())
        extraction.findings.append(missing_sheet(file, section, names))
        return
    header_data = load(header_name)
    values, findings = read_header_sheet(header_data)
    result = parse_header(values, header_data.where())
    extraction.findings += findings + result.findings
    layout = _choose_layout(file, sheets, result.regime_code, values, extraction)
    if layout is None:
        return
    # Every sheet first, then the reading: calamine's calls one after another ran faster.
    matched = [(part, sheets.match(part.sheet, part.title)) for part in layout.sections]
    loaded = [(part, None if name is None else load(name)) for part, name in matched]
    facts: list[Fact] = []
    for section, sheet_data in loaded:
        if sheet_data is None:
            if section.required:
                extraction.findings.append(missing_sheet(file, section, names))
            continue
        reader = SectionReader(sheet_data, section)
        reader.read()
        facts += reader.facts
        extraction.findings += reader.findings
    if result.header is not None:
        extraction.reports.append(ExtractedReport(result.header, facts))


def _choose_layout(
    file: str,
    sheets: _SheetNames,
    regime: str | None,
    values: dict[str, tuple[object, Location]],
    extraction: Extraction,
) -> Layout | None:
    """The layout of the header's regime; a finding when it has none or the sheets are
    another layout's. Falls back to the layout the sheets look like, to find more problems."""

    def fit(layout: Layout) -> tuple[int, float]:
        overlap = sheets.overlap(layout)
        return overlap, overlap / max(len(layout.sections), 1)

    by_sheets = max(registered_layouts(), key=fit)
    where = values.get("header.regime", ("", Location(file, HEADER_SHEET)))[1]
    if regime is None:
        return by_sheets
    try:
        layout = get_layout(regime)
    except UnknownLayout:
        found = f'"{regime}"'
        known = ", ".join(layout.regime_code for layout in registered_layouts())
        expected = f"a report format with a spreadsheet layout ({known})"
        message = f"expected {expected}, found {found}: its layout comes in a later version"
        extraction.findings.append(
            rules.finding("header.regime_mismatch", where, message, found=found, expected=expected)
        )
        return by_sheets
    if by_sheets is not layout and sheets.overlap(by_sheets) > sheets.overlap(layout):
        found = f"the sheets of the {by_sheets.regime_code} layout"
        expected = f"the sheets of the {regime} layout"
        extraction.findings.append(
            rules.finding(
                "header.regime_mismatch",
                where,
                f"expected {expected}, found {found}: use the {regime} template",
                found=found,
                expected=expected,
            )
        )
    return layout


class _SheetNames:
    """A workbook's sheet names, looked up by a layout's names (after normalising)."""

    def __init__(self, names: list[str]) -> None:
        self._index = LabelIndex((name, name) for name in names)

    def match(self, *wanted: str) -> str | None:
        """The sheet whose name matches one of `wanted`, the first that does."""
        for label in wanted:
            found = self._index.find(label)
            if found is not None:
                return found
        return None

    def overlap(self, layout: Layout) -> int:
        """How many of the layout's sheets the workbook has."""
        return sum(self.match(s.sheet) is not None for s in layout.sections)
