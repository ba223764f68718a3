"""A real `ogi run` killed with SIGKILL in the middle of a file's transaction, on both backends.

The loader's fault point (etl/faults.py) kills the subprocess after the second fact-table insert
of b.xlsx, after a.xlsx has committed: the warehouse must hold all of a.xlsx and nothing of
b.xlsx, the lock must be free, and the next run must load b.xlsx and mark the dead run abandoned.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

from inbox_files import FIGURES_PER_FILE, synthetic_report
from sqlalchemy import Engine, text
from sqlalchemy.engine import URL

from etl.faults import KILL_AT_ENV
from etl.runs.commands import run_inbox

FACT_TABLES = (
    "figures", "proactive_publisher_counts", "proactive_channel_figures",
    "proactive_category_counts", "responsibility_list_items", "relief_recipient_counts",
    "relief_policy_counts", "request_counts", "review_litigation_counts",
    "proactive_table_figures",
)  # fmt: skip


def rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


def facts(engine: Engine) -> int:
    return sum(rows(engine, f"SELECT count(*) FROM {name}")[0][0] for name in FACT_TABLES)


def test_a_run_killed_mid_file_leaves_none_of_that_file_and_the_next_run_finishes(
    engine: Engine, warehouse_url: URL, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    synthetic_report(inbox / "a.xlsx", "甲县")
    synthetic_report(inbox / "b.xlsx", "乙县")
    env = {
        **os.environ,
        "OGI_DATABASE_URL": warehouse_url.render_as_string(hide_password=False),
        KILL_AT_ENV: "fact_insert:b.xlsx#2",
    }
    command = [sys.executable, "-m", "etl", "run", "--inbox", str(inbox), "--settle", "0"]
    command += ["--archive", "--log-format", "json"]
    killed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    events = [json.loads(line) for line in killed.stdout.splitlines()]
    assert [e["event"] for e in events] == [
        "run_started",
        "files_found",
        "file_loaded",
        "file_archived",
    ]
    pid = events[0]["pid"]
    assert rows(engine, "SELECT run_id, status, pid FROM etl_runs") == [(1, "running", pid)]
    assert rows(engine, "SELECT file_name, status FROM source_files") == [("a.xlsx", "loaded")]
    assert rows(engine, "SELECT count(*) FROM reports") == [(1,)]
    assert rows(engine, "SELECT name FROM agencies WHERE name LIKE '%乙县%'") == []
    assert facts(engine) == FIGURES_PER_FILE
    assert sorted(p.name for p in inbox.iterdir()) == ["b.xlsx"]

    summary = run_inbox(engine, inbox, archive=True)  # takes the lock the dead run held

    assert (summary.run_id, summary.status, summary.loaded, summary.abandoned) == (
        2,
        "succeeded",
        1,
        (1,),
    )
    assert facts(engine) == 2 * FIGURES_PER_FILE
    ((status, loaded, figures, error),) = rows(
        engine,
        "SELECT status, files_loaded, figures_written, error FROM etl_runs WHERE run_id = 1",
    )
    assert (status, loaded, figures) == ("abandoned", 1, FIGURES_PER_FILE)
    assert error.startswith(
        f"abandoned: process {pid} on {socket.gethostname()} ended without "
        "finishing the run (killed, or its machine stopped); found by run 2 at "
    )
    assert sorted(p.name for p in (tmp_path / "processed").iterdir()) == ["a.xlsx", "b.xlsx"]
