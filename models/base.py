"""The declarative base: one MetaData whose naming convention names every constraint."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: How exactly a stored figure is known: "N余/N多" is a lower bound, "约N" an estimate.
VALUE_QUALIFIERS = ("exact", "lower_bound", "estimate")

#: A surrogate key: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer, "sqlite")

#: Enough digits for 万元 amounts of a national collection, four decimals for fees and percentages.
Amount = Numeric(18, 4)

#: Every timestamp is timezone-aware UTC.
Timestamp = DateTime(timezone=True)


class Base(DeclarativeBase):
    """Base of every table; constraints get names from `NAMING_CONVENTION`."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utc_now() -> datetime:
    """Timezone-aware now, the default of every timestamp column."""
    return datetime.now(UTC)


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A named CHECK that `column` takes one of `values`."""
    listed = ", ".join(f"'{v}'" for v in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


def fact_checks(*, signed_when: str | None = None) -> tuple[Any, ...]:
    """The CHECKs every fact table carries: a known qualifier, and no negative value.

    `signed_when` is an SQL condition under which a negative value is allowed (std2019's
    本年增/减 column is the one signed figure of all three regimes).
    """
    non_negative = "value >= 0" if signed_when is None else f"value >= 0 OR {signed_when}"
    return (
        one_of("value_qualifier", VALUE_QUALIFIERS, "qualifier"),
        CheckConstraint(non_negative, name="value_non_negative"),
    )


class FactMixin:
    """Columns every fact table shares: its report, its measure, how exact, and its source cell.

    A blank cell is unknown and stores no row; a stored row with value 0 is a reported zero.
    The file behind a fact is its report's `source_file_id`; the cell is stored here.
    """

    fact_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.report_id", ondelete="CASCADE"), nullable=False
    )
    measure_code: Mapped[str] = mapped_column(ForeignKey("measures.measure_code"), nullable=False)
    value_qualifier: Mapped[str] = mapped_column(String(16), nullable=False, default="exact")
    source_sheet: Mapped[str | None] = mapped_column(String(100))
    source_cell: Mapped[str] = mapped_column(String(32), nullable=False)
    source_text: Mapped[str | None] = mapped_column(String(200))


class CountFactMixin(FactMixin):
    """A fact whose value is a whole count of its measure's unit."""

    value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class AmountFactMixin(FactMixin):
    """A fact whose value may be a decimal (money, percentages) and so carries its own unit."""

    value: Mapped[Decimal] = mapped_column(Amount, nullable=False)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.unit_code"), nullable=False)
