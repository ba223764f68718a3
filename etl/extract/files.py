"""What kind of file this is, whether it is safe to open, and which formulas lack a value.

Everything here looks at bytes before any spreadsheet library does: the size cap, the zip's
declared sizes and compression ratios (zip bombs), the extent of each sheet and the size of the
shared-string table as the XML declares them and as its cells reach (a reader sets aside room
for all of it at once), and the sheet XML of an xlsx, which is the one place a formula without
a cached value can be seen (calamine reads such a cell as blank).
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
#: Largest number of cells of one sheet: rows × columns from A1 to its last cell, as its
#: `<dimension>` declares it and as its cells reach (each checked before a reader opens it).
MAX_SHEET_CELLS = 5_000_000
#: Largest number of strings a workbook's shared-string table may declare.
MAX_SHARED_STRINGS = 5_000_000

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


def sniff_file(
    path: Path,
    *,
    keep_open: bool = False,
    content: bytes | None = None,
    check_sheets: bool = True,
) -> Sniffed:
    """Recognise the file by its bytes and check its size; zips also by their declared parts
    and, with `check_sheets`, by the extent of their sheets (`sheet_findings`).

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
        return Sniffed(None, size_findings(where, size))
    if content is None:
        with path.open("rb") as stream:
            head = stream.read(8)
    else:
        head = content[:8]
    if head.startswith(b"PK"):
        source = path if content is None else io.BytesIO(content)
        return _sniff_zip(source, where, keep_open, check_sheets)
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


def size_findings(where: Location, size: int) -> list[Finding]:
    """The finding of a file larger than `MAX_FILE_BYTES` (none for one within it)."""
    if size <= MAX_FILE_BYTES:
        return []
    expected, found = f"at most {_mb(MAX_FILE_BYTES)}", f"a file of {_mb(size)}"
    return _reject("file.too_large", where, expected, found).findings


def _sniff_zip(
    file: Path | io.BytesIO, where: Location, keep_open: bool, check_sheets: bool
) -> Sniffed:
    try:
        archive = zipfile.ZipFile(file)
    except DAMAGED as exc:  # (a version zipfile does not know: NotImplementedError)
        return _reject("file.corrupt", where, "a complete xlsx workbook", f"a damaged zip ({exc})")
    sniffed = _check_parts(archive.infolist(), where)
    if check_sheets and sniffed.file_format is not None:
        findings = sheet_findings(archive, where)
        if findings:
            sniffed = Sniffed(None, findings)
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


def sheet_findings(archive: zipfile.ZipFile, where: Location) -> list[Finding]:
    """Sheets whose declared or real extent is past `MAX_SHEET_CELLS`, and a shared-string
    table declared past `MAX_SHARED_STRINGS`, found in the XML before a reader sees it.

    python-calamine sets aside a sheet's whole extent at once, from its first cell to its last,
    and the shared strings' declared count: a sheet holding A1 and XFD1048576 asked for 512 GB
    and aborted the process, and every run after it (#17). Only what can be found cheaply is
    looked at (the cells' `r="..."` references, streamed); what a reader still does with a
    hostile file is bounded by the memory ceiling of the process reading it
    (`etl.load.sandbox`).
    """
    found: list[Finding] = []
    for index in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels"):
        info = archive.NameToInfo.get(index)
        if info is not None and info.file_size > MAX_INDEX_PART_BYTES:
            expected = f"{index} of at most {_mb(MAX_INDEX_PART_BYTES)}"
            found_size = f"{index} unpacking to {_mb(info.file_size)}"
            return _reject("file.too_large", where, expected, found_size).findings
    try:
        parts = _sheet_parts(archive)
        for name, part in parts.items():
            extent = _sheet_extent(archive, part)
            if extent is not None:
                declared, ref, cells = extent
                found.append(_too_large(where, name, declared, ref, cells))
        for part in _shared_strings_parts(archive):
            count = _shared_strings_declared(archive, part)
            if count > MAX_SHARED_STRINGS:
                shown = f"a shared-string table declaring {count:,} strings"
                expected = f"at most {MAX_SHARED_STRINGS:,} shared strings"
                found += _reject("file.too_large", where, expected, shown).findings
    except DAMAGED as exc:
        # (a billion laughs in workbook.xml ends here too: expat refuses the amplification)
        if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
            what = "a part protected by a password"
        elif isinstance(exc, NotImplementedError):
            what = "a part compressed as no xlsx writer does"
        else:
            what = f"a damaged workbook ({type(exc).__name__}: {exc})"
        found += _reject("file.corrupt", where, "a complete xlsx workbook", what).findings
    return found


