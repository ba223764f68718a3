"""What kind of file this is, whether it is safe to open, and which formulas lack a value.

Everything here looks at bytes before any spreadsheet library does: the size cap, the zip's
declared sizes and compression ratios (zip bombs) and the sheet XML of an xlsx, which is the one
place a formula without a cached value can be seen (calamine reads such a cell as blank).
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from etl import rules
from etl.records import FileFormat, Finding, Location

#: Largest file accepted, in bytes: a yearly workbook is a few hundred kilobytes.
MAX_FILE_BYTES = 50 * 1024 * 1024
#: Largest total a workbook's parts may unpack to.
MAX_UNPACKED_BYTES = 250 * 1024 * 1024
#: Largest compression ratio of a part bigger than `_RATIO_FLOOR` (sheet XML is ~10-30:1).
MAX_RATIO = 200
_RATIO_FLOOR = 1024 * 1024
#: Largest number of parts in a workbook.
MAX_PARTS = 5_000
#: Largest number of cells of one sheet (rows × columns of its used area).
MAX_SHEET_CELLS = 5_000_000

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: A formula element, `<f>` or `<x:f ...>`, in a sheet's XML; every sheet holding one has
#: an `f>` (`</f>` closing a formula's text), a much faster first test than the expression.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


@dataclass(slots=True)
class Sniffed:
    """The format a file was recognised as (None: not to be read), and the findings so far."""

    file_format: FileFormat | None
    findings: list[Finding] = field(default_factory=list)
    #: An accepted xlsx's zip, left open for `FormulaScan` when asked (`keep_open`): opening
    #: it again cost as much as the rest of sniffing. Whoever asked closes it.
    archive: zipfile.ZipFile | None = None


def sniff_file(path: Path, *, keep_open: bool = False, content: bytes | None = None) -> Sniffed:
    """Recognise the file by its bytes and check its size; zips also by their declared parts.

    With `keep_open`, an accepted xlsx comes with its zip still open (`Sniffed.archive`).
    `content` is the file's bytes when the caller has read them (they are looked at instead).
    """
    where = Location(path.name)
    if content is None and not path.is_file():
        return _reject("file.not_spreadsheet", where, "a spreadsheet file", "no such file")
    size = path.stat().st_size if content is None else len(content)
    if size == 0:
        return _reject("file.corrupt", where, "a spreadsheet", "an empty file")
    if size > MAX_FILE_BYTES:
        return _reject(
            "file.too_large", where, f"at most {_mb(MAX_FILE_BYTES)}", f"a file of {_mb(size)}"
        )
    if content is None:
        with path.open("rb") as stream:
            head = stream.read(8)
    else:
        head = content[:8]
    if head.startswith(b"PK"):
        return _sniff_zip(path if content is None else io.BytesIO(content), where, keep_open)
    if head == _OLE2:
        return Sniffed("xls")
    if head.startswith(b"%PDF"):
        return _reject("file.not_spreadsheet", where, _WANTED, "a PDF document")
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return Sniffed("csv")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls") and b"\x00" in head:
        return _reject("file.corrupt", where, f"an {path.suffix.lower()[1:]} workbook", _what(head))
    return _reject("file.not_spreadsheet", where, _WANTED, _what(head))


_WANTED = "an xlsx, xls or csv spreadsheet"


def _sniff_zip(file: Path | io.BytesIO, where: Location, keep_open: bool) -> Sniffed:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        return _reject("file.corrupt", where, "a complete xlsx workbook", f"a damaged zip ({exc})")
    sniffed = _check_parts(archive.infolist(), where)
    if keep_open and sniffed.file_format is not None:
        sniffed.archive = archive
    else:
        archive.close()
    return sniffed


def _check_parts(parts: list[zipfile.ZipInfo], where: Location) -> Sniffed:
    names = {part.filename for part in parts}
    if "xl/workbook.xml" not in names:
        found = "a Word document" if "word/document.xml" in names else "a zip archive"
        return _reject("file.not_spreadsheet", where, _WANTED, found)
    if len(parts) > MAX_PARTS:
        return _reject("file.too_large", where, f"at most {MAX_PARTS} parts", f"{len(parts)} parts")
    total = sum(part.file_size for part in parts)
    if total > MAX_UNPACKED_BYTES:
        return _reject(
            "file.too_large",
            where,
            f"parts unpacking to at most {_mb(MAX_UNPACKED_BYTES)}",
            f"parts unpacking to {_mb(total)}",
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            return _reject(
                "file.too_large",
                where,
                f"parts compressed at most {MAX_RATIO}:1",
                f"{part.filename} unpacking to {_mb(part.file_size)} ({ratio:.0f}:1, a zip bomb?)",
            )
    return Sniffed("xlsx")


def uncached_formulas(path: Path) -> dict[tuple[str, str], str]:
    """Formula cells of an xlsx that have no saved value, by (sheet name, cell): the formula.

    Only called after `sniff_file` accepted the zip's sizes. A shared formula's dependent cells
    have no text of their own and are shown as "(shared formula)".
    """
    with FormulaScan(path) as scan:
        return {
            (sheet, cell): f for sheet in scan.sheets() for cell, f in scan.sheet(sheet).items()
        }


class FormulaScan:
    """`uncached_formulas` one sheet at a time, each read when first asked for: a reader asks
    only about a blank cell where a figure belongs, so most sheets' XML is never parsed."""

    def __init__(self, path: Path | io.BytesIO, archive: zipfile.ZipFile | None = None) -> None:
        """Scan `path` (a file, or its bytes), through `archive` when it is already open (it
        is left open)."""
        self._path = path
        self._archive = archive
        self._owned = archive is None
        self._parts: dict[str, str] | None = None
        self._found: dict[str, dict[str, str]] = {}

    def __enter__(self) -> FormulaScan:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._archive is not None and self._owned:
            self._archive.close()
            self._archive = None

    def sheets(self) -> list[str]:
        """The names of the sheets whose XML was found."""
        return list(self._sheet_parts())

    def sheet(self, name: str) -> dict[str, str]:
        """The sheet's formula cells without a saved value: cell name → formula."""
        if name not in self._found:
            part = self._sheet_parts().get(name)
            self._found[name] = {} if part is None else _uncached_in(_read_part(self._open(), part))
        return self._found[name]

    def lazy(self, name: str) -> Mapping[str, str]:
        """`sheet(name)` as a mapping read on first use."""
        return _LazySheet(self, name)

    def _open(self) -> zipfile.ZipFile:
        if self._archive is None:
            self._archive = zipfile.ZipFile(self._path)
            self._owned = True
        return self._archive

    def _sheet_parts(self) -> dict[str, str]:
        if self._parts is None:
            self._parts = _sheet_parts(self._open())
        return self._parts


