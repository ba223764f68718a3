"""Every figure the warehouse holds for a body's current report, with where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import aliased

from etl.db import connect
from etl.errors import AmbiguousName, NotFound
from etl.load.fact_rows import Catalogue
from etl.records import Dims
from etl.warehouse_facts import current_report_id, read_report
from models.agencies import Agency, Report


@dataclass(frozen=True, slots=True)
class ShownFigure:
    """One stored figure: measure, label, dimensions, value, qualifier, unit and source cell."""

    measure_code: str
    label_zh: str
    dims: Dims
    value: Decimal
    qualifier: str
    unit_code: str | None
    source: str


def report_figures(
    engine: Engine, agency: str, year: int, *, parent: str | None = None
) -> list[ShownFigure]:
    """The figures of `agency`'s current report for `year`, in fact-table and file order.

    `parent` names the body's parent where two bodies share a name (two counties' 城关镇).
    """
    with connect(engine) as connection:
        agency_id = _find_agency(connection, agency, parent)
        report_id = current_report_id(connection, agency_id, year)
        if report_id is None:
            years = connection.execute(
                select(Report.year)
                .where(Report.agency_id == agency_id, Report.is_current.is_(True))
                .order_by(Report.year)
            ).scalars()
            held = ", ".join(str(y) for y in years) or "none"
            raise NotFound(f"{agency} has no report for {year} in the warehouse (years: {held})")
        catalogue = Catalogue.load(connection)
        report = read_report(connection, report_id)
    return [
        ShownFigure(
            measure_code=fact.measure_code,
            label_zh=catalogue.measures[fact.measure_code].label_zh,
            dims=fact.dims,
            value=fact.value.value,
            qualifier=fact.value.qualifier,
            unit_code=catalogue.unit_for(fact),
            source=str(fact.location),
        )
        for fact in report.facts
    ]


def _find_agency(connection: Connection, name: str, parent: str | None) -> int:
    parents = aliased(Agency)
    query = (
        select(Agency.agency_id, parents.name.label("parent_name"))
        .outerjoin(parents, parents.agency_id == Agency.parent_agency_id)
        .where(Agency.name == name)
        .order_by(Agency.agency_id)
    )
    if parent is not None:
        query = query.where(parents.name == parent)
    found = connection.execute(query).all()
    if not found:
        under = f" under {parent}" if parent else ""
        raise NotFound(f"no body named {name}{under} in the warehouse")
    if len(found) > 1:
        listed = ", ".join(f"{name} under {row.parent_name or 'nothing'}" for row in found)
        raise AmbiguousName(f"{len(found)} bodies are named {name} ({listed}): give --parent")
    return int(found[0].agency_id)
