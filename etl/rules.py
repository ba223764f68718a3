"""The catalogue of validation rules: every finding names one of these codes.

Reading rules (file, sheet, header, label and cell problems) are applied by the readers in
`etl.extract`; consistency rules over the figures of a report (parts against totals, reported
percentages, cross-year continuity) are declared here too, and applied by `etl.checks`. The
catalogue is the single list `ogi validate`, the loader and the reports agree on.
"""

from __future__ import annotations

from dataclasses import dataclass

from etl.consistency import CONSISTENCY_RULES
from etl.records import Finding, Location, Severity


@dataclass(frozen=True, slots=True)
class Rule:
    """A validation rule: a stable code, its severity, and what it checks, in a sentence."""

    code: str
    severity: Severity
    description: str


READING_RULES: tuple[Rule, ...] = (
    Rule("file.not_spreadsheet", "error", "the file is an xlsx, xls or csv spreadsheet"),
    Rule("file.corrupt", "error", "the file can be opened and read to its end"),
    Rule("file.too_large", "error", "the file, and each part of it unpacked, is of a sane size"),
    Rule("file.encoding", "error", "a CSV file decodes (UTF-8, GBK/GB18030) to sensible labels"),
    Rule(
        "file.not_regular",
        "error",
        "a file of a folder read is a regular file inside it, not a link, pipe or device",
    ),
    Rule(
        "file.unreadable",
        "error",
        "a reader reads the file to its end within its memory and time, without crashing",
    ),
    Rule("sheet.missing", "error", "every sheet the layout requires is present"),
    Rule("header.agency_missing", "error", "the reporting body is named"),
    Rule("header.year_invalid", "error", "the year is a whole number from 2008 to this year"),
    Rule("header.regime_mismatch", "error", "the regime matches the year and the layout used"),
    Rule("header.level_invalid", "error", "the body's level is one of the known levels"),
    Rule("header.division_code_invalid", "error", "a division code has six digits"),
    Rule(
        "header.agency_invalid",
        "error",
        "a body's name (and its parent's) is not only punctuation, at most 100 characters, and "
        "not the body's own parent",
    ),
    Rule(
        "header.division_code_level",
        "error",
        "a division code agrees with the level given (XX0000 a province, XXXX00 a prefecture)",
    ),
    Rule("header.date_invalid", "error", "the publication date is a date"),
    Rule(
        "header.inconsistent",
        "error",
        "every long-format row of one body and year gives the same header values",
    ),
    Rule("label.unknown", "error", "every label is one the layout knows"),
    Rule("label.duplicate", "error", "no label or code appears twice"),
    Rule("cell.missing", "error", "every required cell is filled"),
    Rule("cell.not_a_number", "error", "a figure is a number (with an optional unit)"),
    Rule("cell.negative", "error", "a count is not negative"),
    Rule("cell.not_whole", "error", "a count is a whole number"),
    Rule("cell.formula_uncached", "error", "a formula cell has a saved value"),
    Rule(
        "cell.unit_mismatch",
        "warning",
        "a count typed with a unit (8052条) has the unit of its row (件 where 件 is asked)",
    ),
    Rule("cell.unexpected", "error", "a heading row of a fixed table carries no figures"),
    Rule("measure.unknown", "error", "a long-format row names a known measure and dimensions"),
)

#: Problems the loader finds when it maps a report's facts onto the warehouse.
LOAD_RULES: tuple[Rule, ...] = (
    Rule("load.no_report", "error", "the file holds at least one report"),
    Rule("load.dims_invalid", "error", "a figure has exactly the dimensions its fact table takes"),
    Rule("load.unit_missing", "error", "a figure in money or of several units names its unit"),
    Rule(
        "load.constraint_violated",
        "error",
        "the figures satisfy the warehouse's constraints (known codes, one value per cell)",
    ),
)

#: Problems with the body a report names, found against the body registry (`etl.bodies`).
BODY_RULES: tuple[Rule, ...] = (
    Rule(
        "body.ambiguous",
        "error",
        "the body (or parent) a report names is one body: its name with 上级单位, or its code",
    ),
    Rule(
        "body.moved",
        "warning",
        "a body's parent is the one on record (another one is recorded as a move, not applied)",
    ),
    Rule(
        "body.level_unknown",
        "warning",
        "a body's level follows from its 层级, its division code, its name or its parent",
    ),
)

_REGISTRY: dict[str, Rule] = {}


def register(*rules: Rule) -> None:
    """Add rules to the catalogue; a code may be registered once."""
    for rule in rules:
        if rule.code in _REGISTRY:
            raise ValueError(f"rule {rule.code!r} is registered twice")
        _REGISTRY[rule.code] = rule


def get_rule(code: str) -> Rule:
    """The rule with this code."""
    return _REGISTRY[code]


def all_rules() -> list[Rule]:
    """Every rule of the catalogue, in registration order."""
    return list(_REGISTRY.values())


def finding(
    code: str,
    location: Location,
    message: str,
    *,
    found: str | None = None,
    expected: str | None = None,
) -> Finding:
    """A finding of rule `code`, with the rule's severity."""
    return Finding(
        severity=get_rule(code).severity,
        rule_code=code,
        location=location,
        message=message,
        found=found,
        expected=expected,
    )


register(*READING_RULES)
register(*LOAD_RULES)
register(*BODY_RULES)
register(*(Rule(r.code, r.severity, r.description) for r in CONSISTENCY_RULES))
