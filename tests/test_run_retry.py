"""Transient database errors: a PostgreSQL backend terminated mid-file is retried, boundedly.

The loader's connection is made to wait on a table lock held by the test, then terminated with
`pg_terminate_backend`, as a server restart would end it. The file must load whole on the
retry; when every attempt is terminated, the run must fail cleanly with its error recorded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from inbox_files import synthetic_report
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from etl.errors import DatabaseUnavailable, RunFailed, TransientErrorsExhausted
from etl.runs.commands import run_inbox
from etl.runs.events import RunEvent
from etl.runs.retry import RetryPolicy, is_transient, with_retries

FAST = RetryPolicy(attempts=3, first_delay=0.05)


def rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text(sql))]


@pytest.fixture
def pg_engine(backend: str, engine: Engine) -> Engine:
    if backend != "postgresql":
        pytest.skip("terminating a backend is PostgreSQL's")
    return engine


@contextmanager
def figures_locked(url: URL) -> Iterator[Connection]:
    """Hold a lock on `figures` that makes every writer wait (readers go on); yields a
    connection outside that transaction, for watching (pg_stat_activity is a snapshot per
    transaction, so it must not be read inside one)."""
    locker = create_engine(url)
    with locker.connect() as holder, locker.connect() as watcher:
        holder.execute(text("LOCK TABLE figures IN EXCLUSIVE MODE"))
        yield watcher.execution_options(isolation_level="AUTOCOMMIT")
        holder.rollback()
    locker.dispose()


def terminate_waiting_writers(connection: Connection, url: URL) -> int:
    """End every backend of the database that waits on a lock (the loader, mid-file)."""
    return int(
        connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = :db AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            ),
            {"db": url.database},
        ).scalar_one()
    )


def wait_for_a_waiting_writer(connection: Connection, url: URL) -> None:
    for _ in range(300):
        waiting = connection.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :db"
                " AND wait_event_type = 'Lock'"
            ),
            {"db": url.database},
        ).scalar_one()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the loader never waited on the lock")


def test_a_backend_terminated_mid_file_is_retried_and_the_file_loads_whole(
    pg_engine: Engine, warehouse_url: URL, tmp_path: Path
) -> None:
    synthetic_report(tmp_path / "inbox" / "a.xlsx", "甲县")
    events: list[RunEvent] = []
    result: list[Any] = []
    with figures_locked(warehouse_url) as locker:
        worker = threading.Thread(
            target=lambda: result.append(
                run_inbox(pg_engine, tmp_path / "inbox", retry=FAST, on_event=events.append)
            )
        )
        worker.start()
        wait_for_a_waiting_writer(locker, warehouse_url)
        assert terminate_waiting_writers(locker, warehouse_url) == 1
    worker.join(60)

    (summary,) = result
    assert (summary.status, summary.loaded, summary.figures_written) == ("succeeded", 1, 58)
    retries = [e.fields for e in events if e.event == "retry"]
    assert [(r["what"], r["attempt"]) for r in retries] == [
        (f"loading {tmp_path / 'inbox' / 'a.xlsx'}", 1)
    ]
    assert "server closed the connection unexpectedly" in retries[0]["error"]
    assert rows(pg_engine, "SELECT count(*), count(DISTINCT sha256) FROM source_files") == [(1, 1)]
    assert rows(pg_engine, "SELECT count(*) FROM reports") == [(1,)]


def test_after_the_last_retry_the_run_fails_cleanly(
    pg_engine: Engine, warehouse_url: URL, tmp_path: Path
) -> None:
    synthetic_report(tmp_path / "inbox" / "a.xlsx", "甲县")
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            run_inbox(pg_engine, tmp_path / "inbox", retry=FAST)
        except RunFailed as exc:
            failure.append(exc)
        finally:
            stop.set()

    with figures_locked(warehouse_url) as locker:
        worker = threading.Thread(target=run)
        worker.start()
        while not stop.wait(0.05):
            terminate_waiting_writers(locker, warehouse_url)
    worker.join(60)

    (exc,) = failure
    assert str(exc).startswith(
        f"run 1 failed: loading {tmp_path / 'inbox' / 'a.xlsx'}: the database kept failing "
        "after 3 attempts: "
    )
    ((status, error),) = rows(pg_engine, "SELECT status, error FROM etl_runs")
    assert status == "failed"
    assert error.startswith("TransientErrorsExhausted: loading ")
    assert rows(pg_engine, "SELECT count(*) FROM source_files") == [(0,)]
    assert rows(pg_engine, "SELECT count(*) FROM reports") == [(0,)]


def test_only_connection_level_errors_are_transient() -> None:
    lost = OperationalError("SELECT 1", {}, Exception("server closed the connection"))
    lost.connection_invalidated = True
    refused = OperationalError("SELECT 1", {}, Exception("database is locked"))
    assert [is_transient(e) for e in (lost, refused, DatabaseUnavailable("down"))] == [
        True,
        False,
        True,
    ]
    assert [RetryPolicy().delay(n) for n in (1, 2, 3, 4, 5, 6, 7)] == [1, 2, 4, 8, 16, 30, 30]

    attempts: list[int] = []

    def always_lost() -> None:
        attempts.append(len(attempts) + 1)
        raise lost

    expected = r"^saving: the database kept failing after 3 attempts"
    with pytest.raises(TransientErrorsExhausted, match=expected):
        with_retries(always_lost, RetryPolicy(attempts=3, first_delay=0), what="saving")
    assert attempts == [1, 2, 3]
