"""The one parser of figures: what a cell says, turned into a value, or a typed error.

Real files hold numbers typed as text, full-width digits (１２３), thousands separators, units
inside cells (8052条), textual zeros (无, 未发生, —), "8000余" (a lower bound) and "约8000" (an
estimate). Everything else fails loudly with `ValueParseError`, which readers turn into a finding
of rule `cell.not_a_number`, `cell.negative` or `cell.not_whole`: a wrong number is worse than an
error, so nothing is ever coerced.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from etl.records import ParsedValue, Qualifier

ValueKind = Literal["count", "signed", "amount", "percent"]
VALUE_KINDS: tuple[ValueKind, ...] = ("count", "signed", "amount", "percent")

#: Units a cell may carry after its number, longest first so that 人次 wins over 人.
COUNT_UNITS = (
    "人(户)次",
    "人次",
    "户次",
    "条",
    "件",
    "项",
    "期",
    "份",
    "家",
    "个",
    "次",
    "场",
    "篇",
    "人",
    "起",
)
MONEY_UNITS = ("万元", "元")
PERCENT_UNITS = ("%",)
_ALL_UNITS = tuple(sorted(COUNT_UNITS + MONEY_UNITS + PERCENT_UNITS, key=len, reverse=True))

#: Texts that mean "none": a reported zero, not a blank (compared after NFKC, spaces removed).
TEXTUAL_ZEROS = frozenset(
    {"无", "没有", "未发生", "零", "暂无", "-", "--", "—", "——", "–", "―", "−"}
)

#: Texts that mark a figure the report does not give: neither blank (unknown) nor 0.
NOT_REPORTED_TEXTS = frozenset({"未报告", "未公开", "不报告"})

_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_ZERO = re.compile(r"[+-]?0+(?:\.0+)?")
_ESTIMATE_PREFIXES = ("大约", "约")
_LOWER_BOUND_SUFFIXES = ("余", "多")


# Not a `WarehouseError` and not in `etl.errors`: it never reaches a user as an error. The
# readers catch it and record a finding on the cell (`cell.not_a_number`), so that every problem
# in a file is collected before the file is rejected.
class ValueParseError(ValueError):
    """A cell that is not a figure of the expected kind; carries the rule, found and expected."""

    def __init__(self, rule_code: str, found: str, expected: str) -> None:
        super().__init__(f'expected {expected}, found "{found}"')
        self.rule_code = rule_code
        self.found = found
        self.expected = expected


#: No figure of any report comes near this; a larger one is a typing or export accident.
MAX_MAGNITUDE = Decimal(10) ** 14
_WHOLE_LIMIT = 10**14


@lru_cache(maxsize=1024)
def describe_expected(value_kind: ValueKind, unit: str | None = None) -> str:
    """How a message names what a cell of this kind should hold: "a whole number of 条"."""
    if value_kind == "count":
        return f"a whole number of {unit}" if unit else "a whole number"
    if value_kind == "signed":
        return f"a whole number of {unit}, + or -" if unit else "a whole number, + or -"
    if value_kind == "percent":
        return "a percentage such as 88.6"
    return f"an amount in {unit}" if unit else "an amount"


def parse_value(raw: object, *, value_kind: str, unit: str | None = None) -> ParsedValue | None:
    """Parse one cell: None for a blank (unknown), else the value with its qualifier.

    `value_kind` is `count` (whole, not negative), `signed` (whole), `amount` or `percent`
    (decimal, not negative). `unit`, when given, is the unit the cell is counted in: a cell
    naming another money or percent unit (89693元 where 万元 is expected) is an error, never a
    silently wrong number. Raises `ValueParseError` for anything else.
    """
    if raw.__class__ is float and value_kind in ("count", "signed"):
        # The common case first, a whole figure such as 8052.0: `_checked` would give the same.
        whole = parse_whole_float(raw, value_kind)
        if whole is not None:
            return whole
    if value_kind not in VALUE_KINDS:
        raise ValueError(f"unknown value kind {value_kind!r}")
    kind = value_kind
    expected = describe_expected(kind, unit)
    if raw is None:
        return None
    if isinstance(raw, str):
        return _parse_text(raw, kind, unit, expected)
    if isinstance(raw, (bool, date | datetime | time)):
        raise ValueParseError("cell.not_a_number", str(raw), expected)
    if isinstance(raw, int):
        return _checked(Decimal(raw), kind, "exact", None, str(raw), expected)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueParseError("cell.not_a_number", str(raw), expected)
        # repr is the shortest text that round-trips: 88.6 stays 88.6; 8052.0 is whole.
        number = Decimal(int(raw)) if raw.is_integer() else Decimal(repr(raw))
        return _checked(number, kind, "exact", None, _show(raw), expected)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueParseError("cell.not_a_number", str(raw), expected)
        return _checked(raw, kind, "exact", None, str(raw), expected)
    raise ValueParseError("cell.not_a_number", str(raw), expected)


def parse_whole_float(raw: float, kind: str) -> ParsedValue | None:
    """A float cell holding a whole count (`kind` count or signed) as `parse_value` reads it,
    None when it needs the full rules: the common case, for callers' fast paths."""
    if not raw.is_integer() or abs(raw) >= _WHOLE_LIMIT:
        return None
    whole = int(raw)
    if whole < 0 and kind != "signed":
        return None
    return _exact_whole(whole)


