"""every figure: unreported figures, period and scope, and measures for every regime (#18)

- `unreported_figures`: a cell a report marks 未报告 / 未公开, neither blank (unknown) nor 0 (a
  reported zero). It holds no value, so no view that sums, rolls up or checks figures meets it;
  the annual report prints 未报告 in its place.
- `measures.period` (`annual`, `cumulative`) and `measures.scope` (`disclosure`, `body_wide`):
  a cumulative count (累计公开信息N条) or a count for the whole body (all of a county's 行政复议
  cases, not only those about disclosure) is a measure of its own, held in `scoped_figures`,
  which no view of annual disclosure figures reads (with its start date when the report gives
  one).
- Responses and interpretation, other services and the narrative totals of std reports as
  measures of every regime.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: (code, label, section, fact_table, unit, value_kind, period, scope), appended to the catalogue.
NEW_MEASURES = [
    (
        "proactive.total_cumulative",
        "累计主动公开政府信息数",
        "proactive",
        "scoped_figures",
        "条",
        "count",
        "cumulative",
        "disclosure",
    ),
    (
        "review.body_wide_reviews",
        "行政复议案件数（本机关全部，不限于政府信息公开）",
        "review",
        "scoped_figures",
        "件",
        "count",
        "annual",
        "body_wide",
    ),
    (
        "review.body_wide_litigation",
        "行政诉讼案件数（本机关全部，不限于政府信息公开）",
        "review",
        "scoped_figures",
        "件",
        "count",
        "annual",
        "body_wide",
    ),
    (
        "response.concerns_website",
        "通过政府网站回应社会关切数",
        "response",
        "figures",
        "次",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "response.concerns_media",
        "通过新闻媒体回应社会关切数",
        "response",
        "figures",
        "次",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "response.concerns_other",
        "通过其他方式回应社会关切数",
        "response",
        "figures",
        "次",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "response.gazette_issues",
        "发布政府公报期数",
        "response",
        "figures",
        "期",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "services.consultations",
        "受理政务咨询数",
        "services",
        "figures",
        "次",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "services.messages",
        "办理网站留言数",
        "services",
        "figures",
        "条",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "services.reposts",
        "转载发布信息数",
        "services",
        "figures",
        "条",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "narrative.requests_handled",
        "办理政府信息公开申请数（报告正文）",
        "requests",
        "figures",
        "件",
        "count",
        "annual",
        "disclosure",
    ),
    (
        "narrative.litigation_total",
        "行政诉讼案件数（报告正文，未分是否经复议）",
        "review",
        "figures",
        "件",
        "count",
        "annual",
        "disclosure",
    ),
]

#: Measures once of pre2019 only that every regime's reports state (std reports in their prose).
EVERY_REGIME = (
    "response.hot_topics",
    "response.press_conferences",
    "response.online_interviews",
    "response.policy_interpretations",
    "response.social_media_responses",
)


def upgrade() -> None:
    _measures_with_period_and_scope()
    _scoped_figures()
    op.create_table(
        "unreported_figures",
        sa.Column("fact_id", _ID, autoincrement=True, nullable=False),
        sa.Column("report_id", _ID, nullable=False),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("dim1_name", sa.String(length=32), nullable=True),
        sa.Column("dim1_code", sa.String(length=200), nullable=True),
        sa.Column("dim2_name", sa.String(length=32), nullable=True),
        sa.Column("dim2_code", sa.String(length=200), nullable=True),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_unreported_figures_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_unreported_figures_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_unreported_figures")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "dim1_code",
            "dim2_code",
            name=op.f("uq_unreported_figures_report_id_measure_code_dim1_code_dim2_code"),
        ),
    )
    op.create_index(op.f("ix_unreported_figures_report_id"), "unreported_figures", ["report_id"])


def _measures_with_period_and_scope() -> None:
    bind = op.get_bind()
    periods = "period IN ('annual', 'cumulative')"
    scopes = "scope IN ('disclosure', 'body_wide')"
    if bind.dialect.name == "sqlite":  # ADD COLUMN: views and facts refer to the table
        present = {row[1] for row in bind.execute(sa.text("PRAGMA table_info(measures)"))}
        if "period" not in present:  # (a downgrade leaves them: see there)
            op.execute(
                "ALTER TABLE measures ADD COLUMN period VARCHAR(12) NOT NULL DEFAULT 'annual' "
                f"CONSTRAINT ck_measures_period_known CHECK ({periods})"
            )
        if "scope" not in present:
            op.execute(
                "ALTER TABLE measures ADD COLUMN scope VARCHAR(12) NOT NULL DEFAULT 'disclosure' "
                f"CONSTRAINT ck_measures_scope_known CHECK ({scopes})"
            )
    else:
        op.add_column(
            "measures", sa.Column("period", sa.String(12), nullable=False, server_default="annual")
        )
        op.add_column(
            "measures",
            sa.Column("scope", sa.String(12), nullable=False, server_default="disclosure"),
        )
        op.create_check_constraint(op.f("ck_measures_period_known"), "measures", periods)
        op.create_check_constraint(op.f("ck_measures_scope_known"), "measures", scopes)
    last = bind.execute(sa.text("SELECT max(sort_order) FROM measures")).scalar_one()
    measures = sa.table(
        "measures",
        *(sa.column(c) for c in ("measure_code", "label_zh", "section", "fact_table", "unit_code",
                                 "value_kind", "period", "scope", "sort_order")),
    )  # fmt: skip
    op.bulk_insert(
        measures,
        [
            dict(zip(measures.c.keys(), (*row, last + n), strict=True))
            for n, row in enumerate(NEW_MEASURES, start=1)
        ],
    )
    op.execute(
        "UPDATE measures SET regime_code = NULL WHERE measure_code IN ("
        + ", ".join(f"'{code}'" for code in EVERY_REGIME)
        + ")"
    )


def _scoped_figures() -> None:
    op.create_table(
        "scoped_figures",
        sa.Column("fact_id", _ID, autoincrement=True, nullable=False),
        sa.Column("report_id", _ID, nullable=False),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_scoped_figures_qualifier"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_scoped_figures_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["measure_code"], ["measures.measure_code"],
            name=op.f("fk_scoped_figures_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.report_id"],
            name=op.f("fk_scoped_figures_report_id_reports"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.unit_code"], name=op.f("fk_scoped_figures_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_scoped_figures")),
        sa.UniqueConstraint(
            "report_id", "measure_code", name=op.f("uq_scoped_figures_report_id_measure_code")
        ),
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f("ix_unreported_figures_report_id"), table_name="unreported_figures")
    op.drop_table("unreported_figures")
    op.drop_table("scoped_figures")
    op.execute(
        "UPDATE measures SET regime_code = 'pre2019' WHERE measure_code IN ("
        + ", ".join(f"'{code}'" for code in EVERY_REGIME)
        + ")"
    )
    op.execute(
        "DELETE FROM measures WHERE measure_code IN ("
        + ", ".join(f"'{row[0]}'" for row in NEW_MEASURES)
        + ")"
    )
    if op.get_bind().dialect.name == "sqlite":
        # SQLite cannot drop a column a CHECK names: `period` and `scope` stay, with their
        # defaults, which is what every measure before this revision had.
        return
    op.drop_constraint(op.f("ck_measures_scope_known"), "measures", type_="check")
    op.drop_constraint(op.f("ck_measures_period_known"), "measures", type_="check")
    op.drop_column("measures", "scope")
    op.drop_column("measures", "period")