class _LazySheet(Mapping[str, str]):
    def __init__(self, scan: FormulaScan, name: str) -> None:
        self._scan = scan
        self._name = name

    def __getitem__(self, cell: str) -> str:
        return self._scan.sheet(self._name)[cell]

    def get(self, cell: str, default: Any = None) -> Any:
        # Asked of every blank figure cell: Mapping.get's KeyError costs more than the lookup.
        return self._scan.sheet(self._name).get(cell, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._scan.sheet(self._name))

    def __len__(self) -> int:
        return len(self._scan.sheet(self._name))


def _uncached_in(xml: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    if b"f>" not in xml or not _FORMULA_TAG.search(xml):
        return found  # most sheets hold no formula: no need to parse their XML
    with io.BytesIO(xml) as stream:
        for _event, element in ElementTree.iterparse(stream):
            if element.tag != f"{_MAIN}c":
                continue
            formula = element.find(f"{_MAIN}f")
            value = element.find(f"{_MAIN}v")
            empty = value is None or (not value.text and element.get("t") != "str")
            if formula is not None and empty:
                text = f"={formula.text}" if formula.text else "(shared formula)"
                found[element.get("r", "?")] = text
            element.clear()
    return found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → the zip part holding its XML, through the workbook's relationships."""
    workbook_part, rels_part = "xl/workbook.xml", "xl/_rels/workbook.xml.rels"
    workbook, rels = _stored_part(archive, workbook_part), _stored_part(archive, rels_part)
    targets = None if workbook is None or rels is None else _targets_by_stored.get((workbook, rels))
    if targets is None:
        targets = _sheet_targets(archive.read(workbook_part), archive.read(rels_part))
        if workbook is not None and rels is not None:
            if len(_targets_by_stored) >= 256:
                _targets_by_stored.clear()
            _targets_by_stored[(workbook, rels)] = targets
    present = set(archive.namelist())
    return {name: part for name, part in targets if part in present}


_Stored = tuple[bytes, int, int, int]
#: `_sheet_targets` by the two parts as stored (`_stored_part`): files written from one
#: template store them alike, and comparing stored bytes spares unpacking them.
_targets_by_stored: dict[tuple[_Stored, _Stored], tuple[tuple[str, str], ...]] = {}

#: General-purpose flags zipfile handles itself: encrypted, compressed patch, strong encryption.
_SPECIAL_FLAGS = 0x1 | 0x20 | 0x40
_LOCAL_HEADER = struct.Struct("<4s22xHH")


def _stored_part(archive: zipfile.ZipFile, name: str) -> _Stored | None:
    """A part as stored (its compressed bytes, method, CRC and size), read straight from the
    file; None when zipfile's own reading is needed (a missing, encrypted or odd part, or a
    local header that does not match), so that its errors stay the same."""
    info = archive.NameToInfo.get(name)
    fp = archive.fp
    if info is None or fp is None or info.flag_bits & _SPECIAL_FLAGS:
        return None
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return None
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        return None
    magic, name_size, extra_size = _LOCAL_HEADER.unpack(header)
    encoding = "utf-8" if info.flag_bits & 0x800 else getattr(archive, "metadata_encoding", None)
    try:
        found = fp.read(name_size).decode(encoding or "cp437")
    except UnicodeDecodeError:
        return None
    if magic != b"PK\x03\x04" or found != info.orig_filename:
        return None
    fp.seek(extra_size, io.SEEK_CUR)
    data = fp.read(info.compress_size)
    if len(data) != info.compress_size:
        return None
    return data, info.compress_type, info.CRC, info.file_size


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """`archive.read(name)` without zipfile's per-part machinery, a third of the time of
    reading a sheet's XML (most of a formula scan): the bytes are checked as zipfile checks
    them (size and CRC), and anything unusual is left to `archive.read`, errors included."""
    stored = _stored_part(archive, name)
    if stored is not None:
        data, method, crc, size = stored
        try:
            if method == zipfile.ZIP_DEFLATED:
                data = zlib.decompress(data, -zlib.MAX_WBITS)
        except zlib.error:
            pass
        else:
            if len(data) == size and zlib.crc32(data) == crc:
                return data
    return archive.read(name)


# Files written from one template share these two parts: each pair is parsed once.
@lru_cache(maxsize=256)
def _sheet_targets(workbook_xml: bytes, rels_xml: bytes) -> tuple[tuple[str, str], ...]:
    """Each sheet's name and the part its relationship points to, in the workbook's order."""
    workbook = ElementTree.fromstring(workbook_xml)
    rels = ElementTree.fromstring(rels_xml)
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PKG_REL}Relationship")}
    found = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        found.append((sheet.get("name", ""), part))
    return tuple(found)


def _reject(code: str, where: Location, expected: str, found: str) -> Sniffed:
    message = f"expected {expected}, found {found}"
    return Sniffed(None, [rules.finding(code, where, message, found=found, expected=expected)])


def _what(head: bytes) -> str:
    return "unrecognised binary content" if b"\x00" in head else "plain text"


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
