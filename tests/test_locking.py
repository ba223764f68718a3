"""The ETL lock excludes a second writer, and dies with its holder (even by SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from etl.errors import LockHeld
from etl.runs.locking import etl_lock

HOLDER = """
import sys, time
from etl.db import create_warehouse_engine
from etl.runs.locking import etl_lock
with etl_lock(create_warehouse_engine(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def _hold_in_subprocess(url: URL) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url.render_as_string(hide_password=False)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_second_writer_is_refused_then_admitted_after_sigkill(
    engine: Engine, warehouse_url: URL
) -> None:
    holder = _hold_in_subprocess(warehouse_url)
    try:
        with pytest.raises(LockHeld, match="another ETL run is writing to"), etl_lock(engine):
            pass
        with pytest.raises(LockHeld), etl_lock(engine, wait=True, timeout=0.5):
            pass
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
    with etl_lock(engine, wait=True, timeout=10):
        pass


def test_waiting_writer_gets_the_lock_only_once_the_holder_has_ended(
    engine: Engine, warehouse_url: URL
) -> None:
    holder = _hold_in_subprocess(warehouse_url)
    killer = threading.Timer(0.5, lambda: os.kill(holder.pid, signal.SIGTERM))
    killer.start()
    try:
        with etl_lock(engine, wait=True, timeout=20):
            holder.wait(timeout=5)  # the holder's lock is gone only with the holder
            assert holder.returncode == -signal.SIGTERM
    finally:
        killer.cancel()
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_lock_is_reentrant_across_sequential_runs(engine: Engine) -> None:
    with etl_lock(engine):
        pass
    with etl_lock(engine):
        pass
