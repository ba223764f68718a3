"""A warehouse for the query benchmarks, built by bulk inserts rather than through files.

N bodies × 10 years of synthetic reports (the figures `ogi generate` writes, not read back
from workbooks) go straight into the tables the loader writes: bodies, one placeholder source
file per year, one run, report versions and facts, with `etl.load.bulk.insert_rows` (COPY on
PostgreSQL). The results say so: the load itself is measured on real files elsewhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, func, insert, select, text

from etl.db import connect
from etl.load.bulk import insert_rows
from etl.load.fact_rows import FACT_MODELS, Catalogue, fact_rows, fact_table
from etl.synthetic.bodies import synthetic_bodies
from etl.synthetic.facts import synthetic_report
from models.agencies import Agency, Report
from models.base import utc_now
from models.lineage import EtlRun, SourceFile

#: Fact rows buffered before they are flushed to the database.
FLUSH_ROWS = 100_000


def build_warehouse(engine: Engine, *, bodies: int, years: Sequence[int], seed: int) -> int:
    """Insert `bodies` × `years` synthetic reports into a migrated, empty warehouse; the
    number of fact rows written."""
    tree = synthetic_bodies(bodies, seed)
    now = utc_now()
    written = 0
    with connect(engine) as connection, connection.begin():
        catalogue = Catalogue.load(connection)
        run_id = connection.execute(
            insert(EtlRun)
            .values(
                run_trigger="load",
                command="bench: synthetic reports inserted in bulk (not read from files)",
                status="succeeded",
                started_at=now,
                finished_at=now,
            )
            .returning(EtlRun.run_id)
        ).scalar_one()
        ids: dict[str, int] = {}
        for body in tree:  # parents come before their children
            ids[body.name] = _insert_agency(
                connection,
                body.name,
                body.level_code,
                ids.get(body.parent_name or ""),
                body.division_code,
            )
        townships = {(ids[b.name], name) for b in tree for name in b.townships if name not in ids}
        insert_rows(
            connection,
            Agency.__table__,  # type: ignore[arg-type]
            [
                {
                    "name": name,
                    "level_code": "township",
                    "parent_agency_id": parent,
                    "created_at": now,
                }
                for parent, name in sorted(townships)
            ],
        )
        children: dict[int, dict[str, int]] = {}
        for agency_id, name, parent in connection.execute(
            select(Agency.agency_id, Agency.name, Agency.parent_agency_id)
        ):
            if parent is not None:
                children.setdefault(parent, {})[name] = agency_id
        next_report = 1
        reports: list[dict[str, Any]] = []
        buffered: dict[str, list[dict[str, Any]]] = {}
        for year in years:
            source = f"synthetic-bulk-{year}"
            source_file_id = connection.execute(
                insert(SourceFile)
                .values(
                    sha256=hashlib.sha256(source.encode()).hexdigest(),
                    file_name=source,
                    original_path=f"(bench: inserted in bulk, no file) {source}",
                    file_format="csv",
                    size_bytes=0,
                    status="loaded",
                    report_year=year,
                    first_seen_at=now,
                    last_seen_at=now,
                )
                .returning(SourceFile.source_file_id)
            ).scalar_one()
            for body in tree:
                report = synthetic_report(body, year, seed, source)
                agency_id = ids[body.name]
                reports.append(
                    {
                        "report_id": next_report,
                        "agency_id": agency_id,
                        "year": year,
                        "regime_code": report.header.regime_code,
                        "published_on": report.header.published_on,
                        "version": 1,
                        "is_current": True,
                        "source_file_id": source_file_id,
                        "run_id": run_id,
                        "loaded_at": now,
                    }
                )
                rows = fact_rows(catalogue, report, next_report, children.get(agency_id, {}))
                for table_name, table_rows in rows.items():
                    buffered.setdefault(table_name, []).extend(table_rows)
                next_report += 1
                if sum(len(rows) for rows in buffered.values()) >= FLUSH_ROWS:
                    written += _flush(connection, reports, buffered)
        written += _flush(connection, reports, buffered)
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT setval(pg_get_serial_sequence('reports', 'report_id'), :n)"),
                {"n": next_report},
            )
    with connect(engine) as connection:  # fresh statistics for the planner
        connection.execute(text("ANALYZE"))
        connection.commit()
    return written


def _insert_agency(
    connection: Any, name: str, level: str, parent: int | None, division: str | None
) -> int:
    return int(
        connection.execute(
            insert(Agency)
            .values(
                name=name,
                level_code=level,
                parent_agency_id=parent,
                division_code=division,
                created_at=utc_now(),
            )
            .returning(Agency.agency_id)
        ).scalar_one()
    )


def _flush(
    connection: Any, reports: list[dict[str, Any]], buffered: dict[str, list[dict[str, Any]]]
) -> int:
    """Insert the pending reports, then their facts; empties both."""
    insert_rows(connection, Report.__table__, reports)
    reports.clear()
    written = 0
    for table_name in FACT_MODELS:
        rows = buffered.pop(table_name, [])
        written += insert_rows(connection, fact_table(table_name), rows)
    return written


def count_facts(engine: Engine) -> int:
    """Fact rows in the warehouse, over every fact table."""
    with connect(engine) as connection:
        return sum(
            connection.execute(select(func.count()).select_from(fact_table(name))).scalar_one()
            for name in FACT_MODELS
        )
