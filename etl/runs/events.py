"""The events of a run, for the log: one `RunEvent` per thing that happened.

`ogi run` prints them as lines for a person, or with `--log-format json` as one JSON object per
line for a log collector (`{"ts": "...", "event": "file_loaded", "run_id": 7, ...}`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from models.base import utc_now

#: Event names, in the order a run meets them.
EVENTS = (
    "lock_wait",  # another run holds the lock; this one waits (--wait)
    "lock_held",  # another run holds the lock; this one exits (status 3)
    "run_started",
    "run_abandoned",  # a run left 'running' by a dead process, marked abandoned
    "files_found",  # how many files the run will take (`count`), skipped ones aside
    "file_loaded",
    "file_unchanged",
    "file_rejected",
    "file_failed",  # reading or loading the file broke off; the other files go on
    "file_skipped",  # still being written (younger than --settle seconds); next run
    "file_archived",
    "archive_failed",
    "retry",  # a transient database error; the work is tried again after a delay
    "run_finished",
    "run_failed",
)


@dataclass(frozen=True, slots=True)
class RunEvent:
    """Something that happened in a run: its name, when, and its details."""

    event: str
    fields: dict[str, Any] = field(default_factory=dict)
    at: datetime = field(default_factory=utc_now)

    def to_json(self) -> str:
        """One line of JSON: `ts` (ISO 8601, UTC), `event`, then the details."""
        record = {"ts": self.at.isoformat(timespec="milliseconds"), "event": self.event}
        record.update(self.fields)
        return json.dumps(record, ensure_ascii=False, default=str)


#: Receives each event as it happens.
EventSink = Callable[[RunEvent], None]


def discard(_event: RunEvent) -> None:
    """An event sink that keeps nothing (the library's default)."""
