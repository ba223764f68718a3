"""national view: every level's current figures summed by year, aggregated table by table

`rpt_national` sums the current figures of every body of one level of government (the
counties, say) by year, measure, dimensions and unit, with how many bodies reported each: the
nation's figures, read as `WHERE level_code = 'county'`. The same sums come from
`rpt_figures_long`, but that view joins every fact to its report, body, parents, measure and
source file before a filter on the level applies; at 10,000 bodies × 10 years that took 5 s on
PostgreSQL and 27 s on SQLite (issue #7). Here each fact table is summed in its own branch,
reaching its facts from the bodies of the level (ix_agencies_level_code) through their current
reports (uq_reports_current_agency_year) and each table's unique key, which leads with
report_id; measures and dimension labels are joined to the sums, not to the facts.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each fact table with the unit of its values and its dimensions, as in revision 0003:
# (table, unit, [(name, dimension table, its code column, the fact's column, label, sort)]).
# A unit read from the fact (`f.unit_code`) is summed apart; one read from the measure or the
# dimension depends on the key already. A township is named by its name, as in
# rpt_figures_long, so its branch groups by the name.
_Dim = tuple[str, str, str, str, str, str]
FACT_TABLES: list[tuple[str, str, list[_Dim]]] = [
    ("figures", "f.unit_code", []),
    (
        "proactive_publisher_counts",
        "m.unit_code",
        [
            (
                "publisher_group",
                "publisher_groups",
                "publisher_group_code",
                "publisher_group_code",
                "label_zh",
                "sort_order",
            )
        ],
    ),
    (
        "proactive_channel_figures",
        "f.unit_code",
        [("channel", "channels", "channel_code", "channel_code", "label_zh", "sort_order")],
    ),
    (
        "proactive_category_counts",
        "f.unit_code",
        [
            (
                "category",
                "disclosure_categories",
                "category_code",
                "category_code",
                "label_zh",
                "sort_order",
            )
        ],
    ),
    (
        "responsibility_list_items",
        "m.unit_code",
        [("township", "agencies", "name", "township_agency_id", "name", "name")],
    ),
    (
        "relief_recipient_counts",
        "d1.unit_code",
        [
            (
                "programme",
                "relief_programmes",
                "programme_code",
                "programme_code",
                "label_zh",
                "sort_order",
            )
        ],
    ),
    (
        "relief_policy_counts",
        "m.unit_code",
        [
            (
                "relief_category",
                "relief_categories",
                "relief_category_code",
                "relief_category_code",
                "label_zh",
                "sort_order",
            )
        ],
    ),
    (
        "request_counts",
        "m.unit_code",
        [
            (
                "request_row",
                "request_rows",
                "request_row_code",
                "request_row_code",
                "label_zh",
                "sort_order",
            ),
            (
                "applicant_type",
                "applicant_types",
                "applicant_type_code",
                "applicant_type_code",
                "label_zh",
                "sort_order",
            ),
        ],
    ),
    (
        "review_litigation_counts",
        "m.unit_code",
        [
            ("review_block", "review_blocks", "block_code", "block_code", "label_zh", "sort_order"),
            (
                "review_result",
                "review_results",
                "result_code",
                "result_code",
                "label_zh",
                "sort_order",
            ),
        ],
    ),
    (
        "proactive_table_figures",
        "f.unit_code",
        [
            (
                "table_row",
                "proactive_table_rows",
                "table_row_code",
                "table_row_code",
                "label_zh",
                "sort_order",
            ),
            (
                "table_column",
                "proactive_table_columns",
                "table_column_code",
                "table_column_code",
                "label_zh",
                "sort_order",
            ),
        ],
    ),
]


def _by_name(dim: _Dim) -> bool:
    """Whether the dimension's code is not the fact's own column (a township's name)."""
    return dim[2] != dim[3]


def _dim_columns(dims: list[_Dim]) -> str:
    """dim1_* and dim2_* columns, typed as in rpt_figures_long (PostgreSQL unions)."""
    parts = []
    for i in (0, 1):
        n = i + 1
        if i < len(dims):
            name, _table, code, _key, label, sort = dims[i]
            if _by_name(dims[i]):  # named by its code: no label, no order of its own
                code_column = label_column = f"g.dim{n}_code"
                sort_column = "CAST(NULL AS INTEGER)"
            else:
                code_column, label_column = f"d{n}.{code}", f"d{n}.{label}"
                sort_column = f"d{n}.{sort}"
            parts.append(
                f"CAST('{name}' AS VARCHAR(32)) AS dim{n}_name, CAST({code_column} AS"
                f" VARCHAR(200)) AS dim{n}_code, CAST({label_column} AS VARCHAR(200)) AS"
                f" dim{n}_label, {sort_column} AS dim{n}_sort_order"
            )
        else:
            parts.append(
                f"CAST(NULL AS VARCHAR(32)) AS dim{n}_name, CAST(NULL AS VARCHAR(200))"
                f" AS dim{n}_code, CAST(NULL AS VARCHAR(200)) AS dim{n}_label,"
                f" CAST(NULL AS INTEGER) AS dim{n}_sort_order"
            )
    return ",\n       ".join(parts)


def _national_branch(table: str, unit: str, dims: list[_Dim]) -> str:
    # The sums first, over the facts of the level's current reports, by the fact's own key;
    # then the measure and the dimensions, once per sum. COUNT(*) counts bodies: a body has
    # one current report a year, and a report one figure per key.
    keys = ["a.level_code", "r.year", "f.measure_code"]
    inner = [
        "FROM agencies a",
        "JOIN reports r ON r.agency_id = a.agency_id AND r.is_current",
        f"JOIN {table} f ON f.report_id = r.report_id",
    ]
    outer = ["JOIN measures m ON m.measure_code = g.measure_code"]
    for n, dim in enumerate(dims, start=1):
        _name, dim_table, code, key, _label, _sort = dim
        if _by_name(dim):
            inner.append(f"JOIN {dim_table} k{n} ON k{n}.agency_id = f.{key}")
            keys.append(f"k{n}.{code}")
        else:
            keys.append(f"f.{key}")
            outer.append(f"JOIN {dim_table} d{n} ON d{n}.{code} = g.dim{n}_code")
    named = [f"{k} AS dim{n}_code" for n, k in enumerate(keys[3:], start=1)]
    if unit == "f.unit_code":
        keys.append(unit)
        named.append(unit)
        unit = "g.unit_code"
    joins = "\n  ".join(inner)
    return f"""SELECT g.level_code, g.year, g.measure_code, m.label_zh, m.section,
       {_dim_columns(dims)},
       {unit} AS unit_code, g.bodies_reporting, g.national_value
FROM (
  SELECT {", ".join(keys[:3] + named)},
         COUNT(*) AS bodies_reporting, SUM(f.value) AS national_value
  {joins}
  GROUP BY {", ".join(keys)}
) g
{chr(10).join(outer)}
WHERE m.value_kind <> 'percent'"""


RPT_NATIONAL = "\nCREATE VIEW rpt_national AS\n" + "\nUNION ALL\n".join(
    _national_branch(*spec) for spec in FACT_TABLES
)


def upgrade() -> None:
    # A level's bodies are found by their level (a roll-up starts from them).
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index("ix_agencies_level_code", ["level_code"], unique=False)
    op.execute(RPT_NATIONAL)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS rpt_national")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index("ix_agencies_level_code")
