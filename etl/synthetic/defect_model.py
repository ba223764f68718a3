"""What a defect is, and the small edits defects are made of (see `etl.synthetic.defects`)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from etl.synthetic.figures import Figures

FileFormat = str  # "xlsx" or "csv"


@dataclass(frozen=True, slots=True)
class Defect:
    """A kind of defect: its code, the rule that catches it, and how it is made.

    Exactly one of the `alter_*` callables is given. `alter` changes the values by code (header
    fields included) and returns False when the report has nothing to break that way (no
    township list, no requests); the others act on the written file.
    """

    code: str
    rule_code: str
    severity: str
    description: str
    formats: tuple[FileFormat, ...] = ("xlsx", "csv")
    regimes: tuple[str, ...] | None = None
    #: Caught only against last year's report, which must be loaded before.
    cross_year: bool = False
    alter: Callable[[Figures, random.Random], bool] | None = None
    alter_workbook: Callable[[Any], None] | None = None
    alter_bytes: Callable[[bytes], bytes] | None = None
    alter_rows: Callable[[list[list[str]]], None] | None = None


def bump(code: str, by: int | float = 1) -> Callable[[Figures, random.Random], bool]:
    def alter(values: Figures, _rng: random.Random) -> bool:
        value = values.get(code)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        values[code] = value + by
        return True

    return alter


def set_first(*codes: str, value: object) -> Callable[[Figures, random.Random], bool]:
    """Set the first of `codes` the report has (one per regime) to `value`."""

    def alter(values: Figures, _rng: random.Random) -> bool:
        code = next((c for c in codes if c in values), None)
        if code is None:
            return False
        values[code] = value
        return True

    return alter


def add(values: Figures, changes: dict[str, int]) -> None:
    for code, change in changes.items():
        values[code] = number(values, code) + change


def number(values: Figures, code: str) -> int:
    value = values[code]
    assert isinstance(value, int), f"{code} is {value!r}, not a whole number"
    return value
