"""report views: rpt_* relations over the current reports, and an index on body names

Reports are SQL views, so that sqlite3, psql, pandas and `ogi report` see the same numbers.
Each view reads only the current version of every report (`reports.is_current`), except
`rpt_report_versions`, which is about history. The SQL is plain enough for SQLite and
PostgreSQL alike: no dialect functions, `NULLIF` before every division (PostgreSQL raises on
division by zero), `ROUND(numeric, 1)` with a numeric argument (`100.0 * ...`).

Per-body lookups (`WHERE agency = ... AND year = ...`) go agencies (ix_agencies_name) ->
reports (uq_reports_current_agency_year) -> each fact table (its unique key leads with
report_id); window views partition by the body columns so that such a filter is pushed down.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The body and report columns every per-report view starts with, and the joins behind them.
# They are spelled out here, in this revision, so that the views stay what they were when a
# later revision changes them (the Alembic cookbook's "replaceable objects").
_BODY = """r.report_id, r.agency_id, a.name AS agency, a.parent_agency_id, pa.name AS parent_agency,
       a.level_code, a.division_code, r.year, r.regime_code"""

_CURRENT = """JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
JOIN measures m ON m.measure_code = f.measure_code
JOIN source_files sf ON sf.source_file_id = r.source_file_id"""


RPT_REPORTS = f"""
CREATE VIEW rpt_reports AS
SELECT {_BODY},
       r.published_on, r.version, r.loaded_at, sf.file_name AS source_file
FROM reports r
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
JOIN source_files sf ON sf.source_file_id = r.source_file_id
WHERE r.is_current
"""

RPT_REPORT_VERSIONS = f"""
CREATE VIEW rpt_report_versions AS
SELECT {_BODY},
       r.published_on, r.version, r.is_current, r.loaded_at, r.superseded_at,
       sf.file_name AS source_file, sf.sha256 AS source_sha256
