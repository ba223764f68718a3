"""Reading files into `Extraction`s: layout workbooks (xlsx, xls) and long tables (xlsx, CSV).

`read_file` never raises for bad input: a file that is not a spreadsheet, is damaged, too large,
or whose cells are wrong gives findings, each naming file, sheet, cell, what was found and what
was expected. It collects every problem of the file, not just the first.
"""

from __future__ import annotations

from pathlib import Path

from etl.extract.csvtext import Decoded, decode_csv, split_rows
from etl.extract.files import sniff_file
from etl.extract.longformat import LONG_COLUMNS, LongReader, find_long_header
from etl.extract.workbook import read_workbook
from etl.records import Extraction, Location
from etl.rules import finding


def read_file(
    path: Path, *, encoding: str | None = None, content: bytes | None = None
) -> Extraction:
    """Read one file: its reports (a long table may hold many) and the findings of reading it.

    `encoding` applies to CSV files only and overrides the detection (UTF-8 with or without
    BOM, else GBK/GB18030). `content`, the file's bytes when the caller has read them (the
    loader, to store them), is what is read then: figures and stored bytes always agree.
    """
    path = Path(path)
    sniffed = sniff_file(path, keep_open=True, content=content)
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


def _read_csv(
    path: Path, encoding: str | None, extraction: Extraction, content: bytes | None
) -> None:
    where = Location(path.name)
    decoded = decode_csv(path.read_bytes() if content is None else content, where, encoding)
    if not isinstance(decoded, Decoded):
        extraction.findings.append(decoded)
        return
    rows = split_rows(decoded.text)
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
    reader = LongReader(path.name, None, rows)
    extraction.reports += reader.read(*header)
    extraction.findings += reader.findings


__all__ = ["read_file"]
