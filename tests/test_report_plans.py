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
