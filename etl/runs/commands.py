"""The commands that write, as library calls: `load_paths` (`ogi load`), `run_inbox`
(`ogi run --inbox`) and `reprocess` (`ogi run --reprocess`).

Each is one `execute`: a file source, and the `RunOptions` that say how the command differs
from the others (docs/operator.md has them side by side). Each file loads in one
transaction, so a run killed at any moment leaves every file loaded whole or not at all, and
the next run loads the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from etl.reports.named import YearRange
from etl.runs.events import EventSink, discard
from etl.runs.pipeline import load_files
from etl.runs.retry import RetryPolicy
from etl.runs.run import RunOptions, RunSummary, started
from etl.runs.sources import FileSource, InboxSource, StoredSource

#: Five tries over about 15 seconds: enough for PostgreSQL to restart.
DEFAULT_RETRY = RetryPolicy()

#: `ogi load`: a person is watching. Every file is listed in the run's history, unchanged
#: ones too; a file that breaks the reader stops the run (a bug to see at once); a lost
#: database ends the run.
LOAD = RunOptions(trigger="load")

#: `ogi run --inbox`: unattended. Unchanged files are counted, not listed; a broken file is
#: recorded `failed` and the run goes on; database steps are retried; a run that finds the
#: lock held exits at once (status 3: the next scheduled run comes soon enough).
INBOX = RunOptions(
    trigger="run",
    record_unchanged=False,
    on_broken_file="record",
    retry=DEFAULT_RETRY,
    wait=False,
)

#: `ogi run --reprocess`: as the inbox, but every stored file is read and loaded again.
REPROCESS = replace(INBOX, trigger="reprocess", reload=True)


def execute(
    engine: Engine, source: FileSource, options: RunOptions, *, on_event: EventSink = discard
) -> RunSummary:
    """Load the files of `source` as one run with `options`; its summary.

    Raises `LockHeld` when another run holds the lock (unless `options.wait`), `RunFailed`
    when the run breaks off for the database or the lock; the files done before stay loaded.
    """
    with started(engine, options, on_event) as run:
        load_files(run, source)
        return run.finish(source.skipped)


def load_paths(
    engine: Engine,
    paths: Sequence[Path],
    *,
    options: RunOptions = LOAD,
    on_event: EventSink = discard,
    **changes: Any,
) -> RunSummary:
    """Load files, and the spreadsheets anywhere under directories, in order. `changes` are
    fields of `options` to change (`jobs=2`)."""
    return execute(engine, FileSource(paths), replace(options, **changes), on_event=on_event)


def run_inbox(
    engine: Engine,
    inbox: Path,
    *,
    archive: bool = False,
    settle_seconds: float = 0.0,
    options: RunOptions = INBOX,
    on_event: EventSink = discard,
    **changes: Any,
) -> RunSummary:
    """Load the spreadsheets under `inbox` whose content is new (or was only ever rejected:
    the rules may have changed). With `archive`, each file then moves to `processed/` or
    `rejected/` beside the inbox; files changed in the last `settle_seconds` are left for the
    next run."""
    source = InboxSource(inbox, settle_seconds=settle_seconds, archive=archive)
    return execute(engine, source, replace(options, **changes), on_event=on_event)


def reprocess(
    engine: Engine,
    years: YearRange,
    *,
    options: RunOptions = REPROCESS,
    on_event: EventSink = discard,
    **changes: Any,
) -> RunSummary:
    """Reload the stored files whose report year is in `years` (inclusive), as one run: each
    good file becomes the next version of its reports; a file that now has errors is recorded
    rejected and its figures stay."""
    return execute(engine, StoredSource(years), replace(options, **changes), on_event=on_event)
