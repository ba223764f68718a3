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
from typing import Any

from etl.synthetic.defect_model import Defect, FileFormat, bump, number, set_first
from etl.synthetic.figures import Figures, share_pct
from etl.synthetic.standard_defects import standard_defects

_LEGACY = "requests.legacy"


def _add_to_one(prefix: str, most: int) -> Callable[[Figures, random.Random], bool]:
    """Add to one of the figures whose code starts with `prefix`, leaving their total."""

    def alter(values: Figures, rng: random.Random) -> bool:
        codes = sorted(k for k in values if k.startswith(prefix))
        if not codes:
            return False
        code = rng.choice(codes)
        values[code] = number(values, code) + rng.randint(1, most)
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
    received = number(values, f"{_LEGACY}.received")
    if received:
        replies = number(values, f"{_LEGACY}.replies")
        values["requests.response_rate_pct"] = share_pct(replies, received)


def _replies_off(values: Figures, _rng: random.Random) -> bool:
    values[f"{_LEGACY}.replies"] = number(values, f"{_LEGACY}.replies") + 1
    _recompute_rate(values)
    return True


def _received_off(values: Figures, _rng: random.Random) -> bool:
    for code in (f"{_LEGACY}.received", f"{_LEGACY}.received.in_person"):
        values[code] = number(values, code) + 1
    _recompute_rate(values)
    return True


def _formula(values: Figures, _rng: random.Random) -> bool:
    code = next((c for c in _NO_RULE_COUNTS if c in values), None)
    if code is None:
        return False
    values[code] = f"={number(values, code)}+0"
    return True


#: A count no consistency rule reads, in each regime, for the cell-level defects.
_NO_RULE_COUNTS = (
    "proactive.total",  # pre2019: required, and without it the rules on it are not checked
    "std2019.licensing:decisions",
    "std2021.licensing:decisions",
)


def _drop_sheet(workbook: Any) -> None:
    """Drop a sheet no rule needs: 回应解读 (pre2019) or 表二 (the standard tables)."""
    workbook.remove(workbook["回应解读" if "回应解读" in workbook.sheetnames else "表二"])


def _truncate(content: bytes) -> bytes:
    return content[: len(content) // 2]


def _misspell_measure(rows: list[list[str]]) -> None:
    """A measure code that no rule reads loses a letter (columns 7 and 8: 指标代码, 维度)."""
    row = next(r for r in rows[1:] if r[7] == "proactive.total" or ".licensing" in r[8])
    row[7] = row[7][:-1]


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
        alter=bump("proactive.channel.website:share_pct", 3.0),
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
        alter=bump("fiscal.special_funds_disclosed_pct", 5.0),
    ),
    Defect(
        "special_funds_amount_share",
        "fiscal.special_funds_amount_share",
        "warning",
        "the share of special-fund money disclosed 5 points off",
        regimes=_PRE2019,
        alter=bump("fiscal.special_funds_disclosed_amount_pct", 5.0),
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
        alter=bump(f"{_LEGACY}.received.online"),
    ),
    Defect(
        "completed_split",
        "requests.legacy_completed_split",
        "warning",
        "one more request completed on time than completed",
        regimes=_PRE2019,
        alter=bump(f"{_LEGACY}.completed.on_time"),
    ),
    Defect(
        "refusal_reasons",
        "requests.legacy_refusal_reasons",
        "warning",
        "one more refusal for state secrets than refusals",
        regimes=_PRE2019,
        alter=bump(f"{_LEGACY}.replies.refused.state_secret"),
    ),
    Defect(
        "response_rate",
        "requests.response_rate",
        "warning",
        "the reported response rate 10 points off",
        regimes=_PRE2019,
        alter=bump("requests.response_rate_pct", -10.0),
    ),
    # Reading: cells, header fields, sheets and files.
    Defect(
        "not_a_number",
        "cell.not_a_number",
        "error",
        'the proactive total written "八千余"',
        alter=set_first(*_NO_RULE_COUNTS, value="八千余"),
    ),
    Defect(
        "negative",
        "cell.negative",
        "error",
        "a negative count",
        alter=set_first(
            "response.hot_topics",
            "std2019.punishment:decisions",
            "std2021.punishment:decisions",
            value=-3,
        ),
    ),
    Defect(
        "not_whole",
        "cell.not_whole",
        "error",
        "half a meeting, or half a decision",
        alter=set_first(
            "organisation.meetings",
            "std2019.coercion:decisions",
            "std2021.coercion:decisions",
            value=2.5,
        ),
    ),
    Defect(
        "missing",
        "cell.missing",
        "error",
        "the required proactive total left blank",
        formats=("xlsx",),
        regimes=_PRE2019,
        alter=set_first("proactive.total", value=None),
    ),
    Defect(
        "formula_uncached",
        "cell.formula_uncached",
        "error",
        "a count written as a formula with no saved value (as programs write them)",
        formats=("xlsx",),
        alter=_formula,
    ),
    Defect(
        "agency_missing",
        "header.agency_missing",
        "error",
        "the reporting body left blank",
        alter=set_first("header.agency_name", value=""),
    ),
    Defect(
        "year_invalid",
        "header.year_invalid",
        "error",
        'the year written "17"',
        alter=set_first("header.year", value="17"),
    ),
    Defect(
        "level_invalid",
        "header.level_invalid",
        "error",
        'the level written "市级"',
        alter=set_first("header.level", value="市级"),
    ),
    Defect(
        "division_code_invalid",
        "header.division_code_invalid",
        "error",
        "a division code of five digits",
        alter=set_first("header.division_code", value="99012"),
    ),
    Defect(
        "date_invalid",
        "header.date_invalid",
        "error",
        'the publication date written "2月30日"',
        alter=set_first("header.published_on", value="2月30日"),
    ),
    Defect(
        "regime_mismatch",
        "header.regime_mismatch",
        "error",
        'the report format written "新版格式", not a format\'s name',
        regimes=_PRE2019,  # std2019 and std2021 share sheet names: the reader would guess
        alter=set_first("header.regime", value="新版格式"),
    ),
    Defect(
        "sheet_missing",
        "sheet.missing",
        "error",
        "a sheet no rule needs deleted (回应解读, or 表二)",
        formats=("xlsx",),
        alter_workbook=_drop_sheet,
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


DEFECTS = DEFECTS + standard_defects("std2019") + standard_defects("std2021")

DEFECTS_BY_CODE = {(d.code, d.regimes): d for d in DEFECTS}


def defects_for(file_format: FileFormat, regime_code: str) -> list[Defect]:
    """The defects that can be injected into a file of this format and regime."""
    return [
        d
        for d in DEFECTS
        if file_format in d.formats and (d.regimes is None or regime_code in d.regimes)
    ]


def choose_defect(
    values: Figures, candidates: Sequence[Defect], rng: random.Random, *, has_previous: bool
) -> Defect | None:
    """Apply one defect the report allows, drawn from `candidates`; None if none applies.
    Defects caught across years only when last year's report is there (`has_previous`).

    Defects acting on the file are returned for the writer to apply; those acting on values
    are applied here.
    """
    allowed = [d for d in candidates if has_previous or not d.cross_year]
    for defect in rng.sample(allowed, len(allowed)):
        if defect.alter is None or defect.alter(values, rng):
            return defect
    return None
