"""checks view: rpt_checks, every consistency rule evaluated on every current report

One generic query driven by the rule catalogue of revision 0004 (`consistency_rules`,
`consistency_rule_terms`), never one SELECT per rule: a new rule row is checked by this view
unchanged. The semantics are those of `etl.checks` (a test holds the two together):

- a term selects the figures of its measure whose dimensions include the term's (a NULL
  dimension of the term matches any value), in the body's current report of the year, or of the
  year before for `year_offset` -1;
- with `group_by_dim` the rule is checked once per value of that dimension among the figures
  selected; a figure without that dimension (the proactive total, against each channel) counts
  in every group;
- a rule is checked only where each side has a reported figure, no figure is a lower bound or
  an estimate, a share's denominator is not zero and, for a rule across years, the body has a
  report of the year before; otherwise `passed` is NULL and `skipped_reason` says why;
- a sum passes when both sides are equal, a share when the reported percentage is within half a
  unit of its last reported decimal of 100 × numerator / denominator (88.6 → ±0.05).

Window functions need SQLite 3.28 or later (Python 3.11 ships newer). The one dialect
difference is string aggregation for the `terms` column: `group_concat` on SQLite (3.40 has no
`string_agg`), `string_agg` on PostgreSQL, both as ordered window aggregates. Per-report
lookups stay on the indexes: every level partitions by the body columns (windows, not GROUP BY,
which SQLite does not push a filter through), so `WHERE agency_id = ... AND year = ...` reaches
each fact table by its unique key (report_id, measure_code, ...).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Dimension columns a rule term can select on (those of consistency_rule_terms), and the ones
# each fact table has. Spelled out here so that this revision keeps its SQL when tables change.
TERM_DIMS = (
    "publisher_group_code",
    "channel_code",
    "category_code",
    "programme_code",
    "relief_category_code",
    "request_row_code",
    "applicant_type_code",
    "block_code",
    "result_code",
    "table_row_code",
    "table_column_code",
)

FACT_TABLE_DIMS: dict[str, tuple[str, ...]] = {
    "figures": (),
    "proactive_publisher_counts": ("publisher_group_code",),
    "proactive_channel_figures": ("channel_code",),
    "proactive_category_counts": ("category_code",),
    "responsibility_list_items": (),  # townships are not selectable
    "relief_recipient_counts": ("programme_code",),
    "relief_policy_counts": ("relief_category_code",),
    "request_counts": ("request_row_code", "applicant_type_code"),
    "review_litigation_counts": ("block_code", "result_code"),
    "proactive_table_figures": ("table_row_code", "table_column_code"),
}

_BODY = """r.report_id, r.agency_id, a.name AS agency, a.parent_agency_id, pa.name AS parent_agency,
       a.level_code, a.division_code, r.year, r.regime_code"""

_BODY_COLUMNS = (
    "report_id",
    "agency_id",
    "agency",
    "parent_agency_id",
    "parent_agency",
    "level_code",
    "division_code",
    "year",
    "regime_code",
)


def _body(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in _BODY_COLUMNS)


# Sides of a rule: the reported side (a sum's left terms, a share's percentage), the parts (a
# sum's right terms, a share's numerator) and a share's denominator.
_SIDE = """CASE t.role WHEN 'left' THEN 'lhs' WHEN 'share' THEN 'lhs'
                   WHEN 'right' THEN 'rhs' WHEN 'numerator' THEN 'rhs' ELSE 'den' END"""

# A value as a person writes it (8052, 88.6): without the trailing zeros of NUMERIC(18, 4).
_SHOWN = """CASE WHEN f.value = ROUND(f.value, 0) THEN CAST(CAST(f.value AS BIGINT) AS VARCHAR(40))
            ELSE RTRIM(RTRIM(CAST(f.value AS VARCHAR(40)), '0'), '.') END"""

# Where a figure is: 主动公开!C4, or 2016: 依申请公开!C5 for last year's report.
_WHERE = """CASE WHEN t.year_offset <> 0 THEN CAST(tr.year AS VARCHAR(4)) || ': ' ELSE '' END
            || COALESCE(f.source_sheet || '!', '') || f.source_cell"""


def _match_branch(table: str) -> str:
    """The figures of `table` each rule term selects, for every current report.

    `CROSS JOIN` keeps SQLite from reordering the fact table before the report it belongs to,
    so that the fact is found by its unique key (report_id, measure_code, ...).
    """
    dims = FACT_TABLE_DIMS[table]
    selects = "".join(
        f"\n  AND (t.{d} IS NULL OR t.{d} = f.{d})" if d in dims else f"\n  AND t.{d} IS NULL"
        for d in TERM_DIMS
    )
    if dims:
        cases = " ".join(f"WHEN '{d}' THEN f.{d}" for d in dims)
        group = f"CAST(CASE cr.group_by_dim {cases} END AS VARCHAR(64))"
    else:
        group = "CAST(NULL AS VARCHAR(64))"
    return f"""SELECT {_BODY},
       t.rule_code, {group} AS group_code,
       {_SIDE} AS side,
       t.term_no, t.year_offset, f.fact_id, f.value, f.value_qualifier,
       {_SHOWN}
         || CASE WHEN t.role = 'share' THEN '%' ELSE '' END
         || ' (' || {_WHERE} || ')' AS shown
