"""Fact tables, one per subject at its natural grain.

Every row belongs to one report version, names its measure (see `measures`), and records the
sheet and cell it was read from. Totals are stored as the report stated them, never recomputed;
the `rpt_checks` view compares them with their parts.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AmountFactMixin, Base, CountFactMixin, Id, fact_checks


class Figure(AmountFactMixin, Base):
    """A scalar figure of a report: totals, narrative figures, fiscal disclosure, fees, rates."""

    __tablename__ = "figures"
    __table_args__ = (UniqueConstraint("report_id", "measure_code"), *fact_checks())


class ProactivePublisherCount(CountFactMixin, Base):
    """Items disclosed proactively, by publisher group (乡镇、办事处 / 市政府有关部门)."""

    __tablename__ = "proactive_publisher_counts"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "publisher_group_code"),
        *fact_checks(),
    )

    publisher_group_code: Mapped[str] = mapped_column(
        ForeignKey("publisher_groups.publisher_group_code"), nullable=False
    )


class ProactiveChannelFigure(AmountFactMixin, Base):
    """Items disclosed per channel, and the share of the total the report gave for it."""

    __tablename__ = "proactive_channel_figures"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "channel_code"),
        *fact_checks(),
    )

    channel_code: Mapped[str] = mapped_column(ForeignKey("channels.channel_code"), nullable=False)


class ProactiveCategoryCount(AmountFactMixin, Base):
    """Items disclosed per category of information (共性工作信息 条, 审计公告 期, ...)."""

    __tablename__ = "proactive_category_counts"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "category_code"),
        *fact_checks(),
    )

    category_code: Mapped[str] = mapped_column(
        ForeignKey("disclosure_categories.category_code"), nullable=False
    )


class ResponsibilityListItem(CountFactMixin, Base):
    """Items on a township's responsibility list (权责清单), as its county reported them."""

    __tablename__ = "responsibility_list_items"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "township_agency_id"),
        *fact_checks(),
    )

    township_agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.agency_id"), nullable=False, index=True
    )


class ReliefRecipientCount(CountFactMixin, Base):
    """Recipients of a relief programme whose names were disclosed, in its unit (人次 / 户次)."""

    __tablename__ = "relief_recipient_counts"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "programme_code"),
        *fact_checks(),
    )

    programme_code: Mapped[str] = mapped_column(
        ForeignKey("relief_programmes.programme_code"), nullable=False
    )


class ReliefPolicyCount(CountFactMixin, Base):
    """Policy documents (政策法规) disclosed per relief category."""

    __tablename__ = "relief_policy_counts"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "relief_category_code"),
        *fact_checks(),
    )

    relief_category_code: Mapped[str] = mapped_column(
        ForeignKey("relief_categories.relief_category_code"), nullable=False
    )


class RequestCount(CountFactMixin, Base):
    """Requests for disclosure by table row (received, outcome, carried over) and applicant."""

    __tablename__ = "request_counts"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "request_row_code", "applicant_type_code"),
        *fact_checks(),
    )

    request_row_code: Mapped[str] = mapped_column(
        ForeignKey("request_rows.request_row_code"), nullable=False
    )
    applicant_type_code: Mapped[str] = mapped_column(
        ForeignKey("applicant_types.applicant_type_code"), nullable=False
    )


class ReviewLitigationCount(CountFactMixin, Base):
    """Administrative reviews, lawsuits and complaints by block and result (table 四)."""

    __tablename__ = "review_litigation_counts"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "block_code", "result_code"),
        *fact_checks(),
    )

    block_code: Mapped[str] = mapped_column(ForeignKey("review_blocks.block_code"), nullable=False)
    result_code: Mapped[str] = mapped_column(
        ForeignKey("review_results.result_code"), nullable=False
    )


class ProactiveTableFigure(AmountFactMixin, Base):
    """A cell of standard table 二: regulatory documents, decisions, fees, procurement.

    std2019's 本年增/减 is the one column that may be negative.
    """

    __tablename__ = "proactive_table_figures"
    __table_args__ = (
        UniqueConstraint("report_id", "measure_code", "table_row_code", "table_column_code"),
        *fact_checks(signed_when="table_column_code = 'std2019.change'"),
    )

    table_row_code: Mapped[str] = mapped_column(
        ForeignKey("proactive_table_rows.table_row_code"), nullable=False
    )
    table_column_code: Mapped[str] = mapped_column(
        ForeignKey("proactive_table_columns.table_column_code"), nullable=False
    )


FACT_TABLES: tuple[type[Base], ...] = (
    Figure,
    ProactivePublisherCount,
    ProactiveChannelFigure,
    ProactiveCategoryCount,
    ResponsibilityListItem,
    ReliefRecipientCount,
    ReliefPolicyCount,
    RequestCount,
    ReviewLitigationCount,
    ProactiveTableFigure,
)


class UnreportedFigure(Base):
    """A figure the report marks as not reported (未报告 / 未公开): distinct from a blank cell
    (unknown) and from 0 (a reported zero). It holds no value, so no sum, roll-up or check ever
    meets it; the annual report prints 未报告 in its place. Dimensions are named as
    `rpt_figures_long` names them (`dim1_*`, `dim2_*`)."""

    __tablename__ = "unreported_figures"
    __table_args__ = (UniqueConstraint("report_id", "measure_code", "dim1_code", "dim2_code"),)

    fact_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.report_id", ondelete="CASCADE"), nullable=False, index=True
    )
    measure_code: Mapped[str] = mapped_column(ForeignKey("measures.measure_code"), nullable=False)
    dim1_name: Mapped[str | None] = mapped_column(String(32))
    dim1_code: Mapped[str | None] = mapped_column(String(200))
    dim2_name: Mapped[str | None] = mapped_column(String(32))
    dim2_code: Mapped[str | None] = mapped_column(String(200))
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_cell: Mapped[str] = mapped_column(String(32), nullable=False)
    source_text: Mapped[str | None] = mapped_column(String(200))


class ScopedFigure(AmountFactMixin, Base):
    """A figure of another period or scope than the year's disclosure work: a cumulative count
    (累计公开信息N条, from `period_start` when the report says) or one about all of the body's
    work (all of a county's 行政复议 cases). Its measure says which (`measures.period`,
    `measures.scope`); no view of annual disclosure figures reads this table, so such a figure
    is never added to them."""

    __tablename__ = "scoped_figures"
    __table_args__ = (UniqueConstraint("report_id", "measure_code"), *fact_checks())

    period_start: Mapped[date | None] = mapped_column(Date)