# The same few thousand whole figures recur across files; values are immutable, so shared.
@lru_cache(maxsize=8192)
def _exact_whole(whole: int) -> ParsedValue:
    return ParsedValue(Decimal(whole), "exact", None)


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def _parse_text(raw: str, kind: ValueKind, unit: str | None, expected: str) -> ParsedValue | None:
    if raw.isascii() and raw.isdigit():
        # The common case of a CSV, plain digits ("8052"): no unit, sign, separator or
        # qualifier to look for, and the same result as the rules below.
        return _checked(Decimal(raw), kind, "exact", raw, raw, expected)
    found = raw.strip()
    if any(_disguised_digit(ch) for ch in raw):
        raise ValueParseError("cell.not_a_number", found, expected)
    text = _squeeze(unicodedata.normalize("NFKC", raw))
    if not text:
        return None
    if text in TEXTUAL_ZEROS:
        return ParsedValue(Decimal(0), "exact", found)
    if text in NOT_REPORTED_TEXTS:
        return ParsedValue(Decimal(0), "not_reported", found)
    qualifier: Qualifier = "exact"
    for prefix in _ESTIMATE_PREFIXES:
        if text.startswith(prefix):
            text, qualifier = text[len(prefix) :], "estimate"
            break
    text = _strip_unit(text, kind, unit, found, expected)
    for suffix in _LOWER_BOUND_SUFFIXES:
        if qualifier == "exact" and text.endswith(suffix):
            text, qualifier = text[: -len(suffix)], "lower_bound"
            break
    text = text.replace("−", "-").replace("，", ",")
    if not _NUMBER.fullmatch(text):
        raise ValueParseError("cell.not_a_number", found, expected)
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation as exc:  # unreachable after the regex; kept as a guard
        raise ValueParseError("cell.not_a_number", found, expected) from exc
    return _checked(number, kind, qualifier, found, found, expected)


#: Count units that name the same thing: a case is 1件 or 1起, a person 1人 or 1人次.
SAME_COUNT_UNITS = ({"件", "起"}, {"人", "人次"})


def same_count_unit(stated: str, unit: str) -> bool:
    """Whether a count typed in `stated` is a count in `unit`."""
    return stated == unit or any({stated, unit} <= group for group in SAME_COUNT_UNITS)


def stated_count_unit(raw: object) -> str | None:
    """The count unit typed after a number (条 in "8052条"), if any: a reader compares it with
    the unit of the cell's row."""
    if not isinstance(raw, str):
        return None
    text = _squeeze(unicodedata.normalize("NFKC", raw))
    for suffix in _LOWER_BOUND_SUFFIXES:
        text = text.removesuffix(suffix)
    for candidate in COUNT_UNITS:
        if text.endswith(candidate) and len(text) > len(candidate):
            return candidate
    return None


def is_zero_text(raw: object) -> bool:
    """Whether a cell says zero: 0, 0.0, 无, 没有 ... (a zero amount needs no unit)."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return raw == 0
    if not isinstance(raw, str):
        return False
    text = _squeeze(unicodedata.normalize("NFKC", raw))
    return text in TEXTUAL_ZEROS or bool(_ZERO.fullmatch(text))


def _disguised_digit(ch: str) -> bool:
    """A character NFKC would turn into a digit that is not one (², ①, ⑴): never a figure."""
    if "0" <= ch <= "9" or "０" <= ch <= "９" or ch.isascii():
        return False
    return any("0" <= c <= "9" for c in unicodedata.normalize("NFKC", ch))


def _squeeze(text: str) -> str:
    """Drop spaces, except that a space between digits is a thousands separator ("8 052")."""
    text = re.sub(r"(?<=[0-9])\s+(?=[0-9])", ",", text.strip())
    return "".join(text.split())


def _strip_unit(text: str, kind: ValueKind, unit: str | None, found: str, expected: str) -> str:
    """Remove a trailing unit the kind allows; a unit of another kind is an error."""
    for candidate in _ALL_UNITS:
        if not text.endswith(candidate) or len(text) == len(candidate):
            continue
        allowed = {
            "count": COUNT_UNITS,
            "signed": COUNT_UNITS,
            "amount": MONEY_UNITS,
            "percent": PERCENT_UNITS,
        }[kind]
        if candidate not in allowed:
            raise ValueParseError("cell.not_a_number", found, expected)
        number = text[: -len(candidate)]
        other_money = kind == "amount" and unit in MONEY_UNITS and candidate != unit
        if other_money and not _ZERO.fullmatch(number):  # 0元 is 0 万元: a zero needs no unit
            raise ValueParseError("cell.not_a_number", found, expected)
        return number
    return text


def _checked(
    number: Decimal,
    kind: ValueKind,
    qualifier: Qualifier,
    text: str | None,
    found: str,
    expected: str,
) -> ParsedValue:
    """Apply the kind's rules: counts whole and not negative, amounts not negative, and every
    figure small enough for the warehouse's columns (NUMERIC(18, 4): below 10^14)."""
    if abs(number) >= MAX_MAGNITUDE:
        raise ValueParseError("cell.not_a_number", found, f"{expected}, below 10^14")
    if kind in ("count", "signed") and number != number.to_integral_value():
        raise ValueParseError("cell.not_whole", found, expected)
    if kind != "signed" and number < 0:
        raise ValueParseError("cell.negative", found, f"{expected}, not negative")
    if kind in ("count", "signed"):
        number = Decimal(int(number))
    elif number == 0:
        number = abs(number)  # no "-0.0"
    return ParsedValue(number, qualifier, text)
