"""Reading files and checking them without the warehouse, here or in worker processes.

Reading a workbook and applying the rules that need no database (the measure catalogue, the
consistency rules of one report) is most of a load's work and independent from file to file,
so `--jobs N` does it in N worker processes while this process writes, one file at a time
and in the order the files were given (see `etl.runs.pipeline`). What the workers hand back is a
`PreparedFile`: the bytes' SHA-256, the extraction and its findings, and the rows to insert
(`for_writer`: without the bytes, and without the facts the writer no longer reads).
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TypeVar

from etl.checks import check_report, cross_year_measures
from etl.extract import read_file
from etl.load.fact_rows import Catalogue, StagedTable, fact_findings, stage_rows
from etl.records import ExtractedReport, Extraction, Finding

T = TypeVar("T")

#: Reads a file, from its bytes, into an extraction (`read_extraction`; tests give a
#: stand-in): path, encoding, content.
Reader = Callable[[Path, str | None, bytes], Extraction]


#: How many files each worker is given to read ahead, whatever the writer is doing: enough that
#: a worker never waits for work, few enough that the writer still finds files to read in its
#: idle time (CHANGELOG.md has the measurements).
READ_AHEAD_PER_WORKER = 32
#: Files a worker is given at a time: fewer, larger messages between the processes.
FILES_PER_TASK = 8
#: How many batches (of the workers' and this process's) may be read and not yet taken, per
#: worker: what bounds memory however many files a run has.
HELD_BATCHES_PER_WORKER = 8


@dataclass(frozen=True, slots=True)
class PreparedFile:
    """A file read and checked without the warehouse.

    `report_findings` holds, per report of the extraction, the findings of the catalogue and
    of the one-report consistency rules; the reading findings are the extraction's own.
    `staged` holds, per report, its fact rows ready for the writer
    (`etl.load.fact_rows.stage_rows`), or None where errors mean it will not be written (or no
    catalogue was given).
    """

    path: Path
    content: bytes
    digest: str
    extraction: Extraction
    report_findings: tuple[tuple[Finding, ...], ...]
    staged: tuple[tuple[StagedTable, ...] | None, ...] = ()


def read_extraction(path: Path, encoding: str | None, content: bytes) -> Extraction:
    """Read a file's bytes with the readers of `etl.extract` (tests swap `read_file` for a
    stand-in; worker processes forked afterwards inherit it)."""
    return read_file(path, encoding=encoding, content=content)


def digest_of(content: bytes) -> str:
    """The SHA-256 a file is known by."""
    return hashlib.sha256(content).hexdigest()


def prepare_file(
    path: Path, read: Reader, *, encoding: str | None = None, catalogue: Catalogue | None = None
) -> PreparedFile:
    """Read `path` with `read` and apply the checks that need no database; given the
    catalogue, also stage the rows of the reports that have no error."""
    content = path.read_bytes()
    return prepare_content(
        path, content, digest_of(content), read, encoding=encoding, catalogue=catalogue
    )


def prepare_content(
    path: Path,
    content: bytes,
    digest: str,
    read: Reader,
    *,
    encoding: str | None = None,
    catalogue: Catalogue | None = None,
) -> PreparedFile:
    """`prepare_file` of bytes already read from `path`, and their `digest_of`."""
    extraction = read(path, encoding, content)
    checked = report_checks(extraction, catalogue)
    staged = tuple(
        None
        if catalogue is None or extraction.errors or _has_error(found)
        else stage_rows(catalogue, report)
        for report, found in zip(extraction.reports, checked, strict=True)
    )
    return PreparedFile(path, content, digest, extraction, checked, staged)


def prepare_or_error(
    path: Path, read: Reader, *, encoding: str | None = None, catalogue: Catalogue | None = None
) -> PreparedFile | Exception:
    """`prepare_file`, or the error that reading the file raised (a bug in a reader, a file
    that vanished): the run decides whether it stops there (`etl.runs.run.RunOptions`)."""
    try:
        return prepare_file(path, read, encoding=encoding, catalogue=catalogue)
    except Exception as exc:
        return exc


def _has_error(findings: tuple[Finding, ...]) -> bool:
    return any(f.severity == "error" for f in findings)


def report_checks(
    extraction: Extraction, catalogue: Catalogue | None
) -> tuple[tuple[Finding, ...], ...]:
    """Per report: facts the warehouse cannot hold (given the catalogue), then the findings
    of the consistency rules about one report."""
    return tuple(
        tuple(fact_findings(catalogue, report) if catalogue is not None else [])
        + tuple(check_report(report))
        for report in extraction.reports
    )


def prepare_files(
    paths: Iterable[Path],
    read: Reader,
    *,
    encoding: str | None = None,
    catalogue: Catalogue | None = None,
    jobs: int = 1,
) -> Iterator[PreparedFile | Exception]:
    """`prepare_or_error` for each path, in order; with `jobs` > 1 in that many processes: this
    one, which also takes what they prepared (to write it), and `jobs` - 1 workers.

    Files go `FILES_PER_TASK` at a time to the workers, each kept `READ_AHEAD_PER_WORKER`
    files ahead whenever this process looks (not only when it takes their batches), with at
    most `HELD_BATCHES_PER_WORKER` batches per worker read and not yet taken. Whenever the
    next files in order are not ready yet, this process prepares the following ones itself
    rather than wait. On two cores, two worker processes and the writer took turns on the
    cores; one worker and a writer that reads in its idle time keep both busy with less
    switching and less sent between processes.

    Workers send back what they read (`for_writer`) without the files' bytes, which this
    process reads again (from the page cache) when it takes each file: a file whose bytes no
    longer have the digest the worker saw changed while the run read it, and is prepared
    again here, so the bytes, digest and figures always agree.
    """
    if jobs <= 1:
        for path in paths:
            yield prepare_or_error(path, read, encoding=encoding, catalogue=catalogue)
        return

    def here(batch: tuple[Path, ...]) -> list[PreparedFile | Exception]:
        return [
            prepare_or_error(path, read, encoding=encoding, catalogue=catalogue) for path in batch
        ]

    # fork: workers start at once and share the loaded code; they never touch the database
    # connections they inherit (SQLAlchemy's rule for pools across fork).
    context = multiprocessing.get_context("fork")
    workers = jobs - 1
    in_flight = max(1, workers * READ_AHEAD_PER_WORKER // FILES_PER_TASK)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(read, encoding, catalogue)
    ) as pool:
        tasks = batches(paths, FILES_PER_TASK)
        # In file order: the workers' batches (futures) and those prepared here (lists).
        pending: deque[Future[list[PreparedFile | Exception]] | list[PreparedFile | Exception]]
        pending = deque()
        limit = HELD_BATCHES_PER_WORKER * workers

        def top_up() -> None:
            """Give the workers files until each has `READ_AHEAD_PER_WORKER` to read."""
            outstanding = sum(isinstance(p, Future) and not p.done() for p in pending)
            while outstanding < in_flight and len(pending) < limit:
                task = next(tasks, None)
                if task is None:
                    return
                pending.append(pool.submit(_prepare_in_worker, task))
                outstanding += 1

        while True:
            top_up()
            if not pending:
                break
            head = pending[0]
            if isinstance(head, Future) and not head.done() and len(pending) < limit:
                following = next(tasks, None)
                if following is not None:  # rather than wait for a worker
                    pending.append(here(following))
                    continue
            pending.popleft()
            if not isinstance(head, Future):
                yield from head
                continue
            done = head.result()
            top_up()  # before this batch is written
            for shipped in done:
                if isinstance(shipped, Exception):
                    yield shipped
                    continue
                path = shipped.path
                try:
                    content = path.read_bytes()
                except OSError as exc:  # gone since the worker read it
                    yield exc
                    continue
                if digest_of(content) == shipped.digest:
                    yield replace(shipped, content=content)
                else:  # changed since the worker read it
                    yield prepare_or_error(path, read, encoding=encoding, catalogue=catalogue)


def batches(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """`items` in tuples of `size` (the last may be shorter); `itertools.batched` from 3.12."""
    remaining = iter(items)
    while batch := tuple(islice(remaining, size)):
        yield batch


_worker: tuple[Reader, str | None, Catalogue | None] | None = None


def _start_worker(read: Reader, encoding: str | None, catalogue: Catalogue | None) -> None:
    global _worker
    _worker = (read, encoding, catalogue)


def _prepare_in_worker(paths: tuple[Path, ...]) -> list[PreparedFile | Exception]:
    assert _worker is not None, "worker not started"
    read, encoding, catalogue = _worker
    done = (prepare_or_error(path, read, encoding=encoding, catalogue=catalogue) for path in paths)
    return [p if isinstance(p, Exception) else for_writer(p) for p in done]


def for_writer(prepared: PreparedFile) -> PreparedFile:
    """What a worker sends the writer: no bytes (the writer reads them again), and of each
    staged report only the facts the writer still reads, those of the regime's cross-year
    rules (`etl.checks.cross_year_measures`). The writer inserts the staged rows; rebuilding
    all of a report's facts from the pickle cost it more than a third of its own time."""
    reports = [
        report if tables is None else _compared_facts(report)
        for report, tables in zip(prepared.extraction.reports, prepared.staged, strict=True)
    ]
    extraction = replace(prepared.extraction, reports=reports)
    return replace(prepared, content=b"", extraction=extraction)


def _compared_facts(report: ExtractedReport) -> ExtractedReport:
    """The report with only the facts its cross-year rules compare with last year's."""
    compared = cross_year_measures(report.header.regime_code)
    return ExtractedReport(report.header, [f for f in report.facts if f.measure_code in compared])
