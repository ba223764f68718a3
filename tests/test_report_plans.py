"""Report queries on PostgreSQL keep their prepared statements from one report to the next."""

from __future__ import annotations

import pytest
from factories import Warehouse, insert_anlu_2017
from sqlalchemy import Engine, text

from etl.reports import build_annual


def test_annual_reports_reuse_prepared_statements(engine: Engine, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    with engine.begin() as connection:
        insert_anlu_2017(Warehouse(connection))
    first = build_annual(engine, "安陆市", 2017)
    second = build_annual(engine, "安陆市", 2017)  # prepared from its second execution

    assert second == first
    with engine.connect() as connection:  # the pool's one connection, the reports' own
        names = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars()
        prepared = " ".join(names)
        mode = connection.execute(text("SHOW plan_cache_mode")).scalar_one()
    assert "FROM rpt_checks WHERE report_id" in prepared
    assert "FROM rpt_year_over_year WHERE agency_id" in prepared
    assert mode == "force_generic_plan"


def test_ids_on_either_side_of_smallint_share_one_prepared_statement(
    engine: Engine, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    query = text("SELECT pg_typeof(:id)::text FROM reports WHERE report_id <> :id LIMIT 1")
    with engine.connect() as connection:
        typed = [
            connection.execute(text("SELECT pg_typeof(:id)::text"), {"id": i}).scalar_one()
            for i in (7, 40_000, 3_000_000_000)
        ]
        for report_id in (7, 40_000, 8, 40_001):  # prepared from the second execution
            connection.execute(query, {"id": report_id})
        prepared = connection.execute(
            text("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%<> $1%'")
        ).scalar_one()
        jit = connection.execute(text("SHOW jit")).scalar_one()
    # psycopg's default would send 7 as smallint and 40,000 as integer: two statements.
    assert typed == ["integer", "integer", "bigint"]
    assert prepared == 1
    assert jit == "off"
