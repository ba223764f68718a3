"""`ogi db ...` end to end through the click entry point."""

from __future__ import annotations

import gc
import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import URL

from etl.cli import COMMAND_MODULES, GC_YOUNG_THRESHOLD, command_module, main, program
from etl.db import (
    SQLITE_CHECKPOINT_PAGES,
    SQLITE_WAL_LIMIT_BYTES,
    create_warehouse_engine,
    head_revision,
)


def _url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def test_upgrade_current_check_tables(empty_url: URL) -> None:
    runner = CliRunner()
    db = ["--db", _url(empty_url)]

    result = runner.invoke(main, [*db, "db", "current"])
    assert result.exit_code == 0, result.output
    assert "empty (head is" in result.output

    result = runner.invoke(main, [*db, "db", "tables"])
    assert result.exit_code == 1
    assert "run 'ogi db upgrade'" in result.output

    result = runner.invoke(main, [*db, "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"empty -> {head_revision()}." in result.output

    result = runner.invoke(main, [*db, "db", "upgrade"])
    assert f"is already at {head_revision()}." in result.output

    result = runner.invoke(main, [*db, "db", "check"])
    assert result.exit_code == 0, result.output
    assert "no drift" in result.output

    result = runner.invoke(main, [*db, "db", "tables"])
    assert result.exit_code == 0, result.output
    assert "request_rows" in result.output


def test_default_database_is_data_warehouse_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OGI_DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "sqlite:///data/warehouse.db: empty ->" in result.output


def test_python_dash_m_etl_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "etl", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("ogi, version ")


def test_each_command_is_imported_from_the_module_the_map_names() -> None:
    for module in set(COMMAND_MODULES.values()):
        importlib.import_module(f"etl.cli.{module}")
    defined = {name: command.callback.__module__ for name, command in main.commands.items()}
    assert defined == {n: f"etl.cli.{m}" for n, m in COMMAND_MODULES.items()}


def test_ogi_imports_only_the_command_it_runs() -> None:
    """`ogi sql` need not import the generator, the template writer, `ogi load`'s modules or
    openpyxl (which imports numpy): each would add to every command's start-up."""
    code = (
        "import sys; from etl.cli import main; main(['sql', '--help'], standalone_mode=False);"
        " print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('etl', 'openpyxl'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(done.stdout.split())
    assert {"etl.cli.sql_commands", "etl.cli.output"} <= imported
    assert not imported & {"etl.cli.generate_commands", "etl.synthetic", "etl.templates"}
    assert not imported & {"etl.cli.load_commands", "etl.load", "etl.extract", "openpyxl"}


def test_a_command_on_the_warehouse_does_not_import_alembic(
    warehouse_url: URL, tmp_path: Path
) -> None:
    """Only `ogi db upgrade`, `downgrade` and `check` need Alembic: it imports Mako and
    Pygments' lexers, about a quarter of a second of every command's start-up."""
    rendered = warehouse_url.render_as_string(hide_password=False)
    code = (
        "import sys; from etl.cli import main;"
        f" main(['--db', {rendered!r}, 'load', {str(tmp_path)!r}], standalone_mode=False);"
        " print('imported:', *(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "run 1 succeeded" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "imported:"


def test_unsupported_database_is_a_clear_error() -> None:
    result = CliRunner().invoke(main, ["--db", "mysql://x@y/z", "db", "current"])
    assert result.exit_code == 1
    assert "Error: unsupported database 'mysql'" in result.output


def test_a_missing_sqlite_warehouse_is_not_created_by_reading_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "work"
    workdir.mkdir()
    spreadsheet = tmp_path / "anlu.xlsx"
    spreadsheet.write_bytes(b"not read: the warehouse check comes first")
    monkeypatch.chdir(workdir)
    monkeypatch.delenv("OGI_DATABASE_URL", raising=False)
    result = CliRunner().invoke(main, ["db", "tables"])
    assert result.exit_code == 1
    assert "is missing, not at" in result.output
    result = CliRunner().invoke(main, ["validate", str(spreadsheet)])
    assert "run 'ogi db upgrade', or pass --offline" in result.output
    assert list(workdir.iterdir()) == []


def test_a_sqlite_warehouse_is_opened_in_wal_mode_with_sparse_checkpoints(tmp_path: Path) -> None:
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    with engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "wal_autocheckpoint", "journal_size_limit")
        }
    engine.dispose()
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL
        "wal_autocheckpoint": SQLITE_CHECKPOINT_PAGES,
        "journal_size_limit": SQLITE_WAL_LIMIT_BYTES,
    }


def test_only_the_program_freezes_what_start_up_made(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[int] = []
    thresholds: list[tuple[int, ...]] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(gc, "set_threshold", lambda *found: thresholds.append(found))
    monkeypatch.setattr(sys, "argv", ["ogi", "--version"])
    with pytest.raises(SystemExit) as exited:
        program()
    assert (exited.value.code, frozen) == (0, [1])
    assert thresholds == [(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])]

    assert CliRunner().invoke(main, ["--version"]).exit_code == 0  # main in-process: no freeze
    assert frozen == [1]
    assert len(thresholds) == 1  # nor a threshold of its own


def test_the_program_imports_its_command_before_freezing(monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    import_module = importlib.import_module

    def spy(name: str) -> object:
        events.append(name)
        return import_module(name)

    monkeypatch.setattr(importlib, "import_module", spy)
    monkeypatch.setattr(gc, "freeze", lambda: events.append("freeze"))
    monkeypatch.setattr(sys, "argv", ["ogi", "--db", "load", "sql", "--help"])
    with pytest.raises(SystemExit):
        program()
    assert events[:2] == ["etl.cli.sql_commands", "freeze"]


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["load", "inbox"], "load_commands"),
        (["--db", "run", "--traceback", "runs", "show", "3"], "run_commands"),
        (["--db=x.db", "report", "annual"], "report_commands"),
        (["--version"], None),
        (["unknown"], None),
    ],
)
def test_the_command_is_the_first_word_that_is_not_an_option(
    args: list[str], module: str | None
) -> None:
    assert command_module(args) == module