FROM reports r
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
JOIN source_files sf ON sf.source_file_id = r.source_file_id
"""

# Each fact table, with the unit of its values and its dimensions: (name, join, code, label,
# sort order, key columns of the fact table). rpt_figures_long, rpt_year_over_year and
# rpt_rollup are unions over these, one branch per table, so that every branch reaches its
# table through the table's own unique key (a join into a UNION ALL view cannot).
_Dim = tuple[str, str, str, str, str, str]
FACT_TABLES: list[tuple[str, str, list[_Dim]]] = [
    ("figures", "f.unit_code", []),
    (
        "proactive_publisher_counts",
        "m.unit_code",
        [
            (
                "publisher_group",
                "JOIN publisher_groups d1 ON d1.publisher_group_code = f.publisher_group_code",
                "d1.publisher_group_code",
                "d1.label_zh",
                "d1.sort_order",
                "publisher_group_code",
            )
        ],
    ),
    (
        "proactive_channel_figures",
        "f.unit_code",
        [
            (
                "channel",
                "JOIN channels d1 ON d1.channel_code = f.channel_code",
                "d1.channel_code",
                "d1.label_zh",
                "d1.sort_order",
                "channel_code",
            )
        ],
    ),
    (
        "proactive_category_counts",
        "f.unit_code",
        [
            (
                "category",
                "JOIN disclosure_categories d1 ON d1.category_code = f.category_code",
                "d1.category_code",
                "d1.label_zh",
                "d1.sort_order",
                "category_code",
            )
        ],
    ),
    (
        "responsibility_list_items",
        "m.unit_code",
        [
            (
                "township",
                "JOIN agencies d1 ON d1.agency_id = f.township_agency_id",
                "d1.name",
                "d1.name",
                "CAST(NULL AS INTEGER)",
                "township_agency_id",
            )
        ],
    ),
    (
        "relief_recipient_counts",
        "d1.unit_code",
        [
            (
                "programme",
                "JOIN relief_programmes d1 ON d1.programme_code = f.programme_code",
                "d1.programme_code",
                "d1.label_zh",
                "d1.sort_order",
                "programme_code",
            )
        ],
    ),
    (
        "relief_policy_counts",
        "m.unit_code",
        [
            (
                "relief_category",
                "JOIN relief_categories d1 ON d1.relief_category_code = f.relief_category_code",
                "d1.relief_category_code",
                "d1.label_zh",
                "d1.sort_order",
                "relief_category_code",
            )
        ],
    ),
    (
        "request_counts",
        "m.unit_code",
        [
            (
                "request_row",
                "JOIN request_rows d1 ON d1.request_row_code = f.request_row_code",
                "d1.request_row_code",
                "d1.label_zh",
                "d1.sort_order",
                "request_row_code",
            ),
            (
                "applicant_type",
                "JOIN applicant_types d2 ON d2.applicant_type_code = f.applicant_type_code",
                "d2.applicant_type_code",
                "d2.label_zh",
                "d2.sort_order",
                "applicant_type_code",
            ),
        ],
    ),
    (
        "review_litigation_counts",
        "m.unit_code",
        [
            (
                "review_block",
                "JOIN review_blocks d1 ON d1.block_code = f.block_code",
                "d1.block_code",
                "d1.label_zh",
                "d1.sort_order",
                "block_code",
            ),
            (
                "review_result",
                "JOIN review_results d2 ON d2.result_code = f.result_code",
                "d2.result_code",
                "d2.label_zh",
                "d2.sort_order",
                "result_code",
            ),
        ],
    ),
    (
        "proactive_table_figures",
        "f.unit_code",
        [
            (
                "table_row",
                "JOIN proactive_table_rows d1 ON d1.table_row_code = f.table_row_code",
                "d1.table_row_code",
                "d1.label_zh",
                "d1.sort_order",
                "table_row_code",
            ),
            (
                "table_column",
                "JOIN proactive_table_columns d2 ON d2.table_column_code = f.table_column_code",
                "d2.table_column_code",
                "d2.label_zh",
                "d2.sort_order",
                "table_column_code",
            ),
        ],
    ),
]

_AMOUNT_TABLES = {
    "figures",
    "proactive_channel_figures",
    "proactive_category_counts",
    "proactive_table_figures",
}


def _dim_columns(dims: list[_Dim]) -> str:
    """dim1_* and dim2_* columns; a missing dimension is typed NULLs (PostgreSQL unions)."""
    parts = []
    for i in (0, 1):
        n = i + 1
        if i < len(dims):
            name, _join, code, label, sort, _key = dims[i]
            parts.append(
                f"CAST('{name}' AS VARCHAR(32)) AS dim{n}_name, CAST({code} AS VARCHAR(200))"
                f" AS dim{n}_code, CAST({label} AS VARCHAR(200)) AS dim{n}_label,"
                f" {sort} AS dim{n}_sort_order"
            )
        else:
            parts.append(
                f"CAST(NULL AS VARCHAR(32)) AS dim{n}_name, CAST(NULL AS VARCHAR(200))"
                f" AS dim{n}_code, CAST(NULL AS VARCHAR(200)) AS dim{n}_label,"
                f" CAST(NULL AS INTEGER) AS dim{n}_sort_order"
            )
    return ",\n       ".join(parts)


def _dim_joins(dims: list[_Dim]) -> str:
    return "\n".join(d[1] for d in dims)


def _same_key(table: str, dims: list[_Dim], other: str) -> str:
    """The fact of `other` with the same measure and dimensions (and unit) as `f`."""
    terms = [f"{other}.measure_code = f.measure_code"]
    terms += [f"{other}.{d[5]} = f.{d[5]}" for d in dims]
    return " AND ".join(terms)


def _long_branch(table: str, unit: str, dims: list[_Dim]) -> str:
    return f"""SELECT {_BODY},
       m.measure_code, m.label_zh, m.section, m.value_kind,
       '{table}' AS fact_table, f.fact_id,
       {_dim_columns(dims)},
       f.value, f.value_qualifier, {unit} AS unit_code,
       sf.file_name AS source_file, f.source_sheet, f.source_cell
