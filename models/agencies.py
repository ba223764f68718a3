"""Reporting bodies and their yearly reports."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Id, Timestamp, one_of, utc_now


def name_key(name: str) -> str:
    """The form body names compare in: NFKC (full-width letters and digits as half-width), no
    whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _name_key_of_row(context: Any) -> str:
    """`name_key`'s default: the key of the row's name."""
    return name_key(context.get_current_parameters()["name"])


#: What a body row is: a body that reported (`active`), one only named so far as a parent or
#: in a registry (`provisional`), or one merged into another (`merged`, kept so that the merge
#: can be undone; its reports moved to `merged_into_agency_id`).
AGENCY_STATUSES = ("active", "provisional", "merged")

#: Where an alias came from: a report that used the name, a registry import, a command, or a
#: merge (the merged body's name).
ALIAS_SOURCES = ("report", "registry", "command", "merge")

#: What a registry change did (`AgencyChange.kind`).
AGENCY_CHANGE_KINDS = (
    "created",  # a body created by a load or an import
    "adopted",  # a parentless body given the parent a later file named
    "confirmed",  # a provisional body's own report arrived
    "renamed",
    "aliased",
    "unaliased",
    "merged",  # other_agency_id merged into agency_id
    "unmerged",
    "moved",  # re-parented by a command; old and new parent ids in old_value / new_value
    "move_seen",  # a file named another parent than the one on record; not applied
    "level_set",
    "code_set",  # a division code set by an import; old and new code in old_value / new_value
    "credit_code_set",  # a 统一社会信用代码 set by an import
)


class Agency(Base):
    """A reporting body: a government, one of its departments, a township or sub-district.

    Known by its 6-digit administrative-division code where it has one, else by its name
    (compared as `name_key`: NFKC, no spaces) or one of its aliases under its parent; names
    are unique among siblings (two counties may each have a 城关镇). A department may carry its
    18-character 统一社会信用代码.
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
        CheckConstraint("credit_code IS NULL OR length(credit_code) = 18", name="credit_code_18"),
        one_of("status", AGENCY_STATUSES, "status_known"),
        CheckConstraint(
            "(status = 'merged') = (merged_into_agency_id IS NOT NULL)", name="merged_has_target"
        ),
        Index("ix_agencies_name", "name"),  # bodies are looked up by name (reports, CLI)
        Index("ix_agencies_level_code", "level_code"),  # a roll-up starts from one level
        Index("ix_agencies_name_key", "name_key"),  # the loader finds bodies by key
        Index("uq_agencies_credit_code", "credit_code", unique=True),
    )

    agency_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    level_code: Mapped[str] = mapped_column(ForeignKey("agency_levels.level_code"), nullable=False)
    parent_agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.agency_id"), index=True
    )
    division_code: Mapped[str | None] = mapped_column(String(6), unique=True)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False, default=_name_key_of_row)
    status: Mapped[str] = mapped_column(String(12), nullable=False, server_default="active")
    credit_code: Mapped[str | None] = mapped_column(String(18))
    merged_into_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.agency_id"))
    created_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)


class AgencyAlias(Base):
    """Another name of a body (王义贞 for 王义贞镇; 陈店乡 before 撤乡设镇 made it 陈店镇), with
    the first and last report year it was used in, where known."""

    __tablename__ = "agency_aliases"
    __table_args__ = (
        UniqueConstraint("agency_id", "name_key"),
        one_of("source", ALIAS_SOURCES, "source_known"),
        CheckConstraint(
            "first_year IS NULL OR last_year IS NULL OR first_year <= last_year",
            name="years_ordered",
        ),
    )

    alias_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.agency_id"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    first_year: Mapped[int | None] = mapped_column(Integer)
    last_year: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)


class AgencyChange(Base):
    """One change to the body registry, by a load or a command: what, to which body, from
    what to what, by whom and when. `ogi agencies history` lists them; each command's change
    is undone by another command (rename back, `unalias`, `unmerge`, `move` back)."""

    __tablename__ = "agency_changes"
    __table_args__ = (one_of("kind", AGENCY_CHANGE_KINDS, "kind_known"),)

    change_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.agency_id"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    other_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.agency_id"))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("etl_runs.run_id"))
    changed_by: Mapped[str | None] = mapped_column(String(100))
    changed_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)


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
