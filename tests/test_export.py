"""`ogi export parquet`: the current figures as Parquet, read back by DuckDB (#22)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from click.testing import CliRunner
from sqlalchemy import Engine, text

from etl.cli import main
from etl.export import export_parquet
from etl.reports.views import VIEW_COLUMNS
from etl.runs.commands import load_paths

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
SAMPLE_FILES = (
    "anlu-2017.xlsx",
    "synthetic-std2020-shilixian.xlsx",
    "synthetic-std2021-shilixian.xlsx",
)
COLUMNS = VIEW_COLUMNS["rpt_figures_long"]


def _view(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(f"SELECT {', '.join(COLUMNS)} FROM rpt_figures_long ORDER BY fact_table, fact_id")
        ).all()
    return [_plain(row) for row in rows]


def _plain(row: Any) -> tuple[Any, ...]:
    return tuple(
        Decimal(str(v)).quantize(Decimal("0.0001")) if name == "value" and v is not None else v
        for name, v in zip(COLUMNS, row, strict=True)
    )


def _parquet(directory: Path) -> list[tuple[Any, ...]]:
    columns = ", ".join(COLUMNS)
    rows = duckdb.sql(
        f"SELECT {columns} FROM read_parquet('{directory}/*/*.parquet', hive_partitioning = true)"
        " ORDER BY fact_table, fact_id"
    ).fetchall()
    return [_plain(row) for row in rows]


def test_the_export_holds_the_views_rows_exactly(engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [SAMPLES / name for name in SAMPLE_FILES])
    out = tmp_path / "figures"

    summary = export_parquet(engine, out)

    assert (summary.written, summary.unchanged, summary.removed) == ((2017, 2020, 2021), (), ())
    assert sorted(p.name for p in out.iterdir()) == [
        "_manifest.json", "year=2017", "year=2020", "year=2021",
    ]  # fmt: skip
    expected = _view(engine)
    assert summary.rows == len(expected) > 0
    assert _parquet(out) == expected
    total = duckdb.sql(
        f"SELECT value FROM read_parquet('{out}/*/*.parquet', hive_partitioning = true)"
        " WHERE measure_code = 'proactive.total' AND year = 2017"
    ).fetchall()
    assert total == [(Decimal("8052.0000"),)]


def test_an_export_writes_only_the_years_that_changed(engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [SAMPLES / "anlu-2017.xlsx", SAMPLES / SAMPLE_FILES[1]])
    out = tmp_path / "figures"
    export_parquet(engine, out)
    written_2017 = (out / "year=2017" / "figures.parquet").stat().st_mtime_ns

    again = export_parquet(engine, out)
    load_paths(engine, [SAMPLES / SAMPLE_FILES[2]])
    after_a_load = export_parquet(engine, out)

    assert (again.written, again.unchanged) == ((), (2017, 2020))
    assert (after_a_load.written, after_a_load.unchanged) == ((2021,), (2017, 2020))
    assert (out / "year=2017" / "figures.parquet").stat().st_mtime_ns == written_2017
    assert _parquet(out) == _view(engine)
    assert export_parquet(engine, out, full=True).written == (2017, 2020, 2021)


def test_ogi_export_parquet(db_env: str, engine: Engine, tmp_path: Path) -> None:
    load_paths(engine, [SAMPLES / "anlu-2017.xlsx"])
    out = tmp_path / "figures"

    result = CliRunner().invoke(main, ["export", "parquet", str(out), "--year", "2017"])

    assert result.exit_code == 0, result.output
    assert result.stderr == (
        f"{out}: {len(_view(engine))} figures written (years 2017); 0 year(s) unchanged, "
        "0 removed\n"
    )
    assert _parquet(out) == _view(engine)