FROM {table} f
{_CURRENT}
{_dim_joins(dims)}"""


def _yoy_branch(table: str, unit: str, dims: list[_Dim]) -> str:
    # The previous year's figure: same body, year - 1, its current report, same key. A figure
    # whose unit changed (元 -> 万元) gets no change: the difference would mean nothing.
    previous_unit = unit.replace("f.", "pf.") if table in _AMOUNT_TABLES else unit
    same_unit = f"{previous_unit} = {unit}"
    return f"""SELECT {_BODY},
       m.measure_code, m.label_zh, m.section, m.value_kind,
       '{table}' AS fact_table, f.fact_id,
       {_dim_columns(dims)},
       f.value, f.value_qualifier, {unit} AS unit_code,
       CASE WHEN pf.fact_id IS NOT NULL THEN pr.year END AS previous_year,
       pf.value AS previous_value,
       pf.value_qualifier AS previous_value_qualifier,
       CASE WHEN pf.fact_id IS NOT NULL THEN {previous_unit} END AS previous_unit_code,
       CASE WHEN {same_unit} THEN ROUND(f.value - pf.value, 4) END AS change,
       CASE WHEN {same_unit}
            THEN ROUND(100.0 * (f.value - pf.value) / NULLIF(pf.value, 0), 1) END AS change_pct
FROM {table} f
{_CURRENT}
{_dim_joins(dims)}
LEFT JOIN reports pr
  ON pr.agency_id = r.agency_id AND pr.year = r.year - 1 AND pr.is_current
LEFT JOIN {table} pf ON pf.report_id = pr.report_id AND {_same_key(table, dims, "pf")}"""


def _rollup_branch(table: str, unit: str, dims: list[_Dim]) -> str:
    # Children's current figures summed per parent, year, measure, dimensions and unit, next to
    # the parent's own current figure with the same key and unit.
    group = ", ".join(
        [
            "p.agency_id",
            "p.name",
            "p.level_code",
            "p.division_code",
            "r.year",
            "f.measure_code",
            "m.label_zh",
            "m.section",
            unit,
        ]
        + [f"f.{d[5]}" for d in dims]
        + [c for d in dims for c in (d[2], d[3], d[4])]
    )
    unit_match = f" AND pf.unit_code = {unit}" if table in _AMOUNT_TABLES else ""
    return f"""SELECT p.agency_id, p.name AS agency, p.level_code, p.division_code, r.year,
       f.measure_code, m.label_zh, m.section,
       {_dim_columns(dims)},
       {unit} AS unit_code,
       COUNT(DISTINCT a.agency_id) AS children_reporting, SUM(f.value) AS children_value,
       (SELECT pf.value FROM {table} pf
        JOIN reports pr ON pr.report_id = pf.report_id AND pr.is_current
        WHERE pr.agency_id = p.agency_id AND pr.year = r.year
          AND {_same_key(table, dims, "pf")}{unit_match}) AS reported_value
FROM {table} f
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
JOIN agencies p ON p.agency_id = a.parent_agency_id
JOIN measures m ON m.measure_code = f.measure_code
{_dim_joins(dims)}
WHERE m.value_kind <> 'percent'
GROUP BY {group}"""


RPT_FIGURES_LONG = "\nCREATE VIEW rpt_figures_long AS\n" + "\nUNION ALL\n".join(
    _long_branch(*spec) for spec in FACT_TABLES
)

RPT_YEAR_OVER_YEAR = "\nCREATE VIEW rpt_year_over_year AS\n" + "\nUNION ALL\n".join(
    _yoy_branch(*spec) for spec in FACT_TABLES
)

# A township's responsibility list belongs to its county's report: nothing to roll up.
RPT_ROLLUP = (
    "\nCREATE VIEW rpt_rollup AS\nSELECT q.*, q.reported_value - q.children_value AS difference"
    "\nFROM (\n"
    + "\nUNION ALL\n".join(
        _rollup_branch(*spec) for spec in FACT_TABLES if spec[0] != "responsibility_list_items"
    )
    + "\n) q\n"
)


# Reports, bodies and the one scalar figure of a report, for the views below.
_REPORTS = """FROM reports r
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id"""


def _scalar(measure: str) -> str:
    return (
        "(SELECT x.value FROM figures x"
        f" WHERE x.report_id = r.report_id AND x.measure_code = '{measure}')"
    )


def _publisher(group: str) -> str:
    return (
        "(SELECT x.value FROM proactive_publisher_counts x WHERE x.report_id = r.report_id"
        f" AND x.measure_code = 'proactive.by_publisher' AND x.publisher_group_code = '{group}')"
    )


RPT_PROACTIVE = f"""
CREATE VIEW rpt_proactive AS
SELECT {_BODY},
       {_scalar("proactive.total")} AS total_items,
       {_publisher("townships")} AS township_items,
       {_publisher("departments")} AS department_items,
       {_publisher("other")} AS other_publisher_items,
       (SELECT SUM(x.value) FROM proactive_publisher_counts x WHERE x.report_id = r.report_id
         AND x.measure_code = 'proactive.by_publisher') AS publisher_items_sum
{_REPORTS}
WHERE r.is_current
  AND (EXISTS (SELECT 1 FROM figures x WHERE x.report_id = r.report_id
               AND x.measure_code = 'proactive.total')
       OR EXISTS (SELECT 1 FROM proactive_publisher_counts x WHERE x.report_id = r.report_id))
