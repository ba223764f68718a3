"""Validate files, and load them into the warehouse one transaction per file.

A file is known by the SHA-256 of its content: content loaded before is `unchanged` and
touches nothing. A file with an error finding writes no figures and is recorded as rejected,
with its findings; a good file's figures, its lineage and its warnings commit together. A file
for a body and year already loaded becomes the next version of that report, and the previous
version stays as history. See README, "Loading and validation".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DataError, IntegrityError

from etl.agencies import AgencyIds, ensure_agency, ensure_townships, find_agency
from etl.checkpoints import BackgroundCheckpoints
from etl.checks import check_across_years
from etl.consistency import CONSISTENCY_RULES, is_cross_year
from etl.db import connect
from etl.errors import InputNotFound
from etl.extract import read_file
from etl.fact_rows import Catalogue, insert_staged, stage_rows, staged_townships
from etl.faults import fault_point
from etl.lineage import (
    FileResult,
    RunStatus,
    RunTrigger,
    SourceFileRow,
    SourceStatus,
    find_source_file,
    find_source_files,
    finish_run,
    record_file,
    save_source_file,
    start_run,
    touch_source_file,
)
from etl.prepare import (
    PreparedFile,
    batches,
    digest_of,
    prepare_content,
    prepare_file,
    prepare_files,
    report_checks,
)
from etl.records import Extraction, Finding, Location
from etl.rules import finding
from etl.versions import add_report_version, reports_from_file
from etl.warehouse_facts import previous_report

#: The files `load_paths` picks up in a directory.
SPREADSHEET_SUFFIXES = (".xlsx", ".xls", ".csv")


#: Called after each file with how many are done, how many in all, and the file's result.
ProgressCallback = Callable[[int, int, FileResult], None]


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What one `load_paths` run did: its id and status, and each file's result."""

    run_id: int
    status: RunStatus
    files: tuple[FileResult, ...]

    @property
    def loaded(self) -> int:
        """Files whose figures were written."""
        return sum(1 for f in self.files if f.outcome == "loaded")

    @property
    def unchanged(self) -> int:
        """Files whose content was loaded before."""
        return sum(1 for f in self.files if f.outcome == "unchanged")

    @property
    def rejected(self) -> int:
        """Files that wrote nothing because of errors."""
        return sum(1 for f in self.files if f.outcome in ("rejected", "failed"))

    @property
    def figures_written(self) -> int:
        """Figures written by the run, over all files."""
        return sum(f.figures_written for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 when every file loaded or was unchanged, 2 when some were rejected."""
        return 2 if self.rejected else 0


def read_extraction(
    path: Path, *, encoding: str | None = None, content: bytes | None = None
) -> Extraction:
    """Read a file (from `content`, its bytes, when given) with the readers of `etl.extract`
    (tests swap this for a stand-in)."""
    return read_file(path, encoding=encoding, content=content)


def _read(path: Path, encoding: str | None, content: bytes) -> Extraction:
    """`read_extraction` as `etl.prepare` calls it (by reference, also in worker processes)."""
    return read_extraction(path, encoding=encoding, content=content)


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


def validate_file(
    path: Path, *, engine: Engine | None = None, encoding: str | None = None
) -> list[Finding]:
    """Every finding about a file: reading, consistency, and, given the warehouse, the
    catalogue and last year's report. Writes nothing.
    """
    extraction = read_extraction(path, encoding=encoding)
    if engine is None:
        return validate_extraction(extraction)
    with connect(engine) as connection:
        return validate_extraction(extraction, connection)


def validate_paths(
    paths: Sequence[Path], *, engine: Engine | None = None, encoding: str | None = None
) -> list[tuple[Path, list[Finding]]]:
    """`validate_file` for every file given or found under the directories given."""
    return [
        (
            path,
            validate_file(
                path,
                engine=engine,
                encoding=encoding,
            ),
        )
        for path in collect_files(paths)
    ]


def validate_extraction(
    extraction: Extraction,
    connection: Connection | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> list[Finding]:
    """The findings of reading, plus those of the rules; with a connection, also the facts the
    warehouse cannot hold and the comparison with each body's previous-year report.
    """
    if connection is not None and catalogue is None:
        catalogue = Catalogue.load(connection)
    return _findings(extraction, report_checks(extraction, catalogue), connection)


def _findings(
    extraction: Extraction,
    checked: Sequence[Sequence[Finding]],
    connection: Connection | None,
) -> list[Finding]:
    """Reading findings, then per report its checks and, given the warehouse, its
    comparison with last year's report."""
    findings = list(extraction.findings)
    for report, found in zip(extraction.reports, checked, strict=True):
        findings += found
        if connection is not None and _compares_years(report.header.regime_code):
            agency_id = find_agency(connection, report.header)
            if agency_id is not None:
                previous = previous_report(connection, agency_id, report.header.year)
                findings += check_across_years(report, previous)
    if not extraction.reports and not extraction.errors:
        findings.append(
            finding(
                "load.no_report",
                Location(extraction.path.name),
                "the file holds no report",
                expected="a report: a body, a year and its figures",
            )
        )
    return findings


@cache
def _compares_years(regime_code: str) -> bool:
    """Whether a cross-year rule applies to the regime (else last year's report is not read)."""
    return any(
        is_cross_year(rule) and rule.regime_code in (None, regime_code)
        for rule in CONSISTENCY_RULES
    )


def load_paths(
    engine: Engine,
    paths: Sequence[Path],
    *,
    trigger: RunTrigger = "load",
    progress: ProgressCallback | None = None,
    encoding: str | None = None,
    command: str | None = None,
    jobs: int = 1,
) -> LoadSummary:
    """Load files and the spreadsheets under directories, as one run (`etl_runs`).

    With `jobs` > 1, files are read and checked in that many worker processes; this process
    writes them one transaction per file, in the order of `collect_files`, so the warehouse
    ends the same whatever `jobs` is. A run that breaks off (a bug, a lost database) is
    recorded as failed with its error, and the error propagates; files loaded before it stay
    loaded. On SQLite, the WAL is checkpointed in a thread meanwhile (`etl.checkpoints`).
    """
    files = collect_files(paths)
    run_id = start_run(engine, trigger=trigger, command=command)
    results: list[FileResult] = []
    try:
        with BackgroundCheckpoints(engine) as checkpoints:
            for result in _load_files(engine, files, run_id, encoding, jobs):
                results.append(result)
                if result.outcome != "unchanged":  # (an unchanged file writes a row or two)
                    checkpoints.written()
                if progress is not None:
                    progress(len(results), len(files), result)
    except BaseException as exc:
        with suppress(Exception):  # the error that stopped the run matters more than this one
            finish_run(engine, run_id, results, error=f"{type(exc).__name__}: {exc}")
        raise
    return LoadSummary(run_id, finish_run(engine, run_id, results), tuple(results))


def _load_files(
    engine: Engine, files: list[Path], run_id: int, encoding: str | None, jobs: int
) -> Iterator[FileResult]:
    """Each file's result, in order. Content loaded before is recorded as unchanged without
    being read; only the other files are prepared (with `jobs` > 1, in worker processes)."""
    agencies = AgencyIds()  # the run's: files after the first need not look bodies up again
    with connect(engine) as connection:
        catalogue = Catalogue.load(connection)
    if jobs > 1:
        yield from _load_with_workers(engine, files, run_id, encoding, jobs, catalogue, agencies)
        return
    # One process: a batch of files at a time, each file's bytes read and hashed once. The new
    # files of a batch are all read and checked, then all written: each stage's code and data
    # stay in the processor's caches from one file to the next (5-8% faster than file by file).
    unchanged = _Unchanged(engine, run_id)
    for batch in batches(files, BATCH):
        contents = [path.read_bytes() for path in batch]
        digests = [digest_of(content) for content in contents]
        rows = _loaded_before(engine, digests)
        new = zip(batch, contents, digests, rows, strict=True)
        prepared = _prepare_batch(
            [(path, content, digest) for path, content, digest, row in new if row is None],
            encoding,
            catalogue,
        )
        for path, digest, row in zip(batch, digests, rows, strict=True):
            if row is None:
                yield from unchanged.recorded()  # in order: the files before it first
                ready = next(prepared)
                if isinstance(ready, Exception):
                    raise ready  # in its turn: the files before it are written
                yield load_prepared(
                    engine, ready, run_id=run_id, catalogue=catalogue, agencies=agencies
                )
                continue
            yield from unchanged.add(path, digest, row)
    yield from unchanged.recorded()


#: Files a one-process load holds at once: looked up together among those loaded before, then
#: read and checked together, then written one transaction each.
BATCH = 16


class _Unchanged:
    """Files whose content was loaded before, recorded `BATCH` at a time in one transaction:
    their run rows (and the time each was last seen) are all they write, and a transaction
    each made a no-op rerun commit once per file. The loops take `recorded` before each file
    they write, so results keep the order of the files."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        self._engine = engine
        self._run_id = run_id
        self._held: list[tuple[Path, str, SourceFileRow]] = []

    def add(self, path: Path, digest: str, row: SourceFileRow) -> list[FileResult]:
        """Hold a file; the results of those held, once there are `BATCH` of them."""
        self._held.append((path, digest, row))
        return self.recorded() if len(self._held) >= BATCH else []

    def recorded(self) -> list[FileResult]:
        """Record the files held, in one transaction; their results, in order."""
        if not self._held:
            return []
        with connect(self._engine) as connection, connection.begin():
            done = [_unchanged(connection, self._run_id, *held) for held in self._held]
        self._held.clear()
        return done


def _prepare_batch(
    files: list[tuple[Path, bytes, str]], encoding: str | None, catalogue: Catalogue
) -> Iterator[PreparedFile | Exception]:
    """Each file prepared, in order; a file that breaks the reader gives its error, and no file
    after it is read."""
    done: list[PreparedFile | Exception] = []
    for path, content, digest in files:
        try:
            done.append(
                prepare_content(
                    path, content, digest, _read, encoding=encoding, catalogue=catalogue
                )
            )
        except Exception as exc:  # raised when its turn comes, after the files before it
            done.append(exc)
            break
    return iter(done)


def _loaded_before(engine: Engine, digests: list[str]) -> list[SourceFileRow | None]:
    """Per digest, the row of the same content loaded before; None for new content, and for
    content only ever rejected (it is read again)."""
    with connect(engine) as connection:
        known = find_source_files(connection, set(digests))
    rows = [known.get(digest) for digest in digests]
    return [row if row is not None and row.status != "rejected" else None for row in rows]


def _load_with_workers(
    engine: Engine,
    files: list[Path],
    run_id: int,
    encoding: str | None,
    jobs: int,
    catalogue: Catalogue,
    agencies: AgencyIds,
) -> Iterator[FileResult]:
    """`_load_files` in `jobs` processes (`prepare_files`): the workers are handed only the
    files not loaded before, as the prescan finds them, a batch at a time."""
    prescan = _Prescan(engine, files)
    prepared = prepare_files(
        prescan.new_paths(), _read, encoding=encoding, catalogue=catalogue, jobs=jobs
    )
    unchanged = _Unchanged(engine, run_id)
    for _ in files:
        path, digest, row = prescan.next_checked()
        if row is None:
            yield from unchanged.recorded()
            yield load_prepared(
                engine, next(prepared), run_id=run_id, catalogue=catalogue, agencies=agencies
            )
            continue
        yield from unchanged.add(path, digest, row)
    yield from unchanged.recorded()


class _Prescan:
    """The files of a run hashed and looked up among those loaded before, `BATCH` at a time,
    as far ahead as either reader needs: the workers, which take the new files (`new_paths`),
    or the writer, which takes every file in order (`next_checked`). The workers start on the
    first batch rather than after every file of the run has been hashed."""

    def __init__(self, engine: Engine, files: list[Path]) -> None:
        self._engine = engine
        self._batches = batches(files, BATCH)
        self._checked: deque[tuple[Path, str, SourceFileRow | None]] = deque()
        self._new: deque[Path] = deque()

    def _scan(self) -> bool:
        """Hash and look up the next batch; False when there is none."""
        batch = next(self._batches, None)
        if batch is None:
            return False
        digests = [digest_of(path.read_bytes()) for path in batch]
        rows = _loaded_before(self._engine, digests)
        for path, digest, row in zip(batch, digests, rows, strict=True):
            self._checked.append((path, digest, row))
            if row is None:
                self._new.append(path)
        return True

    def new_paths(self) -> Iterator[Path]:
        """The files not loaded before, in order."""
        while self._new or self._scan():
            while self._new:
                yield self._new.popleft()

    def next_checked(self) -> tuple[Path, str, SourceFileRow | None]:
        """The next file in order: its path, digest and the row of its content loaded before."""
        while not self._checked and self._scan():
            pass
        return self._checked.popleft()


def load_file(
    engine: Engine,
    path: Path,
    *,
    run_id: int,
    encoding: str | None = None,
    reload: bool = False,
    source_path: Path | None = None,
    catalogue: Catalogue | None = None,
    agencies: AgencyIds | None = None,
) -> FileResult:
    """Load one file in one transaction as part of run `run_id`, and record what became of it.

    With `reload` (a backfill), content loaded before is read and loaded again as the next
    version of its reports; if it now has errors, it is recorded as rejected in this run and
    the figures it loaded before stay. `source_path` is the path to record when `path` is a
    copy (a backfill reads the stored bytes from a temporary file). A run that loads many
    files one by one passes its `catalogue` and its cache of `agencies`, read once.
    """
    recorded = source_path or path
    digest = digest_of(path.read_bytes())
    with connect(engine) as connection, connection.begin():
        known = find_source_file(connection, digest)
        if known is not None and known.status != "rejected" and not reload:
            return _unchanged(connection, run_id, recorded, digest, known)
        if catalogue is None:
            catalogue = Catalogue.load(connection)
    prepared = prepare_file(path, _read, encoding=encoding, catalogue=catalogue)
    if source_path is not None:
        prepared = replace(prepared, path=source_path)
    return load_prepared(
        engine, prepared, run_id=run_id, catalogue=catalogue, reload=reload, agencies=agencies
    )


def load_prepared(
    engine: Engine,
    prepared: PreparedFile,
    *,
    run_id: int,
    catalogue: Catalogue,
    reload: bool = False,
    agencies: AgencyIds | None = None,
) -> FileResult:
    """Write a file read by `etl.prepare` in one transaction, after the checks that need the
    warehouse; content the warehouse holds by now is recorded as unchanged (unless `reload`).
    `agencies` is the run's cache of agency ids; it keeps only what this file's transaction
    committed."""
    findings: list[Finding] = []
    kept: SourceStatus = "rejected"
    ids = AgencyIds() if agencies is None else agencies
    try:
        with connect(engine) as connection, connection.begin():
            known = find_source_file(connection, prepared.digest)
            if known is not None and known.status != "rejected":
                if not reload:
                    return _unchanged(connection, run_id, prepared.path, prepared.digest, known)
                kept = known.status
            findings = _findings(prepared.extraction, prepared.report_findings, connection)
            result = _write(connection, run_id, prepared, findings, catalogue, kept, known, ids)
        ids.keep()  # committed
        return result
    except (IntegrityError, DataError) as exc:
        # The database refused a figure the rules let through; nothing of it was written.
        refusal = finding(
            "load.constraint_violated",
            Location(prepared.path.name),
            "the warehouse refused the figures: " + " ".join(str(exc.orig).split()),
            found=next(iter(str(exc.orig).splitlines()), None),
        )
        with connect(engine) as connection, connection.begin():
            return _reject(connection, run_id, prepared, [*findings, refusal], kept)
    finally:
        ids.drop()  # what a rolled-back transaction learnt is forgotten


def _unchanged(
    connection: Connection, run_id: int, path: Path, digest: str, known: SourceFileRow
) -> FileResult:
    touch_source_file(connection, known.source_file_id)
    return record_file(
        connection,
        run_id,
        path=path,
        outcome="unchanged",
        source_file_id=known.source_file_id,
        sha256=digest,
        report_ids=reports_from_file(connection, known.source_file_id),
        message="the same content was loaded before",
    )


def _write(
    connection: Connection,
    run_id: int,
    prepared: PreparedFile,
    findings: list[Finding],
    catalogue: Catalogue,
    rejected_status: SourceStatus = "rejected",
    known: SourceFileRow | Literal["look up"] | None = "look up",
    agencies: AgencyIds | None = None,
) -> FileResult:
    """Write the file's reports, or reject it; `known` is its `source_files` row as
    `find_source_file` found it in this transaction, `agencies` the run's agency ids."""
    extraction = prepared.extraction
    if any(f.severity == "error" for f in findings) or extraction.file_format is None:
        return _reject(connection, run_id, prepared, findings, rejected_status, known)
    first = extraction.reports[0].header
    source_file_id = save_source_file(
        connection,
        path=prepared.path,
        sha256=prepared.digest,
        file_format=extraction.file_format,
        content=prepared.content,
        status="loaded",
        report_year=first.year,
        agency_name=first.agency_name,
        known=known,
    )
    report_ids = []
    written = 0
    ids = AgencyIds() if agencies is None else agencies
    staged = prepared.staged or (None,) * len(extraction.reports)
    for report, tables in zip(extraction.reports, staged, strict=True):
        agency_id = ensure_agency(connection, report.header, ids)
        new_agency = agency_id in ids.created
        ids.created.discard(agency_id)  # its next report may have a version before it
        report_id = add_report_version(
            connection, agency_id, report.header, source_file_id, run_id, new_agency=new_agency
        )
        if tables is None:
            tables = stage_rows(catalogue, report)
        townships = ensure_townships(connection, agency_id, staged_townships(tables), ids)
        for table in tables:
            rows = table.fill(report_id, townships)
            insert_staged(connection, table, rows)  # one executemany per fact table
            written += len(rows)
            fault_point("fact_insert", prepared.path.name)  # crash tests; etl/faults.py
        report_ids.append(report_id)
    return record_file(
        connection,
        run_id,
        path=prepared.path,
        outcome="loaded",
        source_file_id=source_file_id,
        sha256=prepared.digest,
        report_ids=report_ids,
        figures_written=written,
        findings=findings,
    )


def _reject(
    connection: Connection,
    run_id: int,
    prepared: PreparedFile,
    findings: list[Finding],
    status: SourceStatus = "rejected",
    known: SourceFileRow | Literal["look up"] | None = "look up",
) -> FileResult:
    """Record a file that writes no figures; `status` keeps a reloaded file's earlier status
    (its figures stay)."""
    extraction, path, digest = prepared.extraction, prepared.path, prepared.digest
    errors = [f for f in findings if f.severity == "error"]
    message = f"{len(errors)} error(s), the first: {errors[0]}" if errors else None
    if status != "rejected" and message is not None:
        message += "; the figures it loaded before stay"
    source_file_id = None
    if extraction.file_format is not None:  # only spreadsheets are kept
        first = extraction.reports[0].header if extraction.reports else None
        source_file_id = save_source_file(
            connection,
            path=path,
            sha256=digest,
            file_format=extraction.file_format,
            content=prepared.content,
            status=status,
            report_year=None if first is None else first.year,
            agency_name=None if first is None else first.agency_name,
            error=message,
            known=known,
        )
    return record_file(
        connection,
        run_id,
        path=path,
        outcome="rejected",
        source_file_id=source_file_id,
        sha256=digest,
        findings=findings,
        message=message,
    )