#: What reading a zip's parts raises for a damaged or unusual file: a part that does not
#: inflate, an encrypted one (RuntimeError), a compression or version zipfile does not know
#: (NotImplementedError), a part the workbook names that is not there (KeyError), XML that
#: does not parse. (Found by mutating the sample's bytes at random.)
DAMAGED = (
    KeyError,
    ElementTree.ParseError,
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


def _too_large(where: Location, sheet: str, declared: bool, ref: str, cells: int) -> Finding:
    how = "declares" if declared else "has a cell at"
    found = f"a sheet that {how} {ref}: {cells:,} cells from A1"
    expected = f"at most {MAX_SHEET_CELLS:,} cells in a sheet"
    message = f"expected {expected}, found {found}"
    return rules.finding(
        "file.too_large", Location(where.file, sheet), message, found=found, expected=expected
    )


#: A cell's (or row's) reference, `r="C5"`, as far as a first look needs: a column of two
#: letters or more, or a row of four digits or more. Sheets without one reach no further than
#: Z999 (25,974 cells) and are not looked at again; the others are scanned cell by cell.
#: (A reference spelt `r = "C5"` is not seen: the memory ceiling is what holds then.)
_FAR_REF = re.compile(rb"r=[\"'](?:[A-Za-z]{2}|[A-Za-z]?[0-9]{4})")
_REF = re.compile(rb"r=[\"']([A-Za-z]*)([0-9]*)[\"']")
_NEAR_CELLS = 26 * 999
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?ref=[\"']([^\"']*)[\"']")
_SST = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sst\s[^>]*>")
_COUNT = re.compile(rb"\s(?:count|uniqueCount)=[\"']\s*([0-9]+)")
_CELL_REF = re.compile(r"\$?([A-Za-z]+)\$?([0-9]+)")
#: Bytes of a part inflated at a time while scanning it, and kept from one piece to the next
#: (a reference cut in two is still seen whole).
_SCAN_CHUNK = 4 * 1024 * 1024
_SCAN_OVERLAP = 64
#: Where a sheet's `<dimension>` and a shared-string table's counts are looked for.
_HEAD_BYTES = 64 * 1024
#: Largest the parts that index a workbook (workbook.xml and its relationships) may unpack
#: to: they are parsed whole, and a few kilobytes list a thousand sheets.
MAX_INDEX_PART_BYTES = 16 * 1024 * 1024
_XML_SPACE = b" \t\r\n"


def _sheet_extent(archive: zipfile.ZipFile, part: str) -> tuple[bool, str, int] | None:
    """(declared?, the reference, its cells from A1) for a sheet past `MAX_SHEET_CELLS`, by
    its `<dimension>` or by its farthest cell; None for a sheet within it."""
    far = MAX_SHEET_CELLS < _NEAR_CELLS
    for n, window in enumerate(_windows(_inflated(archive, part))):
        if n == 0 and (dimension := _DIMENSION.search(window, 0, _HEAD_BYTES)) is not None:
            ref = dimension.group(1).decode("ascii", "replace").split(":")[-1].strip()
            cells = _cells_to(ref)
            if cells > MAX_SHEET_CELLS:
                return True, ref, cells
        if far or _reaches_far(window):
            far = True
            break
    if not far:
        return None
    rows = columns = 0
    letters: set[bytes] = set()
    for window in _windows(_inflated(archive, part)):
        for match in _REF.finditer(window):
            start = match.start()
            if start and window[start - 1] in _XML_SPACE:
                column, row = match.groups()
                letters.add(column)
                if row:
                    rows = max(rows, int(row))
    for column in letters:
        columns = max(columns, _column_number(column.decode("ascii")))
    if rows * columns > MAX_SHEET_CELLS:
        return False, f"{_column_name(columns)}{rows}", rows * columns
    return None


def _reaches_far(window: bytes) -> bool:
    """Whether a cell's reference has two letters or four digits (see `_FAR_REF`)."""
    for match in _FAR_REF.finditer(window):
        start = match.start()
        if start and window[start - 1] in _XML_SPACE:
            return True
    return False


def _windows(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The chunks, each preceded by the end of the one before (`_SCAN_OVERLAP` bytes)."""
    tail = b""
    for chunk in chunks:
        yield tail + chunk if tail else chunk
        tail = chunk[-_SCAN_OVERLAP:]


def _inflated(archive: zipfile.ZipFile, part: str, size: int = _SCAN_CHUNK) -> Iterator[bytes]:
    """A part's bytes, `size` at a time, never more than it declares (a part that unpacks to
    more is cut there: the reader finds it damaged)."""
    info = archive.getinfo(part)
    left = info.file_size
    if left <= 0:  # (zlib's max_length of 0 would mean no limit)
        return
    stored = _stored_part(archive, part)
    if stored is None or stored[1] != zipfile.ZIP_DEFLATED:
        with archive.open(info) as stream:  # zipfile's own reading, its errors included
            while left > 0 and (chunk := stream.read(min(size, left))):
                left -= len(chunk)
                yield chunk
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    chunk = inflater.decompress(stored[0], min(size, left))
    while chunk and left > 0:
        left -= len(chunk)
        yield chunk
        chunk = inflater.decompress(inflater.unconsumed_tail, min(size, max(left, 1)))


def _shared_strings_parts(archive: zipfile.ZipFile) -> list[str]:
    """The parts the workbook's relationships name as its shared strings (or the usual one)."""
    rels_part = "xl/_rels/workbook.xml.rels"
    stored = _stored_part(archive, rels_part)
    named = None if stored is None else _shared_by_stored.get(stored)
    if named is None:
        named = ("xl/sharedStrings.xml",)
        if rels_part in archive.NameToInfo:
            rels = ElementTree.fromstring(archive.read(rels_part))
            for rel in rels.iter(f"{_PKG_REL}Relationship"):
                if rel.get("Type", "").endswith("/sharedStrings"):
                    target = rel.get("Target", "")
                    part = target.lstrip("/") if target[:1] == "/" else f"xl/{target}"
                    named += (posixpath.normpath(part),)
        if stored is not None:
            if len(_shared_by_stored) >= 256:
                _shared_by_stored.clear()
            _shared_by_stored[stored] = named
    return sorted({part for part in named if part in archive.NameToInfo})


#: `_shared_strings_parts` by the workbook's relationships as stored (see `_targets_by_stored`).
_shared_by_stored: dict[tuple[bytes, int, int, int], tuple[str, ...]] = {}


def _shared_strings_declared(archive: zipfile.ZipFile, part: str) -> int:
    """The larger of the counts the shared-string table declares (`count`, `uniqueCount`)."""
    head = next(_inflated(archive, part, _HEAD_BYTES), b"")
    tag = _SST.search(head)
    if tag is None:
        return 0
    return max((int(n) for n in _COUNT.findall(tag.group(0))), default=0)


def _cells_to(ref: str) -> int:
    """Cells from A1 to `ref` (`C5`: 15); 0 for what is not a cell reference."""
    match = _CELL_REF.fullmatch(ref.strip())
    if match is None:
        return 0
    return _column_number(match.group(1)) * int(match.group(2))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _column_name(number: int) -> str:
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


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
