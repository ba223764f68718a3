"""Where a run's files come from: paths given, an inbox, or the bytes the warehouse stored.

A *file source* lists the files of a run in the order they load (`open`), is told what became
of each (`done`: the inbox archives it), and cleans up after (`close`). The run model
(`etl.runs.run`) and the pipeline (`etl.runs.pipeline`) are the same for every source; files
are known by the SHA-256 of their content, never by name or mtime.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select, update

from etl.db import connect
from etl.errors import InputNotFound
from etl.load.lineage import FileOutcome, FileResult
from models.base import utc_now
from models.lineage import SourceFile

if TYPE_CHECKING:
    from etl.reports.named import YearRange
    from etl.runs.run import Run

#: The files a directory given to a run contributes: spreadsheets, at any depth.
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".csv")

#: Hashes per query: well under SQLite's and PostgreSQL's limits on bound parameters.
HASH_BATCH = 500

#: Bytes read at a time while hashing, so a large file never sits whole in memory.
HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class SourceItem:
    """A file of a run: where to read it (`path`) and the path to record and show (`shown`:
    the original path of a stored file read back from a scratch copy)."""

    path: Path
    shown: Path


class FileSource:
    """Paths given on the command line (`ogi load`): files as given, and the spreadsheets
    anywhere under directories, in order. The base of the other sources."""

    #: What the run counts as skipped: files left for the next run.
    skipped: tuple[Path, ...] = ()

    def __init__(self, paths: Sequence[Path] = ()) -> None:
        self.paths = collect_files(paths)  # a missing path is refused before the run starts

    def open(self, run: Run) -> list[SourceItem]:
        """The files of the run, in the order they load."""
        return [SourceItem(path, path) for path in self.paths]

    def done(self, run: Run, item: SourceItem, result: FileResult) -> None:
        """Called with each file's result, in order."""

    def close(self) -> None:
        """Called once the run ends, whatever the end."""


class InboxSource(FileSource):
    """An inbox (`ogi run --inbox`): its spreadsheets at any depth, leaving those changed in
    the last `settle_seconds` (probably still being copied in) for the next run; with
    `archive`, each file moves to `processed/` or `rejected/` beside the inbox once done."""

    def __init__(self, inbox: Path, *, settle_seconds: float = 0.0, archive: bool = False) -> None:
        if not inbox.is_dir():
            raise InputNotFound(f"{inbox}: no such directory (the inbox to load from)")
        super().__init__()
        self.inbox = inbox
        self.settle_seconds = settle_seconds
        self.archive = archive

    def open(self, run: Run) -> list[SourceItem]:
        files: list[SourceItem] = []
        young: list[Path] = []
        cutoff = time.time() - self.settle_seconds
        for path in collect_files([self.inbox]):
            if self.settle_seconds > 0 and path.stat().st_mtime > cutoff:
                young.append(path)
                run.emit("file_skipped", path=str(path), reason="changed in the last seconds")
            else:
                files.append(SourceItem(path, path))
        self.skipped = tuple(young)
        return files

    def done(self, run: Run, item: SourceItem, result: FileResult) -> None:
        if not self.archive:
            return
        try:
            target = archive_file(self.inbox, item.path, result.sha256, result.outcome)
        except OSError as exc:  # the file stays; the next run sees it again (unchanged or not)
            run.emit("archive_failed", path=str(item.path), error=str(exc))
        else:
            run.emit("file_archived", path=str(item.path), to=str(target))


class StoredSource(FileSource):
    """The stored files of some years (`ogi run --reprocess`, a backfill after a rule
    changed): those whose report is current (`loaded`) and those `rejected` that no later file
    of the same body and year has replaced, oldest first. Their bytes come from
    `source_files`, so the inbox may be long archived; they are read from scratch copies."""

    def __init__(self, years: YearRange) -> None:
        super().__init__()
        self.years = years
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    def open(self, run: Run) -> list[SourceItem]:
        chosen = run.retried("choosing the files", lambda: stored_files(run.engine, self.years))
        self._scratch = tempfile.TemporaryDirectory(prefix="ogi-reprocess-")
        items = []
        for source_file_id, original in chosen:
            copy = Path(self._scratch.name) / str(source_file_id) / original.name
            copy.parent.mkdir()
            content = run.retried(
                f"reading {original}", partial(_content, run.engine, source_file_id)
            )
            copy.write_bytes(content)
            items.append(SourceItem(copy, original))
        return items

    def close(self) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: files as given, and the spreadsheets anywhere under directories."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                wanted = child.suffix.lower() in SPREADSHEET_SUFFIXES
                # Excel's lock files (~$name.xlsx) and hidden files are not reports.
                if wanted and child.is_file() and not child.name.startswith(("~$", ".")):
                    found[child] = None
        elif path.is_file():
            found[path] = None
        else:
            raise InputNotFound(f"{path}: no such file or directory")
    return list(found)


def stored_files(engine: Engine, years: YearRange) -> list[tuple[int, Path]]:
    """The stored files a backfill of `years` reloads, oldest first: (id, original path)."""
    first, last = years
    with connect(engine) as connection:
        rows = connection.execute(
            select(
                SourceFile.source_file_id,
                SourceFile.original_path,
                SourceFile.status,
                SourceFile.agency_name,
                SourceFile.report_year,
            )
            .where(
                SourceFile.report_year.between(first, last),
                SourceFile.status.in_(("loaded", "rejected")),
            )
            .order_by(SourceFile.source_file_id)
        ).all()
    latest_loaded: dict[tuple[str | None, int | None], int] = {}
    for row in rows:
        if row.status == "loaded":
            latest_loaded[(row.agency_name, row.report_year)] = row.source_file_id
    return [
        (row.source_file_id, Path(row.original_path))
        for row in rows
        if row.status == "loaded"
        or row.source_file_id > latest_loaded.get((row.agency_name, row.report_year), 0)
    ]


def _content(engine: Engine, source_file_id: int) -> bytes:
    with connect(engine) as connection:
        content = connection.execute(
            select(SourceFile.content).where(SourceFile.source_file_id == source_file_id)
        ).scalar_one()
    return content or b""


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


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


def archive_file(inbox: Path, path: Path, sha256: str | None, outcome: FileOutcome) -> Path:
    """Move a file to its archive, keeping its path under the inbox; returns where it went.

    A different file already there under the same name is kept: the newcomer's name gets the
    first 8 hex digits of its hash (`anlu-2017.1a2b3c4d.xlsx`).
    """
    digest = sha256 or sha256_file(path)
    target = archive_dir(inbox, outcome) / path.relative_to(inbox)
    if target.exists() and sha256_file(target) != digest:
        target = target.with_name(f"{target.stem}.{digest[:8]}{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    return target