"""

RPT_PROACTIVE_CHANNELS = f"""
CREATE VIEW rpt_proactive_channels AS
SELECT q.*, ROUND(100.0 * q.channel_items / NULLIF(q.total_items, 0), 1) AS computed_share_pct
FROM (
  SELECT {_BODY},
         ch.channel_code, ch.label_zh AS channel, ch.parent_channel_code, ch.sort_order,
         (SELECT x.value FROM proactive_channel_figures x WHERE x.report_id = r.report_id
           AND x.measure_code = 'proactive.by_channel' AND x.channel_code = ch.channel_code)
           AS channel_items,
         (SELECT x.value FROM proactive_channel_figures x WHERE x.report_id = r.report_id
           AND x.measure_code = 'proactive.channel_share_pct' AND x.channel_code = ch.channel_code)
           AS reported_share_pct,
         {_scalar("proactive.total")} AS total_items
  {_REPORTS}
  CROSS JOIN channels ch
  WHERE r.is_current
    AND EXISTS (SELECT 1 FROM proactive_channel_figures x WHERE x.report_id = r.report_id
                AND x.channel_code = ch.channel_code)
) q
"""

# Sum of a comparable group's data rows in the 总计 column of a report's request table.
_COMPARABLE_SUM = """(SELECT SUM(x.value) FROM request_counts x
          JOIN request_rows xr ON xr.request_row_code = x.request_row_code
          WHERE x.report_id = r.report_id AND x.measure_code = 'requests.count'
            AND x.applicant_type_code = 'total' AND xr.is_data_row
            AND xr.comparable_code = '{0}')"""

RPT_REQUESTS = f"""
CREATE VIEW rpt_requests AS
SELECT q.*, ROUND(100.0 * q.answered / NULLIF(q.received, 0), 1) AS computed_response_rate_pct
FROM (
  SELECT {_BODY},
         {_COMPARABLE_SUM.format("received")} AS received,
         {_COMPARABLE_SUM.format("carried_over")} AS carried_over,
         {_COMPARABLE_SUM.format("total_processed")} AS answered,
         {_COMPARABLE_SUM.format("carried_forward")} AS carried_forward,
         {_scalar("requests.response_rate_pct")} AS response_rate_pct
  {_REPORTS}
  WHERE r.is_current
    AND (EXISTS (SELECT 1 FROM request_counts x WHERE x.report_id = r.report_id)
         OR EXISTS (SELECT 1 FROM figures x WHERE x.report_id = r.report_id
                    AND x.measure_code = 'requests.response_rate_pct'))
) q
"""

RPT_REQUEST_OUTCOMES = f"""
CREATE VIEW rpt_request_outcomes AS
SELECT {_BODY},
       rr.request_row_code, rr.label_zh AS row_label, rr.parent_row_code,
       pr.label_zh AS parent_row_label, rr.comparable_code, rr.sort_order,
       f.value AS requests, f.value_qualifier
FROM request_counts f
JOIN request_rows rr ON rr.request_row_code = f.request_row_code
LEFT JOIN request_rows pr ON pr.request_row_code = rr.parent_row_code
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
WHERE f.measure_code = 'requests.count' AND f.applicant_type_code = 'total'
"""

RPT_REQUEST_OUTCOMES_COMPARED = f"""
CREATE VIEW rpt_request_outcomes_compared AS
SELECT {_BODY},
       c.comparable_code, c.label_zh AS comparable_label, c.sort_order,
       SUM(f.value) AS requests, COUNT(*) AS rows_summed,
       MIN(CASE WHEN f.value_qualifier = 'exact' THEN 1 ELSE 0 END) AS all_exact
