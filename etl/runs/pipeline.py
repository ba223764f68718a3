"""The one load pipeline: a run's files, in order, from any source, in one process or several.

Files go `BATCH` at a time: their bytes hashed, looked up among the contents loaded before in
one query, the new ones read and checked, then written one transaction each
(`etl.load.write`). Content loaded before is `unchanged` (one rule: its `source_files` row is
not `rejected`) and is never read. With `jobs` > 1, worker processes read and check the new
files (`etl.load.prepare.prepare_files`) while this process writes them, still in order, so
the warehouse ends the same whatever `jobs` is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import replace

from etl.db import connect
from etl.load.lineage import FileResult, SourceFileRow, find_source_files
from etl.load.prepare import (
    PreparedFile,
    batches,
    digest_of,
    prepare_content,
    prepare_files,
    read_extraction,
)
from etl.load.write import load_prepared, record_unchanged
from etl.runs.run import Run
from etl.runs.sources import HASH_BATCH, FileSource, SourceItem, touch_hashes

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


def _write(run: Run, item: SourceItem, prepared: PreparedFile | Exception) -> FileResult:
    if isinstance(prepared, Exception):
        return run.broken(item.shown, prepared)
    if item.shown != item.path:
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


class _Checked:
    """The files of a run hashed and looked up among those loaded before, `BATCH` at a time,
    as far ahead as either reader needs: the readers of new files (`new_items`), or the writer,
    which takes every file in order (`with_prepared`). Worker processes start on the first
    batch rather than after every file of the run has been hashed."""

    def __init__(self, run: Run, items: list[SourceItem]) -> None:
        self._run = run
        self._batches = batches(items, BATCH)
        self._checked: deque[tuple[SourceItem, bytes | None, str, SourceFileRow | None]]
        self._checked = deque()
        self._new: deque[SourceItem] = deque()
        self._count = len(items)

    def _scan(self) -> bool:
        """Hash and look up the next batch; False when there is none."""
        batch = next(self._batches, None)
        if batch is None:
            return False
        run = self._run
        contents: list[bytes | None] = []
        digests: list[str] = []
        for item in batch:
            try:
                content = item.path.read_bytes()
            except OSError:  # vanished since it was listed: reading it will say so, in turn
                content = None
            contents.append(content)
            digests.append(digest_of(content or b""))
        if run.options.reload:
            rows: list[SourceFileRow | None] = [None] * len(batch)
        else:
            rows = run.retried("looking up known files", lambda: _loaded_before(run, digests))
        for item, content, digest, row in zip(batch, contents, digests, rows, strict=True):
            if content is None:
                row = None
            self._checked.append((item, content, digest, row))
            if row is None:
                self._new.append(item)
        return True

    def new_items(self) -> Iterator[SourceItem]:
        """The files not loaded before, in order."""
        while self._new or self._scan():
            while self._new:
                yield self._new.popleft()

    def next_checked(self) -> tuple[SourceItem, bytes | None, str, SourceFileRow | None]:
        """The next file in order: its content (None if it could not be read), digest, and
        the row of the same content loaded before."""
        while not self._checked and self._scan():
            pass
        return self._checked.popleft()

    def in_order(
        self,
    ) -> Iterator[tuple[SourceItem, str, SourceFileRow | PreparedFile | Exception]]:
        """Each file in order with its digest, and the row of its content loaded before, or
        else the file read and checked (or the error reading it raised)."""
        run = self._run
        if run.options.jobs > 1:
            prepared = prepare_files(
                (item.path for item in self.new_items()),
                read_extraction,
                encoding=run.options.encoding,
                catalogue=run.catalogue,
                jobs=run.options.jobs,
            )
            for _ in range(self._count):
                item, _content, digest, row = self.next_checked()
                yield item, digest, row if row is not None else next(prepared)
            return
        # One process: the new files of a batch are all read and checked, then all written.
        ready: deque[PreparedFile | Exception] = deque()
        while self._checked or self._scan():
            if not ready:
                for item, content, digest, row in self._checked:
                    if row is None:
                        ready.append(self._prepare(item, content, digest))
                        if (
                            isinstance(ready[-1], Exception)
                            and run.options.on_broken_file == "stop"
                        ):
                            break  # the run stops there: no file after it is read
                self._new.clear()
            item, _content, digest, row = self._checked.popleft()
            yield item, digest, row if row is not None else ready.popleft()

    def _prepare(
        self, item: SourceItem, content: bytes | None, digest: str
    ) -> PreparedFile | Exception:
        if content is None:
            try:
                content = item.path.read_bytes()
            except OSError as exc:
                return exc
        run = self._run
        try:
            return prepare_content(
                item.path,
                content,
                digest,
                read_extraction,
                encoding=run.options.encoding,
                catalogue=run.catalogue,
            )
        except Exception as exc:  # raised or recorded when its turn comes (`Run.broken`)
            return exc


def _loaded_before(run: Run, digests: list[str]) -> list[SourceFileRow | None]:
    """Per digest, the row of the same content loaded before; None for new content, and for
    content only ever rejected (it is read again: the rules may have changed)."""
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
