"""Defects of the standard tables (std2019, std2021): each identity broken on its own.

Each edit keeps every other identity: a cell changed in a column is balanced in that column's
other rows or in its 总计, so that only the rule it was made for fires.
"""

from __future__ import annotations

import random

from etl.consistency import APPLICANT_COLUMNS
from etl.synthetic.defect_model import Defect, add, number
from etl.synthetic.figures import Figures


def _std(values: Figures) -> str | None:
    regime = values.get("header.regime")
    return regime if regime in ("std2019", "std2021") else None


def _table3_balance(values: Figures, _rng: random.Random) -> bool:
    """One more new request than the table accounts for, in the 自然人 and 总计 columns."""
    if (p := _std(values)) is None:
        return False
    add(values, {f"{p}.new:natural_person": 1, f"{p}.new:total": 1})
    return True


def _table3_row_total(values: Figures, _rng: random.Random) -> bool:
    """A 自然人 request moved from 予以公开 to 部分公开, the rows' 总计 left as they were."""
    if (p := _std(values)) is None:
        return False
    changes = {
        f"{p}.results.disclosed:natural_person": -1,
        f"{p}.results.partial:natural_person": 1,
    }
    add(values, changes)
    return True


def _table3_results_total(values: Figures, _rng: random.Random) -> bool:
    """（七）总计 one more than its outcomes (and 一 one more, so that the column balances)."""
    if (p := _std(values)) is None:
        return False
    add(
        values,
        {
            f"{p}.{row}:{column}": 1
            for row in ("results.total", "new")
            for column in ("natural_person", "total")
        },
    )
    return True


def _table3_subtotal(values: Figures, _rng: random.Random) -> bool:
    """（三）不予公开 printed one more than its eight items, for 自然人 (and in 总计)."""
    if (p := _std(values)) is None:
        return False
    group = f"{p}.results.withheld"
    for column in (*APPLICANT_COLUMNS, "total"):
        items = [k for k in values if k.startswith(f"{group}.") and k.endswith(f":{column}")]
        values[f"{group}:{column}"] = sum(number(values, k) for k in items)
    add(values, {f"{group}:natural_person": 1, f"{group}:total": 1})
    return True


def _table4_block_total(values: Figures, _rng: random.Random) -> bool:
    if (p := _std(values)) is None:
        return False
    add(values, {f"{p}.table4.cases:review_upheld": 1})
    return True


def _carried_over(values: Figures, _rng: random.Random) -> bool:
    """上年结转 one more than last year's 结转下年度 (一 one less, so that the column balances)."""
    p = _std(values)
    if (
        p is None
        or values["header.year"] in (2019, 2021)
        or number(values, f"{p}.new:natural_person") < 1
    ):
        return False  # 2019 follows a pre2019 year; 2021's rule is checked on its own below
    add(
        values,
        {
            f"{p}.{row}:{column}": change
            for row, change in (("carried_over", 1), ("new", -1))
            for column in ("natural_person", "total")
        },
    )
    return True


def _issued_off(values: Figures, _rng: random.Random) -> bool:
    """One more normative document issued than 现行有效件数 accounts for."""
    if _std(values) != "std2021" or values["header.year"] == 2021:
        return False  # 2020's std2019 table has no 现行有效件数
    add(values, {"std2021.normative:issued": 1})
    return True


def standard_defects(regime: str) -> tuple[Defect, ...]:
    """The identities of the standard tables, broken one at a time (errors, but for the
    warnings across years)."""
    regimes = (regime,)
    defects = [
        Defect(code, f"{regime}.{rule}", "error", description, regimes=regimes, alter=alter)
        for code, rule, description, alter in (
            (
                "table3_balance",
                "table3.balance",
                "一 one more than the table accounts for",
                _table3_balance,
            ),
            (
                "table3_row_total",
                "table3.row_total",
                "a request moved between rows, 总计 not",
                _table3_row_total,
            ),
            (
                "table3_results_total",
                "table3.results_total",
                "（七） one more than the outcomes",
                _table3_results_total,
            ),
            (
                "table3_subtotal",
                "table3.subtotal_withheld",
                "（三） printed one more than its items",
                _table3_subtotal,
            ),
            (
                "table4_block_total",
                "table4.block_total",
                "行政复议 总计 one less than its parts",
                _table4_block_total,
            ),
        )
    ]
    defects.append(
        Defect(
            "carried_over",
            f"{regime}.carried_over_continuity",
            "warning",
            "上年结转 one more than last year's 结转下年度继续办理",
            regimes=regimes,
            cross_year=True,
            alter=_carried_over,
        )
    )
    if regime == "std2021":
        defects.append(
            Defect(
                "in_force",
                "std2021.in_force_continuity",
                "warning",
                "one more normative document issued than 现行有效件数 shows",
                regimes=regimes,
                cross_year=True,
                alter=_issued_off,
            )
        )
    return tuple(defects)