FROM request_counts f
JOIN request_rows rr ON rr.request_row_code = f.request_row_code
JOIN request_comparables c ON c.comparable_code = rr.comparable_code
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
WHERE f.measure_code = 'requests.count' AND f.applicant_type_code = 'total' AND rr.is_data_row
GROUP BY r.report_id, r.agency_id, a.name, a.parent_agency_id, pa.name, a.level_code,
         a.division_code, r.year, r.regime_code, c.comparable_code, c.label_zh, c.sort_order
"""

RPT_RESPONSIBILITY_LISTS = f"""
CREATE VIEW rpt_responsibility_lists AS
SELECT q.*,
       ROUND(100.0 * q.items / NULLIF(COALESCE(q.total_items_reported, q.items_sum), 0), 1)
         AS share_pct,
       RANK() OVER (PARTITION BY q.report_id, q.agency_id, q.agency, q.parent_agency_id,
                    q.parent_agency, q.level_code, q.division_code, q.year, q.regime_code
                    ORDER BY q.items DESC) AS items_rank
FROM (
  SELECT {_BODY},
         f.township_agency_id, t.name AS township, f.value AS items, f.value_qualifier,
         {_scalar("rights.items_total")} AS total_items_reported,
         (SELECT SUM(x.value) FROM responsibility_list_items x WHERE x.report_id = r.report_id
           AND x.measure_code = 'rights.items_by_township') AS items_sum,
         f.fact_id
  FROM responsibility_list_items f
  JOIN agencies t ON t.agency_id = f.township_agency_id
  JOIN reports r ON r.report_id = f.report_id AND r.is_current
  JOIN agencies a ON a.agency_id = r.agency_id
  LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
  WHERE f.measure_code = 'rights.items_by_township'
) q
"""

RPT_RELIEF_RECIPIENTS = f"""
CREATE VIEW rpt_relief_recipients AS
SELECT {_BODY},
       p.programme_code, p.label_zh AS programme, c.relief_category_code,
       c.label_zh AS relief_category, p.sort_order, f.value AS recipients, p.unit_code,
       f.value_qualifier,
       (SELECT SUM(x.value) FROM relief_recipient_counts x WHERE x.report_id = r.report_id
         AND x.measure_code = 'relief.recipients') AS recipients_sum,
       {_scalar("relief.recipients_total")} AS recipients_total_reported
FROM relief_recipient_counts f
JOIN relief_programmes p ON p.programme_code = f.programme_code
JOIN relief_categories c ON c.relief_category_code = p.relief_category_code
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
WHERE f.measure_code = 'relief.recipients'
"""

RPT_RELIEF_POLICIES = f"""
CREATE VIEW rpt_relief_policies AS
SELECT {_BODY},
       c.relief_category_code, c.label_zh AS relief_category, c.sort_order,
       f.value AS policies, f.value_qualifier,
       {_scalar("relief.disclosures")} AS disclosures_reported
FROM relief_policy_counts f
JOIN relief_categories c ON c.relief_category_code = f.relief_category_code
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
WHERE f.measure_code = 'relief.policies'
"""


def _pivot(measure: str, column: str = "value") -> str:
    return f"MAX(CASE WHEN f.measure_code = '{measure}' THEN f.{column} END)"


_BODY_GROUP = """r.report_id, r.agency_id, a.name, a.parent_agency_id, pa.name, a.level_code,
         a.division_code, r.year, r.regime_code"""

_FIGURES_OF_CURRENT = """FROM figures f
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id"""

RPT_FISCAL = f"""
CREATE VIEW rpt_fiscal AS
SELECT q.*,
       ROUND(100.0 * q.special_funds_disclosed / NULLIF(q.special_funds_allocated, 0), 1)
         AS special_funds_disclosed_computed_pct
