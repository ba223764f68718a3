"""body registry: bodies as master data, with keys, statuses, aliases and a change log

A body is known by its division code, else by its name compared as `name_key` (NFKC, no spaces)
or an alias under its parent; a parent named before it reports is `provisional`; a body merged
into another stays as `merged` so that the merge can be undone. `agency_aliases` holds every
other name of a body with the years it was used; `agency_changes` every change to the registry.

The data step merges the duplicates earlier loads created (#16): a body created top-level, as a
department's parent or from a file without 上级单位, and the same body (same `name_key`)
created again under its parent from its own file. The parentless copy is merged into the
parented one: its reports (renumbered by load time when both have a year), its children and its
township figures move; it stays `merged` with an alias and an `agency_changes` row each, and
the revision prints what it merged.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

STATUSES = "'active', 'provisional', 'merged'"
ALIAS_SOURCES = "'report', 'registry', 'command', 'merge'"
CHANGE_KINDS = (
    "'created', 'adopted', 'confirmed', 'renamed', 'aliased', 'unaliased', 'merged', "
    "'unmerged', 'moved', 'move_seen', 'level_set'"
)


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split())


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(
        "INSERT INTO agency_levels (level_code, label_zh, sort_order) VALUES ('unknown', '级别未定', 6)"
    )
    if bind.dialect.name == "sqlite":
        # ADD COLUMN, not a rebuild of the table: the report views and the fact tables refer
        # to it, and SQLite rebuilds a table by dropping it. A downgrade leaves `status` and
        # `merged_into_agency_id` behind (SQLite cannot drop a column a constraint names).
        present = {row[1] for row in bind.execute(sa.text("PRAGMA table_info(agencies)"))}
        columns = {
            "name_key": "VARCHAR(200) NOT NULL DEFAULT ''",
            "status": "VARCHAR(12) NOT NULL DEFAULT 'active' CONSTRAINT ck_agencies_status_known "
            f"CHECK (status IN ({STATUSES}))",
            "credit_code": "VARCHAR(18) CONSTRAINT ck_agencies_credit_code_18 "
            "CHECK (credit_code IS NULL OR length(credit_code) = 18)",
            "merged_into_agency_id": "INTEGER CONSTRAINT fk_agencies_merged_into_agency_id_agencies "
            "REFERENCES agencies (agency_id) CONSTRAINT ck_agencies_merged_has_target "
            "CHECK ((status = 'merged') = (merged_into_agency_id IS NOT NULL))",
        }
        for column, definition in columns.items():
            if column not in present:
                op.execute(f"ALTER TABLE agencies ADD COLUMN {column} {definition}")
    else:
        op.add_column(
            "agencies", sa.Column("name_key", sa.String(200), nullable=False, server_default="")
        )
        op.add_column(
            "agencies", sa.Column("status", sa.String(12), nullable=False, server_default="active")
        )
        op.add_column("agencies", sa.Column("credit_code", sa.String(18), nullable=True))
        op.add_column("agencies", sa.Column("merged_into_agency_id", _ID, nullable=True))
        op.create_foreign_key(
            op.f("fk_agencies_merged_into_agency_id_agencies"),
            "agencies", "agencies", ["merged_into_agency_id"], ["agency_id"],
        )  # fmt: skip
        op.create_check_constraint(
            op.f("ck_agencies_status_known"), "agencies", f"status IN ({STATUSES})"
        )
        op.create_check_constraint(
            op.f("ck_agencies_credit_code_18"),
            "agencies",
            "credit_code IS NULL OR length(credit_code) = 18",
        )
        op.create_check_constraint(
            op.f("ck_agencies_merged_has_target"), "agencies",
            "(status = 'merged') = (merged_into_agency_id IS NOT NULL)",
        )  # fmt: skip
        op.alter_column("agencies", "name_key", server_default=None)
    op.create_index("ix_agencies_name_key", "agencies", ["name_key"])
    op.create_index("uq_agencies_credit_code", "agencies", ["credit_code"], unique=True)

    op.create_table(
        "agency_aliases",
        sa.Column("alias_id", _ID, autoincrement=True, nullable=False),
        sa.Column("agency_id", _ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=True),
        sa.Column("last_year", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"source IN ({ALIAS_SOURCES})", name=op.f("ck_agency_aliases_source_known")
        ),
        sa.CheckConstraint(
            "first_year IS NULL OR last_year IS NULL OR first_year <= last_year",
            name=op.f("ck_agency_aliases_years_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.agency_id"], name=op.f("fk_agency_aliases_agency_id_agencies")
        ),
        sa.PrimaryKeyConstraint("alias_id", name=op.f("pk_agency_aliases")),
        sa.UniqueConstraint(
            "agency_id", "name_key", name=op.f("uq_agency_aliases_agency_id_name_key")
        ),
    )
    op.create_index(op.f("ix_agency_aliases_agency_id"), "agency_aliases", ["agency_id"])
    op.create_index(op.f("ix_agency_aliases_name_key"), "agency_aliases", ["name_key"])
    op.create_table(
        "agency_changes",
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
        sa.CheckConstraint(f"kind IN ({CHANGE_KINDS})", name=op.f("ck_agency_changes_kind_known")),
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
    op.create_index(op.f("ix_agency_changes_agency_id"), "agency_changes", ["agency_id"])

    rows = bind.execute(sa.text("SELECT agency_id, name FROM agencies")).all()
    for agency_id, name in rows:
        bind.execute(
            sa.text("UPDATE agencies SET name_key = :key WHERE agency_id = :id"),
            {"key": _key(name), "id": agency_id},
        )
    # A body that never reported was only named (as a parent, or in a 权责清单).
    bind.execute(
        sa.text(
            "UPDATE agencies SET status = 'provisional' WHERE status = 'active' AND NOT EXISTS "
            "(SELECT 1 FROM reports r WHERE r.agency_id = agencies.agency_id)"
        )
    )
    for line in _merge_duplicates(bind):
        print(line)


def _merge_duplicates(bind: sa.Connection) -> list[str]:
    """Merge each parentless copy into the one parented body with the same key; what it did."""
    rows = bind.execute(
        sa.text(
            "SELECT agency_id, name, name_key, parent_agency_id FROM agencies ORDER BY agency_id"
        )
    ).all()
    by_key: dict[str, list[sa.Row[tuple[int, str, str, int | None]]]] = {}
    for row in rows:
        by_key.setdefault(row.name_key, []).append(row)
    done = []
    for key, bodies in by_key.items():
        loose = [b for b in bodies if b.parent_agency_id is None]
        placed = [b for b in bodies if b.parent_agency_id is not None]
        if len(loose) == 1 and len(placed) == 1:
            _merge(bind, keep=placed[0].agency_id, drop=loose[0].agency_id)
            done.append(
                f"0009: merged body {loose[0].agency_id} ({key}, no parent) into body "
                f"{placed[0].agency_id} (under body {placed[0].parent_agency_id})"
            )
    return done


def _merge(bind: sa.Connection, *, keep: int, drop: int) -> None:
    now = datetime.now(UTC)
    # Children: one of the same key under both is merged too, the others move.
    kept = dict(
        bind.execute(
            sa.text("SELECT name_key, agency_id FROM agencies WHERE parent_agency_id = :p"),
            {"p": keep},
        ).all()
    )
    for child_key, child_id in bind.execute(
        sa.text(
            "SELECT name_key, agency_id FROM agencies WHERE parent_agency_id = :p AND status <> 'merged'"
        ),
        {"p": drop},
    ).all():
        if child_key in kept:
            _merge(bind, keep=kept[child_key], drop=child_id)
        else:
            bind.execute(
                sa.text("UPDATE agencies SET parent_agency_id = :keep WHERE agency_id = :c"),
                {"keep": keep, "c": child_id},
            )
    bind.execute(
        sa.text(
            "UPDATE responsibility_list_items SET township_agency_id = :keep WHERE township_agency_id = :drop"
        ),
        {"keep": keep, "drop": drop},
    )
    years = [
        y
        for (y,) in bind.execute(
            sa.text("SELECT DISTINCT year FROM reports WHERE agency_id = :d"), {"d": drop}
        )
    ]
    # Out of the way of both bodies' version numbers and current flags, then moved, then
    # numbered again by when each version was loaded: the latest is current.
    for offset, body in ((1000000, keep), (2000000, drop)):
        bind.execute(
            sa.text(
                "UPDATE reports SET is_current = :f, version = version + :offset"
                " WHERE agency_id = :a AND year IN (SELECT year FROM reports WHERE agency_id = :d)"
            ),
            {"f": False, "offset": offset, "a": body, "d": drop},
        )
    bind.execute(
        sa.text("UPDATE reports SET agency_id = :keep WHERE agency_id = :drop"),
        {"keep": keep, "drop": drop},
    )
    for year in years:
        versions = bind.execute(
            sa.text(
                "SELECT report_id FROM reports WHERE agency_id = :a AND year = :y"
                " ORDER BY loaded_at, report_id"
            ),
            {"a": keep, "y": year},
        ).all()
        for number, (report_id,) in enumerate(versions, start=1):
            bind.execute(
                sa.text("UPDATE reports SET version = :v, is_current = :c WHERE report_id = :r"),
                {"v": number, "c": number == len(versions), "r": report_id},
            )
    name, key = bind.execute(
        sa.text("SELECT name, name_key FROM agencies WHERE agency_id = :d"), {"d": drop}
    ).one()
    bind.execute(
        sa.text(
            "UPDATE agencies SET status = 'merged', merged_into_agency_id = :keep WHERE agency_id = :drop"
        ),
        {"keep": keep, "drop": drop},
    )
    if not bind.execute(
        sa.text("SELECT 1 FROM agency_aliases WHERE agency_id = :a AND name_key = :k"),
        {"a": keep, "k": key},
    ).first():
        bind.execute(
            sa.text(
                "INSERT INTO agency_aliases (agency_id, name, name_key, source, created_at) "
                "VALUES (:a, :n, :k, 'merge', :t)"
            ),
            {"a": keep, "n": name, "k": key, "t": now},
        )
    bind.execute(
        sa.text(
            "INSERT INTO agency_changes (agency_id, kind, other_agency_id, detail, changed_by, changed_at) "
            "VALUES (:a, 'merged', :o, :d, 'migration 0009', :t)"
        ),
        {
            "a": keep,
            "o": drop,
            "d": f"duplicate {name} without a parent, created before #16",
            "t": now,
        },
    )


def downgrade() -> None:
    bind = op.get_bind()
    # Merged copies come back as the bodies they were (reports stay with the kept body).
    bind.execute(sa.text("UPDATE agencies SET status = 'active', merged_into_agency_id = NULL"))
    op.drop_index(op.f("ix_agency_changes_agency_id"), table_name="agency_changes")
    op.drop_table("agency_changes")
    op.drop_index(op.f("ix_agency_aliases_name_key"), table_name="agency_aliases")
    op.drop_index(op.f("ix_agency_aliases_agency_id"), table_name="agency_aliases")
    op.drop_table("agency_aliases")
    op.drop_index("uq_agencies_credit_code", table_name="agencies")
    op.drop_index("ix_agencies_name_key", table_name="agencies")
    bind.execute(sa.text("UPDATE agencies SET level_code = 'county' WHERE level_code = 'unknown'"))
    if bind.dialect.name == "sqlite":
        for column in ("credit_code", "name_key"):
            op.execute(f"ALTER TABLE agencies DROP COLUMN {column}")
    else:
        op.drop_constraint(op.f("ck_agencies_merged_has_target"), "agencies", type_="check")
        op.drop_constraint(op.f("ck_agencies_credit_code_18"), "agencies", type_="check")
        op.drop_constraint(op.f("ck_agencies_status_known"), "agencies", type_="check")
        op.drop_constraint(
            op.f("fk_agencies_merged_into_agency_id_agencies"), "agencies", type_="foreignkey"
        )
        for column in ("merged_into_agency_id", "credit_code", "status", "name_key"):
            op.drop_column("agencies", column)
    op.execute("DELETE FROM agency_levels WHERE level_code = 'unknown'")