FROM reports r
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
JOIN consistency_rules cr ON cr.regime_code IS NULL OR cr.regime_code = r.regime_code
JOIN consistency_rule_terms t ON t.rule_code = cr.rule_code
JOIN measures me ON me.measure_code = t.measure_code AND me.fact_table = '{table}'
JOIN reports tr
  ON tr.agency_id = r.agency_id AND tr.year = r.year + t.year_offset AND tr.is_current
CROSS JOIN {table} f
WHERE r.is_current AND f.report_id = tr.report_id AND f.measure_code = t.measure_code{selects}"""


def _side_totals(side: str) -> str:
    """How many figures a side has, their sum and their text, over the group (window p)."""
    return (
        f"SUM(CASE WHEN n.side = '{side}' THEN 1 ELSE 0 END) OVER p AS {side}_n,\n"
        f"             SUM(CASE WHEN n.side = '{side}' THEN n.value END) OVER p AS {side}_sum,\n"
        f"             MAX(CASE WHEN n.side = '{side}' THEN n.side_text END) OVER p"
        f" AS {side}_text"
    )


def _shared(column: str) -> str:
    """The value of `column` in the rule's row of figures without the grouping dimension."""
    return f"MAX(CASE WHEN k.group_code IS NULL THEN k.{column} END) OVER w"


def _with_shared(side: str) -> str:
    """A group's side plus the figures every group shares (the row whose group_code is NULL)."""
    n, total, text = (f"k.{side}_n", f"k.{side}_sum", f"k.{side}_text")
    return f"""CASE WHEN k.group_code IS NULL THEN {n}
                ELSE {n} + COALESCE({_shared(f"{side}_n")}, 0) END AS {side}_n,
           CASE WHEN k.group_code IS NULL THEN {total}
                ELSE COALESCE({total} + {_shared(f"{side}_sum")}, {total},
                              {_shared(f"{side}_sum")}) END AS {side}_sum,
           CASE WHEN k.group_code IS NULL THEN {text}
                ELSE COALESCE({_shared(f"{side}_text")} || ' + ' || {text}, {text},
                              {_shared(f"{side}_text")}) END AS {side}_text"""


