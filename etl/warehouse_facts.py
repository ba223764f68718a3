"""Read a stored report back as the records readers produce: a header and its `Fact`s.

The cross-year rules compare a file with the body's report of the previous year, and `ogi show`
lists a report's figures; both read the warehouse through here. Each fact keeps its lineage:
the location is the source file's name with the stored sheet and cell.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Connection, select

from etl.load.fact_rows import FACT_MODELS, TOWNSHIP_DIM, dim_columns, fact_table
from etl.records import Dims, ExtractedReport, Fact, Location, ParsedValue, ReportHeader
from models.agencies import Agency, Report
from models.lineage import SourceFile


def current_report_id(connection: Connection, agency_id: int, year: int) -> int | None:
    """The current version of a body's report for a year, if the warehouse holds one."""
    return connection.execute(
        select(Report.report_id).where(
            Report.agency_id == agency_id, Report.year == year, Report.is_current.is_(True)
        )
    ).scalar_one_or_none()


def read_report(connection: Connection, report_id: int) -> ExtractedReport:
    """A stored report version with every fact it holds, in fact-table and load order."""
    header_row = connection.execute(
        select(
            Agency.agency_id,
            Agency.name,
            Agency.level_code,
            Report.year,
            Report.regime_code,
            SourceFile.file_name,
        )
        .join(Agency, Agency.agency_id == Report.agency_id)
        .join(SourceFile, SourceFile.source_file_id == Report.source_file_id)
        .where(Report.report_id == report_id)
    ).one()
    header = ReportHeader(
        agency_name=header_row.name,
        year=header_row.year,
        regime_code=header_row.regime_code,
        level_code=header_row.level_code,
    )
    file_name = header_row.file_name
    townships = {
        agency_id: name
        for agency_id, name in connection.execute(
            select(Agency.agency_id, Agency.name).where(
                Agency.parent_agency_id == header_row.agency_id
            )
        )
    }
    facts = []
    for table_name in FACT_MODELS:
        table = fact_table(table_name)
        dims = dim_columns(table_name)
        has_unit = "unit_code" in table.columns
        rows = connection.execute(
            select(table).where(table.c.report_id == report_id).order_by(table.c.fact_id)
        ).mappings()
        for row in rows:
            fact_dims: Dims = tuple(
                (TOWNSHIP_DIM, townships[row[d]]) if d == "township_agency_id" else (d, row[d])
                for d in dims
            )
            facts.append(
                Fact(
                    measure_code=row["measure_code"],
                    dims=fact_dims,
                    value=ParsedValue(
                        Decimal(row["value"]), row["value_qualifier"], row["source_text"]
                    ),
                    location=Location(file_name, row["source_sheet"], row["source_cell"] or None),
                    unit_code=row["unit_code"] if has_unit else None,
                )
            )
    return ExtractedReport(header, facts)


def previous_report(connection: Connection, agency_id: int, year: int) -> ExtractedReport | None:
    """The body's current report of the year before `year`, if the warehouse holds one."""
    report_id = current_report_id(connection, agency_id, year - 1)
    return None if report_id is None else read_report(connection, report_id)
