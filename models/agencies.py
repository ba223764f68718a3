"""Reporting bodies and their yearly reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Id, Timestamp, utc_now


class Agency(Base):
    """A reporting body: a government, one of its departments, a township or sub-district.

    Names are unique among siblings (two counties may each have a 城关镇); the optional
    6-digit administrative-division code is unique where given.
    """

    __tablename__ = "agencies"
    __table_args__ = (
        UniqueConstraint("parent_agency_id", "name"),
        Index(
            "uq_agencies_name_top_level",
            "name",
            unique=True,
            sqlite_where=text("parent_agency_id IS NULL"),
            postgresql_where=text("parent_agency_id IS NULL"),
        ),
        CheckConstraint(
            "division_code IS NULL OR (length(division_code) = 6 AND "
            + " AND ".join(
                f"substr(division_code, {i}, 1) BETWEEN '0' AND '9'" for i in range(1, 7)
            )
            + ")",
            name="division_code_six_digits",
        ),
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        Index("ix_agencies_name", "name"),  # bodies are looked up by name (reports, CLI)
        Index("ix_agencies_level_code", "level_code"),  # a roll-up starts from one level
    )

    agency_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    level_code: Mapped[str] = mapped_column(ForeignKey("agency_levels.level_code"), nullable=False)
    parent_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.agency_id"), index=True
    )
    division_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    created_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)


class Report(Base):
    """One version of one body's report for one year.

    Loading a changed file for a body and year adds a new version and marks the previous one
    not current: history stays queryable, and the database allows one current version only.
    """

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "version"),
        Index(
            "uq_reports_current_agency_year",
            "agency_id",
            "year",
            unique=True,
            sqlite_where=text("is_current = 1"),
            postgresql_where=text("is_current"),
        ),
        Index("ix_reports_year_current", "year", "is_current"),
        CheckConstraint("year BETWEEN 2008 AND 2100", name="year_in_range"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    report_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.agency_id"), nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    regime_code: Mapped[str] = mapped_column(ForeignKey("regimes.regime_code"), nullable=False)
    published_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    source_file_id: Mapped[int] = mapped_column(
        ForeignKey("source_files.source_file_id"), nullable=False, index=True
    )
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.run_id"))
    loaded_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)
    superseded_at: Mapped[datetime | None] = mapped_column(Timestamp)