FROM (
  SELECT {_BODY},
         {_pivot("fiscal.budget_units")} AS budget_units,
         {_pivot("fiscal.budget_disclosure_rate_pct")} AS budget_disclosure_rate_pct,
         {_pivot("fiscal.special_funds_required")} AS special_funds_required,
         {_pivot("fiscal.special_funds_allocated")} AS special_funds_allocated,
         {_pivot("fiscal.special_funds_allocated_amount")} AS special_funds_allocated_amount,
         {_pivot("fiscal.special_funds_allocated_amount", "unit_code")}
           AS special_funds_allocated_amount_unit,
         {_pivot("fiscal.special_funds_disclosed")} AS special_funds_disclosed,
         {_pivot("fiscal.special_funds_disclosed_pct")} AS special_funds_disclosed_pct,
         {_pivot("fiscal.special_funds_disclosed_amount")} AS special_funds_disclosed_amount,
         {_pivot("fiscal.special_funds_disclosed_amount", "unit_code")}
           AS special_funds_disclosed_amount_unit,
         {_pivot("fiscal.special_funds_disclosed_amount_pct")}
           AS special_funds_disclosed_amount_pct
  {_FIGURES_OF_CURRENT}
  WHERE f.measure_code LIKE 'fiscal.%'
  GROUP BY {_BODY_GROUP}
) q
"""

RPT_FEES = f"""
CREATE VIEW rpt_fees AS
SELECT {_BODY},
       {_pivot("fees.charged_amount")} AS charged_amount,
       {_pivot("fees.charged_amount", "unit_code")} AS charged_unit,
       {_pivot("fees.waived_amount")} AS waived_amount,
       {_pivot("fees.waived_amount", "unit_code")} AS waived_unit
{_FIGURES_OF_CURRENT}
WHERE f.measure_code IN ('fees.charged_amount', 'fees.waived_amount')
GROUP BY {_BODY_GROUP}
"""

RPT_REVIEW_LITIGATION = f"""
CREATE VIEW rpt_review_litigation AS
SELECT {_BODY},
       b.block_code, b.label_zh AS block, b.sort_order AS block_sort_order,
       s.result_code, s.label_zh AS result, s.sort_order AS result_sort_order,
       f.value AS cases, f.value_qualifier
FROM review_litigation_counts f
JOIN review_blocks b ON b.block_code = f.block_code
JOIN review_results s ON s.result_code = f.result_code
JOIN reports r ON r.report_id = f.report_id AND r.is_current
JOIN agencies a ON a.agency_id = r.agency_id
LEFT JOIN agencies pa ON pa.agency_id = a.parent_agency_id
WHERE f.measure_code = 'review.count'
"""

#: Views in creation order (a view is created after those it reads).
VIEWS: dict[str, str] = {
    "rpt_reports": RPT_REPORTS,
    "rpt_report_versions": RPT_REPORT_VERSIONS,
    "rpt_figures_long": RPT_FIGURES_LONG,
    "rpt_proactive": RPT_PROACTIVE,
    "rpt_proactive_channels": RPT_PROACTIVE_CHANNELS,
    "rpt_requests": RPT_REQUESTS,
    "rpt_request_outcomes": RPT_REQUEST_OUTCOMES,
    "rpt_request_outcomes_compared": RPT_REQUEST_OUTCOMES_COMPARED,
    "rpt_responsibility_lists": RPT_RESPONSIBILITY_LISTS,
    "rpt_relief_recipients": RPT_RELIEF_RECIPIENTS,
    "rpt_relief_policies": RPT_RELIEF_POLICIES,
    "rpt_fiscal": RPT_FISCAL,
    "rpt_fees": RPT_FEES,
    "rpt_review_litigation": RPT_REVIEW_LITIGATION,
    "rpt_year_over_year": RPT_YEAR_OVER_YEAR,
    "rpt_rollup": RPT_ROLLUP,
}


def upgrade() -> None:
    # A body is looked up by name; the unique key (parent_agency_id, name) cannot serve that.
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index("ix_agencies_name", ["name"], unique=False)
    for sql in VIEWS.values():
        op.execute(sql)


def downgrade() -> None:
    for name in reversed(VIEWS):
        op.execute(f"DROP VIEW IF EXISTS {name}")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index("ix_agencies_name")
