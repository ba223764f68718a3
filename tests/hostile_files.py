"""Hostile workbooks for the fault tests, made from the Anlu 2017 sample by rewriting its parts.

Each is what an attacker (or a broken exporter) could send: a cell far away (the 23 KB poison
pill of #17), a sheet or a shared-string table declaring an absurd size, entities that expand
a billion times, elements nested very deep, a sheet of a million rows.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

from inbox_files import synthetic_report

#: The sample's first sheet (基本信息) and where its cells end.
SHEET = "xl/worksheets/sheet1.xml"
END_OF_CELLS = b"</sheetData>"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def rewritten(
    path: Path,
    agency: str,
    edits: Mapping[str, Callable[[bytes], bytes]] = {},
    added: Mapping[str, bytes] = {},
) -> Path:
    """A synthetic report (`synthetic_report`) with parts edited and parts added."""
    synthetic_report(path, agency)
    original = path.read_bytes()
    scratch = path.with_name(path.name + ".part")
    scratch.write_bytes(original)
    with (
        zipfile.ZipFile(scratch) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            edit = edits.get(info.filename)
            out.writestr(info.filename, edit(data) if edit else data)
        for name, data in added.items():
            out.writestr(name, data)
    scratch.unlink()
    return path


def cells_added(xml: bytes) -> Callable[[bytes], bytes]:
    """An edit adding rows (their XML) at the end of a sheet's cells."""
    return lambda data: data.replace(END_OF_CELLS, xml + END_OF_CELLS, 1)


def far_cell(path: Path, agency: str, ref: str = "XFD1048576") -> Path:
    """A report with one more cell, at `ref`: python-calamine set aside every cell from A1 to
    it (512 GB for XFD1048576) and aborted the process."""
    row = "".join(filter(str.isdigit, ref))
    cell = f'<row r="{row}"><c r="{ref}"><v>1</v></c></row>'.encode()
    return rewritten(path, agency, {SHEET: cells_added(cell)})


def declared(path: Path, agency: str, dimension: str) -> Path:
    """A report whose first sheet declares the dimension `dimension`."""

    def edit(data: bytes) -> bytes:
        start = data.index(b"<dimension ")
        end = data.index(b"/>", start) + 2
        return data[:start] + f'<dimension ref="{dimension}"/>'.encode() + data[end:]

    return rewritten(path, agency, {SHEET: edit})


def shared_strings(path: Path, agency: str, count: int) -> Path:
    """A report with a shared-string table declaring `count` strings (it holds one)."""
    table = (
        f'<?xml version="1.0"?><sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">'
        "<si><t>a</t></si></sst>"
    ).encode()
    return rewritten(path, agency, added={"xl/sharedStrings.xml": table})


def laughs(root: str, depth: int = 9) -> bytes:
    """A DTD whose `&lol{depth};` expands to 10**depth "lol"s (a billion laughs)."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, depth + 1)
    ]
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(entities)}]>'.encode()


def billion_laughs(path: Path, agency: str, part: str) -> Path:
    """A report whose `part` (the shared strings, the workbook, a sheet) expands entities a
    billion times where it is read."""
    if part == "xl/sharedStrings.xml":
        table = (
            laughs("sst")
            + (
                f'<sst xmlns="{_MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
            ).encode()
        )
        return rewritten(path, agency, added={part: table})

    def edit(data: bytes) -> bytes:
        if data.startswith(b"<?xml"):
            data = data[data.index(b"?>") + 2 :].lstrip()
        name = data[1 : data.index(b" ")].decode()
        if part == SHEET:  # the entity in a cell, as inline text
            cell = b'<row r="90"><c r="A90" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
            data = data.replace(END_OF_CELLS, cell + END_OF_CELLS, 1)
        else:  # in an attribute the reader parses: a sheet's name
            data = data.replace(b'name="', b'name="&lol9;', 1)
        return laughs(name) + data

    return rewritten(path, agency, {part: edit})


def deeply_nested(path: Path, agency: str, depth: int = 100_000) -> Path:
    """A report whose first sheet holds elements nested `depth` deep (names that differ, so
    that the part does not compress past the zip-bomb ratio)."""
    opening = "".join(f"<n{n % 9973}>" for n in range(depth))
    closing = "".join(f"</n{n % 9973}>" for n in reversed(range(depth)))
    nest = f'<extLst><ext uri="x">{opening}{closing}</ext></extLst>'.encode()
    return rewritten(
        path, agency, {SHEET: lambda data: data.replace(b"</worksheet>", nest + b"</worksheet>")}
    )


def many_rows(path: Path, agency: str, rows: int = 1_000_000) -> Path:
    """A report whose first sheet has `rows` more rows, one cell each, after its own."""
    xml = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n) for n in range(100, 100 + rows)
    )
    return rewritten(path, agency, {SHEET: cells_added(xml)})


def odd_entry(path: Path, agency: str, *, method: int | None = None, flags: int = 0) -> Path:
    """A report whose first sheet's zip entry claims another compression `method` (9:
    deflate64, which zipfile does not know) or carries `flags` (1: encrypted)."""
    synthetic_report(path, agency)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(SHEET).header_offset
    entry = data.find(b"PK\x01\x02", 0)
    while entry != -1:
        size = struct.unpack("<H", data[entry + 28 : entry + 30])[0]
        if data[entry + 46 : entry + 46 + size] == SHEET.encode():
            for at, flag_at in ((entry + 10, entry + 8), (local + 8, local + 6)):
                if method is not None:
                    data[at : at + 2] = struct.pack("<H", method)
                old = struct.unpack("<H", data[flag_at : flag_at + 2])[0]
                data[flag_at : flag_at + 2] = struct.pack("<H", old | flags)
        entry = data.find(b"PK\x01\x02", entry + 4)
    path.write_bytes(bytes(data))
    return path
