"""The official identities of tables 三 and 四 reject a file one unit off, naming the cells;
the cross-year rules warn. Every test loads real workbooks into SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from std_workbooks import consistent_values, filled

from etl.layouts import get_layout
from etl.runs.commands import load_paths

Changes = dict[str, int]


def _changed(values: dict[str, object], regime: str, changes: Changes) -> dict[str, object]:
    out = dict(values)
    for code, delta in changes.items():
        key = f"{regime}.{code}"
        out[key] = int(out[key]) + delta  # type: ignore[call-overload]
    return out


def _load(engine: Engine, path: Path) -> tuple[str, list[tuple[str, str, str]]]:
    summary = load_paths(engine, [path])
    (result,) = summary.files
    return result.outcome, [(f.severity, f.rule_code, str(f)) for f in result.findings]


# Each identity broken by one unit, the other identities kept: the rule codes that fail.
BREAKS: list[tuple[str, str, Changes, bool, list[str]]] = [
    ("std2021", "balance", {"new:natural_person": 1, "new:total": 1}, False,
     ["std2021.table3.balance"] * 2),
    ("std2021", "row total", {"carried_over:research": 1, "carried_forward:research": 1}, False,
     ["std2021.table3.row_total"] * 2),
    ("std2021", "（七） = the outcomes",
     {"results.total:commercial": 1, "carried_forward:commercial": -1,
      "results.total:total": 1, "carried_forward:total": -1}, False,
     ["std2021.table3.results_total"] * 2),
    ("std2021", "（三） subtotal",
     {"results.withheld:legal_service": 1, "results.withheld:total": 1}, True,
     ["std2021.table3.subtotal_withheld"] * 2),
    ("std2021", "（六） subtotal", {"results.other:other_org": -1, "results.other:total": -1}, True,
     ["std2021.table3.subtotal_other"] * 2),
    ("std2021", "table 四 block", {"table4.cases:litigation_direct_total": 1}, False,
     ["std2021.table4.block_total"]),
    ("std2019", "balance", {"carried_over:other_org": 1, "carried_over:total": 1}, False,
     ["std2019.table3.balance"] * 2),
    ("std2019", "（五） subtotal", {"results.not_processed:total": 1}, True,
     ["std2019.table3.row_total", "std2019.table3.subtotal_not_processed"]),
    ("std2019", "table 四 block", {"table4.cases:review_pending": 1}, False,
     ["std2019.table4.block_total"]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("regime", "identity", "changes", "subtotals", "failed"),
    BREAKS,
    ids=[f"{b[0]} {b[1]}" for b in BREAKS],
)
def test_an_identity_one_unit_off_is_rejected(
    engine: Engine,
    tmp_path: Path,
    regime: str,
    identity: str,
    changes: Changes,
    subtotals: bool,
    failed: list[str],
) -> None:
    year = {"std2019": 2020, "std2021": 2021}[regime]
    good = consistent_values(regime, subtotals=subtotals)
    assert _load(engine, filled(tmp_path / "good.xlsx", regime, year, good)) == ("loaded", [])
    bad = filled(tmp_path / "bad.xlsx", regime, year, _changed(good, regime, changes))
    outcome, findings = _load(engine, bad)
    assert (outcome, [rule for _severity, rule, _message in findings]) == ("rejected", failed)
    assert {severity for severity, _rule, _message in findings} == {"error"}


def test_a_failed_identity_names_the_rule_the_cells_their_values_and_the_difference(
    engine: Engine, tmp_path: Path
) -> None:
    values = _changed(consistent_values("std2021"), "std2021", {"new:natural_person": 1})
    outcome, findings = _load(engine, filled(tmp_path / "x.xlsx", "std2021", 2021, values))
    assert outcome == "rejected"
    assert findings == [
        (
            "error",
            "std2021.table3.balance",
            "x.xlsx 表三!C10: 一 + 二 = 三（七） + 四 in every column of table 三 "
            "[applicant_type_code natural_person]: 33 (表三!C10) + 2 (表三!C11) = 35 ≠ "
            "30 (表三!C38) + 4 (表三!C39) = 34; difference 1",
        ),
        (
            "error",
            "std2021.table3.row_total",
            "x.xlsx 表三!I10: 总计 = 自然人 + the five 法人或其他组织 columns, in every row of "
            "table 三 [request_row_code std2021.new]: 201 (表三!I10) ≠ 33 (表三!C10) + "
            "35 (表三!D10) + 34 (表三!E10) + 33 (表三!F10) + 32 (表三!G10) + 35 (表三!H10) "
            "= 202; difference -1",
        ),
    ]


def test_a_negative_count_is_rejected(engine: Engine, tmp_path: Path) -> None:
    values = consistent_values("std2021") | {"std2021.results.withheld.inquiry:research": -1}
    outcome, findings = _load(engine, filled(tmp_path / "x.xlsx", "std2021", 2021, values))
    assert (outcome, findings[0]) == (
        "rejected",
        (
            "error",
            "cell.negative",
            'x.xlsx 表三!E23: expected a whole number of 件, not negative, found "-1"',
        ),
    )


@pytest.mark.parametrize(("regime", "year"), [("std2019", 2019), ("std2021", 2022)])
def test_template_filled_by_a_program_round_trips_through_the_warehouse(
    engine: Engine, tmp_path: Path, regime: str, year: int
) -> None:
    values = consistent_values(regime, subtotals=True)
    outcome, findings = _load(engine, filled(tmp_path / "x.xlsx", regime, year, values))
    assert (outcome, findings) == ("loaded", [])
    layout = get_layout(regime)
    expected = sorted(
        (item.measure_code, tuple(v for _d, v in item.dims), float(values[item.code]))  # type: ignore[arg-type]
        for _section, item in layout.cells()
        if item.code in values
    )
    assert _stored(engine) == expected


def _stored(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT measure_code, dim1_code, dim2_code, value FROM rpt_figures_long "
                "ORDER BY measure_code, dim1_code, dim2_code"
            )
        )
        return sorted((m, (d1, d2), float(v)) for m, d1, d2, v in rows)


def test_carried_over_against_last_years_std2019_table_warns(
    engine: Engine, tmp_path: Path
) -> None:
    before = filled(tmp_path / "2020.xlsx", "std2019", 2020, consistent_values("std2019"))
    assert _load(engine, before) == ("loaded", [])
    # 2020 carried 4 forward in every column; 2021 says 2 came over in every column.
    outcome, findings = _load(
        engine, filled(tmp_path / "2021.xlsx", "std2021", 2021, consistent_values("std2021"))
    )
    assert outcome == "loaded"
    assert findings[0] == (
        "warning",
        "std2021.carried_over_from_std2019",
        "2021.xlsx 表三!D11: 上年结转 equals 2020's 结转下年度继续办理 (std2019 table), in every "
        "column of table 三 [applicant_type_code commercial]: 2 (表三!D11) ≠ "
        "4 (2020: 2020.xlsx 表三!D36); difference -2",
    )
    assert [rule for _s, rule, _m in findings] == ["std2021.carried_over_from_std2019"] * 7


def test_continuity_holds_across_the_change_of_regime(engine: Engine, tmp_path: Path) -> None:
    before = filled(tmp_path / "2020.xlsx", "std2019", 2020, consistent_values("std2019"))
    after = consistent_values("std2021", carried_over=4)
    assert _load(engine, before) == ("loaded", [])
    # No 现行有效件数 in a std2019 table 二: nothing to compare, no warning.
    assert _load(engine, filled(tmp_path / "2021.xlsx", "std2021", 2021, after)) == ("loaded", [])


def test_in_force_continuity_warns_per_row_of_table_two(engine: Engine, tmp_path: Path) -> None:
    first = consistent_values("std2021", carried_over=4)
    assert _load(engine, filled(tmp_path / "2021.xlsx", "std2021", 2021, first)) == ("loaded", [])
    second = first | {
        "std2021.normative:issued": 5,
        "std2021.normative:repealed": 2,
        "std2021.normative:in_force": 88,  # 85 + 5 - 2
        "std2021.rules:in_force": 8,  # 6 + 1 - 0 = 7
    }
    outcome, findings = _load(engine, filled(tmp_path / "2022.xlsx", "std2021", 2022, second))
    assert (outcome, findings) == (
        "loaded",
        [
            (
                "warning",
                "std2021.in_force_continuity",
                "2022.xlsx 表二!E8: 现行有效件数 = last year's + 本年制发件数 − 本年废止件数, in "
                "every row of table 二 [table_row_code std2021.rules]: 8 (表二!E8) + 0 (表二!D8) "
                "= 8 ≠ 6 (2021: 2021.xlsx 表二!E8) + 1 (表二!C8) = 7; difference 1",
            )
        ],
    )
