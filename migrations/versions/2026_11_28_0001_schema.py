"""schema: dimensions, facts and lineage

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "agency_levels",
        sa.Column("level_code", sa.String(length=16), nullable=False),
        sa.Column("label_zh", sa.String(length=50), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("level_code", name=op.f("pk_agency_levels")),
    )
    op.create_table(
        "applicant_types",
        sa.Column("applicant_type_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=50), nullable=False),
        sa.Column("parent_applicant_type_code", sa.String(length=32), nullable=True),
        sa.Column("is_data_column", sa.Boolean(), nullable=False),
        sa.Column("is_total", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_applicant_type_code"],
            ["applicant_types.applicant_type_code"],
            name=op.f("fk_applicant_types_parent_applicant_type_code_applicant_types"),
        ),
        sa.PrimaryKeyConstraint("applicant_type_code", name=op.f("pk_applicant_types")),
    )
    op.create_table(
        "channels",
        sa.Column("channel_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=50), nullable=False),
        sa.Column("parent_channel_code", sa.String(length=32), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_channel_code"],
            ["channels.channel_code"],
            name=op.f("fk_channels_parent_channel_code_channels"),
        ),
        sa.PrimaryKeyConstraint("channel_code", name=op.f("pk_channels")),
    )
    op.create_table(
        "etl_runs",
        sa.Column(
            "run_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_trigger", sa.String(length=16), nullable=False),
        sa.Column("command", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hostname", sa.String(length=255), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("files_seen", sa.Integer(), nullable=False),
        sa.Column("files_loaded", sa.Integer(), nullable=False),
        sa.Column("files_unchanged", sa.Integer(), nullable=False),
        sa.Column("files_rejected", sa.Integer(), nullable=False),
        sa.Column("figures_written", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "run_trigger IN ('load', 'run', 'reprocess')", name=op.f("ck_etl_runs_run_trigger")
        ),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'partial', 'failed', 'abandoned')",
            name=op.f("ck_etl_runs_status"),
        ),
        sa.CheckConstraint(
            "files_seen >= 0 AND files_loaded >= 0 AND files_unchanged >= 0 AND files_rejected >= 0 AND figures_written >= 0",
            name=op.f("ck_etl_runs_counts_non_negative"),
        ),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_etl_runs")),
    )
    with op.batch_alter_table("etl_runs", schema=None) as batch_op:
        batch_op.create_index("ix_etl_runs_status", ["status"], unique=False)

    op.create_table(
        "publisher_groups",
        sa.Column("publisher_group_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("publisher_group_code", name=op.f("pk_publisher_groups")),
    )
    op.create_table(
        "regimes",
        sa.Column("regime_code", sa.String(length=16), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("regime_code", name=op.f("pk_regimes")),
    )
    op.create_table(
        "relief_categories",
        sa.Column("relief_category_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("relief_category_code", name=op.f("pk_relief_categories")),
    )
    op.create_table(
        "request_comparables",
        sa.Column("comparable_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("comparable_code", name=op.f("pk_request_comparables")),
    )
    op.create_table(
        "review_blocks",
        sa.Column("block_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("block_code", name=op.f("pk_review_blocks")),
    )
    op.create_table(
        "review_results",
        sa.Column("result_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=50), nullable=False),
        sa.Column("is_total", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("result_code", name=op.f("pk_review_results")),
    )
    op.create_table(
        "source_files",
        sa.Column(
            "source_file_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("original_path", sa.Text(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("report_year", sa.Integer(), nullable=True),
        sa.Column("agency_name", sa.String(length=200), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "file_format IN ('xlsx', 'xls', 'csv')", name=op.f("ck_source_files_file_format")
        ),
        sa.CheckConstraint(
            "status IN ('loaded', 'rejected', 'superseded')", name=op.f("ck_source_files_status")
        ),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_source_files_sha256_length")),
        sa.CheckConstraint("size_bytes >= 0", name=op.f("ck_source_files_size_non_negative")),
        sa.PrimaryKeyConstraint("source_file_id", name=op.f("pk_source_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_files_sha256")),
    )
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_source_files_report_year"), ["report_year"], unique=False
        )

    op.create_table(
        "units",
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("unit_kind", sa.String(length=8), nullable=False),
        sa.Column("label_en", sa.String(length=50), nullable=False),
        sa.CheckConstraint(
            "unit_kind IN ('count', 'money', 'ratio')", name=op.f("ck_units_unit_kind")
        ),
        sa.PrimaryKeyConstraint("unit_code", name=op.f("pk_units")),
    )
    op.create_table(
        "agencies",
        sa.Column(
            "agency_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("level_code", sa.String(length=16), nullable=False),
        sa.Column(
            "parent_agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("division_code", sa.String(length=6), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "division_code IS NULL OR (length(division_code) = 6 AND substr(division_code, 1, 1) BETWEEN '0' AND '9' AND substr(division_code, 2, 1) BETWEEN '0' AND '9' AND substr(division_code, 3, 1) BETWEEN '0' AND '9' AND substr(division_code, 4, 1) BETWEEN '0' AND '9' AND substr(division_code, 5, 1) BETWEEN '0' AND '9' AND substr(division_code, 6, 1) BETWEEN '0' AND '9')",
            name=op.f("ck_agencies_division_code_six_digits"),
        ),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_agencies_name_not_empty")),
        sa.ForeignKeyConstraint(
            ["level_code"],
            ["agency_levels.level_code"],
            name=op.f("fk_agencies_level_code_agency_levels"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_agency_id"],
            ["agencies.agency_id"],
            name=op.f("fk_agencies_parent_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("agency_id", name=op.f("pk_agencies")),
        sa.UniqueConstraint("division_code", name=op.f("uq_agencies_division_code")),
        sa.UniqueConstraint(
            "parent_agency_id", "name", name=op.f("uq_agencies_parent_agency_id_name")
        ),
    )
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agencies_parent_agency_id"), ["parent_agency_id"], unique=False
        )
        batch_op.create_index(
            "uq_agencies_name_top_level",
            ["name"],
            unique=True,
            sqlite_where=sa.text("parent_agency_id IS NULL"),
            postgresql_where=sa.text("parent_agency_id IS NULL"),
        )

    op.create_table(
        "disclosure_categories",
        sa.Column("category_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["units.unit_code"],
            name=op.f("fk_disclosure_categories_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("category_code", name=op.f("pk_disclosure_categories")),
    )
    op.create_table(
        "measures",
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("section", sa.String(length=32), nullable=False),
        sa.Column("fact_table", sa.String(length=64), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("value_kind", sa.String(length=8), nullable=False),
        sa.Column("regime_code", sa.String(length=16), nullable=True),
        sa.Column("parent_measure_code", sa.String(length=64), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "value_kind IN ('count', 'signed', 'amount', 'percent')",
            name=op.f("ck_measures_value_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_measures_parent_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["regime_code"], ["regimes.regime_code"], name=op.f("fk_measures_regime_code_regimes")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.unit_code"], name=op.f("fk_measures_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("measure_code", name=op.f("pk_measures")),
    )
    op.create_table(
        "proactive_table_columns",
        sa.Column("table_column_code", sa.String(length=64), nullable=False),
        sa.Column("regime_code", sa.String(length=16), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("value_kind", sa.String(length=8), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "value_kind IN ('count', 'signed', 'amount', 'percent')",
            name=op.f("ck_proactive_table_columns_value_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["regime_code"],
            ["regimes.regime_code"],
            name=op.f("fk_proactive_table_columns_regime_code_regimes"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["units.unit_code"],
            name=op.f("fk_proactive_table_columns_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("table_column_code", name=op.f("pk_proactive_table_columns")),
    )
    op.create_table(
        "proactive_table_rows",
        sa.Column("table_row_code", sa.String(length=64), nullable=False),
        sa.Column("regime_code", sa.String(length=16), nullable=False),
        sa.Column("article_item", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("is_provincial_extension", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["regime_code"],
            ["regimes.regime_code"],
            name=op.f("fk_proactive_table_rows_regime_code_regimes"),
        ),
        sa.PrimaryKeyConstraint("table_row_code", name=op.f("pk_proactive_table_rows")),
    )
    op.create_table(
        "relief_programmes",
        sa.Column("programme_code", sa.String(length=32), nullable=False),
        sa.Column("label_zh", sa.String(length=100), nullable=False),
        sa.Column("relief_category_code", sa.String(length=32), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["relief_category_code"],
            ["relief_categories.relief_category_code"],
            name=op.f("fk_relief_programmes_relief_category_code_relief_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.unit_code"], name=op.f("fk_relief_programmes_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("programme_code", name=op.f("pk_relief_programmes")),
    )
    op.create_table(
        "request_rows",
        sa.Column("request_row_code", sa.String(length=64), nullable=False),
        sa.Column("regime_code", sa.String(length=16), nullable=False),
        sa.Column("label_zh", sa.String(length=200), nullable=False),
        sa.Column("parent_row_code", sa.String(length=64), nullable=True),
        sa.Column("is_data_row", sa.Boolean(), nullable=False),
        sa.Column("comparable_code", sa.String(length=32), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comparable_code"],
            ["request_comparables.comparable_code"],
            name=op.f("fk_request_rows_comparable_code_request_comparables"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_row_code"],
            ["request_rows.request_row_code"],
            name=op.f("fk_request_rows_parent_row_code_request_rows"),
        ),
        sa.ForeignKeyConstraint(
            ["regime_code"],
            ["regimes.regime_code"],
            name=op.f("fk_request_rows_regime_code_regimes"),
        ),
        sa.PrimaryKeyConstraint("request_row_code", name=op.f("pk_request_rows")),
    )
    op.create_table(
        "reports",
        sa.Column(
            "report_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "agency_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("regime_code", sa.String(length=16), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column(
            "source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("version >= 1", name=op.f("ck_reports_version_positive")),
        sa.CheckConstraint("year BETWEEN 2008 AND 2100", name=op.f("ck_reports_year_in_range")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_reports_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["regime_code"], ["regimes.regime_code"], name=op.f("fk_reports_regime_code_regimes")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["etl_runs.run_id"], name=op.f("fk_reports_run_id_etl_runs")
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.source_file_id"],
            name=op.f("fk_reports_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "agency_id", "year", "version", name=op.f("uq_reports_agency_id_year_version")
        ),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reports_source_file_id"), ["source_file_id"], unique=False
        )
        batch_op.create_index("ix_reports_year_current", ["year", "is_current"], unique=False)
        batch_op.create_index(
            "uq_reports_current_agency_year",
            ["agency_id", "year"],
            unique=True,
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        )

    op.create_table(
        "figures",
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_figures_qualifier"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_figures_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_figures_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_figures_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.unit_code"], name=op.f("fk_figures_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_figures")),
        sa.UniqueConstraint(
            "report_id", "measure_code", name=op.f("uq_figures_report_id_measure_code")
        ),
    )
    op.create_table(
        "proactive_category_counts",
        sa.Column("category_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_proactive_category_counts_qualifier"),
        ),
        sa.CheckConstraint(
            "value >= 0", name=op.f("ck_proactive_category_counts_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["category_code"],
            ["disclosure_categories.category_code"],
            name=op.f("fk_proactive_category_counts_category_code_disclosure_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_proactive_category_counts_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_proactive_category_counts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["units.unit_code"],
            name=op.f("fk_proactive_category_counts_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_proactive_category_counts")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "category_code",
            name=op.f("uq_proactive_category_counts_report_id_measure_code_category_code"),
        ),
    )
    op.create_table(
        "proactive_channel_figures",
        sa.Column("channel_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_proactive_channel_figures_qualifier"),
        ),
        sa.CheckConstraint(
            "value >= 0", name=op.f("ck_proactive_channel_figures_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["channel_code"],
            ["channels.channel_code"],
            name=op.f("fk_proactive_channel_figures_channel_code_channels"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_proactive_channel_figures_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_proactive_channel_figures_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["units.unit_code"],
            name=op.f("fk_proactive_channel_figures_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_proactive_channel_figures")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "channel_code",
            name=op.f("uq_proactive_channel_figures_report_id_measure_code_channel_code"),
        ),
    )
    op.create_table(
        "proactive_publisher_counts",
        sa.Column("publisher_group_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_proactive_publisher_counts_qualifier"),
        ),
        sa.CheckConstraint(
            "value >= 0", name=op.f("ck_proactive_publisher_counts_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_proactive_publisher_counts_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["publisher_group_code"],
            ["publisher_groups.publisher_group_code"],
            name=op.f("fk_proactive_publisher_counts_publisher_group_code_publisher_groups"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_proactive_publisher_counts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_proactive_publisher_counts")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "publisher_group_code",
            name=op.f("uq_proactive_publisher_counts_report_id_measure_code_publisher_group_code"),
        ),
    )
    op.create_table(
        "proactive_table_figures",
        sa.Column("table_row_code", sa.String(length=64), nullable=False),
        sa.Column("table_column_code", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=4), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value >= 0 OR table_column_code = 'std2019.change'",
            name=op.f("ck_proactive_table_figures_value_non_negative"),
        ),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_proactive_table_figures_qualifier"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_proactive_table_figures_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_proactive_table_figures_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["table_column_code"],
            ["proactive_table_columns.table_column_code"],
            name=op.f("fk_proactive_table_figures_table_column_code_proactive_table_columns"),
        ),
        sa.ForeignKeyConstraint(
            ["table_row_code"],
            ["proactive_table_rows.table_row_code"],
            name=op.f("fk_proactive_table_figures_table_row_code_proactive_table_rows"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["units.unit_code"],
            name=op.f("fk_proactive_table_figures_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_proactive_table_figures")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "table_row_code",
            "table_column_code",
            name=op.f(
                "uq_proactive_table_figures_report_id_measure_code_table_row_code_table_column_code"
            ),
        ),
    )
    op.create_table(
        "relief_policy_counts",
        sa.Column("relief_category_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_relief_policy_counts_qualifier"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_relief_policy_counts_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_relief_policy_counts_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["relief_category_code"],
            ["relief_categories.relief_category_code"],
            name=op.f("fk_relief_policy_counts_relief_category_code_relief_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_relief_policy_counts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_relief_policy_counts")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "relief_category_code",
            name=op.f("uq_relief_policy_counts_report_id_measure_code_relief_category_code"),
        ),
    )
    op.create_table(
        "relief_recipient_counts",
        sa.Column("programme_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_relief_recipient_counts_qualifier"),
        ),
        sa.CheckConstraint(
            "value >= 0", name=op.f("ck_relief_recipient_counts_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_relief_recipient_counts_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["programme_code"],
            ["relief_programmes.programme_code"],
            name=op.f("fk_relief_recipient_counts_programme_code_relief_programmes"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_relief_recipient_counts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_relief_recipient_counts")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "programme_code",
            name=op.f("uq_relief_recipient_counts_report_id_measure_code_programme_code"),
        ),
    )
    op.create_table(
        "request_counts",
        sa.Column("request_row_code", sa.String(length=64), nullable=False),
        sa.Column("applicant_type_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_request_counts_qualifier"),
        ),
        sa.CheckConstraint("value >= 0", name=op.f("ck_request_counts_value_non_negative")),
        sa.ForeignKeyConstraint(
            ["applicant_type_code"],
            ["applicant_types.applicant_type_code"],
            name=op.f("fk_request_counts_applicant_type_code_applicant_types"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_request_counts_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_request_counts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_row_code"],
            ["request_rows.request_row_code"],
            name=op.f("fk_request_counts_request_row_code_request_rows"),
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_request_counts")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "request_row_code",
            "applicant_type_code",
            name=op.f(
                "uq_request_counts_report_id_measure_code_request_row_code_applicant_type_code"
            ),
        ),
    )
    op.create_table(
        "responsibility_list_items",
        sa.Column(
            "township_agency_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=False,
        ),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_responsibility_list_items_qualifier"),
        ),
        sa.CheckConstraint(
            "value >= 0", name=op.f("ck_responsibility_list_items_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_responsibility_list_items_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_responsibility_list_items_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["township_agency_id"],
            ["agencies.agency_id"],
            name=op.f("fk_responsibility_list_items_township_agency_id_agencies"),
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_responsibility_list_items")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "township_agency_id",
            name=op.f("uq_responsibility_list_items_report_id_measure_code_township_agency_id"),
        ),
    )
    with op.batch_alter_table("responsibility_list_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_responsibility_list_items_township_agency_id"),
            ["township_agency_id"],
            unique=False,
        )

    op.create_table(
        "review_litigation_counts",
        sa.Column("block_code", sa.String(length=32), nullable=False),
        sa.Column("result_code", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column(
            "fact_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("measure_code", sa.String(length=64), nullable=False),
        sa.Column("value_qualifier", sa.String(length=16), nullable=False),
        sa.Column("source_sheet", sa.String(length=100), nullable=True),
        sa.Column("source_cell", sa.String(length=32), nullable=False),
        sa.Column("source_text", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'lower_bound', 'estimate')",
            name=op.f("ck_review_litigation_counts_qualifier"),
        ),
        sa.CheckConstraint(
            "value >= 0", name=op.f("ck_review_litigation_counts_value_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["block_code"],
            ["review_blocks.block_code"],
            name=op.f("fk_review_litigation_counts_block_code_review_blocks"),
        ),
        sa.ForeignKeyConstraint(
            ["measure_code"],
            ["measures.measure_code"],
            name=op.f("fk_review_litigation_counts_measure_code_measures"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.report_id"],
            name=op.f("fk_review_litigation_counts_report_id_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["result_code"],
            ["review_results.result_code"],
            name=op.f("fk_review_litigation_counts_result_code_review_results"),
        ),
        sa.PrimaryKeyConstraint("fact_id", name=op.f("pk_review_litigation_counts")),
        sa.UniqueConstraint(
            "report_id",
            "measure_code",
            "block_code",
            "result_code",
            name=op.f("uq_review_litigation_counts_report_id_measure_code_block_code_result_code"),
        ),
    )
    op.create_table(
        "run_files",
        sa.Column(
            "run_file_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("report_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("figures_written", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "outcome IN ('loaded', 'unchanged', 'rejected', 'failed')",
            name=op.f("ck_run_files_outcome"),
        ),
        sa.CheckConstraint(
            "figures_written >= 0 AND error_count >= 0 AND warning_count >= 0",
            name=op.f("ck_run_files_counts_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.report_id"], name=op.f("fk_run_files_report_id_reports")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["etl_runs.run_id"],
            name=op.f("fk_run_files_run_id_etl_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.source_file_id"],
            name=op.f("fk_run_files_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint("run_file_id", name=op.f("pk_run_files")),
    )
    with op.batch_alter_table("run_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_files_run_id"), ["run_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_run_files_source_file_id"), ["source_file_id"], unique=False
        )

    op.create_table(
        "validation_findings",
        sa.Column(
            "finding_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "run_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "source_file_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("severity", sa.String(length=8), nullable=False),
        sa.Column("rule_code", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=True),
        sa.Column("cell", sa.String(length=200), nullable=True),
        sa.Column("found", sa.Text(), nullable=True),
        sa.Column("expected", sa.Text(), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "severity IN ('error', 'warning')", name=op.f("ck_validation_findings_severity")
        ),
        sa.ForeignKeyConstraint(
            ["run_file_id"],
            ["run_files.run_file_id"],
            name=op.f("fk_validation_findings_run_file_id_run_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.source_file_id"],
            name=op.f("fk_validation_findings_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint("finding_id", name=op.f("pk_validation_findings")),
    )
    with op.batch_alter_table("validation_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_validation_findings_run_file_id"), ["run_file_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_validation_findings_source_file_id"), ["source_file_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("validation_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_validation_findings_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_validation_findings_run_file_id"))

    op.drop_table("validation_findings")
    with op.batch_alter_table("run_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_files_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_run_files_run_id"))

    op.drop_table("run_files")
    op.drop_table("review_litigation_counts")
    with op.batch_alter_table("responsibility_list_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responsibility_list_items_township_agency_id"))

    op.drop_table("responsibility_list_items")
    op.drop_table("request_counts")
    op.drop_table("relief_recipient_counts")
    op.drop_table("relief_policy_counts")
    op.drop_table("proactive_table_figures")
    op.drop_table("proactive_publisher_counts")
    op.drop_table("proactive_channel_figures")
    op.drop_table("proactive_category_counts")
    op.drop_table("figures")
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_reports_current_agency_year",
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        )
        batch_op.drop_index("ix_reports_year_current")
        batch_op.drop_index(batch_op.f("ix_reports_source_file_id"))

    op.drop_table("reports")
    op.drop_table("request_rows")
    op.drop_table("relief_programmes")
    op.drop_table("proactive_table_rows")
    op.drop_table("proactive_table_columns")
    op.drop_table("measures")
    op.drop_table("disclosure_categories")
    with op.batch_alter_table("agencies", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_agencies_name_top_level",
            sqlite_where=sa.text("parent_agency_id IS NULL"),
            postgresql_where=sa.text("parent_agency_id IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_agencies_parent_agency_id"))

    op.drop_table("agencies")
    op.drop_table("units")
    with op.batch_alter_table("source_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_files_report_year"))

    op.drop_table("source_files")
    op.drop_table("review_results")
    op.drop_table("review_blocks")
    op.drop_table("request_comparables")
    op.drop_table("relief_categories")
    op.drop_table("regimes")
    op.drop_table("publisher_groups")
    with op.batch_alter_table("etl_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_etl_runs_status")

    op.drop_table("etl_runs")
    op.drop_table("channels")
    op.drop_table("applicant_types")
    op.drop_table("agency_levels")
