"""Reading files and checking them without the warehouse, in reader processes.

Reading a workbook and applying the rules that need no database (the measure catalogue, the
consistency rules of one report) is most of a load's work and independent from file to file,
so it happens in reader processes (`etl.load.sandbox.ReaderPool`, `--jobs N` of them) while
this process writes, one file at a time and in the order the files were given (see
`etl.runs.pipeline`). A reader works under a memory ceiling and a clock, so that a hostile file
costs only itself; before a file goes to one, this process looks at its bytes for what would
make a reader set aside more than the limits allow (`etl.extract.screen_file`). What a reader
hands back is a `PreparedFile`: the bytes' SHA-256, the extraction and its findings, and the
rows to insert (`for_writer`: without the bytes, and without the facts the writer no longer
reads).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path
from typing import TypeAlias, TypeVar

from etl.checks import check_report, cross_year_measures
from etl.extract import read_file, screen_file
from etl.load.fact_rows import Catalogue, StagedTable, fact_findings, stage_rows
from etl.load.sandbox import ReaderPool, ReadFailure
from etl.records import ExtractedReport, Extraction, Finding

T = TypeVar("T")

#: Reads a file, from its bytes, into an extraction (`read_extraction`; tests give a
#: stand-in): path, encoding, content.
Reader = Callable[[Path, str | None, bytes], Extraction]

#: A file to prepare: the path it is named by, its bytes and their `digest_of`.
Job = tuple[Path, bytes, str]


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


#: A file prepared (`prepare_files`): read and checked, the error reading it raised, or the
#: failure of a file that stopped its reader.
Prepared: TypeAlias = PreparedFile | Exception | ReadFailure


def read_extraction(path: Path, encoding: str | None, content: bytes) -> Extraction:
    """Read a file's bytes, screened already (`screen_file`), with the readers of
    `etl.extract` (tests swap `read_file` and `screen_file` for stand-ins; reader processes
    forked afterwards inherit them)."""
    return read_file(path, encoding=encoding, content=content, screened=True)


def digest_of(content: bytes) -> str:
    """The SHA-256 a file is known by."""
    return hashlib.sha256(content).hexdigest()


def prepare_content(
    path: Path,
    content: bytes,
    digest: str,
    read: Reader,
    *,
    encoding: str | None = None,
    catalogue: Catalogue | None = None,
) -> PreparedFile:
    """Read a file's bytes (and their `digest_of`) with `read` and apply the checks that need
    no database; given the catalogue, also stage the rows of the reports that have no error."""
    extraction = read(path, encoding, content)
    checked = report_checks(extraction, catalogue)
    staged = tuple(
        None
        if catalogue is None or extraction.errors or _has_error(found)
        else stage_rows(catalogue, report)
        for report, found in zip(extraction.reports, checked, strict=True)
    )
    return PreparedFile(path, content, digest, extraction, checked, staged)


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
    jobs: Iterable[Job],
    read: Reader,
    *,
    encoding: str | None = None,
    catalogue: Catalogue | None = None,
    readers: int = 1,
) -> Iterator[Prepared]:
    """Each file prepared, in order: screened in this process (`screen_file`: a file refused
    so is prepared here, from its findings), the others read and checked by `readers` reader
    processes (`etl.load.sandbox.ReaderPool`), which send back what they read (`for_writer`)
    without the bytes this process holds.

    A file's result is its `PreparedFile`; or the error reading it raised (a bug in a reader:
    the run decides whether it stops there, `etl.runs.run.RunOptions`); or the `ReadFailure`
    of a file that stopped its reader (recorded, and the run goes on).
    """
    # In file order: a file prepared here, or None and the bytes of one a reader prepares.
    order: deque[tuple[Prepared | None, bytes]] = deque()

    def to_readers() -> Iterator[tuple[Path, Job]]:
        for path, content, digest in jobs:
            refused = screen_file(path, content)
            if refused is None:
                order.append((None, content))
                yield path, (path, content, digest)
            else:
                order.append((_refused(path, content, digest, refused, catalogue), content))

    _start_worker(read, encoding, catalogue)  # what the readers, forked later, work with
    with ReaderPool(_prepare_job, readers=readers, weigh=_size) as pool:
        from_readers = pool.map(to_readers())
        while True:
            if not order and not _advance(from_readers, order):
                return
            while order:
                here, content = order.popleft()
                if here is not None:
                    yield here
                    continue
                shipped = next(from_readers)
                if isinstance(shipped, PreparedFile):
                    shipped = replace(shipped, content=content)
                yield shipped


def _size(job: Job) -> int:
    return len(job[1])


def _refused(
    path: Path, content: bytes, digest: str, extraction: Extraction, catalogue: Catalogue | None
) -> PreparedFile:
    """A file `screen_file` refused, prepared from its findings."""
    return prepare_content(path, content, digest, lambda *_: extraction, catalogue=catalogue)


def prepare_refused(path: Path, digest: str, finding: Finding) -> PreparedFile:
    """A file refused before its bytes were read (a link, a pipe, a file too large), prepared
    from the finding: none of its content is kept."""
    return PreparedFile(path, b"", digest, Extraction(path, None, findings=[finding]), ())


def _advance(results: Iterator[Prepared], order: deque[tuple[Prepared | None, bytes]]) -> bool:
    """With nothing in `order`, have the readers take more files, which puts them there:
    False when there are none. The result that came back first is put back in its place."""
    first = next(results, None)
    if first is None:
        return bool(order)
    for n, (here, content) in enumerate(order):
        if here is None:  # the first file a reader took: the result is its
            if isinstance(first, PreparedFile):
                first = replace(first, content=content)
            order[n] = (first, content)
            return True
    raise AssertionError("a reader's result for no file")


def batches(items: Iterable[T], size: int) -> Iterator[tuple[T, ...]]:
    """`items` in tuples of `size` (the last may be shorter); `itertools.batched` from 3.12."""
    remaining = iter(items)
    while batch := tuple(islice(remaining, size)):
        yield batch


_worker: tuple[Reader, str | None, Catalogue | None] | None = None


def _start_worker(read: Reader, encoding: str | None, catalogue: Catalogue | None) -> None:
    global _worker
    _worker = (read, encoding, catalogue)


def _prepare_job(job: Job) -> PreparedFile | Exception:
    """In a reader: `prepare_content` of a file, as `for_writer` sends it, or the error it
    raised. Running out of memory or stack is the file's doing, not ours: it goes to the
    reader pool, which records it (`etl.load.sandbox`)."""
    assert _worker is not None, "reader not started"
    read, encoding, catalogue = _worker
    path, content, digest = job
    try:
        prepared = prepare_content(
            path, content, digest, read, encoding=encoding, catalogue=catalogue
        )
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:
        return exc
    return for_writer(prepared)


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
