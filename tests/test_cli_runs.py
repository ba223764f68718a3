"""`ogi run`, `ogi runs` and `ogi load` under the lock, through the click entry point."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from inbox_files import FIGURES_PER_FILE, broken_report, synthetic_report
from sqlalchemy import create_engine, text

from etl.cli import main

HOLDER = """
import sys, time
from etl.db import create_warehouse_engine
from etl.runs.locking import etl_lock
with etl_lock(create_warehouse_engine(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COLUMNS", "400")  # rich tables unwrapped
    return CliRunner()


@pytest.fixture
def lock_holder(db_env: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the ETL lock, as a long run would."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, db_env], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    yield holder
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()


def run_count(db_env: str) -> int:
    engine = create_engine(db_env)
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT count(*) FROM etl_runs")).scalar_one())
    engine.dispose()
    return count


def test_run_logs_json_events_and_exits_2_when_a_file_is_rejected(
    db_env: str, runner: CliRunner, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    broken_report(inbox / "d.xlsx", "丁县")

    args = ["run", "--inbox", str(inbox), "--settle", "0", "--archive", "--log-format", "json"]
    result = runner.invoke(main, args)

    assert result.exit_code == 2, result.output
    events = [json.loads(line) for line in result.output.splitlines()]
    assert [e["event"] for e in events] == [
        "run_started", "files_found", "file_loaded", "file_archived", "file_rejected",
        "file_archived", "run_finished",
    ]  # fmt: skip
    assert all(e["ts"].endswith("+00:00") and e["run_id"] == 1 for e in events)
    assert {k: events[4][k] for k in ("path", "errors", "warnings", "findings")} == {
        "path": str(inbox / "d.xlsx"),
        "errors": 1,
        "warnings": 0,
        "findings": 1,
    }
    finished = {k: v for k, v in events[-1].items() if k != "ts"}
    assert finished == {
        "event": "run_finished",
        "run_id": 1,
        "status": "partial",
        "files_seen": 2,
        "files_loaded": 1,
        "files_unchanged": 0,
        "files_rejected": 1,
        "files_skipped": 0,
        "figures_written": FIGURES_PER_FILE,
        "warnings": 0,
        "exit_code": 2,
    }

    listed = runner.invoke(main, ["runs", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    (row,) = json.loads(listed.output)
    assert (row["run_id"], row["trigger"], row["status"], row["files_rejected"]) == (
        1,
        "run",
        "partial",
        1,
    )
    shown = runner.invoke(main, ["runs", "show", "1", "--format", "json"])
    files = json.loads(shown.output)["files"]
    assert [(Path(f["path"]).name, f["outcome"], len(f["findings"])) for f in files] == [
        ("a.xlsx", "loaded", 0),
        ("d.xlsx", "rejected", 1),
    ]
    assert files[1]["findings"][0]["cell"] == "C4"


def test_run_in_human_format_and_runs_as_tables(
    db_env: str, runner: CliRunner, tmp_path: Path
) -> None:
    synthetic_report(tmp_path / "inbox" / "a.xlsx", "甲县")

    result = runner.invoke(main, ["run", "--inbox", str(tmp_path / "inbox"), "--settle", "0"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"loaded     {tmp_path / 'inbox' / 'a.xlsx'}: 58 figures, 0 warning(s)",
        "run 1 succeeded: 1 loaded, 0 unchanged, 0 rejected; 58 figures written, 0 warning(s)",
    ]
    listed = runner.invoke(main, ["runs", "--last", "1"])
    assert "│ 1      │ run     │ succeeded │" in listed.output
    shown = runner.invoke(main, ["runs", "show", "1"])
    record = [line.split() for line in shown.output.splitlines()[1:15]]  # after "run 1"
    varying = ("started_at", "finished_at", "pid", "hostname", "command")
    assert [r for r in record if r[0] not in varying] == [
        ["run_id", "1"],
        ["trigger", "run"],
        ["status", "succeeded"],
        ["files_seen", "1"],
        ["files_loaded", "1"],
        ["files_unchanged", "0"],
        ["files_rejected", "0"],
        ["figures_written", "58"],
        ["error"],
    ]
    missing = runner.invoke(main, ["runs", "show", "9"])
    assert (missing.exit_code, missing.output) == (
        1,
        "Error: no run 9; `ogi runs` lists the runs\n",
    )


def test_run_exits_3_when_another_run_holds_the_lock(
    db_env: str, runner: CliRunner, tmp_path: Path, lock_holder: subprocess.Popen[str]
) -> None:
    synthetic_report(tmp_path / "inbox" / "a.xlsx", "甲县")
    args = ["run", "--inbox", str(tmp_path / "inbox"), "--settle", "0"]

    human = runner.invoke(main, args)
    logged = runner.invoke(main, [*args, "--log-format", "json"])

    assert human.exit_code == 3
    assert human.output.startswith("Error: another ETL run is writing to ")
    assert logged.exit_code == 3
    (event,) = [json.loads(line) for line in logged.output.splitlines()]
    assert event["event"] == "lock_held"
    assert run_count(db_env) == 0  # nothing was done


def test_load_waits_for_the_lock_unless_told_not_to(
    db_env: str, runner: CliRunner, tmp_path: Path, lock_holder: subprocess.Popen[str]
) -> None:
    path = synthetic_report(tmp_path / "a.xlsx", "甲县")

    refused = runner.invoke(main, ["load", "--no-wait", str(path)])
    assert refused.exit_code == 3
    assert refused.output.startswith("Error: another ETL run is writing to ")

    waiting = subprocess.Popen(
        [sys.executable, "-m", "etl", "load", str(path)],
        env={**os.environ, "OGI_DATABASE_URL": db_env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert waiting.stderr is not None
    assert waiting.stderr.readline() == "waiting for another ETL run to finish ...\n"
    assert waiting.poll() is None and run_count(db_env) == 0
    os.kill(lock_holder.pid, signal.SIGKILL)
    out, _ = waiting.communicate(timeout=60)
    assert (waiting.returncode, out) == (
        0,
        "run 1 succeeded: 1 loaded, 0 unchanged, 0 rejected; 58 figures written, 0 warning(s)\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give either --inbox DIR or --reprocess --year YEARS"),
        (["--inbox", "x", "--reprocess", "--year", "2017"], "give either --inbox DIR"),
        (["--reprocess"], "--reprocess needs --year, e.g. --year 2016-2018"),
    ],
)
def test_run_needs_an_inbox_or_a_backfill(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, ["run", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_reprocess_from_the_command_line(db_env: str, runner: CliRunner, tmp_path: Path) -> None:
    synthetic_report(tmp_path / "inbox" / "a-2016.xlsx", "甲县", year=2016)
    synthetic_report(tmp_path / "inbox" / "a-2017.xlsx", "甲县", year=2017)
    assert (
        runner.invoke(main, ["run", "--inbox", str(tmp_path / "inbox"), "--settle", "0"]).exit_code
        == 0
    )

    result = runner.invoke(main, ["run", "--reprocess", "--years", "2017"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "run 2 succeeded: 1 loaded, 0 unchanged, 0 rejected; 58 figures written, 0 warning(s)"
    )
    bad = runner.invoke(main, ["run", "--reprocess", "--years", "17"])
    assert bad.exit_code == 1
    assert "expected a year (2017) or a range (2016-2018)" in bad.output


@pytest.mark.parametrize("unit", ["crontab", "ogi-run.service"])
def test_the_deploy_files_call_ogi_run_with_options_it_has(unit: str) -> None:
    deploy = Path(__file__).resolve().parent.parent / "deploy" / unit
    (line,) = [
        line for line in deploy.read_text(encoding="utf-8").splitlines()
        if "ogi run " in line and not line.startswith("#")
    ]  # fmt: skip
    words = line.split("ogi run ", 1)[1].split(">>")[0].split()
    run = main.get_command(click.Context(main), "run")
    assert run is not None
    known = {opt for param in run.params for opt in param.opts}
    assert [w for w in words if w.startswith("--") and w not in known] == []
    assert {"--inbox", "--archive", "--log-format"} <= set(words)
