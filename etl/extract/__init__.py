"""Reading files into `Extraction`s: layout workbooks (xlsx, xls) and long tables (xlsx, CSV).

`read_file` never raises for bad input: a file that is not a spreadsheet, is damaged, too large,
or whose cells are wrong gives findings, each naming file, sheet, cell, what was found and what
was expected. It collects every problem of the file, not just the first.
"""

from __future__ import annotations

import csv
from pathlib import Path

from etl.extract.csvtext import Decoded, decode_csv, implausible_text, split_rows
from etl.extract.files import sniff_file
from etl.extract.longformat import LONG_COLUMNS, LongReader, find_long_header
from etl.extract.workbook import read_workbook
from etl.records import Extraction, Location
from etl.rules import finding


def read_file(
    path: Path,
    *,
    encoding: str | None = None,
    content: bytes | None = None,
    screened: bool = False,
) -> Extraction:
    """Read one file: its reports (a long table may hold many) and the findings of reading it.

    `encoding` applies to CSV files only and overrides the detection (UTF-8 with or without
    BOM, else GBK/GB18030). `content`, the file's bytes when the caller has read them (the
    loader, to store them), is what is read then: figures and stored bytes always agree.
    `screened`: `screen_file` passed these bytes already (its sheet scan is not repeated).
    """
    path = Path(path)
    sniffed = sniff_file(path, keep_open=True, content=content, check_sheets=not screened)
    extraction = Extraction(path=path, file_format=sniffed.file_format, findings=sniffed.findings)
    try:
        if sniffed.file_format == "csv":
            _read_csv(path, encoding, extraction, content)
        elif sniffed.file_format is not None:
            read_workbook(path, extraction, sniffed.archive, content)
    finally:
        if sniffed.archive is not None:
            sniffed.archive.close()
    return extraction


def screen_file(path: Path, content: bytes) -> Extraction | None:
    """What can be told of a file's bytes before any reader opens them (`sniff_file`: its
    kind, its sizes, its sheets' extents), in plain Python on bounded memory: an extraction
    holding the findings when the file is refused so, None when a reader may take it."""
    sniffed = sniff_file(path, content=content)
    if sniffed.file_format is None:
        return Extraction(path=path, file_format=None, findings=sniffed.findings)
    return None


def _read_csv(
    path: Path, encoding: str | None, extraction: Extraction, content: bytes | None
) -> None:
    where = Location(path.name)
    data = path.read_bytes() if content is None else content
    decoded = decode_csv(data, where, encoding)
    if not isinstance(decoded, Decoded):
        extraction.findings.append(decoded)
        return
    try:
        rows = split_rows(decoded.text)
    except csv.Error as exc:
        found = f"text that is no CSV ({exc})"
        extraction.findings.append(
            finding(
                "file.corrupt",
                where,
                f"expected comma- or tab-separated rows, found {found}",
                found=found,
                expected="comma- or tab-separated rows",
            )
        )
        return
    header = find_long_header(rows)
    if header is None:
        first = next((row for row in rows if any(str(v).strip() for v in row)), [])
        shown = ", ".join(f'"{v}"' for v in first[:6]) or "nothing"
        expected = "column names such as " + ", ".join(
            c.name_zh for c in LONG_COLUMNS if c.required
        )
        extraction.findings.append(
            finding(
                "file.encoding",
                where,
                f"expected {expected} after decoding as {decoded.encoding}, found {shown}: "
                "check the encoding (--encoding) and the header row",
                found=shown,
                expected=expected,
            )
        )
        return
    if encoding is None and decoded.encoding == "gb18030":  # guessed: the text must say so
        garbled = implausible_text(rows, data, decoded.encoding, where)
        if garbled is not None:
            extraction.findings.append(garbled)
            return
    reader = LongReader(path.name, None, rows)
    extraction.reports += reader.read(*header)
    extraction.findings += reader.findings


__all__ = ["read_file", "screen_file"]
