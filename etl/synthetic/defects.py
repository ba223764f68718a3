"""Defects injected on purpose: each breaks one thing the validator checks, and names the rule
that must catch it.

A defect alters the figures (a part that no longer adds up, a share off by points, "八千余"
in a count, a blank year), or the written workbook (a missing sheet), its bytes (a damaged
zip) or the rows of a long-format CSV (an unknown measure, another encoding). Each is made so
that the intended rule is the only one to fire: a changed part leaves every other identity
intact, and percentages that depend on a changed figure are recomputed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from etl.synthetic.figures import Figures, share_pct

FileFormat = str  # "xlsx" or "csv"

_LEGACY = "requests.legacy"


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
    alter: Callable[[Figures, random.Random], bool] | None = None
    alter_workbook: Callable[[Any], None] | None = None
    alter_bytes: Callable[[bytes], bytes] | None = None
    alter_rows: Callable[[list[list[str]]], None] | None = None


def _bump(code: str, by: int | float = 1) -> Callable[[Figures, random.Random], bool]:
    def alter(values: Figures, _rng: random.Random) -> bool:
        value = values.get(code)
        if not isinstance(value, int | float) or isinstance(value, bool):
            return False
        values[code] = value + by
        return True

    return alter


def _set(code: str, value: object, *, requires: str | None = None) -> Callable[..., bool]:
    def alter(values: Figures, _rng: random.Random) -> bool:
        if (requires or code) not in values:
            return False
        values[code] = value
        return True

    return alter


def _number(values: Figures, code: str) -> int:
    value = values[code]
    assert isinstance(value, int), f"{code} is {value!r}, not a whole number"
    return value


def _add_to_one(prefix: str, most: int) -> Callable[[Figures, random.Random], bool]:
    """Add to one of the figures whose code starts with `prefix`, leaving their total."""

    def alter(values: Figures, rng: random.Random) -> bool:
        codes = sorted(k for k in values if k.startswith(prefix))
        if not codes:
            return False
        code = rng.choice(codes)
        values[code] = _number(values, code) + rng.randint(1, most)
        return True

    return alter


def _townships_sum(values: Figures, rng: random.Random) -> bool:
    items = values.get("rights.items_by_township")
    if not isinstance(items, dict) or not items:
        return False
    name = rng.choice(sorted(items))
    items[name] += rng.randint(1, 5)
    return True


def _recompute_rate(values: Figures) -> None:
    """The response rate as the changed figures give it, so that only one rule fires."""
    received = _number(values, f"{_LEGACY}.received")
    if received:
        replies = _number(values, f"{_LEGACY}.replies")
        values["requests.response_rate_pct"] = share_pct(replies, received)


def _replies_off(values: Figures, _rng: random.Random) -> bool:
    values[f"{_LEGACY}.replies"] = _number(values, f"{_LEGACY}.replies") + 1
    _recompute_rate(values)
    return True


def _received_off(values: Figures, _rng: random.Random) -> bool:
    for code in (f"{_LEGACY}.received", f"{_LEGACY}.received.in_person"):
        values[code] = _number(values, code) + 1
    _recompute_rate(values)
    return True


def _formula(values: Figures, _rng: random.Random) -> bool:
    parts = [values[k] for k in sorted(values) if k.startswith("proactive.by_publisher.")]
    values["proactive.total"] = "=" + "+".join(str(p) for p in parts or [0])
    return True


def _drop_sheet(sheet: str) -> Callable[[Any], None]:
    def alter(workbook: Any) -> None:
        workbook.remove(workbook[sheet])

    return alter


def _truncate(content: bytes) -> bytes:
    return content[: len(content) // 2]


def _misspell_measure(rows: list[list[str]]) -> None:
    """The first data row's measure code loses a letter (the header is row 0, column 7)."""
    rows[1][7] = rows[1][7][:-1]


_PRE2019 = ("pre2019",)

