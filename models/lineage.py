"""Lineage: ETL runs, the files they saw, what became of each, and the validation findings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, Id, Timestamp, one_of, utc_now

RUN_STATUSES = ("running", "succeeded", "partial", "failed", "abandoned")
RUN_TRIGGERS = ("load", "run", "reprocess")
FILE_STATUSES = ("loaded", "rejected", "superseded")
FILE_OUTCOMES = ("loaded", "unchanged", "rejected", "failed")
FILE_FORMATS = ("xlsx", "xls", "csv")
SEVERITIES = ("error", "warning")


class EtlRun(Base):
    """One ETL run: `ogi load` or a scheduled `ogi run`, with its counts and outcome."""

    __tablename__ = "etl_runs"
    __table_args__ = (
        one_of("status", RUN_STATUSES, "status"),
        one_of("run_trigger", RUN_TRIGGERS, "run_trigger"),
        CheckConstraint(
            "files_seen >= 0 AND files_loaded >= 0 AND files_unchanged >= 0"
            " AND files_rejected >= 0 AND figures_written >= 0",
            name="counts_non_negative",
        ),
        Index("ix_etl_runs_status", "status"),
    )

    run_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_trigger: Mapped[str] = mapped_column(String(16), nullable=False)
    command: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="running")
    started_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)
    hostname: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    files_seen: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_loaded: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_unchanged: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    files_rejected: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    figures_written: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class SourceFile(Base):
    """A spreadsheet as received, identified by the SHA-256 of its content.

    The bytes are kept so that a backfill can reload a file after a rule changed, even when the
    inbox has long been archived.
    """

    __tablename__ = "source_files"
    __table_args__ = (
        one_of("status", FILE_STATUSES, "status"),
        one_of("file_format", FILE_FORMATS, "file_format"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
        CheckConstraint("size_bytes >= 0", name="size_non_negative"),
    )

    source_file_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    file_name: Mapped[str] = mapped_column(String(500), nullable=False)
    original_path: Mapped[str] = mapped_column(Text, nullable=False)
    file_format: Mapped[str] = mapped_column(String(8), nullable=False)
    size_bytes: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    report_year: Mapped[int | None] = mapped_column(Integer, index=True)
    agency_name: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)


class RunFile(Base):
    """What one run did with one file: loaded, unchanged, rejected, or failed."""

    __tablename__ = "run_files"
    __table_args__ = (
        one_of("outcome", FILE_OUTCOMES, "outcome"),
        CheckConstraint(
            "figures_written >= 0 AND error_count >= 0 AND warning_count >= 0",
            name="counts_non_negative",
        ),
    )

    run_file_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("etl_runs.run_id", ondelete="CASCADE"), nullable=False, index=True
    )
    source_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_files.source_file_id"), index=True
    )
    path: Mapped[str] = mapped_column(Text, nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.report_id"))
    figures_written: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    error_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    warning_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(Timestamp, nullable=False, default=utc_now)
    finished_at: Mapped[datetime | None] = mapped_column(Timestamp)


class ValidationFinding(Base):
    """A problem found in a file: rule, severity, file location, what was found and expected."""

    __tablename__ = "validation_findings"
    __table_args__ = (one_of("severity", SEVERITIES, "severity"),)

    finding_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    run_file_id: Mapped[int] = mapped_column(
        ForeignKey("run_files.run_file_id", ondelete="CASCADE"), nullable=False, index=True
    )
    source_file_id: Mapped[int | None] = mapped_column(
        ForeignKey("source_files.source_file_id"), index=True
    )
    severity: Mapped[str] = mapped_column(String(8), nullable=False)
    rule_code: Mapped[str] = mapped_column(String(64), nullable=False)
    sheet: Mapped[str | None] = mapped_column(String(100))
    cell: Mapped[str | None] = mapped_column(String(200))
    found: Mapped[str | None] = mapped_column(Text)
    expected: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text, nullable=False)