def _rpt_checks(
    concat: str,
    *,
    carry: Callable[[str], str] = _body,
    branches: str | None = None,
    body: str | None = None,
    joins: str = "",
) -> str:
    """The view, with `concat` the dialect's ordered window aggregate of text.

    Revision 0008 builds its faster form with this function: `carry` gives the report columns
    that each level carries and partitions by (here the body's), `branches` the figures the
    terms select (here `_match_branch` of each table), `body` the body columns the view
    starts with and `joins` what they are read from, after the evaluated rules `q`.
    """
    if branches is None:
        branches = "\nUNION ALL\n".join(_match_branch(t) for t in FACT_TABLE_DIMS)
    side_text = concat.format(
        "m.shown",
        "' + '",
        f"PARTITION BY {carry('m')}, m.rule_code, m.group_code, m.side"
        " ORDER BY m.term_no, m.year_offset, m.fact_id"
        " ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING",
    )
    ratio = "100.0 * c.rhs_sum / NULLIF(c.den_sum, 0)"
    checkable = (
        "c.no_previous = 0 AND c.lhs_n > 0 AND c.rhs_n > 0 AND c.inexact_n = 0"
        " AND (cr.rule_kind = 'sum' OR (c.den_n > 0 AND c.den_sum <> 0))"
    )
    tolerance = """CASE WHEN cr.rule_kind = 'sum' THEN 0
                   WHEN c.lhs_sum = ROUND(c.lhs_sum, 0) THEN 0.5
                   WHEN c.lhs_sum = ROUND(c.lhs_sum, 1) THEN 0.05
                   WHEN c.lhs_sum = ROUND(c.lhs_sum, 2) THEN 0.005
                   WHEN c.lhs_sum = ROUND(c.lhs_sum, 3) THEN 0.0005
                   ELSE 0.00005 END"""
    # Stored values have at most four decimals; the margins absorb SQLite's binary floats.
    holds = f"""CASE WHEN cr.rule_kind = 'sum' THEN ABS(c.lhs_sum - c.rhs_sum) < 0.00005
                        ELSE ABS(c.lhs_sum - {ratio}) <= {tolerance} + 0.000000001 END"""
    shared_inexact = _shared("inexact_n")
    return f"""
CREATE VIEW rpt_checks AS
SELECT {body or _body("q")},
       q.rule_code, q.rule_kind, q.severity, q.description, q.group_by_dim, q.group_code,
       q.reported, q.computed, q.difference, q.tolerance, q.passed, q.skipped_reason,
       q.lhs_text
         || CASE q.passed WHEN 1 THEN CASE q.rule_kind WHEN 'sum' THEN ' = ' ELSE ' ≈ ' END
                          WHEN 0 THEN ' ≠ ' ELSE ' vs ' END
         || CASE WHEN q.rule_kind = 'sum' THEN q.rhs_text
                 ELSE CASE WHEN q.rhs_n > 1 THEN '(' || q.rhs_text || ')' ELSE q.rhs_text END
                      || ' / '
                      || CASE WHEN q.den_n > 1 THEN '(' || q.den_text || ')' ELSE q.den_text END
            END AS terms,
       q.rule_sort_order
FROM (
  -- each rule (and group) evaluated
  SELECT {carry("c")},
         c.rule_code, cr.rule_kind, cr.severity, cr.description, cr.group_by_dim, c.group_code,
         c.lhs_sum AS reported,
         CASE WHEN cr.rule_kind = 'sum' THEN c.rhs_sum ELSE ROUND({ratio}, 2) END AS computed,
         CASE WHEN cr.rule_kind = 'sum' THEN c.lhs_sum - c.rhs_sum
              ELSE ROUND(c.lhs_sum - {ratio}, 2) END AS difference,
         CASE WHEN {checkable} THEN {tolerance} END AS tolerance,
         CASE WHEN {checkable} THEN CASE WHEN {holds} THEN 1 ELSE 0 END END AS passed,
         CASE WHEN c.no_previous = 1 THEN 'no report of the year before'
              WHEN c.lhs_n = 0 OR c.rhs_n = 0 OR (cr.rule_kind = 'share' AND c.den_n = 0)
                THEN 'a side has no reported figure'
              WHEN c.inexact_n > 0 THEN 'a figure is a lower bound or an estimate'
              WHEN cr.rule_kind = 'share' AND c.den_sum = 0 THEN 'the denominator is zero'
         END AS skipped_reason,
         cr.sort_order AS rule_sort_order,
         COALESCE(c.lhs_text, '(not reported)') AS lhs_text, c.rhs_n,
         COALESCE(c.rhs_text, '(not reported)') AS rhs_text, c.den_n,
         COALESCE(c.den_text, '(not reported)') AS den_text
  FROM (
    -- each group with the figures shared by every group of its rule
    SELECT {carry("k")}, k.rule_code, k.group_code,
           {_with_shared("lhs")},
           {_with_shared("rhs")},
           {_with_shared("den")},
           CASE WHEN k.group_code IS NULL THEN k.inexact_n
                ELSE k.inexact_n + COALESCE({shared_inexact}, 0) END AS inexact_n,
           CASE WHEN EXISTS (SELECT 1 FROM consistency_rule_terms x
                             WHERE x.rule_code = k.rule_code AND x.year_offset <> 0)
                 AND NOT EXISTS (SELECT 1 FROM reports p
                                 WHERE p.agency_id = k.agency_id AND p.year = k.year - 1
                                   AND p.is_current)
                THEN 1 ELSE 0 END AS no_previous
    FROM (
      -- each side's count, sum and text per rule and group (figures without the grouping
      -- dimension form the group NULL); windows, not GROUP BY, so that SQLite pushes a
      -- per-report filter down to the fact tables
      SELECT {carry("n")}, n.rule_code, n.group_code,
             {_side_totals("lhs")},
             {_side_totals("rhs")},
             {_side_totals("den")},
             SUM(CASE WHEN n.value_qualifier <> 'exact' THEN 1 ELSE 0 END) OVER p AS inexact_n,
             ROW_NUMBER() OVER (p ORDER BY n.side, n.term_no, n.year_offset, n.fact_id)
               AS row_no
      FROM (
        -- each figure a term selects, with its side written out in term order
        SELECT m.*, {side_text} AS side_text
        FROM (
{branches}
        ) m
      ) n
      WINDOW p AS (PARTITION BY {carry("n")}, n.rule_code, n.group_code)
    ) k
    WHERE k.row_no = 1
    WINDOW w AS (PARTITION BY {carry("k")}, k.rule_code)
  ) c
  JOIN consistency_rules cr ON cr.rule_code = c.rule_code
  WHERE c.group_code IS NOT NULL OR cr.group_by_dim IS NULL
) q{joins}
"""


# Ordered window aggregates of text: {0} the expression, {1} the separator, {2} the window.
_CONCAT = {
    "sqlite": "group_concat({0}, {1}) OVER ({2})",
    "postgresql": "string_agg({0}, {1}) OVER ({2})",
}


def upgrade() -> None:
    op.execute(_rpt_checks(_CONCAT[op.get_context().dialect.name]))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS rpt_checks")
