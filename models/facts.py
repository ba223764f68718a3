"""Fact tables, one per subject at its natural grain.

Every row belongs to one report version, names its measure (see `measures`), and records the
sheet and cell it was read from. Totals are stored as the report stated them, never recomputed;
the `rpt_checks` view compares them with their parts.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import AmountFactMixin, Base, CountFactMixin, fact_checks


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
