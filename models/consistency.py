"""The consistency rules as data: what `etl.checks` applies, readable by SQL views too.

A rule compares sums of figures: a `sum` rule says its `left` terms add up to its `right` terms;
a `share` rule says a reported percentage (`share`) is `numerator` / `denominator` within the
rounding of its reported decimals. A term selects figures by measure and dimensions (a NULL
dimension matches any value); with `group_by_dim` the rule is checked once per value of that
dimension. A term with `year_offset` -1 reads the body's report of the previous year.
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

RULE_KINDS = ("sum", "share")
TERM_ROLES = ("left", "right", "share", "numerator", "denominator")
RULE_SEVERITIES = ("error", "warning")

#: Dimension columns of the fact tables a term can select on (townships are not selectable).
DIM_COLUMNS = (
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


class ConsistencyRule(Base):
    """A consistency rule over the figures of a report (and of its previous year)."""

    __tablename__ = "consistency_rules"
    __table_args__ = (
        one_of("rule_kind", RULE_KINDS, "rule_kind"),
        one_of("severity", RULE_SEVERITIES, "severity"),
        CheckConstraint(
            "group_by_dim IS NULL OR group_by_dim IN ("
            + ", ".join(f"'{c}'" for c in DIM_COLUMNS)
            + ")",
            name="group_by_dim",
        ),
    )

    rule_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    severity: Mapped[str] = mapped_column(String(8), nullable=False)
    regime_code: Mapped[str | None] = mapped_column(ForeignKey("regimes.regime_code"))
    group_by_dim: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ConsistencyRuleTerm(Base):
    """One term of a rule: a role, a measure, and the dimension values it selects."""

    __tablename__ = "consistency_rule_terms"
    __table_args__ = (
        one_of("role", TERM_ROLES, "role"),
        CheckConstraint("year_offset IN (0, -1)", name="year_offset"),
    )

    rule_code: Mapped[str] = mapped_column(
        ForeignKey("consistency_rules.rule_code", ondelete="CASCADE"), primary_key=True
    )
    term_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(16), nullable=False)
    year_offset: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    measure_code: Mapped[str] = mapped_column(ForeignKey("measures.measure_code"), nullable=False)
    publisher_group_code: Mapped[str | None] = mapped_column(
        ForeignKey("publisher_groups.publisher_group_code")
    )
    channel_code: Mapped[str | None] = mapped_column(ForeignKey("channels.channel_code"))
    category_code: Mapped[str | None] = mapped_column(
        ForeignKey("disclosure_categories.category_code")
    )
    programme_code: Mapped[str | None] = mapped_column(
        ForeignKey("relief_programmes.programme_code")
    )
    relief_category_code: Mapped[str | None] = mapped_column(
        ForeignKey("relief_categories.relief_category_code")
    )
    request_row_code: Mapped[str | None] = mapped_column(
        ForeignKey("request_rows.request_row_code")
    )
    applicant_type_code: Mapped[str | None] = mapped_column(
        ForeignKey("applicant_types.applicant_type_code")
    )
    block_code: Mapped[str | None] = mapped_column(ForeignKey("review_blocks.block_code"))
    result_code: Mapped[str | None] = mapped_column(ForeignKey("review_results.result_code"))
    table_row_code: Mapped[str | None] = mapped_column(
        ForeignKey("proactive_table_rows.table_row_code")
    )
    table_column_code: Mapped[str | None] = mapped_column(
        ForeignKey("proactive_table_columns.table_column_code")
    )
