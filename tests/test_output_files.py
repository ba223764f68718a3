"""`-o FILE` never writes over the warehouse or another database, and never leaves half a file
(`etl.output_files`, `etl.cli.output.OutputFile`): for every command that takes `-o`."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from etl.cli import main
from etl.errors import ExitCode, OutputRefused
from etl.output_files import check_output_file, write_output_file

#: Every command with `-o FILE`, with arguments that get it as far as writing.
COMMANDS = {
    "sql": ["sql", "SELECT 1 AS one"],
    "report": ["report", "proactive"],
    "compare": ["compare", "--measure", "proactive.total"],
    "show": ["show", "--agency", "安陆市", "--year", "2017"],
    "validate": ["validate", "{inbox}"],
    "runs": ["runs"],
    "runs show": ["runs", "show", "1"],
    "rules": ["rules"],
    "db tables": ["db", "tables"],
    "template": ["template", "--regime", "pre2019"],
}


@pytest.fixture
def warehouse(sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite warehouse at head, its WAL, shared-memory and journal files beside it, and
    `OGI_DATABASE_URL` naming it; the working folder is the test's."""
    path = tmp_path / "data" / "warehouse.db"
    path.parent.mkdir()
    shutil.copyfile(sqlite_template, path)
    for suffix in ("-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).write_bytes(b"\x00" * 64)
    (tmp_path / "inbox").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OGI_DATABASE_URL", str(path))
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _args(command: str, tmp_path: Path) -> list[str]:
    return [arg.format(inbox=tmp_path / "inbox") for arg in COMMANDS[command]]


@pytest.mark.parametrize("target", ["", "-wal", "-shm", "-journal"])
@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_writes_over_the_warehouse(
    warehouse: Path, tmp_path: Path, command: str, target: str
) -> None:
    path = warehouse.with_name(warehouse.name + target)
    before = _digest(path)
    given = os.path.relpath(path, tmp_path)  # as typed: data/warehouse.db
    result = CliRunner().invoke(main, [*_args(command, tmp_path), "-o", given])
    assert result.exit_code == ExitCode.FAILED, result.output
    what = "the warehouse" + (f"'s {target[1:]} file" if target else "")
    assert result.output == (
        f"Error: {given} is {what}; writing there would destroy it: choose another file "
        "(or pass --force if you mean it)\n"
    )
    assert _digest(path) == before


@pytest.mark.parametrize("command", COMMANDS)
def test_no_command_writes_over_another_database(
    warehouse: Path, tmp_path: Path, command: str
) -> None:
    other = tmp_path / "report.csv"  # a database, whatever its name says
    shutil.copyfile(warehouse, other)
    result = CliRunner().invoke(main, [*_args(command, tmp_path), "-o", str(other)])
    assert result.exit_code == ExitCode.FAILED
    assert f"Error: {other} is a SQLite database; writing there would destroy it" in result.output
    assert other.read_bytes() == warehouse.read_bytes()


@pytest.mark.parametrize("force_first", [True, False])
def test_force_writes_over_a_database(warehouse: Path, tmp_path: Path, force_first: bool) -> None:
    other = tmp_path / "old.db"
    shutil.copyfile(warehouse, other)
    force, output = ["--force"], ["-o", str(other)]
    options = [*force, *output] if force_first else [*output, *force]
    result = CliRunner().invoke(main, ["sql", "SELECT 1 AS one", "--format", "csv", *options])
    assert result.exit_code == 0, result.output
    assert other.read_bytes() == "\ufeffone\r\n1\r\n".encode()


def test_the_side_files_of_any_database_are_refused(tmp_path: Path, sqlite_template: Path) -> None:
    database = tmp_path / "elsewhere.db"
    shutil.copyfile(sqlite_template, database)
    wal = tmp_path / "elsewhere.db-wal"
    with pytest.raises(OutputRefused, match=r"the wal file of the SQLite database elsewhere\.db"):
        check_output_file(wal)
    journal = tmp_path / "old-journal"
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + b"\x00" * 20)
    with pytest.raises(OutputRefused, match="a SQLite database's journal"):
        check_output_file(journal)
    check_output_file(tmp_path / "new.csv")
    check_output_file(tmp_path / "x-wal")  # no database x beside it


def test_a_failed_write_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "export.csv"
    path.write_text("the export before\n", encoding="utf-8")

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OutputRefused, match=r"cannot write .*export\.csv: No space left on device"):
        write_output_file(path, "the export after\n")
    assert path.read_text(encoding="utf-8") == "the export before\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_written_file_has_the_mode_of_a_new_file(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        write_output_file(tmp_path / "new.json", "[]\n")
    finally:
        os.umask(mask)
    assert ((tmp_path / "new.json").stat().st_mode & 0o777) == 0o644
    assert (tmp_path / "new.json").read_text(encoding="utf-8") == "[]\n"


def test_a_missing_folder_is_an_error_not_a_traceback(warehouse: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["rules", "-o", "no/such/folder/rules.csv"])
    assert (result.exit_code, result.output) == (
        ExitCode.FAILED,
        "Error: cannot write no/such/folder/rules.csv: No such file or directory\n",
    )
