"""Who reported, for which year and in which format: the 基本信息 sheet or long-format columns.

Each field is checked on its own, so that a file with a blank body name and a year of "17" gets
both findings. The regime may be left blank (it follows from the year); when given, it must be
the year's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from etl import rules
from etl.bodies.names import code_level, name_key, name_problem
from etl.extract.rows import RowIndex, SheetData, is_blank, map_rows, text_of
from etl.labels import LabelIndex, normalise_label
from etl.layouts import HEADER_FIELDS, HeaderField
from etl.layouts.header import FIRST_YEAR, LEVELS, REGIMES, regime_of_year
from etl.records import Finding, Location, ReportHeader

#: A field's raw value and the cell it came from.
Sourced = tuple[object, Location]

_LEVEL_BY_NAME = {normalise_label(v): k for k, v in LEVELS.items()} | {k: k for k in LEVELS}
_REGIME_BY_NAME = {normalise_label(v[0]): k for k, v in REGIMES.items()} | {k: k for k in REGIMES}
_FIELDS_BY_CODE = {f.code: f for f in HEADER_FIELDS}
_FIELDS_BY_LABEL = LabelIndex((label, f) for f in HEADER_FIELDS for label in f.labels)
_FIELDS = RowIndex(_FIELDS_BY_CODE, _FIELDS_BY_LABEL)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+[\d:]+)?")


@dataclass(slots=True)
class HeaderResult:
    """The header read (None when a required field is bad), its findings, and the regime
    the file is in as far as it can be told (to read the rest of the file with)."""

    header: ReportHeader | None
    regime_code: str | None
    findings: list[Finding] = field(default_factory=list)


def read_header_sheet(data: SheetData) -> tuple[dict[str, Sourced], list[Finding]]:
    """The fields of a 基本信息 sheet by code, with their cells; duplicated fields are findings."""
    rows = map_rows(data, _FIELDS)
    values: dict[str, Sourced] = {}
    findings: list[Finding] = []
    for r, target in sorted(rows.targets.items()):
        where = data.where(r, rows.value_col)
        if target.code in values:
            first = values[target.code][1]
            findings.append(
                rules.finding(
                    "label.duplicate",
                    data.where(r, rows.label_col),
                    f"expected {target.label} once, found it again (first at {first.cell})",
                    found=target.label,
                    expected=f"{target.label} once",
                )
            )
            continue
        values[target.code] = (data.cell(r, rows.value_col), where)
    return values, findings


def parse_header(values: Mapping[str, Sourced], fallback: Location) -> HeaderResult:
    """Check every field and build the `ReportHeader`; `fallback` locates absent fields."""
    checker = _Checker(values, fallback)
    agency = checker.agency()
    year = checker.year()
    regime = checker.regime(year)
    level = checker.level()
    division = checker.division_code()
    published = checker.published_on()
    parent = checker.parent(agency)
    checker.code_agrees(division, level)
    header = None
    if agency is not None and year is not None and regime is not None and not checker.findings:
        header = ReportHeader(
            agency_name=agency,
            year=year,
            regime_code=regime,
            level_code=level,
            parent_agency_name=parent,
            division_code=division,
            published_on=published,
            location=values.get("header.agency_name", ("", fallback))[1],
        )
    return HeaderResult(header, regime, checker.findings)


#: What a division code of each level looks like.
_CODE_SHAPES = {"province": "XX0000", "prefecture": "XXXX00", "county": "not ending in 00"}


@dataclass(slots=True)
class _Checker:
    values: Mapping[str, Sourced]
    fallback: Location
    findings: list[Finding] = field(default_factory=list)

    def _get(self, code: str) -> tuple[object, Location]:
        return self.values.get(code, ("", self.fallback))

    def _bad(self, rule: str, field_: HeaderField, where: Location, found: str, want: str) -> None:
        message = f"expected {want} in {field_.label}, found {found}"
        self.findings.append(rules.finding(rule, where, message, found=found, expected=want))

    def agency(self) -> str | None:
        raw, where = self._get("header.agency_name")
        name = " ".join(text_of(raw).split())
        want = "the name of the reporting body"
        if not name:
            self._bad(
                "header.agency_missing", _field("header.agency_name"), where, _blank(raw), want
            )
            return None
        problem = name_problem(name)
        if not isinstance(raw, str) or not re.search(r"[^\W\d_]", name) or problem:
            want = f"the name of the reporting body (not {problem or 'a number'})"
            self._bad(
                "header.agency_invalid", _field("header.agency_name"), where, f'"{name}"', want
            )
            return None
        return name

    def parent(self, agency: str | None) -> str | None:
        raw, where = self._get("header.parent_agency")
        name = " ".join(text_of(raw).split())
        if not name:
            return None
        problem = name_problem(name)
        if agency is not None and name_key(name) == name_key(agency):
            problem = "the body itself"
        if problem or not re.search(r"[^\W\d_]", name):
            want = f"the name of the body's parent (not {problem or 'a number'})"
            field_ = _field("header.parent_agency")
            self._bad("header.agency_invalid", field_, where, f'"{name}"', want)
            return None
        return name

    def code_agrees(self, code: str | None, level: str | None) -> None:
        if code is None or level is None or level not in ("province", "prefecture", "county"):
            return
        implied = code_level(code)
        if implied != level:
            _raw, where = self._get("header.division_code")
            want = f"a code of a {level} ({_CODE_SHAPES[level]}), as 层级 says"
            field_ = _field("header.division_code")
            self._bad("header.division_code_level", field_, where, f'"{code}"', want)

    def year(self) -> int | None:
        raw, where = self._get("header.year")
        this_year = date.today().year
        want = f"a year from {FIRST_YEAR} to {this_year}"
        found = text_of(raw)
        match = re.fullmatch(r"(\d{4})\s*年?(?:度)?", found)
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()) or not match:
            shown = _blank(raw) if not found else f'"{found}"'
            self._bad("header.year_invalid", _field("header.year"), where, shown, want)
            return None
        year = int(match.group(1))
        if not FIRST_YEAR <= year <= this_year:
            self._bad("header.year_invalid", _field("header.year"), where, f'"{found}"', want)
            return None
        return year

    def regime(self, year: int | None) -> str | None:
        raw, where = self._get("header.regime")
        given = _REGIME_BY_NAME.get(normalise_label(raw)) if not is_blank(raw) else None
        field_ = _field("header.regime")
        if not is_blank(raw) and given is None:
            want = "one of " + ", ".join(REGIMES)
            self._bad("header.regime_mismatch", field_, where, f'"{text_of(raw)}"', want)
            return None
        if year is None:
            return given
        expected = regime_of_year(year)
        if given is not None and given != expected:
            want = f"{expected} (the format of {year} reports)"
            self._bad("header.regime_mismatch", field_, where, f'"{text_of(raw)}"', want)
        return given or expected

    def level(self) -> str | None:
        raw, where = self._get("header.level")
        if is_blank(raw):
            return None
        level = _LEVEL_BY_NAME.get(normalise_label(raw))
        if level is None:
            want = "one of " + ", ".join(LEVELS.values())
            self._bad(
                "header.level_invalid", _field("header.level"), where, f'"{text_of(raw)}"', want
            )
        return level

    def division_code(self) -> str | None:
        raw, where = self._get("header.division_code")
        code = text_of(raw)
        if not code:
            return None
        if not re.fullmatch(r"\d{6}", code) or (isinstance(raw, float) and not raw.is_integer()):
            want = "six digits such as 420982"
            field_ = _field("header.division_code")
            self._bad("header.division_code_invalid", field_, where, f'"{code}"', want)
            return None
        return code

    def published_on(self) -> date | None:
        raw, where = self._get("header.published_on")
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        found = text_of(raw)
        if not found:
            return None
        match = _DATE.fullmatch(found)
        try:
            if match:
                return date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
        want = "a date such as 2018-01-17"
        self._bad("header.date_invalid", _field("header.published_on"), where, f'"{found}"', want)
        return None


def _field(code: str) -> HeaderField:
    return next(f for f in HEADER_FIELDS if f.code == code)


def _blank(raw: object) -> str:
    return "a blank cell" if is_blank(raw) else f'"{text_of(raw)}"'
