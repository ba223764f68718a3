"""Every finding about a file, without writing anything: reading, the rules, and, given the
warehouse, the catalogue and each body's report of the year before. Files are read as a run
reads them (`etl.load.prepare.prepare_files`: screened here, read in a reader process), so a
hostile file is a finding, not the end of `ogi validate`."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, Engine

from etl.bodies.resolve import Identity, identify
from etl.checks import check_across_years
from etl.consistency import CONSISTENCY_RULES, is_cross_year
from etl.db import connect
from etl.errors import InputNotFound
from etl.load.fact_rows import Catalogue
from etl.load.prepare import digest_of, prepare_files, read_extraction, report_checks
from etl.load.sandbox import ReadFailure
from etl.records import Extraction, Finding, Location
from etl.rules import finding
from etl.runs.sources import list_files, read_content
from etl.warehouse_facts import previous_report


def validate_file(
    path: Path, *, engine: Engine | None = None, encoding: str | None = None
) -> list[Finding]:
    """Every finding about a file: reading, consistency, and, given the warehouse, the
    catalogue and last year's report. Writes nothing.
    """
    [(_, findings)] = validate_paths([path], engine=engine, encoding=encoding)
    return findings


def validate_paths(
    paths: Sequence[Path], *, engine: Engine | None = None, encoding: str | None = None
) -> list[tuple[Path, list[Finding]]]:
    """`validate_file` for every file given or found under the directories given, each with
    the path it is shown by (`etl.runs.sources.SourceItem.shown`)."""
    items = list_files(paths)
    contents: list[bytes | Finding] = []
    for item in items:
        try:
            contents.append(read_content(item))
        except OSError as exc:
            raise InputNotFound(f"{item.shown}: {exc.strerror or exc}") from exc
    jobs = [
        (item.shown, content, digest_of(content))
        for item, content in zip(items, contents, strict=True)
        if isinstance(content, bytes)
    ]
    with ExitStack() as stack:
        connection = None if engine is None else stack.enter_context(connect(engine))
        catalogue = None if connection is None else Catalogue.load(connection)
        prepared = prepare_files(jobs, read_extraction, encoding=encoding, catalogue=catalogue)
        results = []
        for item, content in zip(items, contents, strict=True):
            if isinstance(content, Finding):
                results.append((item.shown, [content]))
                continue
            found = next(prepared)
            if isinstance(found, ReadFailure):
                results.append((item.shown, [found.finding]))
            elif isinstance(found, Exception):
                raise found  # a bug of ours: its traceback
            else:
                checked = found.report_findings
                results.append((item.shown, file_findings(found.extraction, checked, connection)))
        return results


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
    return file_findings(extraction, report_checks(extraction, catalogue), connection)


def file_findings(
    extraction: Extraction,
    checked: Sequence[Sequence[Finding]],
    connection: Connection | None,
    identities: list[Identity] | None = None,
) -> list[Finding]:
    """Reading findings, then per report its checks (`checked`) and, given the warehouse, the
    findings of finding its body (`etl.bodies.resolve.identify`: appended to `identities`
    when given) and its comparison with last year's report."""
    findings = list(extraction.findings)
    for report, found in zip(extraction.reports, checked, strict=True):
        findings += found
        if connection is None:
            continue
        identity = identify(connection, report.header)
        if identities is not None:
            identities.append(identity)
        findings += identity.findings
        if identity.agency_id is not None and _compares_years(report.header.regime_code):
            previous = previous_report(connection, identity.agency_id, report.header.year)
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
