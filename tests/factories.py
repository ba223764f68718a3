"""A fixture factory: bodies, reports and facts inserted with SQLAlchemy Core, as the loader would.

`Warehouse` writes the rows a load writes (an agency, a source file, a report version, facts
with their sheet and cell) so that views and reports can be tested before and apart from the
readers. `insert_anlu_2017` stores the real figures of the Anlu 2017 report (see the domain
README); anything else built with the factory in tests is synthetic and named so (合成...).
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from facts import ANLU_RECIPIENTS, ANLU_TOWNSHIPS
from sqlalchemy import Connection, insert, select, update

from models import metadata

#: Dimension keyword -> column of the fact table that holds it.
_DIM_COLUMNS = {
    "publisher": "publisher_group_code",
    "channel": "channel_code",
    "category": "category_code",
    "township": "township_agency_id",
    "programme": "programme_code",
    "relief_category": "relief_category_code",
    "row": "request_row_code",
    "applicant": "applicant_type_code",
    "block": "block_code",
    "result": "result_code",
    "table_row": "table_row_code",
    "table_column": "table_column_code",
}

_AMOUNT_TABLES = {
    "figures",
    "proactive_channel_figures",
    "proactive_category_counts",
    "proactive_table_figures",
}


class Warehouse:
    """Writes bodies, reports and facts into a migrated warehouse, one connection, no commit."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        measures = metadata.tables["measures"]
        self._measures = {
            code: (fact_table, unit)
            for code, fact_table, unit in connection.execute(
                select(measures.c.measure_code, measures.c.fact_table, measures.c.unit_code)
            )
        }
        self._cells: dict[int, int] = {}
        self._report_agency: dict[int, int] = {}

    def agency(
        self,
        name: str,
        level: str = "county",
        parent: int | None = None,
        division_code: str | None = None,
    ) -> int:
        """The id of body `name` under `parent`, created if missing."""
        agencies = metadata.tables["agencies"]
        parent_match = (
            agencies.c.parent_agency_id.is_(None)
            if parent is None
            else agencies.c.parent_agency_id == parent
        )
        found = self.connection.execute(
            select(agencies.c.agency_id).where(agencies.c.name == name, parent_match)
        ).scalar_one_or_none()
        if found is not None:
            return int(found)
        return int(
            self.connection.execute(
                insert(agencies)
                .values(
                    name=name,
                    level_code=level,
                    parent_agency_id=parent,
                    division_code=division_code,
                )
                .returning(agencies.c.agency_id)
            ).scalar_one()
        )

    def report(
        self,
        agency_id: int,
        year: int,
        regime: str = "pre2019",
        *,
        file_name: str,
        published_on: date | None = None,
        version: int = 1,
    ) -> int:
        """A new current report version (earlier versions of the body and year are superseded)."""
        source_files = metadata.tables["source_files"]
        reports = metadata.tables["reports"]
        digest = hashlib.sha256(f"{file_name}|{agency_id}|{year}|{version}".encode()).hexdigest()
        source_file_id = self.connection.execute(
            insert(source_files)
            .values(
                sha256=digest,
                file_name=file_name,
                original_path=f"inbox/{file_name}",
                file_format=file_name.rsplit(".", 1)[-1],
                size_bytes=0,
                status="loaded",
                report_year=year,
            )
            .returning(source_files.c.source_file_id)
        ).scalar_one()
        self.connection.execute(
            update(reports)
            .where(reports.c.agency_id == agency_id, reports.c.year == year)
            .values(is_current=False)
        )
        report_id = int(
            self.connection.execute(
                insert(reports)
                .values(
                    agency_id=agency_id,
                    year=year,
                    regime_code=regime,
                    published_on=published_on,
                    version=version,
                    is_current=True,
                    source_file_id=source_file_id,
                )
                .returning(reports.c.report_id)
            ).scalar_one()
        )
        self._report_agency[report_id] = agency_id
        return report_id

    def fact(
        self,
        report_id: int,
        measure_code: str,
        value: int | str | Decimal,
        *,
        unit: str | None = None,
        qualifier: str = "exact",
        sheet: str | None = "统计表",
        **dims: str,
    ) -> None:
        """One fact into the table the measure catalogue names; townships are given by name."""
        fact_table, measure_unit = self._measures[measure_code]
        table = metadata.tables[fact_table]
        self._cells[report_id] = self._cells.get(report_id, 1) + 1
        row: dict[str, Any] = {
            "report_id": report_id,
            "measure_code": measure_code,
            "value": Decimal(str(value)) if fact_table in _AMOUNT_TABLES else int(value),
            "value_qualifier": qualifier,
            "source_sheet": sheet,
            "source_cell": f"C{self._cells[report_id]}",
            "source_text": str(value),
        }
        if fact_table in _AMOUNT_TABLES:
            row["unit_code"] = unit or measure_unit
        for key, code in dims.items():
            if key == "township":
                township = self.agency(code, "township", parent=self._report_agency[report_id])
                row["township_agency_id"] = township
            else:
                row[_DIM_COLUMNS[key]] = code
        self.connection.execute(insert(table).values(**row))


