"""`ogi sql` is read-only at the connection level, stops at its deadline, and caps its rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from factories import Warehouse, insert_anlu_2017
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from etl.cli import main
from etl.errors import QueryFailed, QueryRefused, QueryTimeout
from etl.reports.sql import parse_params, run_sql


@pytest.fixture
def anlu(engine: Engine) -> Engine:
    with engine.begin() as connection:
        insert_anlu_2017(Warehouse(connection))
    return engine


def _snapshot(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return (
            connection.execute(text("SELECT COUNT(*), SUM(value) FROM figures")).one(),
            connection.execute(text("SELECT name FROM agencies ORDER BY agency_id")).all(),
            connection.execute(text("SELECT COUNT(*) FROM units")).scalar_one(),
        )


WRITES = [
    "INSERT INTO units (unit_code, unit_kind, label_en) VALUES ('x', 'count', 'x')",
    "UPDATE agencies SET name = 'x'",
    "DELETE FROM figures",
    "DROP TABLE figures",
    "CREATE TABLE evil (x INTEGER)",
]


@pytest.mark.parametrize("statement", WRITES)
def test_writes_are_refused_by_the_database(
    anlu: Engine, warehouse_url: URL, statement: str
) -> None:
    before = _snapshot(anlu)
    with pytest.raises(QueryRefused, match="read-only"):
        run_sql(warehouse_url, statement)
    assert _snapshot(anlu) == before


def test_attach_and_pragma_writes_are_refused(
    anlu: Engine, warehouse_url: URL, backend: str, tmp_path: Path
) -> None:
    before = _snapshot(anlu)
    attached = tmp_path / "attached.db"
    if backend == "sqlite":
        with pytest.raises(QueryRefused, match="attached databases"):
            run_sql(warehouse_url, f"ATTACH DATABASE '{attached}' AS evil")
        with pytest.raises(QueryRefused, match="readonly"):
            run_sql(warehouse_url, "PRAGMA user_version = 7")
        with pytest.raises(QueryRefused, match="attached databases"):
            run_sql(warehouse_url, f"VACUUM INTO '{attached}'")
    else:  # no ATTACH or PRAGMA; the session cannot be switched back to writing either
        with pytest.raises(QueryRefused, match="one statement"):
            run_sql(
                warehouse_url,
                "SET default_transaction_read_only = off; COMMIT; DELETE FROM figures",
            )
        with pytest.raises(QueryFailed):
            run_sql(warehouse_url, f"ATTACH DATABASE '{attached}' AS evil")
    assert not attached.exists()
    assert _snapshot(anlu) == before


def test_bound_parameters(anlu: Engine, warehouse_url: URL) -> None:
    table = run_sql(
        warehouse_url,
        "SELECT agency, total_items FROM rpt_proactive WHERE year = :year AND agency = :agency",
        parse_params(["year=2017", "agency=安陆市"]),
    )
    assert table.columns == ["agency", "total_items"]
    assert table.rows == [("安陆市", 8052)]
    assert table.note is None


def test_row_cap_says_when_it_cut(anlu: Engine, warehouse_url: URL) -> None:
    cut = run_sql(warehouse_url, "SELECT township FROM rpt_responsibility_lists", max_rows=3)
    assert len(cut.rows) == 3
    assert cut.note == "showing the first 3 rows; more were cut (--max-rows)"
    whole = run_sql(warehouse_url, "SELECT township FROM rpt_responsibility_lists", max_rows=15)
    assert (len(whole.rows), whole.note) == (15, None)


def test_timeout_stops_a_runaway_statement(anlu: Engine, warehouse_url: URL) -> None:
    endless = (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT COUNT(*) FROM n"
    )
    with pytest.raises(QueryTimeout, match=r"ran past 0\.5 s"):
        run_sql(warehouse_url, endless, timeout_s=0.5)


def test_cli_sql_csv_and_refusal(anlu: Engine, db_env: str) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "sql",
            "SELECT agency, year FROM rpt_reports WHERE year = :y",
            "--param",
            "y=2017",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8") == "\ufeffagency,year\r\n安陆市,2017\r\n"
    result = runner.invoke(main, ["sql", "DELETE FROM figures"])
    assert result.exit_code == 1
    assert "Error: the warehouse is read-only here" in result.output
    result = runner.invoke(main, ["sql", "SELECT 1 AS one", "--param", "bad"])
    assert "Error: parameter 'bad': expected name=value" in result.output
