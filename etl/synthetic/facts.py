"""Synthetic reports as the records a reader produces, for building warehouses without files.

The query benchmarks need 10,000 or 100,000 reports in the warehouse; writing and reading that
many workbooks would measure the loader again. `synthetic_report` gives the same figures the
generator writes (a clean report, no notations) as an `ExtractedReport`, for a bulk insert.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date

from etl.layouts import RepeatingList, get_layout
from etl.layouts.header import regime_of_year
from etl.parse import parse_value
from etl.records import ExtractedReport, Fact, Location, ReportHeader
from etl.synthetic.bodies import Body
from etl.synthetic.figures import figure_generator
from etl.synthetic.write import cell_values, header_values, unit_of


def synthetic_report(body: Body, year: int, seed: int, source: str) -> ExtractedReport:
    """The clean report `generate` would write for `body` and `year`, read back as facts.

    Each fact's location is `source` alone: no sheet, no cell.
    """
    regime = regime_of_year(year)
    layout = get_layout(regime)
    rng = random.Random(f"{seed}/{body.code}/{year}")
    header = header_values(body, year, regime, rng)
    values = figure_generator(regime)(body, year, seed)
    facts = []
    for cell, value in cell_values(layout, values):
        if isinstance(cell, RepeatingList):
            assert isinstance(value, Mapping)
            pairs = [(cell.item(name), figure, cell.unit) for name, figure in value.items()]
        else:
            pairs = [(cell, value, unit_of(layout, values, cell))]
        for item, figure, unit in pairs:
            parsed = parse_value(figure, value_kind=item.value_kind, unit=unit)
            if parsed is not None:
                facts.append(Fact(item.measure_code, item.dims, parsed, Location(source), unit))
    published = header["header.published_on"]
    assert isinstance(published, date)
    return ExtractedReport(
        ReportHeader(
            agency_name=body.name,
            year=year,
            regime_code=regime,
            level_code=body.level_code,
            parent_agency_name=body.parent_name,
            division_code=body.division_code,
            published_on=published,
        ),
        facts,
    )
