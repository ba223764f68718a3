"""Every report view exists with its declared columns, is in the analyst guide, and uses the
indexes."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from etl.db import downgrade
from etl.reports.views import BODY_COLUMNS, VIEW_COLUMNS

GUIDE = (Path(__file__).resolve().parent.parent / "docs" / "analyst.md").read_text(encoding="utf-8")


def test_every_declared_view_exists_with_its_columns(engine: Engine) -> None:
    inspector = inspect(engine)
    views = {v for v in inspector.get_view_names() if v.startswith("rpt_")}
    assert views == set(VIEW_COLUMNS)
    for view, columns in VIEW_COLUMNS.items():
        assert tuple(c["name"] for c in inspector.get_columns(view)) == columns, view


def test_every_view_is_documented_in_the_analyst_guide_with_its_columns(engine: Engine) -> None:
    documented = dict(re.findall(r"^\| `(rpt_[a-z_]+)` \| (.+) \|$", GUIDE, flags=re.MULTILINE))
    views = {v for v in inspect(engine).get_view_names() if v.startswith("rpt_")}
    assert set(documented) == views
    for view in views:
        listed = set(re.findall(r"`([a-z0-9_]+)`", documented[view]))
        missing = [c for c in VIEW_COLUMNS[view] if c not in listed and c not in _BODY_ALIASES]
        assert missing == [], f"the guide's row of {view} lacks {missing}"


# The guide names the nine body columns once, as "body columns".
_BODY_ALIASES = set(BODY_COLUMNS)


def test_downgrade_drops_the_views(engine: Engine) -> None:
    downgrade(engine, "0002")
    assert [v for v in inspect(engine).get_view_names() if v.startswith("rpt_")] == []


_PER_BODY = "SELECT * FROM rpt_year_over_year WHERE agency_id = 1 AND year = 2017"


def test_the_per_body_annual_query_uses_the_indexes(engine: Engine, backend: str) -> None:
    with engine.connect() as connection:
        if backend == "sqlite":
            plan = [r[3] for r in connection.execute(text(f"EXPLAIN QUERY PLAN {_PER_BODY}"))]
            scans = [p for p in plan if p.startswith("SCAN") and p != "SCAN rpt_year_over_year"]
            assert scans == []
            assert (
                "SEARCH r USING INDEX sqlite_autoindex_reports_1 (agency_id=? AND year=?)" in plan
            )
            assert any(p.startswith("SEARCH pf USING INDEX") for p in plan)
        else:
            # On an empty database a sequential scan is cheapest; forbid it to see the plan
            # the indexes allow (a real warehouse has the statistics to choose it).
            connection.execute(text("SET enable_seqscan = off"))
            plan = [r[0] for r in connection.execute(text(f"EXPLAIN {_PER_BODY}"))]
            assert [p for p in plan if "Seq Scan" in p] == []
            assert any("uq_figures_report_id_measure_code" in p for p in plan)
