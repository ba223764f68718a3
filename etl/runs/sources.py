"""Where a run's files come from: paths given, an inbox, or the bytes the warehouse stored.

A *file source* lists the files of a run in the order they load (`open`), is told what became
of each (`done`: the inbox archives it), and cleans up after (`close`). The run model
(`etl.runs.run`) and the pipeline (`etl.runs.pipeline`) are the same for every source; files
are known by the SHA-256 of their content, never by name or mtime.

A folder holds files and nothing else that is read (#17): a symbolic link, a named pipe or a
device in it is listed refused (`file.not_regular`) and never opened, a link to a directory
is not followed, and a file is opened without following a link and read only while it is
still a regular file inside the folder (`read_content`). A name is recorded and shown
`printable` (a byte that is not UTF-8 as `\xff`); the file itself is read and archived by
its real name.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, select, update

from etl import rules
from etl.db import connect
from etl.errors import InputNotFound, InputRefused
from etl.extract import files as file_limits
from etl.load.lineage import FileOutcome, FileResult
from etl.records import Finding, Location
from etl.values import printable
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
    """A file of a run: where to read it (`path`, its real name) and the path to record and
    show (`shown`: `printable`, or the original path of a stored file read back from a scratch
    copy). `root` is the folder it was found in (resolved), which it must still be inside when
    read; `refused` says what it is when it is no regular file (it is then never opened)."""

    path: Path
    shown: Path
    root: Path | None = None
    refused: str | None = None

    @property
    def refusal(self) -> Finding | None:
        """The finding of a file that is not read (`refused`), if it is one."""
        return None if self.refused is None else not_regular(self.shown, self.refused)


class FileSource:
    """Paths given on the command line (`ogi load`): files as given, and the spreadsheets
    anywhere under directories, in order. The base of the other sources."""

    #: What the run counts as skipped: files left for the next run.
    skipped: tuple[Path, ...] = ()

    def __init__(self, paths: Sequence[Path] = ()) -> None:
        # a missing path, or one that is no file or folder, is refused before the run starts
        self.items = list_files(paths)

    def open(self, run: Run) -> list[SourceItem]:
        """The files of the run, in the order they load."""
        return self.items

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
        for item in list_files([self.inbox]):
            if self.settle_seconds > 0 and item.refused is None and _changed_since(item, cutoff):
                young.append(item.shown)
                run.emit("file_skipped", path=str(item.shown), reason="changed in the last seconds")
            else:
                files.append(item)
        self.skipped = tuple(young)
        return files

    def done(self, run: Run, item: SourceItem, result: FileResult) -> None:
        if not self.archive:
            return
        try:
            target = archive_file(self.inbox, item.path, result.sha256, result.outcome)
        except OSError as exc:  # the file stays; the next run sees it again (unchanged or not)
            error = printable(str(exc), name=True)
            run.emit("archive_failed", path=str(item.shown), error=error)
        else:
            shown = printable(str(target), name=True)
            run.emit("file_archived", path=str(item.shown), to=shown)


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


def _changed_since(item: SourceItem, cutoff: float) -> bool:
    """Whether the file changed after `cutoff` (one gone since it was listed has not: reading
    it will say it is gone)."""
    try:
        return item.path.lstat().st_mtime > cutoff
    except OSError:
        return False


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files to read: files as given, and the spreadsheets anywhere under directories
    (those that are regular files: `list_files` lists the others too)."""
    return [item.path for item in list_files(paths) if item.refused is None]


def list_files(paths: Iterable[Path]) -> list[SourceItem]:
    """The files of a run, in order: files as given, and the spreadsheets anywhere under
    directories, sorted by path. Under a directory, a symbolic link, pipe or device named as
    a spreadsheet, and a link to a directory, come `refused` (never opened, never followed).

    Raises `InputNotFound` for a path that does not exist, and `InputRefused` for one given
    that is not a regular file or directory (a link to a file: give the file itself).
    """
    found: dict[Path, SourceItem | None] = {}
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            raise InputNotFound(f"{_shown(path)}: no such file or directory") from None
        if stat.S_ISLNK(mode) and path.is_dir():  # a folder given through a link: it is read
            mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            root = path.resolve()
            for child, child_mode in sorted(_walk(path)):
                if child not in found:
                    found[child] = _listed(child, child_mode, root)
        elif stat.S_ISREG(mode):
            found.setdefault(path, SourceItem(path, _shown(path)))
        else:
            what = _kind(path, mode)
            raise InputRefused(
                f"{_shown(path)}: {what}, not a file; ogi reads regular files only"
                + (": give the path of the file it points to" if stat.S_ISLNK(mode) else "")
            )
    return [item for item in found.values() if item is not None]


