"""Decoding CSV bytes safely: UTF-8 (with or without BOM) or GBK/GB18030, never a silent guess.

Decoding is strict: bytes that are not valid in the encoding tried are an error, not replacement
characters. Without `encoding=`, a BOM decides; else UTF-8 is tried, then GB18030 (a superset of
GBK and GB2312). Because GB18030 accepts many byte strings, the reader also checks that the
decoded header names known columns (`etl.extract.longformat`): Big5 or Shift-JIS text decoded as
GB18030 yields garbage there and is reported, not loaded. A header in English says nothing
of the encoding, so the text of the cells is looked at too (`implausible_text`): Big5 decoded
as GB18030 turns 測試縣 into 代刚郡, but 主動公開 into 笆そ秨, kana beside private-use characters.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from etl import rules
from etl.extract.rows import cell_name
from etl.records import Finding, Location

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_FALLBACKS = ("utf-8", "gb18030")


@dataclass(frozen=True, slots=True)
class Decoded:
    """CSV text and the encoding it was decoded with."""

    text: str
    encoding: str


def decode_csv(data: bytes, where: Location, encoding: str | None = None) -> Decoded | Finding:
    """Decode strictly: `encoding` when given, else by BOM, else UTF-8, else GB18030."""
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            return _failure(where, "a known encoding such as utf-8 or gb18030", f'"{encoding}"')
        return _strict(data, encoding, where)
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data, name, where)
    errors: list[UnicodeDecodeError] = []
    for name in _FALLBACKS:
        try:
            return Decoded(data.decode(name), name)
        except UnicodeDecodeError as exc:
            errors.append(exc)
    return _failure(
        where,
        "text in UTF-8 or GBK/GB18030",
        _bad_bytes(errors[0], "neither UTF-8 nor GBK/GB18030"),
    )


def split_rows(text: str) -> list[list[object]]:
    """The rows of CSV text; tab-separated when the first line has more tabs than commas.

    Raises `csv.Error` for text that is no CSV (a NUL byte, a field past the csv module's
    limit): `etl.extract.read_file` reports it.
    """
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


#: What GB18030 makes of another encoding's bytes and no clerk types in a report: the
#: private-use area (GBK's user-defined rows), and Greek, Cyrillic, kana, bopomofo and box
#: drawing (GB2312's symbol rows, where Big5's commonest lead bytes land).
_UNTYPED = re.compile("[\u0370-\u04ff\u2500-\u257f\u3040-\u30ff\u3100-\u312f\ue000-\uf8ff]")
_HANZI = re.compile("[\u3400-\u9fff\uf900-\ufaff]")
#: Share of a text's distinct hanzi that may lie outside GB2312 (its 6,763 are what clerks
#: type; names add a rare one or two), once there are `_RARE_FLOOR` of them: Big5 decoded as
#: GB18030 gives about two in five.
MAX_RARE_HANZI_SHARE = 0.25
_RARE_FLOOR = 3


def implausible_text(
    rows: list[list[object]], data: bytes, encoding: str, where: Location
) -> Finding | None:
    """A finding when the cells decoded (as `encoding`, guessed) are no Chinese a clerk types:
    characters of `_UNTYPED`, or too many hanzi outside GB2312; None when they are."""
    rare: dict[str, str] = {}
    hanzi: set[str] = set()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = str(value)
            if text.isascii():
                continue
            untyped = _UNTYPED.search(text)
            if untyped is not None:
                what = f'"{text[:20]}" ({_name(untyped.group())})'
                return _garbled(where, cell_name(r, c), what, data, encoding)
            for char in _HANZI.findall(text):
                if char not in hanzi:
                    hanzi.add(char)
                    if not _in_gb2312(char):
                        rare[char] = cell_name(r, c)
    if len(rare) >= _RARE_FLOOR and len(rare) > MAX_RARE_HANZI_SHARE * len(hanzi):
        shown = "".join(list(rare)[:10])
        what = f"{len(rare)} of {len(hanzi)} distinct characters outside GB2312 ({shown})"
        return _garbled(where, next(iter(rare.values())), what, data, encoding)
    return _big5_too(rows, data, encoding, where)


#: Big5's first block: its 5,401 common characters, where a Big5 text's hanzi all are.
_BIG5_COMMON = range(0xA440, 0xC67F)


def _big5_too(
    rows: list[list[object]], data: bytes, encoding: str, where: Location
) -> Finding | None:
    """A finding when the bytes read as plausibly in Big5 as in GBK: valid Big5 whose hanzi
    are all in its common block (`_BIG5_COMMON`; GBK text read so falls outside it, about
    half its characters, so the longer the text the surer). 測試縣 in Big5 is 代刚郡 in GBK,
    both common characters: which was meant is the clerk's to say."""
    try:
        as_big5 = data.decode("big5")
    except UnicodeDecodeError:
        return None
    hanzi = set(_HANZI.findall(as_big5))
    if len(hanzi) < _RARE_FLOOR or not all(_big5_code(char) in _BIG5_COMMON for char in hanzi):
        return None
    r, c, text = next(
        (r, c, str(value))
        for r, row in enumerate(rows)
        for c, value in enumerate(row)
        if _HANZI.search(str(value))
    )
    other = text.encode(encoding).decode("big5", "replace")
    expected = "text that reads as Chinese in one encoding only"
    found = f'"{text[:20]}" as {encoding} and "{other[:20]}" as big5'
    return rules.finding(
        "file.encoding",
        Location(where.file, None, cell_name(r, c)),
        f"expected {expected}, found {found}: name the file's encoding with --encoding",
        found=found,
        expected=expected,
    )


def _big5_code(char: str) -> int:
    try:
        return int.from_bytes(char.encode("big5"), "big")
    except UnicodeEncodeError:
        return 0


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _name(char: str) -> str:
    code = ord(char)
    if 0xE000 <= code <= 0xF8FF:
        return f"U+{code:04X}, a private-use character"
    kind = (
        "Greek" if code < 0x0400 else "Cyrillic" if code < 0x0500
        else "box drawing" if code < 0x2580 else "kana" if code < 0x3100 else "bopomofo"
    )  # fmt: skip
    return f"{char} U+{code:04X}, {kind}"


def _garbled(where: Location, cell: str, what: str, data: bytes, encoding: str) -> Finding:
    guess = ""
    for other in ("big5", "shift_jis"):
        try:
            data.decode(other)
        except UnicodeDecodeError:
            continue
        guess = f" (perhaps --encoding {other})"
        break
    expected = "Chinese text in UTF-8 or GBK/GB18030"
    found = f"{what} after decoding as {encoding}"
    return rules.finding(
        "file.encoding",
        Location(where.file, None, cell),
        f"expected {expected}, found {found}: name the file's encoding with --encoding{guess}",
        found=found,
        expected=expected,
    )


def _strict(data: bytes, encoding: str, where: Location) -> Decoded | Finding:
    try:
        return Decoded(data.decode(encoding), encoding)
    except UnicodeDecodeError as exc:
        return _failure(where, f"text in {encoding}", _bad_bytes(exc, f"not {encoding}"))


def _bad_bytes(exc: UnicodeDecodeError, what: str) -> str:
    bad = exc.object[exc.start : exc.start + 4].hex(" ")
    return f"bytes that are {what} at byte {exc.start} ({bad})"


def _failure(where: Location, expected: str, found: str) -> Finding:
    message = f"expected {expected}, found {found}: name the encoding with --encoding"
    return rules.finding("file.encoding", where, message, found=found, expected=expected)
