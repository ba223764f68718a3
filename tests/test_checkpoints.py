"""Checkpoints of the SQLite WAL in a thread while a load writes (`etl.runs.checkpoints`)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any, ClassVar

import pytest
from sqlalchemy import URL, Engine

import etl.runs.run
from etl.db import create_warehouse_engine
from etl.runs.checkpoints import BackgroundCheckpoints
from etl.runs.commands import load_paths, run_inbox
from etl.synthetic import generate


def _figures_in_file_alone(database: str, tmp_path: Path) -> int:
    """Figures in the database file itself: a copy without its WAL holds only what was
    checkpointed."""
    alone = tmp_path / "without-wal.db"
    shutil.copyfile(database, alone)
    with closing(sqlite3.connect(alone)) as connection:
        found: int = connection.execute("SELECT count(*) FROM figures").fetchone()[0]
    return found


def _checkpointer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "ogi-checkpoints"]


def test_written_files_are_checkpointed_by_the_thread(
    engine: Engine, backend: str, tmp_path: Path
) -> None:
    generate(tmp_path / "in", bodies=2, years=(2016,))
    assert load_paths(engine, [tmp_path / "in"]).loaded == 2  # the figures, in the WAL only
    if backend != "sqlite":
        with BackgroundCheckpoints(engine, every=1) as checkpoints:
            checkpoints.written()
            assert not _checkpointer_threads()  # PostgreSQL has no WAL of ours to copy
        assert checkpoints.done == []
        return
    database = engine.url.database
    assert database is not None
    assert _figures_in_file_alone(database, tmp_path) == 0
    with BackgroundCheckpoints(engine, every=2) as checkpoints:
        checkpoints.written()
        assert not _checkpointer_threads()  # not before the first checkpoint is due
        checkpoints.written()
        deadline = time.monotonic() + 30
        while not checkpoints.done and time.monotonic() < deadline:
            time.sleep(0.01)
    assert checkpoints.error is None
    busy, pages, copied = checkpoints.done[0]
    assert (busy, copied) == (0, pages) and pages > 0
    with engine.connect() as connection:  # through the WAL
        figures = connection.exec_driver_sql("SELECT count(*) FROM figures").scalar_one()
    assert _figures_in_file_alone(database, tmp_path) == figures > 0
    assert not _checkpointer_threads()  # leaving the block ends the thread


def test_a_failed_checkpoint_is_recorded_and_ends_nothing_but_the_thread(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "no such directory" / "warehouse.db"
    engine = create_warehouse_engine(URL.create("sqlite", database=str(missing)))
    with BackgroundCheckpoints(engine, every=1) as checkpoints:
        checkpoints.written()
    assert isinstance(checkpoints.error, sqlite3.Error)
    checkpoints.written()  # after an error: nothing more is tried
    assert checkpoints.done == [] and not _checkpointer_threads()


class _Counting(BackgroundCheckpoints):
    made: ClassVar[list[_Counting]] = []

    def __init__(self, engine: Engine, every: int | None = None) -> None:
        super().__init__(engine, every)
        self.files = 0
        self.left = False
        _Counting.made.append(self)

    def written(self) -> None:
        self.files += 1
        super().written()

    def __exit__(self, *exc: Any) -> None:
        self.left = True
        super().__exit__(*exc)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_load_asks_for_a_checkpoint_per_file_it_writes(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    generate(tmp_path / "in", bodies=3, years=(2016,))
    monkeypatch.setattr(etl.runs.run, "BackgroundCheckpoints", _Counting)
    _Counting.made.clear()
    first = load_paths(engine, [tmp_path / "in"], jobs=jobs)
    again = load_paths(engine, [tmp_path / "in"], jobs=jobs)  # unchanged: nothing written
    assert (first.loaded, again.unchanged) == (3, 3)
    assert [(c.files, c.left) for c in _Counting.made] == [(3, True), (0, True)]


def test_a_scheduled_run_asks_for_a_checkpoint_per_file_it_writes(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(tmp_path / "in", bodies=3, years=(2016,))
    monkeypatch.setattr(etl.runs.run, "BackgroundCheckpoints", _Counting)
    _Counting.made.clear()
    first = run_inbox(engine, tmp_path / "in")
    again = run_inbox(engine, tmp_path / "in")
    assert (first.loaded, again.unchanged) == (3, 3)
    assert [(c.files, c.left) for c in _Counting.made] == [(3, True), (0, True)]
