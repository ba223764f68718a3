"""The inbox of a scheduled run: its spreadsheets by content hash, and where they go after.

Files are known by the SHA-256 of their content, never by name or mtime; one query finds every
hash the warehouse already holds, so a run over an unchanged inbox reads each file once and
asks the database once. With `--archive`, files move to `processed/` and `rejected/` beside
the inbox (on the same file system, so each move is one atomic rename).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, select, update

from etl.lineage import FileOutcome
from etl.load import collect_files
from models.base import utc_now
from models.lineage import SourceFile

#: Hashes per query: well under SQLite's and PostgreSQL's limits on bound parameters.
HASH_BATCH = 500

#: Bytes read at a time while hashing, so a large file never sits whole in memory.
HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class InboxFile:
    """A spreadsheet in the inbox: where it is, relative to the inbox, and its content hash."""

    path: Path
    relative: Path
    sha256: str


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def scan_inbox(inbox: Path, *, settle_seconds: float = 0.0) -> tuple[list[InboxFile], list[Path]]:
    """The spreadsheets anywhere under `inbox` with their hashes, and those skipped because
    they changed in the last `settle_seconds` (probably still being copied in)."""
    files: list[InboxFile] = []
    young: list[Path] = []
    cutoff = time.time() - settle_seconds
    for path in collect_files([inbox]):
        if settle_seconds > 0 and path.stat().st_mtime > cutoff:
            young.append(path)
            continue
        files.append(InboxFile(path, path.relative_to(inbox), sha256_file(path)))
    return files, young


def known_statuses(connection: Connection, digests: Iterable[str]) -> dict[str, str]:
    """The status (`loaded`, `superseded`, `rejected`) of each hash the warehouse holds."""
    wanted = sorted(set(digests))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), HASH_BATCH):
        batch = wanted[start : start + HASH_BATCH]
        query = select(SourceFile.sha256, SourceFile.status).where(SourceFile.sha256.in_(batch))
        found.update((row.sha256, row.status) for row in connection.execute(query))
    return found


def touch_hashes(connection: Connection, digests: Iterable[str]) -> None:
    """Note that the files with these hashes were seen again (`last_seen_at`)."""
    wanted = sorted(set(digests))
    now = utc_now()
    for start in range(0, len(wanted), HASH_BATCH):
        batch = wanted[start : start + HASH_BATCH]
        connection.execute(
            update(SourceFile).where(SourceFile.sha256.in_(batch)).values(last_seen_at=now)
        )


def archive_dir(inbox: Path, outcome: FileOutcome) -> Path:
    """Where a file goes after a run: `processed/` (loaded or unchanged) or `rejected/` (the
    others), both beside the inbox."""
    name = "processed" if outcome in ("loaded", "unchanged") else "rejected"
    return inbox.resolve().parent / name


def archive_file(inbox: Path, item: InboxFile, outcome: FileOutcome) -> Path:
    """Move a file to its archive, keeping its path under the inbox; returns where it went.

    A different file already there under the same name is kept: the newcomer's name gets the
    first 8 hex digits of its hash (`anlu-2017.1a2b3c4d.xlsx`).
    """
    target = archive_dir(inbox, outcome) / item.relative
    if target.exists() and sha256_file(target) != item.sha256:
        target = target.with_name(f"{target.stem}.{item.sha256[:8]}{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(item.path, target)
    return target