DEFECTS: tuple[Defect, ...] = (
    # Consistency: pre2019 identities between parts and totals, and reported percentages.
    Defect(
        "publisher_split",
        "proactive.publisher_split",
        "warning",
        "a publisher group's items changed, the total not",
        regimes=_PRE2019,
        alter=_add_to_one("proactive.by_publisher.", 9),
    ),
    Defect(
        "channel_share",
        "proactive.channel_share",
        "warning",
        "the website's reported share 3 points off its count over the total",
        regimes=_PRE2019,
        alter=_bump("proactive.channel.website:share_pct", 3.0),
    ),
    Defect(
        "townships_sum",
        "rights.townships_sum",
        "warning",
        "a township's 权责清单 items changed, the total not",
        regimes=_PRE2019,
        alter=_townships_sum,
    ),
    Defect(
        "special_funds_share",
        "fiscal.special_funds_disclosed_share",
        "warning",
        "the share of special funds disclosed 5 points off",
        regimes=_PRE2019,
        alter=_bump("fiscal.special_funds_disclosed_pct", 5.0),
    ),
    Defect(
        "special_funds_amount_share",
        "fiscal.special_funds_amount_share",
        "warning",
        "the share of special-fund money disclosed 5 points off",
        regimes=_PRE2019,
        alter=_bump("fiscal.special_funds_disclosed_amount_pct", 5.0),
    ),
    Defect(
        "relief_sum",
        "relief.recipients_sum",
        "warning",
        "a relief programme's recipients changed, the total not",
        regimes=_PRE2019,
        alter=_add_to_one("relief.recipients.", 99),
    ),
    Defect(
        "reply_types",
        "requests.legacy_reply_types",
        "warning",
        "the replies total one more than the replies by type",
        regimes=_PRE2019,
        alter=_replies_off,
    ),
    Defect(
        "replies_received",
        "requests.legacy_replies_received",
        "warning",
        "one more request received (in person) than replied to",
        regimes=_PRE2019,
        alter=_received_off,
    ),
    Defect(
        "received_channels",
        "requests.legacy_received_channels",
        "warning",
        "one more online request than the requests received allow",
        regimes=_PRE2019,
        alter=_bump(f"{_LEGACY}.received.online"),
    ),
    Defect(
        "completed_split",
        "requests.legacy_completed_split",
        "warning",
        "one more request completed on time than completed",
        regimes=_PRE2019,
        alter=_bump(f"{_LEGACY}.completed.on_time"),
    ),
    Defect(
        "refusal_reasons",
        "requests.legacy_refusal_reasons",
        "warning",
        "one more refusal for state secrets than refusals",
        regimes=_PRE2019,
        alter=_bump(f"{_LEGACY}.replies.refused.state_secret"),
    ),
    Defect(
        "response_rate",
        "requests.response_rate",
        "warning",
        "the reported response rate 10 points off",
        regimes=_PRE2019,
        alter=_bump("requests.response_rate_pct", -10.0),
    ),
    # Reading: cells, header fields, sheets and files.
    Defect(
        "not_a_number",
        "cell.not_a_number",
        "error",
        'the proactive total written "八千余"',
        alter=_set("proactive.total", "八千余"),
    ),
    Defect(
        "negative",
        "cell.negative",
        "error",
        "a negative count of hot topics answered",
        alter=_set("response.hot_topics", -3),
    ),
    Defect(
        "not_whole",
        "cell.not_whole",
        "error",
        "half a meeting",
        alter=_set("organisation.meetings", 2.5),
    ),
    Defect(
        "missing",
        "cell.missing",
        "error",
        "the required proactive total left blank",
        formats=("xlsx",),
        alter=_set("proactive.total", None),
    ),
    Defect(
        "formula_uncached",
        "cell.formula_uncached",
        "error",
        "the proactive total a formula with no saved value (written by a program)",
        formats=("xlsx",),
        alter=_formula,
    ),
    Defect(
        "agency_missing",
        "header.agency_missing",
        "error",
        "the reporting body left blank",
        alter=_set("header.agency_name", ""),
    ),
    Defect(
        "year_invalid",
        "header.year_invalid",
        "error",
        'the year written "17"',
        alter=_set("header.year", "17"),
    ),
    Defect(
        "level_invalid",
        "header.level_invalid",
        "error",
        'the level written "市级"',
        alter=_set("header.level", "市级"),
    ),
    Defect(
        "division_code_invalid",
        "header.division_code_invalid",
        "error",
        "a division code of five digits",
        alter=_set("header.division_code", "99012"),
    ),
    Defect(
        "date_invalid",
        "header.date_invalid",
        "error",
        'the publication date written "2月30日"',
        alter=_set("header.published_on", "2月30日"),
    ),
    Defect(
        "regime_mismatch",
        "header.regime_mismatch",
        "error",
        "a pre2019 year declared std2021",
        regimes=_PRE2019,
        alter=_set("header.regime", "std2021"),
    ),
    Defect(
        "sheet_missing",
        "sheet.missing",
        "error",
        "the 回应解读 sheet deleted",
        formats=("xlsx",),
        regimes=_PRE2019,
        alter_workbook=_drop_sheet("回应解读"),
    ),
    Defect(
        "file_corrupt",
        "file.corrupt",
        "error",
        "the workbook cut off halfway (an interrupted upload)",
        formats=("xlsx",),
        alter_bytes=_truncate,
    ),
    Defect(
        "measure_unknown",
        "measure.unknown",
        "error",
        "a measure code misspelt",
        formats=("csv",),
        alter_rows=_misspell_measure,
    ),
)

DEFECTS_BY_CODE = {d.code: d for d in DEFECTS}


def defects_for(file_format: FileFormat, regime_code: str) -> list[Defect]:
    """The defects that can be injected into a file of this format and regime."""
    return [
        d
        for d in DEFECTS
        if file_format in d.formats and (d.regimes is None or regime_code in d.regimes)
    ]


def choose_defect(
    values: Figures, candidates: Sequence[Defect], rng: random.Random
) -> Defect | None:
    """Apply one defect the report allows, drawn from `candidates`; None if none applies.

    Defects acting on the file are returned for the writer to apply; those acting on values
    are applied here.
    """
    for defect in rng.sample(list(candidates), len(candidates)):
        if defect.alter is None or defect.alter(values, rng):
            return defect
    return None
