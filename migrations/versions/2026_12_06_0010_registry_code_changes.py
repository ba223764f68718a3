"""registry code changes: agency_changes records a division or credit code set

`ogi agencies import` sets the 行政区划代码 and the 统一社会信用代码 of bodies that lack them
(#16); each is a change of its own kind, `code_set` and `credit_code_set`, with the old and the
new code, as `level_set` records a level. The CHECK of `agency_changes.kind` gains the two.

SQLite cannot alter a CHECK: `agency_changes` is copied into a new table with the new CHECK
(no view and no foreign key refers to it). A downgrade deletes the rows of the two kinds, and
says how many.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

KINDS_0009 = (
    "'created', 'adopted', 'confirmed', 'renamed', 'aliased', 'unaliased', 'merged', "
    "'unmerged', 'moved', 'move_seen', 'level_set'"
)
KINDS_0010 = f"{KINDS_0009}, 'code_set', 'credit_code_set'"

_COLUMNS = (
    "change_id, agency_id, kind, other_agency_id, old_value, new_value, detail, run_id, "
    "changed_by, changed_at"
)


def upgrade() -> None:
    _set_kinds(KINDS_0010)


def downgrade() -> None:
    removed = op.get_bind().execute(
        sa.text("DELETE FROM agency_changes WHERE kind IN ('code_set', 'credit_code_set')")
    )
    if removed.rowcount:
        print(f"0010: deleted {removed.rowcount} code_set and credit_code_set changes")
    _set_kinds(KINDS_0009)


def _set_kinds(kinds: str) -> None:
    name = op.f("ck_agency_changes_kind_known")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(name, "agency_changes", type_="check")
        op.create_check_constraint(name, "agency_changes", f"kind IN ({kinds})")
        return
    op.create_table(
        "agency_changes_new",
        sa.Column("change_id", _ID, autoincrement=True, nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("other_agency_id", _ID, nullable=True),
        sa.Column("old_value", sa.String(200), nullable=True),
        sa.Column("new_value", sa.String(200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("run_id", _ID, nullable=True),
        sa.Column("changed_by", sa.String(100), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({kinds})", name=name),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_agency_changes_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["other_agency_id"],
            ["agencies.agency_id"],
            name=op.f("fk_agency_changes_other_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["etl_runs.run_id"], name=op.f("fk_agency_changes_run_id_etl_runs")
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_agency_changes")),
    )
    op.execute(f"INSERT INTO agency_changes_new ({_COLUMNS}) SELECT {_COLUMNS} FROM agency_changes")
    op.drop_index(op.f("ix_agency_changes_agency_id"), table_name="agency_changes")
    op.drop_table("agency_changes")
    op.rename_table("agency_changes_new", "agency_changes")
    op.create_index(op.f("ix_agency_changes_agency_id"), "agency_changes", ["agency_id"])