def insert_anlu_2017(warehouse: Warehouse, *, file_name: str = "anlu-2017.xlsx") -> int:
    """The real figures of 安陆市2017年政府信息公开工作年度报告, stored as the loader stores them.

    Returns the report id. Units follow the report: 条, 项, 家, 万元, 人次/户次, 件, 元, %.
    """
    w = warehouse
    xiaogan = w.agency("孝感市", "prefecture")
    anlu = w.agency("安陆市", "county", parent=xiaogan, division_code="420982")
    r = w.report(anlu, 2017, "pre2019", file_name=file_name, published_on=date(2018, 1, 17))

    w.fact(r, "proactive.total", 8052, unit="条")
    w.fact(r, "proactive.by_publisher", 1383, publisher="townships")
    w.fact(r, "proactive.by_publisher", 6669, publisher="departments")
    w.fact(r, "proactive.by_channel", 7136, unit="条", channel="website")
    w.fact(r, "proactive.by_channel", 582, unit="条", channel="new_media")
    w.fact(r, "proactive.channel_share_pct", "88.6", unit="%", channel="website")
    w.fact(r, "proactive.channel_share_pct", "7.2", unit="%", channel="new_media")
    w.fact(r, "proactive.by_category", 2980, unit="条", category="common_work")
    w.fact(r, "proactive.by_category", 10, unit="期", category="audit_reports")

    w.fact(r, "rights.items_total", 1157, unit="项")
    w.fact(r, "rights.townships", 15, unit="个")
    for township, items in ANLU_TOWNSHIPS:
        w.fact(r, "rights.items_by_township", items, township=township)

    w.fact(r, "fiscal.budget_units", 74, unit="家")
    w.fact(r, "fiscal.budget_disclosure_rate_pct", 100, unit="%")
    w.fact(r, "fiscal.special_funds_required", 64, unit="项")
    w.fact(r, "fiscal.special_funds_allocated", 48, unit="项")
    w.fact(r, "fiscal.special_funds_allocated_amount", 89693, unit="万元")
    w.fact(r, "fiscal.special_funds_disclosed", 48, unit="项")
    w.fact(r, "fiscal.special_funds_disclosed_pct", 100, unit="%")
    w.fact(r, "fiscal.special_funds_disclosed_amount", 89693, unit="万元")
    w.fact(r, "fiscal.special_funds_disclosed_amount_pct", 100, unit="%")

    w.fact(r, "relief.disclosures", 11, unit="条")
    w.fact(r, "relief.recipients_total", 217284, unit="人(户)次")
    for programme, recipients in ANLU_RECIPIENTS:
        w.fact(r, "relief.recipients", recipients, programme=programme)
    for category, policies in [
        ("social_assistance", 2),
        ("living_security", 2),
        ("special_care", 3),
        ("emergency_platform", 25),
    ]:
        w.fact(r, "relief.policies", policies, relief_category=category)

    for row, requests in [
        ("legacy.received", 11),
        ("legacy.replies", 11),
        ("legacy.replies.already_public", 2),
        ("legacy.replies.granted", 6),
        ("legacy.replies.not_this_agency", 3),
    ]:
        w.fact(r, "requests.count", requests, row=row, applicant="total")
    w.fact(r, "requests.response_rate_pct", 100, unit="%")
    w.fact(r, "fees.charged_amount", 0, unit="元")
    w.fact(r, "review.count", 1, block="complaint", result="total")
    w.fact(r, "review.count", 0, block="review", result="total")
    w.fact(r, "review.count", 0, block="litigation", result="total")
    return r
