"""Report versions: a body's report for a year is replaced by a new version, never overwritten.

The previous version stays, `is_current` false with `superseded_at` set, and a file none of
whose reports is current any more becomes `superseded`; the database allows one current
version per body and year.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import Connection, bindparam, func, insert, select, update

from etl.db import DriverStatement, table_of
from etl.load.lineage import set_source_status
from etl.records import ReportHeader
from models.agencies import Report
from models.base import utc_now


def add_report_version(
    connection: Connection,
    agency_id: int,
    header: ReportHeader,
    source_file_id: int,
    run_id: int,
    *,
    new_agency: bool = False,
) -> int:
    """Add the next version of the body's report for the year, superseding the current one.

    `new_agency`: the body was created in this transaction and has no reports to look up.
    """
    now = utc_now()
    versions = (
        []
        if new_agency
        else [
            _Version(*row)
            for row in _VERSIONS.rows(connection, {"agency_id": agency_id, "year": header.year})
        ]
    )  # one query for both the current version and the last number
    current = next((v for v in versions if v.is_current), None)
    if current is not None:
        connection.execute(
            update(Report)
            .where(Report.report_id == current.report_id)
            .values(is_current=False, superseded_at=now)
        )
        still_current = connection.execute(
            select(func.count())
            .select_from(Report)
            .where(Report.source_file_id == current.source_file_id, Report.is_current.is_(True))
        ).scalar_one()
        if not still_current and current.source_file_id != source_file_id:
            set_source_status(connection, current.source_file_id, "superseded")
    last = max((v.version for v in versions), default=0)
    inserted = _INSERT_REPORT.rows(
        connection,
        {
            "agency_id": agency_id,
            "year": header.year,
            "regime_code": header.regime_code,
            "published_on": header.published_on,
            "version": last + 1,
            "is_current": True,
            "source_file_id": source_file_id,
            "run_id": run_id,
            "loaded_at": now,
        },
    )
    return int(inserted[0][0])


class _Version(NamedTuple):
    report_id: int
    source_file_id: int
    version: int
    is_current: bool  # 0 or 1 on SQLite


# Built once: the loader runs them for every report (on SQLite, on the driver: DriverStatement).
_VERSIONS = DriverStatement(
    select(Report.report_id, Report.source_file_id, Report.version, Report.is_current).where(
        Report.agency_id == bindparam("agency_id"), Report.year == bindparam("year")
    )
)
_INSERT_REPORT = DriverStatement(insert(table_of(Report)).returning(Report.report_id))


def reports_from_file(connection: Connection, source_file_id: int) -> list[int]:
    """The reports a file holds, current versions first."""
    return list(
        connection.execute(
            select(Report.report_id)
            .where(Report.source_file_id == source_file_id)
            .order_by(Report.is_current.desc(), Report.report_id)
        ).scalars()
    )
