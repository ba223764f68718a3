"""SQLite checkpoints in a thread of their own while a load writes.

A checkpoint copies the WAL back into the database file and syncs the disk. In SQLite's
automatic checkpoint it happens inside a commit, every `etl.db.SQLITE_CHECKPOINT_PAGES` pages
(a few hundred files), and the load stops while it runs, mostly waiting for the disk: about
half of all the time a load spent in its commits (CHANGELOG.md has the measurements).

`BackgroundCheckpoints` runs a PASSIVE checkpoint (which never waits for, or blocks, the
writer or readers) in a thread every `CHECKPOINT_EVERY_FILES` files written, on a connection
of its own. SQLite works without Python's lock, so the load goes on meanwhile. The automatic
checkpoint stays as it was, as a backstop: when it comes, the thread has copied all but the
last few files, and the WAL starts again from its beginning as before.
"""

from __future__ import annotations

import sqlite3
import threading
from types import TracebackType

from sqlalchemy import Engine

#: Files written between two background checkpoints: about a third of the automatic
#: checkpoint's interval for the synthetic workbooks.
CHECKPOINT_EVERY_FILES = 100


class BackgroundCheckpoints:
    """Checkpoints of a SQLite warehouse's WAL in a thread while a load writes; nothing
    elsewhere (PostgreSQL, an in-memory SQLite database).

    Call `written` after each file the load commits. The thread starts at the first
    checkpoint: by then a `--jobs` load has started its worker processes, which are forked
    and must not inherit a running thread. Leaving the block waits for a checkpoint under
    way and starts no new one. A checkpoint that fails is recorded (`error`) and ends the
    thread, never the load: the automatic checkpoint still runs.
    """

    def __init__(self, engine: Engine, every: int | None = None) -> None:
        url = engine.url
        database = url.database if url.get_backend_name() == "sqlite" else None
        self._database = None if database in (None, "", ":memory:") else database
        self._uri = str(url.query.get("uri", "")).lower() in ("true", "1")
        self._every = every or CHECKPOINT_EVERY_FILES
        self._since = 0
        self._wanted = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None
        #: What each checkpoint returned: (busy, pages in the WAL, pages checkpointed).
        self.done: list[tuple[int, int, int]] = []
        self.error: sqlite3.Error | None = None

    def __enter__(self) -> BackgroundCheckpoints:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._stopping = True
        self._wanted.set()
        if self._thread is not None:
            self._thread.join()

    def written(self) -> None:
        """A file's transaction was committed: a checkpoint every `every` of them."""
        if self._database is None or self.error is not None:
            return
        self._since += 1
        if self._since < self._every:
            return
        self._since = 0
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ogi-checkpoints", daemon=True)
            self._thread.start()
        self._wanted.set()

    def _run(self) -> None:
        assert self._database is not None
        try:
            connection = sqlite3.connect(self._database, uri=self._uri, isolation_level=None)
        except sqlite3.Error as exc:
            self.error = exc
            return
        try:
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stopping:
                    return
                found = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                self.done.append(tuple(found))
        except sqlite3.Error as exc:
            self.error = exc
        finally:
            connection.close()
