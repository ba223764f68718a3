"""Reference data: the code lists every fact points at. Seeded by migrations, never by loads."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, one_of

VALUE_KINDS = ("count", "signed", "amount", "percent")
UNIT_KINDS = ("count", "money", "ratio")


class Regime(Base):
    """A report regime: pre2019 free form, the 2019 or the 2021 standard tables."""

    __tablename__ = "regimes"

    regime_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    first_year: Mapped[int] = mapped_column(Integer, nullable=False)
    last_year: Mapped[int | None] = mapped_column(Integer)


class AgencyLevel(Base):
    """Administrative level of a reporting body."""

    __tablename__ = "agency_levels"

    level_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(50), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class Unit(Base):
    """A unit a figure is counted or priced in; the code is the Chinese unit itself (条, 万元)."""

    __tablename__ = "units"
    __table_args__ = (one_of("unit_kind", UNIT_KINDS, "unit_kind"),)

    unit_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    unit_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    label_en: Mapped[str] = mapped_column(String(50), nullable=False)


class Measure(Base):
    """Catalogue of every measure: what a figure is, its unit, and the fact table that holds it."""

    __tablename__ = "measures"
    __table_args__ = (
        one_of("value_kind", VALUE_KINDS, "value_kind"),
        one_of("period", ("annual", "cumulative"), "period_known"),
        one_of("scope", ("disclosure", "body_wide"), "scope_known"),
    )

    measure_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(200), nullable=False)
    section: Mapped[str] = mapped_column(String(32), nullable=False)
    fact_table: Mapped[str] = mapped_column(String(64), nullable=False)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.unit_code"))
    value_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    regime_code: Mapped[str | None] = mapped_column(ForeignKey("regimes.regime_code"))
    parent_measure_code: Mapped[str | None] = mapped_column(ForeignKey("measures.measure_code"))
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    #: `annual`, the year's figure, or `cumulative`, a count since some start (累计).
    period: Mapped[str] = mapped_column(String(12), nullable=False, server_default="annual")
    #: `disclosure`, about information disclosure, or `body_wide`, about all of the body's work
    #: (all its 行政复议 cases). Measures other than annual disclosure ones are held in
    #: `scoped_figures`, which no view of the year's disclosure figures reads.
    scope: Mapped[str] = mapped_column(String(12), nullable=False, server_default="disclosure")


class Channel(Base):
    """A channel of proactive disclosure (政府网站, 政务微博, ...); 两微一端 is a parent group."""

    __tablename__ = "channels"

    channel_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(50), nullable=False)
    parent_channel_code: Mapped[str | None] = mapped_column(ForeignKey("channels.channel_code"))
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class PublisherGroup(Base):
    """Who within a region published (乡镇、办事处 against 市政府有关部门)."""

    __tablename__ = "publisher_groups"

    publisher_group_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class DisclosureCategory(Base):
    """A category of proactively disclosed information (共性工作信息, 审计公告, ...)."""

    __tablename__ = "disclosure_categories"

    category_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.unit_code"), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ApplicantType(Base):
    """A column of table 三: 自然人, the 法人或其他组织 kinds, 总计 (and the group heading)."""

    __tablename__ = "applicant_types"

    applicant_type_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(50), nullable=False)
    parent_applicant_type_code: Mapped[str | None] = mapped_column(
        ForeignKey("applicant_types.applicant_type_code")
    )
    is_data_column: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_total: Mapped[bool] = mapped_column(Boolean, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class RequestComparable(Base):
    """A crosswalk group: request rows of different regimes that count the same thing."""

    __tablename__ = "request_comparables"

    comparable_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)


class RequestRow(Base):
    """A row of a request table (legacy national table, std2019 or std2021 table 三), verbatim.

    Group headings (三、本年度办理结果, （三）不予公开 ...) are rows with `is_data_row` false:
    the official layout prints no numbers on them, though publishers sometimes add subtotals.
    """

    __tablename__ = "request_rows"

    request_row_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    regime_code: Mapped[str] = mapped_column(ForeignKey("regimes.regime_code"), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(200), nullable=False)
    parent_row_code: Mapped[str | None] = mapped_column(ForeignKey("request_rows.request_row_code"))
    is_data_row: Mapped[bool] = mapped_column(Boolean, nullable=False)
    comparable_code: Mapped[str | None] = mapped_column(
        ForeignKey("request_comparables.comparable_code")
    )
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ReviewBlock(Base):
    """A block of table 四 (行政复议, the two kinds of 行政诉讼) or a legacy counterpart."""

    __tablename__ = "review_blocks"

    block_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ReviewResult(Base):
    """A result column of table 四 (结果维持, 结果纠正, 其他结果, 尚未审结, 总计)."""

    __tablename__ = "review_results"

    result_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(50), nullable=False)
    is_total: Mapped[bool] = mapped_column(Boolean, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ReliefCategory(Base):
    """A category of social-relief disclosure (社会救助类, 困难群众生活保障类, ...)."""

    __tablename__ = "relief_categories"

    relief_category_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ReliefProgramme(Base):
    """A relief programme whose recipients are disclosed, with the unit they are counted in."""

    __tablename__ = "relief_programmes"

    programme_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    relief_category_code: Mapped[str] = mapped_column(
        ForeignKey("relief_categories.relief_category_code"), nullable=False
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.unit_code"), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ProactiveTableRow(Base):
    """A row of standard table 二 (主动公开), by regime; provincial extra rows are flagged."""

    __tablename__ = "proactive_table_rows"

    table_row_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    regime_code: Mapped[str] = mapped_column(ForeignKey("regimes.regime_code"), nullable=False)
    article_item: Mapped[str] = mapped_column(String(32), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    is_provincial_extension: Mapped[bool] = mapped_column(Boolean, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)


class ProactiveTableColumn(Base):
    """A column of standard table 二, by regime, with its unit and whether it may be negative."""

    __tablename__ = "proactive_table_columns"
    __table_args__ = (one_of("value_kind", VALUE_KINDS, "value_kind"),)

    table_column_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    regime_code: Mapped[str] = mapped_column(ForeignKey("regimes.regime_code"), nullable=False)
    label_zh: Mapped[str] = mapped_column(String(100), nullable=False)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.unit_code"))
    value_kind: Mapped[str] = mapped_column(String(8), nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False)
