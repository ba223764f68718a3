"""The rules seeded for SQL are the rules Python applies, and agree with the reference data."""

from __future__ import annotations

from sqlalchemy import Engine, select

from etl.consistency import CONSISTENCY_RULES
from models import ConsistencyRule, ConsistencyRuleTerm, RequestRow
from models.consistency import DIM_COLUMNS


def test_seeded_rules_equal_the_python_catalogue(engine: Engine) -> None:
    with engine.connect() as connection:
        rules = connection.execute(
            select(
                ConsistencyRule.rule_code,
                ConsistencyRule.rule_kind,
                ConsistencyRule.severity,
                ConsistencyRule.regime_code,
                ConsistencyRule.group_by_dim,
                ConsistencyRule.description,
            ).order_by(ConsistencyRule.sort_order)
        ).all()
        terms = connection.execute(
            select(ConsistencyRuleTerm).order_by(
                ConsistencyRuleTerm.rule_code, ConsistencyRuleTerm.term_no
            )
        ).mappings()
        seeded_terms = sorted(
            (
                t["rule_code"],
                t["term_no"],
                t["role"],
                t["year_offset"],
                t["measure_code"],
                tuple(sorted((c, t[c]) for c in DIM_COLUMNS if t[c] is not None)),
            )
            for t in terms
        )
    assert [tuple(r) for r in rules] == [
        (r.code, r.kind, r.severity, r.regime_code, r.group_by, r.description)
        for r in CONSISTENCY_RULES
    ]
    assert seeded_terms == sorted(
        (r.code, no, role, t.year_offset, t.measure_code, tuple(sorted(t.dims)))
        for r in CONSISTENCY_RULES
        for no, (role, t) in enumerate(r.roles(), start=1)
    )


def test_results_total_sums_every_outcome_row_of_table_three(engine: Engine) -> None:
    with engine.connect() as connection:
        for regime in ("std2019", "std2021"):
            outcome_rows = connection.execute(
                select(RequestRow.request_row_code)
                .where(
                    RequestRow.regime_code == regime,
                    RequestRow.is_data_row.is_(True),
                    RequestRow.request_row_code.like(f"{regime}.results.%"),
                    RequestRow.request_row_code != f"{regime}.results.total",
                )
                .order_by(RequestRow.sort_order)
            ).scalars()
            rule = next(r for r in CONSISTENCY_RULES if r.code == f"{regime}.table3.results_total")
            assert [dict(t.dims)["request_row_code"] for _, t in rule.roles()][1:] == list(
                outcome_rows
            )