def _walk(directory: Path) -> Iterable[tuple[Path, int]]:
    """Every entry under `directory` but directories, with its mode (`lstat`'s: a link is a
    link); links to directories are entries, not followed. Unreadable directories are passed."""
    stack = [directory]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    mode = entry.stat(follow_symlinks=False).st_mode
                    if stat.S_ISDIR(mode):
                        stack.append(Path(entry.path))
                    else:
                        yield Path(entry.path), mode
        except OSError:
            continue


def _listed(path: Path, mode: int, root: Path) -> SourceItem | None:
    """An entry found under a folder as a file of the run (refused when it is no regular
    file), or None when it is no spreadsheet."""
    # Excel's lock files (~$name.xlsx) and hidden files are not reports.
    if path.name.startswith(("~$", ".")):
        return None
    named = path.suffix.lower() in SPREADSHEET_SUFFIXES
    if stat.S_ISREG(mode):
        return SourceItem(path, _shown(path), root) if named else None
    if named or (stat.S_ISLNK(mode) and path.is_dir()):
        return SourceItem(path, _shown(path), root, refused=_kind(path, mode))
    return None


def _kind(path: Path, mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link to a directory" if path.is_dir() else "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "no regular file"


def _shown(path: Path) -> Path:
    text = str(path)
    shown = printable(text, name=True)
    return path if shown is text else Path(shown)


def not_regular(shown: Path, what: str) -> Finding:
    """The finding of a file that is not read: `what` it is instead of a regular file."""
    expected = "a regular file inside the folder read"
    return rules.finding(
        "file.not_regular",
        Location(shown.name),
        f"expected {expected}, found {what}: it was not opened",
        found=what,
        expected=expected,
    )


#: How a listed file is opened: never through a link (ELOOP), never waiting on a pipe.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def read_content(item: SourceItem) -> bytes | Finding:
    """The bytes of a file of the run, or the finding that refuses it: one that is no
    regular file (listed so, or become so since), has moved outside the folder it was found in
    (a directory on its path swapped for a link), or is larger than `MAX_FILE_BYTES` (not
    read past that). Raises `OSError` for a file that cannot be read (gone since listed)."""
    if item.refusal is not None:
        return item.refusal
    try:
        descriptor = os.open(item.path, _OPEN_FLAGS)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return not_regular(item.shown, "a symbolic link")
        raise
    try:
        mode = os.fstat(descriptor)
        if not stat.S_ISREG(mode.st_mode):
            return not_regular(item.shown, _kind(item.path, mode.st_mode))
        if item.root is not None and not _inside(descriptor, item.root):
            return not_regular(item.shown, "a file outside the folder read")
        too_large = file_limits.size_findings(Location(item.shown.name), mode.st_size)
        if too_large:
            return too_large[0]
        chunks: list[bytes] = []
        left = file_limits.MAX_FILE_BYTES + 1
        while left > 0 and (chunk := os.read(descriptor, min(left, max(mode.st_size, 1) + 1))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(descriptor)
    content = b"".join(chunks)
    too_large = file_limits.size_findings(Location(item.shown.name), len(content))  # (grown since)
    return too_large[0] if too_large else content


def _inside(descriptor: int, root: Path) -> bool:
    """Whether the open file is under `root`, by the path the kernel gives it (Linux)."""
    try:
        opened = os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        return True  # no /proc: the link check of each name is what holds
    return opened.startswith(str(root).rstrip(os.sep) + os.sep)


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
    target = archive_dir(inbox, outcome) / path.relative_to(inbox)
    if os.path.lexists(target):
        regular = stat.S_ISREG(path.lstat().st_mode)
        digest = sha256 or (sha256_file(path) if regular else uuid.uuid4().hex)
        # (a link, a pipe: neither is opened to be compared)
        if not (regular and stat.S_ISREG(target.lstat().st_mode)) or (
            sha256_file(target) != digest
        ):
            target = target.with_name(f"{target.stem}.{digest[:8]}{target.suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    return target
