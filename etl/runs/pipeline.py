"""The one load pipeline: a run's files, in order, from any source, in one process or several.

Files go `BATCH` at a time: their bytes hashed, looked up among the contents loaded before in
one query, the new ones read and checked, then written one transaction each
(`etl.load.write`). Content loaded before is `unchanged` (one rule: its `source_files` row is
not `rejected`) and is never read. Reader processes, `jobs` of them, read and check the new
files (`etl.load.prepare.prepare_files`) while this process writes them, in order, so the
warehouse ends the same whatever `jobs` is; a file that stops its reader (a crash, no more
memory or time) is recorded failed and the run goes on (`Run.unreadable`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from etl.db import connect
from etl.faults import fault_point
from etl.load.lineage import FileResult, SourceFileRow, find_source_files
from etl.load.prepare import (
    Job,
    Prepared,
    batches,
    digest_of,
    prepare_files,
    prepare_refused,
    read_extraction,
)
from etl.load.sandbox import ReadFailure
from etl.load.write import load_prepared, record_unchanged
from etl.records import Finding
from etl.runs.run import Run
from etl.runs.sources import HASH_BATCH, FileSource, SourceItem, read_content, touch_hashes

#: Files held at once: hashed and looked up together among those loaded before, then read and
#: checked together, then written one transaction each. Each stage's code and data stay in the
#: processor's caches from one file to the next.
BATCH = 16


def load_files(run: Run, source: FileSource) -> None:
    """Load the files of `source` as part of `run`, each file's result going to `run.add`
    and to `source.done`, in the order of the source."""
    items = source.open(run)
    try:
        run.emit("files_found", count=len(items))
        unchanged = _Unchanged(run, source)
        for item, digest, checked in _Checked(run, items).in_order():
            if isinstance(checked, SourceFileRow):
                unchanged.add(item, digest, checked)
                continue
            unchanged.flush()  # in order: the files before it first
            _take(run, source, item, _write(run, item, checked))
        unchanged.flush(last=True)
    finally:
        source.close()


def _write(run: Run, item: SourceItem, prepared: Prepared) -> FileResult:
    if isinstance(prepared, ReadFailure):
        return run.unreadable(item.shown, prepared)
    if isinstance(prepared, Exception):
        return run.broken(item.shown, prepared)
    if prepared.path != item.shown:
        prepared = replace(prepared, path=item.shown)
    try:
        return run.retried(
            f"loading {item.shown}",
            lambda: load_prepared(
                run.engine,
                prepared,
                run_id=run.run_id,
                catalogue=run.catalogue,
                reload=run.options.reload,
            ),
        )
    except Exception as exc:
        return run.broken(item.shown, exc)


def _take(run: Run, source: FileSource, item: SourceItem, result: FileResult) -> None:
    run.add(result)
    source.done(run, item, result)


#: A file of the run as `_Checked` found it: its bytes (or the finding refusing it, or None
#: when it could not be read), their digest, and the row of the same content loaded before.
_Found = tuple[SourceItem, bytes | Finding | None, str, SourceFileRow | None]


class _Checked:
    """The files of a run hashed and looked up among those loaded before, `BATCH` at a time,
    as far ahead as either the readers of new files need (`new_items`), or the writer, which
    takes every file in order (`in_order`). Readers start on the first batch rather than
    after every file of the run has been hashed."""

    def __init__(self, run: Run, items: list[SourceItem]) -> None:
        self._run = run
        self._batches = batches(items, BATCH)
        self._checked: deque[_Found] = deque()
        self._new: deque[Job] = deque()
        self._count = len(items)

    def _scan(self) -> bool:
        """Hash and look up the next batch; False when there is none."""
        batch = next(self._batches, None)
        if batch is None:
            return False
        run = self._run
        contents: list[bytes | Finding | None] = []
        for item in batch:
            try:
                contents.append(read_content(item))
            except OSError:  # vanished since it was listed: reading it will say so, in turn
                contents.append(None)
        digests = [digest_of(c if isinstance(c, bytes) else b"") for c in contents]
        if run.options.reload:
            rows: list[SourceFileRow | None] = [None] * len(batch)
        else:
            rows = run.retried("looking up known files", lambda: _loaded_before(run, digests))
        for item, content, digest, row in zip(batch, contents, digests, rows, strict=True):
            if not isinstance(content, bytes):
                row = None
            elif row is None:
                self._new.append((item.shown, content, digest))
            self._checked.append((item, content, digest, row))
        return True

    def new_items(self) -> Iterator[Job]:
        """The files not loaded before, in order, as the readers take them."""
        while self._new or self._scan():
            while self._new:
                yield self._new.popleft()

    def next_checked(self) -> _Found:
        """The next file in order, as `_Found`."""
        while not self._checked and self._scan():
            pass
        return self._checked.popleft()

    def in_order(self) -> Iterator[tuple[SourceItem, str, SourceFileRow | Prepared]]:
        """Each file in order with its digest, and the row of its content loaded before, or
        else the file read and checked (or refused unread, or what reading it raised)."""
        run = self._run
        prepared: Iterator[Prepared] | None = None  # no reader starts for a run of known files
        for _ in range(self._count):
            item, content, digest, row = self.next_checked()
            if row is not None:
                yield item, digest, row
            elif isinstance(content, Finding):
                yield item, digest, prepare_refused(item.shown, digest, content)
            elif content is None:
                yield item, digest, _unread(item)
            else:
                if prepared is None:
                    prepared = prepare_files(
                        self.new_items(),
                        read_extraction,
                        encoding=run.options.encoding,
                        catalogue=run.catalogue,
                        readers=run.options.jobs,
                    )
                yield item, digest, next(prepared)


def _unread(item: SourceItem) -> Exception:
    """What reading a file that could not be read raises (it is gone, say)."""
    try:
        read_content(item)
    except OSError as exc:
        return exc
    return FileNotFoundError(f"{item.shown}: changed while the run read it")


def _loaded_before(run: Run, digests: list[str]) -> list[SourceFileRow | None]:
    """Per digest, the row of the same content loaded before; None for new content, and for
    content only ever rejected (it is read again: the rules may have changed)."""
    fault_point("files_lookup")  # fault tests: etl/faults.py
    with connect(run.engine) as connection:
        known = find_source_files(connection, set(digests))
    rows = [known.get(digest) for digest in digests]
    return [row if row is not None and row.status != "rejected" else None for row in rows]


class _Unchanged:
    """Files whose content was loaded before. With `record_unchanged`, they are recorded
    `BATCH` at a time in one transaction (their run rows and the time each was last seen are
    all they write; a transaction each made a no-op rerun commit once per file), and `flush` is
    taken before each file written, so that results keep their order. Without, each is taken
    at once and only noted seen, `HASH_BATCH` to a query."""

    def __init__(self, run: Run, source: FileSource) -> None:
        self._run = run
        self._source = source
        self._held: list[tuple[SourceItem, str, SourceFileRow]] = []
        self._seen: list[str] = []

    def add(self, item: SourceItem, digest: str, row: SourceFileRow) -> None:
        """Take a file whose content (`digest`) the warehouse holds as `row`."""
        if self._run.options.record_unchanged:
            self._held.append((item, digest, row))
            if len(self._held) >= BATCH:
                self.flush()
            return
        result = FileResult(item.shown, "unchanged", run_file_id=0, sha256=digest)
        _take(self._run, self._source, item, result)
        self._seen.append(digest)
        if len(self._seen) >= HASH_BATCH:
            self._touch()

    def flush(self, *, last: bool = False) -> None:
        """Record the files held, in one transaction, and hand on their results in order;
        `last`, at the end of the run, also notes the files seen that were not recorded."""
        if last and self._seen:
            self._touch()
        if not self._held:
            return
        run, held = self._run, list(self._held)
        self._held.clear()

        def record() -> list[FileResult]:
            with connect(run.engine) as connection, connection.begin():
                return [
                    record_unchanged(connection, run.run_id, item.shown, digest, row)
                    for item, digest, row in held
                ]

        results = run.retried("recording unchanged files", record)
        for (item, _, _), result in zip(held, results, strict=True):
            _take(run, self._source, item, result)

    def _touch(self) -> None:
        seen, run = list(self._seen), self._run
        self._seen.clear()

        def touch() -> None:
            with connect(run.engine) as connection, connection.begin():
                touch_hashes(connection, seen)

        run.retried("noting unchanged files", touch)
