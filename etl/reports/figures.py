"""Every figure the warehouse holds for a body's current reports, with where it came from:
`ogi show`, read from `rpt_figures_long` as any analyst's query of the view reads it.

A figure's dimensions are named as the readers name them (`channel_code=website`, a township
by its name: `township=赵棚镇`); figures come in fact-table and file order, as a report's
cells were read.
"""

from __future__ import annotations

from sqlalchemy import Engine, text

from etl.db import read
from etl.load.fact_rows import FACT_MODELS, TOWNSHIP_DIM, dim_columns
from etl.records import Location
from etl.reports.agencies import find_agency
from etl.reports.named import YearRange, no_report, years_text
from etl.reports.result import ReportTable
from etl.values import plain_value

#: The columns of `ogi show` (its JSON keys).
FIGURE_COLUMNS = [
    "year",
    "measure_code",
    "label_zh",
    "dims",
    "value",
    "qualifier",
    "unit",
    "source",
]

_FIGURES = """SELECT year, measure_code, label_zh, fact_table, fact_id, dim1_code, dim2_code,
       value, value_qualifier, unit_code, source_file, source_sheet, source_cell
FROM rpt_figures_long WHERE agency_id = :agency_id AND year BETWEEN :first AND :last"""

#: Fact tables in the order the readers fill them.
_TABLE_ORDER = {name: i for i, name in enumerate(FACT_MODELS)}


def report_figures(engine: Engine, agency: str, years: YearRange) -> ReportTable:
    """The figures of body `agency`'s current reports of `years` (see `find_agency`)."""
    with read(engine) as connection:
        body = find_agency(connection, agency)
        first, last = years
        rows = connection.execute(
            text(_FIGURES), {"agency_id": body.agency_id, "first": first, "last": last}
        ).all()
        if not rows:
            raise no_report(connection, body, years)
    ordered = sorted(rows, key=lambda r: (r.year, _TABLE_ORDER[r.fact_table], int(r.fact_id)))
    return ReportTable(
        title=f"{body.path} {years_text(years)}",
        columns=FIGURE_COLUMNS,
        rows=[
            (
                int(r.year),
                r.measure_code,
                r.label_zh,
                _dims(r.fact_table, (r.dim1_code, r.dim2_code)),
                plain_value(r.value),
                r.value_qualifier,
                r.unit_code,
                str(Location(r.source_file, r.source_sheet, r.source_cell or None)),
            )
            for r in ordered
        ],
    )


def _dims(fact_table: str, codes: tuple[str | None, str | None]) -> dict[str, str]:
    """The dimensions by the fact table's column names; the view gives a township's name."""
    return {
        TOWNSHIP_DIM if column == "township_agency_id" else column: code
        for column, code in zip(dim_columns(fact_table), codes, strict=False)
        if code is not None
    }
