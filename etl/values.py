"""Values as the database returns them, made plain, and as a person reads them: one place.

Every command, report and finding formats a value through `format_value`, so that 8052 is
`8052` and 88.6 is `88.6` in a terminal table, a CSV file, a Markdown page and a message alike.
Text from outside (a body's name, a file's name) is shown through `printable`, so that no
character in it acts on the terminal or the log it is written to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

#: A cell of a listing: what the database returned, made plain (see `plain_value`); a mapping
#: is a set of named codes (a figure's dimensions), an object in JSON.
Value = int | float | str | bool | date | datetime | Mapping[str, str] | None


def plain_value(value: Any) -> Value:
    """A database value as a plain Python value, equal on SQLite and PostgreSQL.

    PostgreSQL returns `Decimal('8052.0000')` where SQLite returns `8052` and `88.6` where it
    returns `Decimal('88.6')`: whole numbers become int, other decimals float. Every moment the
    warehouse stores is UTC: SQLite returns it without a time zone, PostgreSQL in the session's;
    both become UTC.
    """
    kind = type(value)
    if kind is str or kind is int or value is None:  # most cells: asked first, by exact type
        plain: Value = value
        return plain
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, int | str | bool | date | datetime):
        return value
    return str(value)


def plain_rows(rows: Iterable[Sequence[Any]]) -> list[tuple[Value, ...]]:
    """Rows of database values made plain."""
    return [tuple(map(plain_value, row)) for row in rows]


def format_value(value: object) -> str:
    """A value as a person writes it: 8052, 88.6, -3 (no exponent, no trailing zeros).

    A decimal is exact, so it is written in full; a float to at most four places. Blank
    (None) is an empty string, a flag `true`/`false`, a moment `2017-03-31 08:00:00+00:00`,
    named codes `channel_code=website, ...`. Text is `printable`: a control character in a
    body's name is shown escaped, never sent to the terminal.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return printable(", ".join(f"{k}={v}" for k, v in value.items()))
    return printable(str(value))


#: Characters a terminal acts on instead of showing them (C0 and C1 controls but tab and line
#: feed, DEL, the bidirectional marks and overrides), and lone surrogates: the bytes of a file
#: name that is not UTF-8, as `os.fsdecode` gives them.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
#: The same, tab and line feed too: in a name (of a file, a sheet) they are never meant.
_UNPRINTABLE_IN_NAMES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def printable(text: str, *, name: bool = False) -> str:
    """`text` with what a terminal would act on escaped as `\\xNN` or `\\uNNNN` (a
    name's tabs and line feeds too): `\\x1b[31m` is shown, never obeyed. A byte of a file
    name that is not UTF-8 (a surrogate of `os.fsdecode`) is shown as the byte, `\\xff`."""
    if text.isprintable():  # nearly always: no search needed
        return text
    return (_UNPRINTABLE_IN_NAMES if name else _UNPRINTABLE).sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
