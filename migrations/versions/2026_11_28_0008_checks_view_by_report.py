"""checks view by report: rpt_checks sorts by report alone and finds figures by their dimension

The same columns and rows as revision 0005's `rpt_checks` (its semantics, and the test that
holds it to `etl.checks`, are unchanged), computed with less work per report. At 10,000 bodies ×
10 years (issue #7), one std2021 report's checks took 19 ms on SQLite and 13 ms on PostgreSQL;
about 12 and 6 ms with both changes:

- **Windows partition by the report** (report_id, agency_id, year), not by the nine body
  columns, names included: each sort compares integers. The body's other columns are joined
  once, to the evaluated rules. A filter on `report_id`, or on `agency_id` and `year`, still
  reaches each fact table, as they are in every `PARTITION BY`.
- **A term that names its first dimension** (a request row, a review block, a table row) finds
  its figures by the fact table's unique key, (report_id, measure_code, that dimension), instead
  of reading every figure of its measure: `t.d IS NULL OR t.d = f.d` can use no index, so each
  table with dimensions has two branches, the term's first dimension given or not.

What did not change (the dimensions, a term's side, a figure as shown and where it is, the
levels of windows that evaluate a rule) is revision 0005's, built by its module with this
revision's parts, so that there is one copy.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _revision_0005() -> ModuleType:
    path = Path(__file__).with_name("2026_11_28_0005_checks_view.py")
    spec = importlib.util.spec_from_file_location("ogi_revision_0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_V5 = _revision_0005()

# What the inner levels carry of a report, and partition by: its id, and its body and year (a
# rule across years looks back from them, and a filter on them reaches the fact tables too).
_REPORT = ("report_id", "agency_id", "year")


def _report(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in _REPORT)


def _match_branch(table: str, *, first_dim_given: bool) -> str:
    """The figures of `table` each rule term selects, for every current report: of the terms
    that name the table's first dimension (found by the unique key) or of those that do not.

    `CROSS JOIN` keeps SQLite from reordering the fact table before the report it belongs to,
    so that the fact is found by its unique key (report_id, measure_code, ...).
    """
    dims = _V5.FACT_TABLE_DIMS[table]

    def selects(d: str) -> str:
        if d not in dims:
            return f"\n  AND t.{d} IS NULL"
        if d == dims[0]:
            return f"\n  AND t.{d} = f.{d}" if first_dim_given else f"\n  AND t.{d} IS NULL"
        return f"\n  AND (t.{d} IS NULL OR t.{d} = f.{d})"

    where = "".join(selects(d) for d in _V5.TERM_DIMS)
    if dims:
        cases = " ".join(f"WHEN '{d}' THEN f.{d}" for d in dims)
        group = f"CAST(CASE cr.group_by_dim {cases} END AS VARCHAR(64))"
    else:
        group = "CAST(NULL AS VARCHAR(64))"
    return f"""SELECT {_report("r")},
       t.rule_code, {group} AS group_code,
       {_V5._SIDE} AS side,
       t.term_no, t.year_offset, f.fact_id, f.value, f.value_qualifier,
       {_V5._SHOWN}
         || CASE WHEN t.role = 'share' THEN '%' ELSE '' END
         || ' (' || {_V5._WHERE} || ')' AS shown
FROM reports r
JOIN consistency_rules cr ON cr.regime_code IS NULL OR cr.regime_code = r.regime_code
JOIN consistency_rule_terms t ON t.rule_code = cr.rule_code
JOIN measures me ON me.measure_code = t.measure_code AND me.fact_table = '{table}'
JOIN reports tr
  ON tr.agency_id = r.agency_id AND tr.year = r.year + t.year_offset AND tr.is_current
CROSS JOIN {table} f
WHERE r.is_current AND f.report_id = tr.report_id AND f.measure_code = t.measure_code{where}"""


def _branches() -> str:
    return "\nUNION ALL\n".join(
        _match_branch(table, first_dim_given=given)
        for table, dims in _V5.FACT_TABLE_DIMS.items()
        for given in ((False, True) if dims else (False,))
    )


#: The body columns the view starts with, read once per evaluated rule from `_JOINS`.
_BODY = """q.report_id, q.agency_id, a.name AS agency, a.parent_agency_id, pa.name AS parent_agency,
       a.level_code, a.division_code, q.year, r.regime_code"""

_JOINS = """
JOIN reports r ON r.report_id = q.report_id
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id"""


def _rpt_checks(concat: str) -> str:
    """The view, with `concat` the dialect's ordered window aggregate of text."""
    return str(
        _V5._rpt_checks(concat, carry=_report, branches=_branches(), body=_BODY, joins=_JOINS)
    )


def _dialect() -> str:
    return str(op.get_context().dialect.name)


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS rpt_checks")
    op.execute(_rpt_checks(_V5._CONCAT[_dialect()]))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS rpt_checks")
    op.execute(_V5._rpt_checks(_V5._CONCAT[_dialect()]))
