"""Decoding CSV bytes safely: UTF-8 (with or without BOM) or GBK/GB18030, never a silent guess.

Decoding is strict: bytes that are not valid in the encoding tried are an error, not replacement
characters. Without `encoding=`, a BOM decides; else UTF-8 is tried, then GB18030 (a superset of
GBK and GB2312). Because GB18030 accepts many byte strings, the reader also checks that the
decoded header names known columns (`etl.extract.longformat`): Big5 or Shift-JIS text decoded as
GB18030 yields garbage there and is reported, not loaded.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

from etl import rules
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
    """The rows of CSV text; tab-separated when the first line has more tabs than commas."""
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


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
